"""``maildns check``: compare live DNS and the MTA-STS policy file with the configs."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import TYPE_CHECKING

from maildns.cli.base import EXIT_INVALID, EXIT_OK, Commands, UsageError, _load, command
from maildns.cli.options import add_ca_file, add_format, add_jobs, add_nameserver, add_timeout, positive_seconds, tls_context
from maildns.plan import DomainPlan, plan

if TYPE_CHECKING:
    from maildns.check.lookup import Result


def register(commands: Commands) -> None:
    check = command(commands, "check", "compare live DNS and the MTA-STS policy file with the configs", cmd_check)
    add_nameserver(check)
    add_ca_file(check)
    add_timeout(check)
    check.add_argument(
        "--deadline", type=positive_seconds, default=30.0, metavar="SECONDS", help="for all queries of one domain (default: 30)"
    )
    add_jobs(check, what="domains", default=16, help="domains checked at the same time (default: 16)")
    check.add_argument(
        "--authoritative", action="store_true", help="ask each authoritative server of the zone, found through --nameserver or the resolver"
    )
    check.add_argument(
        "--state",
        action="append",
        metavar="FILE",
        help="Terraform state file: check the SES DKIM CNAMEs, the CloudFront addresses and the ACM validation record (repeatable)",
    )
    check.add_argument(
        "--only-failures", action="store_true", help="print only the results that fail (not ok, notice or skipped); the summary counts all"
    )
    add_format(check, ("text", "json"))


def result_lines(result: Result) -> list[str]:
    """How ``check`` prints one result: a line, then what differs (``-`` expected, ``+`` found),
    each server's answer when they disagree, and notes such as an SPF lookup chain."""
    from maildns.check.lookup import differences

    lines = [f"{result.status:<8} {result.name} {result.type}" + (f": {result.detail}" if result.detail else "")]
    if result.status in ("mismatch", "missing") and not result.notes:
        lines += [f"    {line}" for line in differences(result.expected, result.published)]
    for answer in result.servers:
        shown = f"error: {answer.error}" if answer.error else ", ".join(map(repr, answer.values)) or "no answer"
        lines.append(f"    {answer.server}: {shown}")
    lines += [f"    {note}" for note in result.notes]
    return lines


def cmd_check(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from maildns.check import Options, check_domain
    from maildns.check.state import StateError, read_state

    plans = plan(_load(args))
    try:
        applied = read_state(args.state or [])
    except StateError as exc:
        raise UsageError(str(exc)) from None
    options = Options(args.nameserver, args.timeout, args.deadline, tls_context(args.ca_file), args.authoritative)

    def one(domain_plan: DomainPlan) -> list[Result]:
        return check_domain(domain_plan, options, applied.get(domain_plan.domain))

    # Domains are checked in parallel by a bounded pool; each has its own deadline. On Ctrl-C the
    # queries in flight are not waited for (see console()).
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        results = [(p.domain, result) for p, found in zip(plans, pool.map(one, plans), strict=True) for result in found]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    shown = [(d, r) for d, r in results if not (args.only_failures and r.ok)]
    if args.format == "json":
        print(json.dumps([{"domain": d, **dataclasses.asdict(r)} for d, r in shown], indent=2))
    else:
        for _, result in shown:
            print("\n".join(result_lines(result)))
        failed = sum(not r.ok for _, r in results)
        print(f"{len(results)} checked: {failed} failed")
    return EXIT_INVALID if any(not r.ok for _, r in results) else EXIT_OK
