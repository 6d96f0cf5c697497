"""What every command shares: exit codes, the two errors the entry point turns into exit codes,
the parser, and the PATH arguments (config files or folders)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeAlias

from maildns.config import Config, load_configs
from maildns.config.loading import Scan, scan

DEFAULT_PATHS = ["config"]
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C

Handler = Callable[[argparse.Namespace], int]
# What ``add_subparsers`` returns: each command module adds its parser to it.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class RevisionInvalid(Exception):
    """A git revision's configs are invalid (exit 1): its problem lines, as its own synth printed them."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class UsageError(Exception):
    """The command line itself is wrong (exit 2), as opposed to the configs it names (exit 1)."""


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (``maildns check: error: argument --timeout: ...``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def command(commands: Commands, name: str, help: str, handler: Handler, *, paths: bool = True) -> argparse.ArgumentParser:
    """Add the parser of one command; ``paths``: it takes config files or folders as PATH."""
    sub: argparse.ArgumentParser = commands.add_parser(name, help=help, description=help)
    if paths:
        sub.add_argument("paths", nargs="*", metavar="PATH", help="config files or folders (default: config/)")
    sub.set_defaults(handler=handler)
    return sub


def _paths(args: argparse.Namespace) -> list[str]:
    return args.paths or DEFAULT_PATHS


def _scan(args: argparse.Namespace) -> Scan:
    """The PATH arguments scanned; a missing default config/ or a folder with no config file is a
    usage error, even beside other PATHs that hold some (README: Commands)."""
    if not args.paths and not Path(DEFAULT_PATHS[0]).is_dir():
        raise UsageError(f"no {DEFAULT_PATHS[0]}/ folder in {Path.cwd()}; give the config files or folders as PATH")
    found = scan(_paths(args))
    if not found.files:
        raise UsageError(f"no .yaml files in {' '.join(_paths(args))}")
    for folder in found.empty:
        raise UsageError(f"no .yaml files in {folder}")
    return found


def _files(args: argparse.Namespace) -> list[Path]:
    return list(_scan(args).files)


def _load(args: argparse.Namespace) -> tuple[Config, ...]:
    return load_configs(_files(args))
