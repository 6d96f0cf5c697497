"""``maildns stacks``: stack names (all, changed since a revision, or not yet applied), and the deploy
pipeline's checks and batches (``maildns.pipeline``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from maildns.cli.base import EXIT_INVALID, EXIT_OK, Commands, RevisionInvalid, UsageError, _load, _paths, command
from maildns.cli.options import add_format, count
from maildns.config import Config


def register(commands: Commands) -> None:
    stacks = command(commands, "stacks", "list stack names: all, or those whose synthesized JSON changed since a revision", cmd_stacks)
    stacks.add_argument("--changed-since", metavar="REV", help="only stacks whose Terraform JSON differs from REV's (a git revision)")
    stacks.add_argument(
        "--out",
        metavar="DIR",
        default="cdktf.out",
        help="the synth output the options below read (maildns synth --out; default: cdktf.out)",
    )
    stacks.add_argument(
        "--pending",
        action="store_true",
        help="only stacks whose synthesized JSON differs from what their state records as last applied in full (reads each state with terraform)",
    )
    stacks.add_argument(
        "--local-state",
        action="store_true",
        help="exit 1, naming them, when a stack listed keeps its Terraform state in a local file (for CI)",
    )
    stacks.add_argument(
        "--moved-since",
        metavar="REV",
        help="exit 1 when a stack's backend differs from REV's and its new backend holds no state yet (the state was not moved)",
    )
    stacks.add_argument(
        "--record",
        action="store_true",
        help="write maildns-applied.tf.json beside each stack's JSON: its apply records the JSON's hash in the state",
    )
    stacks.add_argument(
        "--batches",
        type=count("batches"),
        metavar="N",
        help="print a JSON list of at most N batches, each the space-separated stacks to deploy together, dependencies first",
    )
    add_format(stacks, ("text", "json"))


def cmd_stacks(args: argparse.Namespace) -> int:
    """Stack names, one per line (or a JSON list, for a CI job matrix): all, or those whose
    synthesized JSON differs from ``--changed-since``'s, or from what their state last applied."""
    for option, value in (("--changed-since", args.changed_since), ("--moved-since", args.moved_since)):
        if value is not None and len(_paths(args)) != 1:
            raise UsageError(f"{option} compares the repository's config/ folder: name one PATH")
    configs = _load(args)
    names = [c.stack_name for c in configs]
    if args.changed_since is not None:
        names = _changed(args, configs)
    out = Path(args.out)
    if args.pending or args.local_state or args.moved_since is not None or args.record:
        _synthesized(out, [c.stack_name for c in configs])
    from maildns.pipeline import PipelineError, local_state, local_state_problem

    try:
        if args.local_state:
            local = local_state(out, names)
            if local:
                print(local_state_problem(local), file=sys.stderr)
                return EXIT_INVALID
        if args.moved_since is not None:
            _refuse_unmoved(args, configs, out)
        if args.record:
            from maildns.pipeline import write_record

            for config in configs:
                write_record(out / "stacks" / config.stack_name)
        if args.pending:
            from maildns.fanout import workers
            from maildns.pipeline import statuses

            names = [s.stack for s in statuses(out, names, workers()) if s.pending]
    except PipelineError as exc:
        raise RevisionInvalid(list(exc.lines)) from None
    if args.batches is not None:
        from maildns.pipeline import batches
        from maildns.plan import plan

        print(json.dumps(batches(plan(configs), names, args.batches)))
        return EXIT_OK
    print(json.dumps(names) if args.format == "json" else "\n".join(names), end="\n" if names or args.format == "json" else "")
    return EXIT_OK


def _changed(args: argparse.Namespace, configs: Sequence[Config]) -> list[str]:
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
    for name in changes.removed:
        print(f"maildns stacks: {name} is no longer configured; its resources stay until it is destroyed", file=sys.stderr)
    return list(changes.changed)


def _synthesized(out: Path, names: Sequence[str]) -> None:
    missing = [name for name in names if not (out / "stacks" / name / "cdk.tf.json").is_file()]
    if missing:
        raise UsageError(
            f"--out {out}: no synthesized stack {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}: run maildns synth --out {out} first"
        )


def _refuse_unmoved(args: argparse.Namespace, configs: Sequence[Config], out: Path) -> None:
    """Exit 1 for each stack whose backend moved since ``--moved-since`` while its new backend is empty."""
    from maildns.changes import stack_documents
    from maildns.pipeline import PipelineError, pull_state, read_stack, where
    from maildns.revision import RevisionError

    try:
        before = stack_documents(args.moved_since, _paths(args)[0])
    except RevisionError as exc:
        if exc.invalid:
            raise RevisionInvalid(str(exc).splitlines()) from None
        raise UsageError(f"--moved-since {args.moved_since}: {exc}") from None
    problems = []
    for config in configs:
        name = config.stack_name
        if name not in before:
            continue
        old, new = where(before[name]), where(read_stack(out / "stacks" / name))
        if old != new:
            state = pull_state(out / "stacks" / name)
            if not state or not state.get("resources"):
                problems.append(
                    f"maildns stacks: {name}: its state moves from {old} to {new}, which holds no state yet: "
                    f"move it first (terraform init -migrate-state in {out}/stacks/{name}, docs/deploying.md Moving state)"
                )
    if problems:
        raise PipelineError(problems)
