"""``maildns diff``: review what changes between two synth outputs (folders, files or git revisions)."""

from __future__ import annotations

import argparse

from maildns.cli.base import EXIT_OK, Commands, RevisionInvalid, UsageError, command
from maildns.cli.options import add_format

SEVERITIES = ("high", "medium", "low")  # maildns.review.SEVERITIES, without importing it for every command
EXIT_FLAGGED = 3  # diff: a flag at or above --fail-on, or any change with --exit-code


def register(commands: Commands) -> None:
    review = command(commands, "diff", "review what changes between two synth outputs", cmd_diff, paths=False)
    review.add_argument(
        "old", metavar="OLD", nargs="?", help="before the change: a cdktf output folder, one cdk.tf.json, or a git revision"
    )
    review.add_argument("new", metavar="NEW", help="after the change: a cdktf output folder, one cdk.tf.json, or a git revision")
    add_format(review, ("text", "markdown", "json"))
    review.add_argument(
        "--fail-on", choices=SEVERITIES, metavar="{high,medium,low}", help="exit 3 when a flag of this severity or above is present"
    )
    review.add_argument("--exit-code", action="store_true", help="exit 3 when anything changes")
    review.add_argument("--base-empty", action="store_true", help="review NEW against nothing (a first synth), in place of OLD")
    review.add_argument(
        "--plan",
        metavar="PLAN.json",
        nargs="+",
        action="extend",
        help="Terraform's JSON plan of a changed stack (terraform show -json), named <stack>.json or given as STACK=FILE",
    )


def cmd_diff(args: argparse.Namespace) -> int:
    from maildns import review
    from maildns.review.planned import load_plans
    from maildns.review.sides import read_sides, uncommitted
    from maildns.revision import RevisionError

    try:
        plans = None if args.plan is None else load_plans(args.plan)
        old, new = read_sides(args.old, args.new, base_empty=args.base_empty)
        note = uncommitted(args.new)
        report = review.review(old, new, plans, notes=(note,) if note else ())
    except review.InputError as exc:
        raise UsageError(str(exc)) from None
    except RevisionError as exc:
        if exc.invalid:
            raise RevisionInvalid(str(exc).splitlines()) from None
        raise UsageError(str(exc)) from None
    print(review.RENDERERS[args.format](report))
    worst = report.worst()
    if args.fail_on and worst is not None and worst <= SEVERITIES.index(args.fail_on):
        return EXIT_FLAGGED
    return EXIT_FLAGGED if args.exit_code and report.domains else EXIT_OK
