"""``maildns synth``: write Terraform JSON, as ``cdktf synth`` does, and publish it atomically."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from maildns.cli.base import EXIT_OK, Commands, UsageError, _load, command
from maildns.cli.options import add_jobs
from maildns.progress import progress


def register(commands: Commands) -> None:
    synth = command(commands, "synth", "write Terraform JSON, as `cdktf synth` does", cmd_synth)
    synth.add_argument("--out", default="cdktf.out", metavar="DIR", help="output folder (default: cdktf.out)")
    add_jobs(synth, what="processes", default=None, help="processes for many stacks (default: one per core)")


def cmd_synth(args: argparse.Namespace) -> int:
    from maildns.fanout import synth, workers

    configs = _load(args)  # refuse bad input before anything is written
    try:
        count = args.jobs or workers()
    except ValueError as exc:  # MAILDNS_JOBS is not a number
        raise UsageError(str(exc)) from None
    out = Path(args.out)
    names = [config.stack_name for config in configs]
    _writable_out(out, names)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

    # Synthesize into a staging folder inside --out, then move the result into place: a failure
    # leaves the previous output as it was, never half of a new one.
    try:
        staging = Path(tempfile.mkdtemp(prefix=".maildns-synth-", dir=out))
    except OSError as exc:
        raise UsageError(f"--out {args.out}: {exc.strerror or exc}") from None
    try:
        try:
            # Many stacks: one process per core, the same bytes as one app (maildns.fanout).
            with progress(len(configs), "synthesizing") as advance:
                synth(configs, str(staging), jobs=count, progress=advance)
        except Exception as exc:
            raise UsageError(f"--out {args.out}: cannot write: {_first_line(exc)}") from None
        removed = _publish(staging, out, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for name in names:
        print(out / "stacks" / name / "cdk.tf.json")
    for path in removed:
        print(f"removed {path}")
    return EXIT_OK


def _first_line(exc: BaseException) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _writable_out(out: Path, names: Sequence[str]) -> None:
    """Refuse (exit 2) an --out whose stacks/ cannot take the new stacks, before anything is written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: {exc.strerror or exc}") from None
    stacks = out / "stacks"
    for path in (stacks, *(stacks / name for name in names)):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                raise UsageError(f"--out {out}: {path} is not a folder")
            if not os.access(path, os.W_OK | os.X_OK):
                raise UsageError(f"--out {out}: {path} is not writable")
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: is not writable")


def _publish(staging: Path, out: Path, names: Sequence[str]) -> list[Path]:
    """Move the staged stacks and manifest into ``out``; remove the stack folders no config names.

    Synth owns ``out/stacks/``: a stack left from a removed config would hide its removal from
    ``maildns diff``. Returns the removed paths.
    """
    stacks = out / "stacks"
    try:
        stacks.mkdir(exist_ok=True)
        for name in names:
            target = stacks / name
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging / "stacks" / name, target)
        removed = sorted(p for p in stacks.iterdir() if p.name not in names)
        for path in removed:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        for entry in staging.iterdir():
            if entry.name != "stacks":
                target = out / entry.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(entry, target)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    return removed
