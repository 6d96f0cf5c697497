"""``maildns diff BASE HEAD`` with git revisions: each synthesized in a temporary worktree, removed afterwards."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
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
    assert doc["summary"] == "1 domain changed: 1 high, 2 medium"
    assert [f["code"] for f in doc["flags"]] == ["dmarc-p-weakened", "mta-sts-id-changed", "mx-removed-under-enforce"]
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


def test_a_first_synth_is_reviewed_against_nothing_when_asked_for(repo, capsys):
    """An empty BASE only when asked for explicitly (issue 18 item 5): ``--base-empty`` in place of BASE."""
    assert main(["diff", "--base-empty", "HEAD"]) == 0
    assert capsys.readouterr().out.startswith("1 domain changed: no risk flags\n")


def pull_request_checkout(repo: Path, tmp_path: Path) -> Path:
    """A clone on the pull request's branch (the weaker config), without a local ``main``, its base
    branch ``origin/main`` one commit behind (as actions/checkout leaves a pull request)."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "checkout", "-q", "-b", "weaker")
    git(clone, "branch", "-q", "-D", "main")
    git(clone, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    return clone


MISSING_BASES = [
    (
        "a base branch that is only a remote-tracking branch here",
        "main",
        "main is neither a path nor a git revision here (did you mean origin/main? --base-empty reviews against nothing)",
    ),
    (
        "a branch that exists nowhere",
        "release",
        "release is neither a path nor a git revision here (did you mean origin/release? --base-empty reviews against nothing)",
    ),
    (
        "a missing synth output folder",
        "cdktf.out.base",
        "cdktf.out.base is neither a path nor a git revision here (--base-empty reviews against nothing)",
    ),
    (
        "an existing folder without stacks",
        "empty-folder",
        "empty-folder holds no stacks (no */cdk.tf.json in it or in its stacks/ folder; --base-empty reviews against nothing)",
    ),
]


@pytest.mark.parametrize(("base", "message"), [c[1:] for c in MISSING_BASES], ids=[c[0] for c in MISSING_BASES])
def test_a_base_that_is_not_there_is_a_usage_error_not_an_empty_output(repo, monkeypatch, capsys, base, message):
    """``maildns diff main HEAD --fail-on high`` in a pull-request checkout must not pass a DMARC
    reject -> none for "no risk flags" by reading a missing BASE as nothing (issue 18 item 5)."""
    clone = pull_request_checkout(repo, repo.parent)
    (clone / "empty-folder").mkdir()
    monkeypatch.chdir(clone)
    assert main(["diff", base, "HEAD", "--fail-on", "high"]) == 2
    assert capsys.readouterr() == ("", f"maildns diff: {message}\n")


def test_the_suggested_remote_branch_reviews_the_pull_request(repo, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(pull_request_checkout(repo, tmp_path))
    assert main(["diff", "origin/main", "HEAD", "--fail-on", "high", "--format", "json"]) == 3
    assert [f["code"] for f in json.loads(capsys.readouterr().out)["flags"]] == [
        "dmarc-p-weakened",
        "mta-sts-id-changed",
        "mx-removed-under-enforce",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["HEAD"], "BASE is missing: name a revision (origin/main), a synth output, or pass --base-empty (HEAD is HEAD)"),
        (["--base-empty", "main", "HEAD"], "--base-empty stands for BASE: give HEAD alone, not main as well"),
    ],
    ids=["no BASE and no --base-empty", "--base-empty and a BASE"],
)
def test_base_empty_is_the_one_way_to_review_against_nothing(repo, capsys, args, message):
    assert main(["diff", *args]) == 2
    assert capsys.readouterr() == ("", f"maildns diff: {message}\n")


def _without_main_module(tree: Path) -> None:
    (tree / "maildns" / "__main__.py").unlink()


def _without_plan_module(tree: Path) -> None:
    (tree / "maildns" / "plan.py").unlink()


def _crashing_cli(tree: Path) -> None:
    cli = tree / "maildns" / "cli" / "__init__.py"
    cli.write_text(cli.read_text() + '\n\nraise RuntimeError("this early maildns cannot synthesize")\n')


# Early revisions whose own maildns cannot synthesize (issue 18 item 6), and the one line each gives.
EARLY_REVISIONS = [
    (
        "a commit from before python -m maildns",
        _without_main_module,
        "HEAD~1: its maildns cannot synthesize its configs: ImportError: Error while finding module specification for "
        "'maildns.__main__' (ModuleNotFoundError: No module named 'maildns.__main__' in {tree}); "
        "'maildns' is a package and cannot be directly executed",
    ),
    (
        "a commit whose maildns lacks a module the running maildns has",
        _without_plan_module,
        "HEAD~1: its maildns cannot synthesize its configs: ModuleNotFoundError: No module named 'maildns.plan' in {tree}",
    ),
    (
        "a commit whose maildns raises",
        _crashing_cli,
        "HEAD~1: its maildns cannot synthesize its configs: RuntimeError: this early maildns cannot synthesize",
    ),
]


def early_repository(path: Path, break_it: Callable[[Path], None]) -> Path:
    """Commit 1: the shipped config and a maildns that cannot synthesize it; commit 2: today's maildns."""
    shutil.copytree(ROOT / "maildns", path / "maildns", ignore=shutil.ignore_patterns("__pycache__"))
    (path / "config").mkdir()
    (path / "config" / "login.gov.yaml").write_text(SHIPPED)
    break_it(path)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "early")
    shutil.rmtree(path / "maildns")
    shutil.copytree(ROOT / "maildns", path / "maildns", ignore=shutil.ignore_patterns("__pycache__"))
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "today")
    return path


@pytest.mark.parametrize(("break_it", "message"), [c[1:] for c in EARLY_REVISIONS], ids=[c[0] for c in EARLY_REVISIONS])
def test_a_revision_whose_maildns_cannot_synthesize_is_one_usage_line(tmp_path, monkeypatch, capsys, break_it, message):
    """Exit 2 with one line, not its traceback presented as problems of its configs (exit 1); and
    only the revision's own maildns runs: a module it lacks is not taken from the running tree."""
    repo = early_repository(tmp_path / "repo", break_it)
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD~1", "HEAD"]) == 2
    err = capsys.readouterr().err
    tree = re.search(r"/\S*maildns-diff-[^/\s]+/tree", err)  # the temporary worktree, removed since
    assert err == f"maildns diff: {message.format(tree=tree[0] if tree else '?')}\n"
    assert worktrees(repo) == [f"worktree {repo}"]


def test_stacks_changed_since_a_revision_whose_maildns_cannot_synthesize_is_one_usage_line(tmp_path, monkeypatch, capsys):
    repo = early_repository(tmp_path / "repo", _crashing_cli)
    monkeypatch.chdir(repo)
    assert main(["stacks", "--changed-since", "HEAD~1"]) == 2
    assert capsys.readouterr() == (
        "",
        "maildns stacks: --changed-since HEAD~1: HEAD~1: its maildns cannot synthesize its configs: "
        "RuntimeError: this early maildns cannot synthesize\n",
    )
