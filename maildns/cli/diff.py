"""``maildns diff``: review what changes between two synth outputs (folders, files or git revisions)."""

from __future__ import annotations

import argparse
import re
from contextlib import ExitStack
from pathlib import Path

from maildns.cli.base import EXIT_OK, Commands, RevisionInvalid, UsageError, command
from maildns.cli.options import add_format

SEVERITIES = ("high", "medium", "low")  # maildns.diff.SEVERITIES, without importing it for every command
EXIT_FLAGGED = 3  # diff: a flag at or above --fail-on, or any change with --exit-code
# What can only be a revision: an abbreviated or full object name, or revision syntax (gitrevisions(7)).
REVISION_LIKE = re.compile(r"[0-9a-fA-F]{7,64}|.*[~^@:].*|[A-Z_]*HEAD")


def register(commands: Commands) -> None:
    review = command(commands, "diff", "review what changes between two synth outputs", cmd_diff, paths=False)
    review.add_argument("old", metavar="OLD", help="before the change: a cdktf output folder, one cdk.tf.json, or a git revision")
    review.add_argument("new", metavar="NEW", help="after the change: a cdktf output folder, one cdk.tf.json, or a git revision")
    add_format(review, ("text", "markdown", "json"))
    review.add_argument(
        "--fail-on", choices=SEVERITIES, metavar="{high,medium,low}", help="exit 3 when a flag of this severity or above is present"
    )
    review.add_argument("--exit-code", action="store_true", help="exit 3 when anything changes")


def _diff_side(text: str, stack: ExitStack) -> tuple[Path, bool]:
    """A synth output for OLD/NEW and whether a git revision was synthesized for it.

    A path that exists wins over a revision of the same name (``git diff`` asks for ``--`` there).
    """
    from maildns.revision import RevisionError, commit_of, synthesized

    path = Path(text)
    if path.exists():
        return path, False
    if commit_of(text) is None:
        if REVISION_LIKE.fullmatch(text):
            # A commit that is not here (a shallow clone, another repository) must not pass for
            # a first synth diffed against nothing.
            raise UsageError(f"{text} is not a git revision here (nor a path); in CI fetch the history (fetch-depth: 0)")
        return path, False
    try:
        return stack.enter_context(synthesized(text)), True
    except RevisionError as exc:
        if exc.invalid:
            raise RevisionInvalid(str(exc).splitlines()) from None
        raise UsageError(str(exc)) from None


def cmd_diff(args: argparse.Namespace) -> int:
    from maildns import diff

    with ExitStack() as stack:
        old, _ = _diff_side(args.old, stack)
        new, new_is_revision = _diff_side(args.new, stack)
        if not new.exists():
            raise UsageError(f"{args.new} is neither a path nor a git revision (OLD may be missing, for a first synth; NEW may not)")
        try:
            stacks = [diff.load_stacks(old), diff.load_stacks(new)]
        except diff.InputError as exc:
            raise UsageError(str(exc)) from None
        if new.is_dir() and not stacks[1] and not new_is_revision:
            # An existing folder without stacks is a typo or one level too deep, not "every stack
            # removed"; a revision without configs is honestly empty.
            raise UsageError(f"{args.new} holds no stacks (no */cdk.tf.json in it or in its stacks/ folder)")
        report = diff.review(stacks[0], stacks[1])
    render = {"text": diff.render_text, "json": diff.render_json, "markdown": diff.render_markdown}[args.format]
    print(render(report))
    worst = report.worst()
    if args.fail_on and worst is not None and worst <= SEVERITIES.index(args.fail_on):
        return EXIT_FLAGGED
    return EXIT_FLAGGED if args.exit_code and report.domains else EXIT_OK
