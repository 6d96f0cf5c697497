"""The progress bar: drawn on a terminal for many domains, absent from logs and pipes."""

from __future__ import annotations

import io

import pytest

from maildns.cli import main
from maildns.progress import PROGRESS_MIN, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "total", "drawn"),
    [(Terminal(), PROGRESS_MIN, True), (Terminal(), PROGRESS_MIN - 1, False), (io.StringIO(), 1000, False)],
    ids=["a terminal, many domains", "a terminal, a few domains", "a log or pipe"],
)
def test_bar_only_on_a_terminal_for_many(stream, total, drawn, monkeypatch):
    # A terminal that can draw: rich draws no live bar on TERM=dumb, and the suite runs with that.
    monkeypatch.setenv("TERM", "xterm-256color")
    with progress(total, "validating", stream) as advance:
        for _ in range(total):
            advance(1)
    text = stream.getvalue()
    assert bool(text) is drawn
    if drawn:
        assert "validating" in text and f"{total}/{total}" in text


def test_validate_prints_nothing_extra_when_not_a_terminal(tmp_path, capsys):
    for i in range(PROGRESS_MIN + 5):
        (tmp_path / f"d{i}.example.yaml").write_text(f"domain: d{i}.example\nmail: none\n")
    assert main(["validate", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (f"{PROGRESS_MIN + 5} files checked: 0 errors, 0 warnings\n", "")
