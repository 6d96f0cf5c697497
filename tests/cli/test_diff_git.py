"""``maildns diff BASE HEAD`` with git revisions: each synthesized in a temporary worktree, removed afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from maildns.cli import main
from tests.fixtures import LOGIN_GOV

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = LOGIN_GOV.read_text()
WEAKER = SHIPPED.replace("  p: reject\n", "  p: none\n").replace("  - {host: alt2.aspmx.l.google.com, preference: 20}\n", "")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.gov",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.gov",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway repository of configs only: a first commit without configs, the shipped config, a weaker copy."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit(path, {"README.md": "domains\n"}, "start")
    commit(path, {"config/login.gov.yaml": SHIPPED}, "login.gov")
    commit(path, {"config/login.gov.yaml": WEAKER}, "weaker login.gov")
    monkeypatch.chdir(path)
    return path


def worktrees(repo: Path) -> list[str]:
    return [line for line in git(repo, "worktree", "list", "--porcelain").splitlines() if line.startswith("worktree ")]


def test_two_revisions_are_synthesized_and_their_worktrees_removed(repo, capsys):
    assert main(["diff", "HEAD~1", "main", "--format", "json", "--fail-on", "high"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"] == "1 domain changed: 2 high, 1 medium"
    assert [f["code"] for f in doc["flags"]] == ["dmarc-p-weakened", "mx-removed-under-enforce", "mta-sts-id-changed"]
    assert worktrees(repo) == [f"worktree {repo}"]
    assert git(repo, "status", "--porcelain") == ""


def test_a_revision_without_configs_is_an_empty_output(repo, capsys):
    assert main(["diff", "HEAD~2", "HEAD~1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 domain changed: no risk flags\n")
    assert "stack login-gov added to the synth output" in out
    assert worktrees(repo) == [f"worktree {repo}"]


def test_a_revision_and_a_folder_mix(repo, tmp_path, capsys):
    assert main(["synth", "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    assert main(["diff", "HEAD", str(tmp_path / "out"), "--exit-code"]) == 0
    assert capsys.readouterr().out == "no changes\n"


def test_invalid_configs_at_a_revision_exit_1_naming_revision_and_file(repo, capsys):
    commit(repo, {"config/login.gov.yaml": SHIPPED.replace("pct: 100", "pct: 101")}, "broken")
    assert main(["diff", "HEAD~1", "HEAD"]) == 1
    err = capsys.readouterr().err
    assert err == "HEAD:config/login.gov.yaml: dmarc.pct: must be 0-100 (got 101; RFC 7489 6.3)\n"
    assert worktrees(repo) == [f"worktree {repo}"]


def test_a_name_that_is_neither_path_nor_revision_is_a_usage_error(repo, capsys):
    assert main(["diff", "main", "no-such-branch"]) == 2
    assert capsys.readouterr().err == (
        "maildns diff: no-such-branch is neither a path nor a git revision (OLD may be missing, for a first synth; NEW may not)\n"
    )


def test_a_revision_that_carries_maildns_is_synthesized_by_its_own_code(tmp_path, monkeypatch, capsys):
    """When a pull request changes maildns itself, the review shows what that change does to the output."""
    path = tmp_path / "repo"
    shutil.copytree(ROOT / "maildns", path / "maildns", ignore=shutil.ignore_patterns("__pycache__"))
    (path / "config").mkdir()
    (path / "config" / "login.gov.yaml").write_text(SHIPPED)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "maildns and login.gov")
    code = path / "maildns" / "records" / "mta_sts.py"
    text = code.read_text()
    assert 'CONTENT_TYPE = "text/plain"' in text
    commit(
        path,
        {"maildns/records/mta_sts.py": text.replace('CONTENT_TYPE = "text/plain"', 'CONTENT_TYPE = "text/plain; charset=utf-8"')},
        "charset",
    )
    monkeypatch.chdir(path)
    assert main(["diff", "HEAD~1", "HEAD"]) == 0
    out = capsys.readouterr().out
    assert '  ~ aws_s3_object.mta_sts_policy\n      content_type: "text/plain" -> "text/plain; charset=utf-8"\n' in out
    assert worktrees(path) == [f"worktree {path}"]


@pytest.mark.parametrize("name", ["0" * 40, "abc1234", "HEAD~7", "main@{99}", "main^2", "ORIG_HEAD"])
def test_something_that_can_only_be_a_missing_revision_is_a_usage_error(repo, capsys, name):
    """Not a first synth against nothing: a base commit missing from a shallow clone must not pass the gate."""
    assert main(["diff", name, "HEAD"]) == 2
    assert (
        capsys.readouterr().err
        == f"maildns diff: {name} is not a git revision here (nor a path); in CI fetch the history (fetch-depth: 0)\n"
    )


def test_a_missing_folder_as_base_is_still_a_first_synth(repo, tmp_path, capsys):
    assert main(["diff", str(tmp_path / "cdktf.out.base"), "HEAD"]) == 0
    assert capsys.readouterr().out.startswith("1 domain changed: no risk flags\n")
