"""Which stacks changed since a git revision: the synthesized JSON of both compared, stack by stack.

The configs of the revision are synthesized by the revision's own ``main.py`` in a temporary
git worktree, so a change anywhere (a domain file, ``_defaults.yaml``, maildns itself) selects
exactly the stacks whose Terraform JSON differs, and nothing else.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from maildns.config import Config

STACK_FILE = "cdk.tf.json"


class RevisionError(Exception):
    """The revision cannot be compared: not a git repository, an unknown revision, or its synth failed."""


@dataclass(frozen=True)
class Changes:
    changed: tuple[str, ...]
    """Stacks configured now whose JSON is new or differs from the revision's, in config order."""
    removed: tuple[str, ...]
    """Stacks the revision had that are no longer configured (their resources stay until destroyed)."""


def _git(args: Sequence[str], cwd: Path) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if run.returncode:
        raise RevisionError(" ".join(run.stderr.split()) or f"git {' '.join(args)} failed")
    return run.stdout.strip()


def stack_files(outdir: Path) -> dict[str, bytes]:
    """Stack name -> its synthesized JSON, for every stack folder of a synth output."""
    stacks = outdir / "stacks"
    if not stacks.is_dir():
        return {}
    return {p.parent.name: p.read_bytes() for p in sorted(stacks.glob(f"*/{STACK_FILE}"))}


def compare(configs: Sequence[Config], now: dict[str, bytes], before: dict[str, bytes]) -> Changes:
    names = [c.stack_name for c in configs]
    changed = tuple(n for n in names if before.get(n) != now.get(n))
    removed = tuple(sorted(set(before) - set(names)))
    return Changes(changed, removed)


def changed_since(revision: str, configs: Sequence[Config], path: str, jobs: int) -> Changes:
    """The stacks of ``configs`` (loaded from ``path``) whose synthesized JSON differs at ``revision``."""
    from maildns.fanout import synth

    top = Path(_git(["rev-parse", "--show-toplevel"], Path.cwd()))
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], top)
    except RevisionError:
        raise RevisionError(f"not a commit of the repository {top}") from None
    try:
        relative = Path(path).resolve().relative_to(top.resolve())
    except ValueError:
        raise RevisionError(f"{path} is outside the repository {top}") from None
    with tempfile.TemporaryDirectory(prefix="maildns-changes-") as tmp:
        now_out, before_out, tree = Path(tmp, "now"), Path(tmp, "before"), Path(tmp, "tree")
        synth(configs, str(now_out), jobs=jobs)
        _git(["worktree", "add", "--detach", "--quiet", str(tree), commit], top)
        try:
            before = _synth_revision(tree, relative, before_out, jobs)
        finally:
            _git(["worktree", "remove", "--force", str(tree)], top)
        return compare(configs, stack_files(now_out), before)


def _synth_revision(tree: Path, path: Path, out: Path, jobs: int) -> dict[str, bytes]:
    """The revision's stacks, synthesized by its own main.py, as ``cdktf synth`` ran it then."""
    if not (tree / path).exists():
        return {}  # the folder or file is new: every stack in it is new
    env = {**os.environ, "MAILDNS_CONFIG": str(tree / path), "CDKTF_OUTDIR": str(out), "MAILDNS_JOBS": str(jobs)}
    run = subprocess.run([sys.executable, "main.py"], cwd=tree, env=env, capture_output=True, text=True, check=False)
    if run.returncode == 2 and "no .yaml files" in run.stderr:
        return {}
    if run.returncode:
        lines = run.stderr.strip().splitlines()
        raise RevisionError(f"the configs at that revision do not synthesize: {lines[-1] if lines else f'exit {run.returncode}'}")
    return stack_files(out)
