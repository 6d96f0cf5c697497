"""Risk flags: every flag of the review as one table of rules, each a check of (old view, new view).

A row names the flags its check may raise, each with its severity, and the stack changes it
applies to. A check yields ``(code, reason)``; the table, not the check, gives the severity.
docs/review.md ("Risk flags") documents the same table, and a test holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from maildns.review.mail import View
from maildns.review.resources import backend, dnssec, plan, site
from maildns.review.rules import (
    comments,
    dkim,
    dmarc,
    mta_sts,
    mx,
    rotation_history,
    share,
    spf,
    stack_removed,
    tls_rpt,
    ttls_and_order,
)
from maildns.review.senders import ses_identity

Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
Status = Literal["added", "removed", "changed"]  # of a stack, between the two synth outputs
Found = tuple[str, str]  # code, reason


@dataclass(frozen=True)
class Flag:
    """A change a reviewer must look at: its severity, what it is, and why it matters, in one line."""

    severity: Severity
    stack: str
    domain: str
    code: str
    reason: str

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity)


Check = Callable[[View, View], Iterable[Found]]


@dataclass(frozen=True)
class Rule:
    """One row of the flag table: the flags ``check`` may raise (code -> severity), and when it runs."""

    flags: Mapping[str, Severity]
    check: Check
    on: tuple[Status, ...] = ("changed",)


RULES: tuple[Rule, ...] = (
    Rule({"stack-removed": "high"}, stack_removed, on=("removed",)),
    Rule(
        {
            "dmarc-removed": "high",
            "dmarc-p-weakened": "high",
            "dmarc-sp-weakened": "high",
            "dmarc-pct-lowered": "high",
            "report-address-removed": "medium",
            "dmarc-delegated": "medium",
            "dmarc-target-changed": "medium",
            "dmarc-delegation-ended": "medium",
            "dmarc-policy-strengthened": "medium",
            "dmarc-alignment-loosened": "medium",
        },
        dmarc,
    ),
    Rule(
        {
            "spf-removed": "high",
            "spf-all-loosened": "high",
            "spf-sender-wide": "high",
            "spf-include-added": "medium",
            "spf-include-removed": "medium",
            "spf-sender-added": "medium",
            "spf-redirect": "medium",
        },
        spf,
    ),
    Rule({"mx-removed-under-enforce": "medium", "mx-not-covered": "high"}, mx),
    Rule(
        {
            "mta-sts-mode-lowered": "high",
            "mta-sts-id-changed": "medium",
            "mta-sts-max-age-lowered": "medium",
            "mta-sts-max-age-raised": "medium",
        },
        mta_sts,
    ),
    Rule(
        {
            "dkim-selector-removed": "high",
            "dkim-key-replaced": "high",
            "dkim-target-changed": "medium",
            "dkim-key-revoked": "medium",
            "dkim-revoked-selector-removed": "low",
            "dkim-key-added": "low",
        },
        dkim,
    ),
    # Raised from the git history (maildns.rotation), never over the synth output: on no status.
    Rule({"dkim-key-activated-early": "high", "dkim-key-staged": "low"}, rotation_history, on=()),
    Rule(
        {
            "report-address-removed": "medium",
            "tls-rpt-removed": "medium",
            "tls-rpt-delegated": "medium",
            "tls-rpt-target-changed": "medium",
            "tls-rpt-delegation-ended": "medium",
        },
        tls_rpt,
    ),
    Rule({"ses-identity-removed": "high"}, ses_identity),
    Rule({"many-records-changed": "medium"}, share),
    Rule({"ttl-changed": "low", "values-reordered": "low"}, ttls_and_order),
    Rule({"comment-changed": "low"}, comments),
    Rule({"site-removed": "high", "site-replaced": "high"}, site),
    Rule(
        {
            "dnssec-signing-started": "high",
            "dnssec-signing-stopped": "high",
            "dnssec-signing-changed": "high",
            "dnssec-key-replaced": "high",
            "dnssec-ds-added": "high",
            "dnssec-ds-removed": "high",
        },
        dnssec,
    ),
    Rule({"backend-changed": "high"}, backend),
    Rule({"plan-replace": "high", "plan-delete": "high", "plan-forget": "medium"}, plan, on=("added", "removed", "changed")),
)


def severities(rules: Sequence[Rule] = RULES) -> dict[str, Severity]:
    """Every flag code -> its severity; a code two rows raise must have one severity."""
    found: dict[str, Severity] = {}
    for rule in rules:
        for code, severity in rule.flags.items():
            if found.setdefault(code, severity) != severity:
                raise ValueError(f"flag {code} is {found[code]} in one rule and {severity} in another")
    return found


FLAGS = severities()


def flags(status: Status, old: View, new: View, rules: Sequence[Rule] = RULES) -> tuple[Flag, ...]:
    """The flags of one stack's change, most severe first, each once."""
    found = set()
    for rule in rules:
        if status in rule.on:
            for code, reason in rule.check(old, new):
                if code not in rule.flags:
                    raise ValueError(f"{rule.check.__name__} raised {code}, which its row of the flag table does not list")
                found.add(Flag(rule.flags[code], new.stack, new.mail.domain, code, reason))
    return tuple(sorted(found, key=lambda f: (f.rank, f.code, f.reason)))
