"""``maildns synth``: write every stack into ``--out`` atomically, reusing what has not changed.

The stacks are synthesized into a staging folder inside ``--out`` (``maildns.fanout``; stacks
whose inputs are unchanged come from the cache, ``maildns.synthesis.cache``), then moved into
place: a failure leaves the previous output as it was, never half of a new one. SIGTERM and
SIGHUP end a synth as Ctrl-C does (``maildns.synthesis.staging``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from maildns.config import Config
from maildns.progress import progress
from maildns.synthesis.staging import LOCK, STAGING_PREFIX, end_children, ending_cleanly, staging_folder

__all__ = ["STAGING_PREFIX", "OutError", "Published", "publish", "synthesize", "writable_out"]


class OutError(Exception):
    """``--out`` cannot take the output (a usage error, exit 2): one line naming the folder."""


@dataclass(frozen=True)
class Published:
    stacks: tuple[Path, ...]
    """Each stack's ``cdk.tf.json``, in config order."""
    removed: tuple[Path, ...]
    """The stack folders no config names any more, removed from ``out/stacks``."""


def synthesize(configs: Sequence[Config], out: Path, *, jobs: int, cache: bool = True) -> Published:
    """Synthesize ``configs`` into ``out`` (stacks/ and manifest.json) with ``jobs`` processes;
    ``cache=False`` synthesizes every stack (``--no-cache``)."""
    from maildns.fanout import synth

    names = [config.stack_name for config in configs]
    writable_out(out, names)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    with ending_cleanly():
        try:
            with staging_folder(out) as staging:
                try:
                    # Many stacks: one process per core, the same bytes as one app (maildns.fanout).
                    with progress(len(configs), "synthesizing") as advance:
                        synth(configs, str(staging), jobs=jobs, progress=advance, cache=cache)
                except Exception as exc:
                    raise OutError(f"--out {out}: cannot write: {_first_line(exc)}") from None
                except BaseException:
                    end_children()  # Ctrl-C, SIGTERM, SIGHUP: no worker or Node.js process outlives the run
                    raise
                removed = publish(staging, out, names)
        except OSError as exc:  # the staging folder cannot be made
            raise OutError(f"--out {out}: {exc.strerror or exc}") from None
    return Published(tuple(out / "stacks" / name / "cdk.tf.json" for name in names), tuple(removed))


def _first_line(exc: BaseException) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def writable_out(out: Path, names: Sequence[str]) -> None:
    """Refuse (exit 2) an --out whose stacks/ cannot take the new stacks, before anything is written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutError(f"--out {out}: {exc.strerror or exc}") from None
    stacks = out / "stacks"
    for path in (stacks, *(stacks / name for name in names)):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                raise OutError(f"--out {out}: {path} is not a folder")
            if not os.access(path, os.W_OK | os.X_OK):
                raise OutError(f"--out {out}: {path} is not writable")
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutError(f"--out {out}: is not writable")


KEPT = (".terraform", ".terraform.lock.hcl")
"""What ``terraform init`` leaves in a stack folder (providers, backend, module cache, lock file):
kept across synths, so ``terraform plan`` there needs no ``init`` after every synth."""


def keep_terraform(folder: Path, into: Path) -> None:
    """Move ``terraform init``'s files from an earlier synth's stack folder into the new one."""
    for name in KEPT:
        source = folder / name
        if (source.exists() or source.is_symlink()) and not (into / name).exists():
            os.replace(source, into / name)


def publish(staging: Path, out: Path, names: Sequence[str]) -> list[Path]:
    """Move the staged stacks and manifest into ``out``; remove the stack folders no config names.

    Synth owns ``out/stacks/``: a stack left from a removed config would hide its removal from
    ``maildns diff``. A stack folder's ``terraform init`` files (``KEPT``) stay. Returns the
    removed paths.
    """
    stacks = out / "stacks"
    try:
        stacks.mkdir(exist_ok=True)
        for name in names:
            target = stacks / name
            if target.exists():
                keep_terraform(target, staging / "stacks" / name)
                shutil.rmtree(target)
            os.replace(staging / "stacks" / name, target)
        removed = sorted(p for p in stacks.iterdir() if p.name not in names)
        for path in removed:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        for entry in staging.iterdir():
            if entry.name not in ("stacks", LOCK):
                target = out / entry.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(entry, target)
    except OSError as exc:
        raise OutError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    return removed
