"""Synthesize a git revision's configs in a temporary worktree, so ``maildns diff main HEAD`` needs no setup.

Which code synthesizes a revision: that revision's own ``maildns`` package when it has one (this
repository, or a fork that vendors it), else the maildns running now, on that revision's
``config/``. The review must show what deploying the revision would change; when a pull request
changes maildns itself (a new record, a renamed resource), only the revision's own code shows
that. A repository that holds only configs has no code of its own, so the installed maildns
stands in for both sides and the review shows the config change alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import maildns

CONFIG_DIR = "config"


class RevisionError(Exception):
    """A revision could not be synthesized; ``invalid`` is True when its configs are at fault (exit 1)."""

    def __init__(self, message: str, *, invalid: bool = False) -> None:
        super().__init__(message)
        self.invalid = invalid


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def commit_of(text: str, cwd: Path | None = None) -> str | None:
    """The commit ``text`` names in the repository around ``cwd`` (``main``, ``HEAD~1``, a SHA), or None."""
    try:
        found = _git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{text}^{{commit}}", cwd=cwd)
    except OSError:  # no git on PATH: nothing is a revision
        return None
    return found.stdout.strip() if found.returncode == 0 else None


@contextmanager
def synthesized(revision: str, cwd: Path | None = None) -> Iterator[Path]:
    """The cdktf output folder of ``revision``'s configs, removed (with its worktree) on exit.

    A revision without ``config/`` yields an empty folder: its output is nothing, as before the
    first config was committed.
    """
    top = _git("rev-parse", "--show-toplevel", cwd=cwd).stdout.strip()
    commit = commit_of(revision, cwd)
    if not top or commit is None:
        raise RevisionError(f"{revision}: is not a git revision here")
    with tempfile.TemporaryDirectory(prefix="maildns-diff-") as tmp:
        tree, out = Path(tmp) / "tree", Path(tmp) / "cdktf.out"
        out.mkdir()
        added = _git("worktree", "add", "--detach", "--quiet", str(tree), commit, cwd=Path(top))
        if added.returncode != 0:
            raise RevisionError(f"{revision}: git worktree add failed: {_last_line(added.stderr)}")
        try:
            if any((tree / CONFIG_DIR).glob("*.yaml")):
                _synth(revision, tree, out)
            yield out
        finally:
            # Remove the worktree and its administrative files under .git/worktrees (git-worktree(1)).
            _git("worktree", "remove", "--force", str(tree), cwd=Path(top))
            _git("worktree", "prune", cwd=Path(top))


def _synth(revision: str, tree: Path, out: Path) -> None:
    # ``python -m`` puts the working directory first on sys.path, so the revision's own maildns
    # package wins when it has one; PYTHONPATH supplies the running maildns otherwise.
    here = str(Path(maildns.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    done = subprocess.run(
        [sys.executable, "-m", "maildns", "synth", CONFIG_DIR, "--out", str(out)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        # The revision's configs are wrong (exit 1): show its problems, each file named as git names
        # a file of a revision (``main:config/x.yaml``); anything else is a setup failure.
        problems = [line for line in done.stderr.splitlines() if line.strip()]
        if done.returncode == 1 and problems:
            raise RevisionError("\n".join(f"{revision}:{line}" for line in problems), invalid=True)
        raise RevisionError(f"{revision}: maildns synth exited {done.returncode}: {_last_line(done.stderr)}")


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no message)"
