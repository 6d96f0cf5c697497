"""Synthesize a git revision's configs in a temporary worktree, so ``maildns diff main HEAD`` needs no setup.

Which code synthesizes a revision: that revision's own ``maildns`` package when it has one (this
repository, or a fork that vendors it), else the maildns running now, on that revision's
``config/``. The review must show what deploying the revision would change; when a pull request
changes maildns itself (a new record, a renamed resource), only the revision's own code shows
that. A repository that holds only configs has no code of its own, so the installed maildns
stands in for both sides and the review shows the config change alone.

Only one tree's ``maildns`` is importable in the process that synthesizes (and in its workers):
a module the revision lacks must fail to import, not be filled in from the running tree, its
editable install or ``PYTHONPATH``. A revision whose maildns cannot synthesize (an early commit, a
crash) is a setup failure, never presented as problems of its configs.
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
EXIT_CRASHED = 70  # EX_SOFTWARE (sysexits.h): the revision's maildns raised instead of exiting
TRACEBACK = "Traceback (most recent call last):"

# Runs the revision's ``python -m maildns``, an uncaught exception exiting EXIT_CRASHED, so that it
# cannot pass for exit 1 (its configs are invalid).
_RUN = f"""
import runpy, sys, traceback
try:
    runpy.run_module("maildns", run_name="__main__", alter_sys=True)
except Exception:
    traceback.print_exc()
    sys.exit({EXIT_CRASHED})
"""

# Loaded by every interpreter of the synthesis (the spawned workers too) before anything else,
# from a folder put first on PYTHONPATH: ``maildns`` and its submodules come from
# MAILDNS_CODE_ROOT only; the running maildns's tree leaves sys.path and the revision's tree leads.
_SITECUSTOMIZE = """
import os, sys
from importlib.machinery import PathFinder
from importlib.util import module_from_spec

_ROOT = os.environ["MAILDNS_CODE_ROOT"]
_TREE = os.environ["MAILDNS_REVISION_TREE"]
_GONE = {os.path.realpath(os.environ["MAILDNS_RUNNING_ROOT"]), os.path.realpath(_TREE)}
_HERE = os.path.dirname(os.path.realpath(__file__))


class OneTree:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "maildns" and not name.startswith("maildns."):
            return None
        spec = PathFinder.find_spec(name, [_ROOT] if name == "maildns" else path)
        if spec is None:
            raise ModuleNotFoundError(f"No module named {name!r} in {_ROOT}", name=name)
        return spec


sys.meta_path.insert(0, OneTree)
sys.path[:] = [_TREE] + [p for p in sys.path if os.path.realpath(p or ".") not in _GONE]
# Run the sitecustomize this one shadows, if the interpreter has one.
_spec = PathFinder.find_spec("sitecustomize", [p for p in sys.path if os.path.realpath(p or ".") != _HERE])
if _spec is not None and _spec.loader is not None:
    _spec.loader.exec_module(module_from_spec(_spec))
"""


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
                _synth(revision, tree, out, Path(tmp) / "boot")
            yield out
        finally:
            # Remove the worktree and its administrative files under .git/worktrees (git-worktree(1)).
            _git("worktree", "remove", "--force", str(tree), cwd=Path(top))
            _git("worktree", "prune", cwd=Path(top))


def _synth(revision: str, tree: Path, out: Path, boot: Path) -> None:
    running = Path(maildns.__file__).resolve().parent.parent
    root = tree if (tree / "maildns").is_dir() else running
    boot.mkdir()
    (boot / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(boot), os.environ.get("PYTHONPATH")])),
        "MAILDNS_CODE_ROOT": str(root),
        "MAILDNS_REVISION_TREE": str(tree),
        "MAILDNS_RUNNING_ROOT": str(running),
    }
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "synth", CONFIG_DIR, "--out", str(out)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return
    crashed = done.returncode == EXIT_CRASHED or TRACEBACK in done.stderr
    problems = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode == 1 and problems and not crashed:
        # The revision's configs are wrong: show its problems, each file named as git names a
        # file of a revision (``main:config/x.yaml``).
        raise RevisionError("\n".join(f"{revision}:{line}" for line in problems), invalid=True)
    if crashed:
        raise RevisionError(f"{revision}: its maildns cannot synthesize its configs: {_last_line(done.stderr)}")
    raise RevisionError(f"{revision}: maildns synth exited {done.returncode}: {_last_line(done.stderr)}")


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no message)"
