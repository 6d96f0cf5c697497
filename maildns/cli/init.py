"""``maildns init``: write a ready repository for an organisation's configs (``maildns.scaffold``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from maildns.cli.base import Commands, UsageError, command


def register(commands: Commands) -> None:
    init = command(commands, "init", "write a repository for an organisation's configs", cmd_init, paths=False)
    init.add_argument("directory", metavar="DIR", help="the repository folder (created when missing)")
    init.add_argument("--domain", action="append", default=[], metavar="D", help="also write config/<D>.yaml (repeatable)")
    init.add_argument("--force", action="store_true", help="replace files that exist")


def cmd_init(args: argparse.Namespace) -> int:
    from maildns import scaffold

    try:
        return scaffold.init(Path(args.directory), args.domain, force=args.force)
    except ValueError as exc:  # a --domain that is no domain name
        raise UsageError(f"--domain {exc}") from None
