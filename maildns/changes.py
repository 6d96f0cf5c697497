"""Which stacks changed since a git revision: the synthesized JSON of both compared, stack by stack.

The revision's ``config/`` is synthesized by the revision's own code in a temporary git worktree
(``maildns.revision``), so a change anywhere (a domain file, ``_defaults.yaml``, maildns itself)
selects exactly the stacks whose Terraform JSON differs, and nothing else.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maildns.config import Config
from maildns.revision import CONFIG_DIR, RevisionError, synthesized

STACK_FILE = "cdk.tf.json"


@dataclass(frozen=True)
class Changes:
    changed: tuple[str, ...]
    """Stacks configured now whose JSON is new or differs from the revision's, in config order."""
    removed: tuple[str, ...]
    """Stacks the revision had that are no longer configured (their resources stay until destroyed)."""


def stack_files(outdir: Path) -> dict[str, bytes]:
    """Stack name -> its synthesized JSON, for every stack folder of a synth output."""
    return {p.parent.name: p.read_bytes() for p in sorted(outdir.glob(f"stacks/*/{STACK_FILE}"))}


def compare(configs: Sequence[Config], now: dict[str, bytes], before: dict[str, bytes]) -> Changes:
    names = [c.stack_name for c in configs]
    changed = tuple(n for n in names if before.get(n) != now.get(n))
    removed = tuple(sorted(set(before) - set(names)))
    return Changes(changed, removed)


def repository_config(path: str) -> None:
    """``path`` must be the repository's ``config/``: the folder a revision is synthesized from."""
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False).stdout.strip()
    if not top:
        raise RevisionError("not inside a git repository")
    if Path(path).resolve() != (Path(top) / CONFIG_DIR).resolve():
        raise RevisionError(f"compares the repository's {CONFIG_DIR}/ folder ({Path(top) / CONFIG_DIR}), not {path}")


def changed_since(revision: str, configs: Sequence[Config], path: str, jobs: int) -> Changes:
    """The stacks of ``configs`` (loaded from ``path``, the repository's ``config/``) whose
    synthesized JSON differs from what ``revision`` synthesizes."""
    from maildns.fanout import synth

    repository_config(path)
    with tempfile.TemporaryDirectory(prefix="maildns-changes-") as tmp:
        now = Path(tmp, "now")
        synth(configs, str(now), jobs=jobs)
        with synthesized(revision) as before:
            return compare(configs, stack_files(now), stack_files(before))


def stack_documents(revision: str, path: str) -> dict[str, dict[str, Any]]:
    """Stack name -> the JSON document ``revision`` synthesizes from ``path`` (the repository's ``config/``)."""
    repository_config(path)
    with synthesized(revision) as before:
        return {name: json.loads(data) for name, data in stack_files(before).items()}
