"""``maildns diff --json-out FILE``: one review, read by people (stdout) and by a gate (the file)."""

from __future__ import annotations

import pytest

from maildns.cli import main
from tests.cli.test_diff import stack, txt, write


@pytest.fixture
def sides(tmp_path):
    """login.gov's SPF loosened from -all to ~all: a high flag."""
    for side, value in (("old", "v=spf1 -all"), ("new", "v=spf1 ~all")):
        write(tmp_path / side, {"example-gov": stack(spf=txt("example.gov", value))})
    return str(tmp_path / "old"), str(tmp_path / "new")


def test_the_file_holds_what_format_json_prints(sides, tmp_path, capsys):
    assert main(["diff", *sides, "--format", "json"]) == 0
    expected = capsys.readouterr().out
    out = tmp_path / "review.json"
    assert main(["diff", *sides, "--format", "markdown", "--json-out", str(out), "--fail-on", "high"]) == 3
    assert out.read_text() == expected
    assert capsys.readouterr().out.startswith("**maildns diff: 1 domain changed: 1 high**")


def test_a_file_that_cannot_be_written_is_a_usage_error_and_nothing_is_printed(sides, tmp_path, capsys):
    missing = tmp_path / "no-such-folder" / "review.json"
    assert main(["diff", *sides, "--json-out", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"maildns diff: --json-out: cannot write {missing}: No such file or directory\n"
