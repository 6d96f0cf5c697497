"""The review of two synth outputs: per stack, its record sets, policy lines, flags and resource blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from maildns.records.mta_sts import Policy
from maildns.review.blocks import Change, ChangeKind, hosts, readable, stack_changes
from maildns.review.flags import FLAGS, SEVERITIES, Flag, Status, flags
from maildns.review.mail import Mail, View, mail
from maildns.review.planned import Planned
from maildns.review.reading import Stacks
from maildns.review.rules import removed_stack_note


@dataclass(frozen=True)
class RecordChange:
    """A record set added (``+``), removed (``-``) or changed (``~``), values as resolvers see them."""

    kind: ChangeKind
    name: str
    type: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    old_ttl: str | None
    new_ttl: str | None
    adopts: str = ""  # an added record set an import block takes over: the import ID
    live: tuple[str, ...] = ()  # the live values it replaces, when a plan shows them


@dataclass(frozen=True)
class DomainReport:
    """Everything that changes for one stack, email first."""

    stack: str
    domain: str
    status: Status  # removed: from the synth output
    records: tuple[RecordChange, ...]
    policy: tuple[str, ...]  # "- mx: a", "+ mx: b", ... the policy file line by line
    flags: tuple[Flag, ...]
    resources: tuple[Change, ...]
    note: str = ""
    planned: tuple[Planned, ...] = ()  # what Terraform's plan does to this stack (with --plan)


@dataclass(frozen=True)
class Report:
    domains: tuple[DomainReport, ...] = field(default_factory=tuple)
    planned: bool = False  # whether Terraform plans were read (--plan)
    notes: tuple[str, ...] = ()  # about the inputs (uncommitted changes, a plan not run)

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(sorted((f for d in self.domains for f in d.flags), key=lambda f: (f.rank, f.domain, f.stack, f.code, f.reason)))

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.flags) for s in SEVERITIES}

    def worst(self) -> int | None:
        """Rank of the most severe flag (0 is high), None without flags."""
        return min((f.rank for f in self.flags), default=None)

    @property
    def summary(self) -> str:
        if not self.domains:
            return "no changes"
        n = len(self.domains)
        counts = [f"{c} {s}" for s, c in self.counts().items() if c]
        return f"{n} domain{'s' * (n != 1)} changed: " + (", ".join(counts) if counts else "no risk flags")


def _view(stack: str, domain: str, doc: Mapping[str, Any], plan: tuple[Planned, ...] = ()) -> View:
    found = mail(stack, doc)
    return View(stack, Mail(domain, found.records, found.policy), doc, plan)


def review(old: Stacks, new: Stacks, plans: Mapping[str, tuple[Planned, ...]] | None = None, notes: tuple[str, ...] = ()) -> Report:
    """The email-aware review of ``old`` -> ``new``: one entry per stack that changes, with what
    Terraform's plan of it does when ``plans`` holds one (stack name -> its planned changes)."""
    domains = []
    for stack in sorted(old.keys() | new.keys()):
        old_doc, new_doc = old.get(stack), new.get(stack)
        plan = (plans or {}).get(stack, ())
        if old_doc == new_doc and not plan:
            continue
        if new_doc is None:
            assert old_doc is not None
            domain = mail(stack, old_doc).domain
            found = flags("removed", _view(stack, domain, old_doc), _view(stack, domain, {}, plan))
            domains.append(DomainReport(stack, domain, "removed", (), (), found, (), removed_stack_note(stack), plan))
            continue
        domain = mail(stack, new_doc if old_doc is None else old_doc).domain
        a, b = _view(stack, domain, old_doc or {}), _view(stack, domain, new_doc, plan)
        records = _record_changes(a.mail, b.mail, _adopted(old_doc or {}, new_doc, plan))
        policy = _policy_lines(a.mail.policy, b.mail.policy)
        status: Status = "added" if old_doc is None else "changed"
        found = flags(status, a, b)
        resources = tuple(stack_changes(stack, old_doc or {}, new_doc))
        if old_doc is not None and not (records or policy or found or resources or plan):
            continue  # only cdktf's "//" metadata differs: nothing Terraform or a resolver sees
        domains.append(DomainReport(stack, domain, status, records, policy, found, resources, planned=plan))
    return Report(tuple(domains), planned=plans is not None, notes=notes)


def _adopted(
    old: Mapping[str, Any], new: Mapping[str, Any], plan: tuple[Planned, ...]
) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """(name, type) -> (import ID, live values) of each record set that the new side's import blocks
    adopt and the old side's did not: the live set is taken over, not created."""

    def targets(doc: Mapping[str, Any]) -> dict[str, str]:
        found = doc.get("import", [])
        return {str(i.get("to")): str(i.get("id")) for i in found if isinstance(i, Mapping)} if isinstance(found, list) else {}

    before, after = targets(old), targets(new)
    live = {p.address: p.live for p in plan if p.action == "import"}
    records = new.get("resource", {}).get("aws_route53_record", {})
    certs = hosts(new)
    out = {}
    for address, import_id in after.items():
        name = address.removeprefix("aws_route53_record.")
        body = records.get(name)
        if address in before or name == address or not isinstance(body, Mapping):
            continue
        key = (readable(str(body.get("name", "")), certs).rstrip(".").lower(), readable(str(body.get("type", "")), certs))
        out[key] = (readable(import_id), live.get(address, ()))
    return out


def _record_changes(
    old: Mail, new: Mail, adopted: Mapping[tuple[str, str], tuple[str, tuple[str, ...]]] | None = None
) -> tuple[RecordChange, ...]:
    out = []
    for key in sorted(old.records.keys() | new.records.keys()):
        a, b = old.records.get(key), new.records.get(key)
        # A record set a new import block adopts is listed even when its values did not change:
        # Terraform takes over the live set (and writes these values over it).
        adopts, live = (adopted or {}).get(key, ("", ())) if b is not None else ("", ())
        if a == b and not adopts:
            continue
        kind: ChangeKind = "+" if a is None else "-" if b is None else "~"
        ref = b or a
        assert ref is not None
        out.append(
            RecordChange(
                kind,
                ref.name,
                ref.type,
                a.values if a else (),
                b.values if b else (),
                a.ttl if a else None,
                b.ttl if b else None,
                adopts,
                live,
            )
        )
    return tuple(out)


def _policy_lines(old: Policy | None, new: Policy | None) -> tuple[str, ...]:
    """The policy file compared line by line: removed lines, then added ones (RFC 8461 3.2 fields)."""
    a, b = old.lines if old else (), new.lines if new else ()
    if a == b:
        return ()
    return tuple(f"- {line}" for line in a if line not in b) + tuple(f"+ {line}" for line in b if line not in a)


def with_flags(
    report: Report, stack: str, domain: str, found: Iterable[tuple[str, str]], *, superseded: Callable[[Flag], bool] | None = None
) -> Report:
    """``report`` with flags found outside the synth output (the git history) added to ``stack``,
    each with its severity from the flag table; a stack whose output did not change gets an entry.
    ``superseded`` drops the stack's flags that an added one says better (a staged key's
    ``dkim-key-added``)."""
    added = tuple(Flag(FLAGS[code], stack, domain, code, reason) for code, reason in found)
    if not added:
        return report
    domains = list(report.domains)
    at = next((i for i, d in enumerate(domains) if d.stack == stack), None)
    if at is None:
        domains.append(DomainReport(stack, domain, "changed", (), (), (), ()))
        at = len(domains) - 1
    kept = [f for f in domains[at].flags if superseded is None or not superseded(f)]
    merged = tuple(sorted({*kept, *added}, key=lambda f: (f.rank, f.code, f.reason)))
    domains[at] = replace(domains[at], flags=merged)
    return Report(tuple(sorted(domains, key=lambda d: d.stack)))
