"""``maildns diff REV HEAD`` reviews HEAD as committed: uncommitted edits to what is synthesized are
named in a note, so "no changes" cannot hide them."""

from __future__ import annotations

from pathlib import Path

import pytest

from maildns.review.sides import uncommitted
from tests.cli.test_diff_git import commit, git


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    commit(root, {"config/example.gov.yaml": "domain: example.gov\n", "README.md": "x\n"}, "base")
    monkeypatch.chdir(root)
    return root


def test_a_clean_tree_has_no_note(repo: Path):
    assert uncommitted("HEAD") is None


def test_an_uncommitted_config_edit_is_named(repo: Path):
    (repo / "config" / "example.gov.yaml").write_text("domain: example.gov\nttl: 300\n")
    (repo / "config" / "new.gov.yaml").write_text("domain: new.gov\n")
    assert uncommitted("HEAD") == (
        "note: 2 uncommitted changes (config/example.gov.yaml, config/new.gov.yaml) are not in HEAD, which is reviewed as "
        "committed: commit them, or run maildns synth and pass cdktf.out as NEW"
    )


def test_edits_outside_the_synth_inputs_and_a_folder_as_head_have_no_note(repo: Path):
    (repo / "README.md").write_text("y\n")
    assert uncommitted("HEAD") is None
    (repo / "config" / "example.gov.yaml").write_text("domain: example.gov\nttl: 300\n")
    (repo / "cdktf.out").mkdir()
    assert uncommitted("cdktf.out") is None  # the working tree's own synth output
