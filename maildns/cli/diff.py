"""``maildns diff``: review what changes between two synth outputs (folders, files or git revisions)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from maildns.cli.base import EXIT_INVALID, EXIT_OK, Commands, RevisionInvalid, UsageError, command
from maildns.cli.options import add_format

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from maildns.review import Report
    from maildns.review.flags import Flag

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
    review.add_argument(
        "--json-out", metavar="FILE", type=Path, help="also write the report as JSON (--format json) to FILE, for a gate or other tools"
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
    refused: list[str] = []
    if args.old is not None and _revision(args.old) and _revision(args.new):
        report, refused = _rotation(report, args.old, args.new)
    if args.json_out is not None and not refused:
        _write(args.json_out, review.render_json(report) + "\n")
    print(review.RENDERERS[args.format](report))
    if refused:
        print("\n".join(refused), file=sys.stderr)
        return EXIT_INVALID
    worst = report.worst()
    if args.fail_on and worst is not None and worst <= SEVERITIES.index(args.fail_on):
        return EXIT_FLAGGED
    return EXIT_FLAGGED if args.exit_code and report.domains else EXIT_OK


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--json-out: cannot write {path}: {exc.strerror}") from None


def _revision(text: str) -> bool:
    """A side that is a git revision (a path of the same name wins, as in ``review.sides``)."""
    from maildns.revision import commit_of

    return not Path(text).exists() and commit_of(text) is not None


def _added_as(staged: Iterable[str]) -> Callable[[Flag], bool]:
    """The ``dkim-key-added`` flags of the ``staged`` selectors."""
    names = tuple(f"DKIM key {s}._domainkey." for s in staged)
    return lambda flag: flag.code == "dkim-key-added" and flag.reason.startswith(names)


def _rotation(report: Report, old: str, new: str) -> tuple[Report, list[str]]:
    """The DKIM rotation rules of the change ``old`` -> ``new``: each step flagged, each refusal a line."""
    from maildns import review, rotation

    try:
        steps = rotation.between(rotation.top_of(Path.cwd()), old, new)
    except rotation.HistoryError as exc:
        raise UsageError(str(exc)) from None
    lines = []
    for step in steps:
        found = [
            ("dkim-key-staged", f"DKIM selector {s} staged: published, not signing yet; it may become active once its TTL has passed")
            for s in step.staged
        ]
        found += [("dkim-key-activated-early", p.message) for p in step.problems if p.rule == rotation.RULE_ACTIVATE]
        # A staged key is a new selector too: its history flag says more than the synth's dkim-key-added.
        report = review.with_flags(report, step.stack, step.domain, found, superseded=_added_as(step.staged))
        lines += [str(p) for p in step.problems]
    return report, lines
