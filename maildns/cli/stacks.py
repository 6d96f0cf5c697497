"""``maildns stacks``: stack names, all or those whose synthesized JSON changed since a revision."""

from __future__ import annotations

import argparse
import json
import sys

from maildns.cli.base import EXIT_OK, Commands, RevisionInvalid, UsageError, _load, _paths, command
from maildns.cli.options import add_format


def register(commands: Commands) -> None:
    stacks = command(commands, "stacks", "list stack names: all, or those whose synthesized JSON changed since a revision", cmd_stacks)
    stacks.add_argument("--changed-since", metavar="REV", help="only stacks whose Terraform JSON differs from REV's (a git revision)")
    add_format(stacks, ("text", "json"))


def cmd_stacks(args: argparse.Namespace) -> int:
    """Stack names, one per line (or a JSON list, for a CI job matrix): all, or those whose
    synthesized JSON differs from ``--changed-since``'s."""
    if args.changed_since is not None and len(_paths(args)) != 1:
        raise UsageError("--changed-since compares the repository's config/ folder: name one PATH")
    configs = _load(args)
    names = [c.stack_name for c in configs]
    if args.changed_since is not None:
        from maildns.changes import changed_since
        from maildns.fanout import workers
        from maildns.revision import RevisionError

        try:
            changes = changed_since(args.changed_since, configs, _paths(args)[0], jobs=workers())
        except RevisionError as exc:
            if exc.invalid:  # the revision's configs are wrong: its problems, as diff shows them
                raise RevisionInvalid(str(exc).splitlines()) from None
            raise UsageError(f"--changed-since {args.changed_since}: {exc}") from None
        except ValueError as exc:  # MAILDNS_JOBS is not a number
            raise UsageError(str(exc)) from None
        names = list(changes.changed)
        for name in changes.removed:
            print(f"maildns stacks: {name} is no longer configured; its resources stay until it is destroyed", file=sys.stderr)
    print(json.dumps(names) if args.format == "json" else "\n".join(names), end="\n" if names or args.format == "json" else "")
    return EXIT_OK
