"""``maildns stacks``: all stack names, or exactly those whose synthesized JSON changed since a revision.

Each case runs on a throwaway git repository holding maildns and a config folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from maildns.cli import main
from tests.synth.helpers import ROOT

DEFAULTS = "dmarc: {rua: [mailto:dmarc@a.example]}\n"
DOMAINS = {
    "a.example": "domain: a.example\nmx: [{host: mx.a.example, preference: 10}]\n",
    "b.example": "domain: b.example\nmx: [{host: mx.b.example, preference: 10}]\n",
    "p.example": "domain: p.example\nmail: none\n",
}


def git(repo: Path, *args: str) -> str:
    run = subprocess.run(
        ["git", "-c", "user.name=maildns", "-c", "user.email=maildns@example.invalid", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository whose first commit holds maildns, main.py and config/ with three domains."""
    shutil.copytree(ROOT / "maildns", tmp_path / "maildns", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "main.py", tmp_path / "main.py")
    config = tmp_path / "config"
    config.mkdir()
    (config / "_defaults.yaml").write_text(DEFAULTS)
    for name, text in DOMAINS.items():
        (config / f"{name}.yaml").write_text(text)
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "--quiet", "-m", "first")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def changed(capsys, *args: str) -> list[str]:
    assert main(["stacks", "--format", "json", "--changed-since", "HEAD", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_all_stacks_in_config_order(repo, capsys):
    assert main(["stacks"]) == 0
    assert capsys.readouterr().out == "a-example\nb-example\np-example\n"
    assert main(["stacks", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == ["a-example", "b-example", "p-example"]


def test_nothing_changed_lists_nothing(repo, capsys):
    (repo / "config" / "a.example.yaml").write_text("# a comment changes no output\n" + DOMAINS["a.example"])
    assert changed(capsys) == []
    assert main(["stacks", "--changed-since", "HEAD"]) == 0
    assert capsys.readouterr().out == ""
    assert "worktree" not in git(repo, "worktree", "list").split("\n", 1)[-1], "the temporary worktree is removed"
    assert len(git(repo, "worktree", "list").splitlines()) == 1


def test_one_domain_changed(repo, capsys):
    (repo / "config" / "b.example.yaml").write_text(DOMAINS["b.example"] + "ttl: 300\n")
    assert changed(capsys) == ["b-example"]


def test_defaults_change_selects_every_affected_stack(repo, capsys):
    """TLS-RPT from the defaults reaches the mail domains; a parked domain ignores it (RFC 8460 3)."""
    (repo / "config" / "_defaults.yaml").write_text(DEFAULTS + "tls_rpt: {rua: [mailto:tls@a.example]}\n")
    assert changed(capsys) == ["a-example", "b-example"]
    (repo / "config" / "_defaults.yaml").write_text(DEFAULTS + "ttl: 60\n")
    assert changed(capsys) == ["a-example", "b-example", "p-example"]


def test_a_new_domain_is_changed_and_a_removed_one_is_reported(repo, capsys):
    (repo / "config" / "c.example.yaml").write_text("domain: c.example\nmail: none\n")
    (repo / "config" / "p.example.yaml").unlink()
    assert main(["stacks", "--changed-since", "HEAD"]) == 0
    out, err = capsys.readouterr()
    # a.example authorises report senders it manages: p.example no longer sends, c.example now does.
    assert out.splitlines() == ["a-example", "c-example"]
    assert err == "maildns stacks: p-example is no longer configured; its resources stay until it is destroyed\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--changed-since", "no-such-rev"], "maildns stacks: --changed-since no-such-rev: no-such-rev: is not a git revision here"),
        (
            ["--changed-since", "HEAD", "config", "config/a.example.yaml"],
            "maildns stacks: --changed-since compares the repository's config/ folder: name one PATH",
        ),
        (
            ["--changed-since", "HEAD", "config/a.example.yaml"],
            "maildns stacks: --changed-since HEAD: compares the repository's config/ folder",
        ),
    ],
    ids=["an unknown revision", "two paths", "another path"],
)
def test_usage_errors(repo, capsys, args, message):
    assert main(["stacks", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(message)


def test_a_revision_whose_configs_are_invalid(repo, capsys):
    """Its problems, each file named as git names a file of a revision, and exit 1 (as ``maildns diff``)."""
    (repo / "config" / "b.example.yaml").write_text("domain: b.example\nttl: -1\n")
    git(repo, "commit", "--quiet", "-am", "broken")
    (repo / "config" / "b.example.yaml").write_text(DOMAINS["b.example"])
    assert main(["stacks", "--changed-since", "HEAD"]) == 1
    assert capsys.readouterr().err.startswith("HEAD:config/b.example.yaml: ttl: must be ")
