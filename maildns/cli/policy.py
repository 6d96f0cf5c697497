"""``maildns policy``: each domain's MTA-STS policy file exactly as it is served."""

from __future__ import annotations

import argparse
import sys

from maildns.cli.base import EXIT_INVALID, EXIT_OK, Commands, _load, command
from maildns.plan import plan
from maildns.records.mta_sts import policy_url


def register(commands: Commands) -> None:
    command(commands, "policy", "print each domain's MTA-STS policy file exactly as it is served", cmd_policy)


def cmd_policy(args: argparse.Namespace) -> int:
    """Each domain's MTA-STS policy, byte for byte as served (CRLF line ends, RFC 8461 3.2).

    With several domains each policy follows a ``==> <url> <==`` line (as ``head`` does), and a
    blank line separates them; with one domain the output is exactly the file.
    """
    policies = [(p.domain, p.policy) for p in plan(_load(args)) if p.policy is not None]
    if not policies:
        print("maildns: no config has an mta_sts section", file=sys.stderr)
        return EXIT_INVALID
    out = sys.stdout.buffer
    for i, (domain, policy) in enumerate(policies):
        if len(policies) > 1:
            separator = "\n" if i else ""
            out.write(f"{separator}==> {policy_url(domain)} <==\n".encode("ascii"))
        out.write(policy)
    out.flush()
    return EXIT_OK
