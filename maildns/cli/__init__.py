"""The ``maildns`` command line: init, validate, records, policy, synth, diff, check, import, stacks.

One module per command owns its options and its handler (``register`` adds its parser);
``options`` defines the options several commands share, ``base`` what every command shares.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib import metadata

from maildns.cli import check, diff, import_, init, policy, records, stacks, synth, validate
from maildns.cli.base import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_USAGE, Parser, RevisionInvalid, UsageError
from maildns.config import ConfigError
from maildns.streams import OutputError, drop_stdout, own_streams

COMMANDS = (init, validate, records, policy, stacks, synth, check, import_, diff)  # in the order --help lists them


def parser() -> Parser:
    top = Parser(prog="maildns", description="Email DNS and MTA-STS hosting as code.")
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if sys.stdout is None:
        # Python sets sys.stdout to None when descriptor 1 is closed (``maildns records >&-``).
        print(f"maildns {args.command}: cannot write output: standard output is closed", file=sys.stderr)
        return EXIT_USAGE
    own_streams()
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
        return code
    except (ConfigError, RevisionInvalid) as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"maildns {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as exc:
        drop_stdout()
        print(f"maildns {args.command}: cannot write output: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        drop_stdout()
        print(f"maildns {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _version() -> str:
    try:
        return metadata.version("maildns")
    except metadata.PackageNotFoundError:
        return "unknown"


def console() -> None:
    """The ``maildns`` command: ``main`` as a process. An interrupted run ends at once: the
    interpreter would otherwise wait for queries still in flight, each up to its ``--timeout``."""
    code = main()
    if code == EXIT_INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
