"""``maildns synth``: write Terraform JSON, as ``cdktf synth`` does (``maildns.synthesis`` stages and publishes it)."""

from __future__ import annotations

import argparse
from pathlib import Path

from maildns.cli.base import EXIT_OK, Commands, UsageError, _files, command
from maildns.cli.options import add_jobs


def register(commands: Commands) -> None:
    synth = command(commands, "synth", "write Terraform JSON, as `cdktf synth` does", cmd_synth)
    synth.add_argument("--out", default="cdktf.out", metavar="DIR", help="output folder (default: cdktf.out)")
    add_jobs(synth, what="processes", default=None, help="processes for many stacks (default: one per core)")
    synth.add_argument("--no-cache", action="store_true", help="synthesize every stack, reusing nothing from earlier synths")


def cmd_synth(args: argparse.Namespace) -> int:
    from maildns.fanout import workers
    from maildns.synthesis import OutError, synthesize
    from maildns.synthesis import configs as kept
    from maildns.synthesis.cache import cache_folder

    # Bad input is refused before anything is written; unchanged files come from the synth cache.
    configs = kept.load(_files(args), None if args.no_cache else cache_folder())
    try:
        count = args.jobs or workers()
    except ValueError as exc:  # MAILDNS_JOBS is not a number
        raise UsageError(str(exc)) from None
    try:
        published = synthesize(configs, Path(args.out), jobs=count, cache=not args.no_cache)
    except OutError as exc:
        raise UsageError(str(exc)) from None
    for path in published.stacks:
        print(path)
    for path in published.removed:
        print(f"removed {path}")
    return EXIT_OK
