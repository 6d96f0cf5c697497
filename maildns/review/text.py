"""The text renderer: summary, flags, each domain's email changes, then the resource list."""

from __future__ import annotations

from maildns.records.mta_sts import POLICY_PATH
from maildns.review.blocks import IMPORT, Change
from maildns.review.report import DomainReport, RecordChange, Report

SHORTEN_ABOVE = 100  # values longer than this are shown around their change in text and Markdown
CONTEXT = 24  # characters kept either side of a change when shortened


def render(changes: list[Change]) -> str:
    """The resource list: a heading per stack, a line per block, indented details."""
    out: list[str] = []
    stack = None
    for change in changes:
        if change.stack != stack:
            stack = change.stack
            out.append(stack)
        out.append(f"  {change.kind} {change.address}" + (f"  {change.summary}" if change.summary else ""))
        out.extend(f"      {line}" for line in change.lines)
    # An import block creates nothing: it adopts a live resource, counted apart.
    counts = {kind: sum(c.kind == kind for c in changes if not c.address.startswith(IMPORT)) for kind in "+~-"}
    imports = sum(c.kind == "+" for c in changes if c.address.startswith(IMPORT))
    out.append(f"{counts['+']} to add, {counts['~']} to change, {counts['-']} to remove" + (f", {imports} to import" if imports else ""))
    return "\n".join(out)


def shorten(old: str, new: str, limit: int = SHORTEN_ABOVE) -> tuple[str, str]:
    """Both values cut to the part that differs, with CONTEXT characters either side, when long."""
    if max(len(old), len(new)) <= limit:
        return old, new
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1

    def cut(value: str) -> str:
        left = max(0, start - CONTEXT)
        right = min(len(value), len(value) - end + CONTEXT)
        return ("…" if left else "") + value[left:right] + ("…" if right < len(value) else "")

    return cut(old), cut(new)


def _one(value: str) -> str:
    return value if len(value) <= SHORTEN_ABOVE else value[: SHORTEN_ABOVE - 1] + "…"


def record_lines(change: RecordChange) -> list[str]:
    """``~ name TYPE`` then ``- old`` / ``+ new`` lines, long values shortened around the change."""
    same = change.kind == "~" and change.old == change.new and change.old_ttl == change.new_ttl
    if change.adopts:
        # Taken over by an import block: the live values (when a plan shows them), then what it sets;
        # ``=`` marks values the synth output already had (the config gained ``adopt`` alone).
        unchanged = "; values unchanged" if same else ""
        lines = [f"{change.kind} {change.name} {change.type}  (adopted: takes over the live record set {change.adopts}{unchanged})"]
        lines += [f"    live: {_one(v)}" for v in change.live]
        if change.kind == "+" or same:
            return lines + [f"    {'=' if same else '+'} {_one(v)}" for v in change.new]
    else:
        lines = [f"{change.kind} {change.name} {change.type}"]
    removed = [v for v in change.old if v not in change.new]
    added = [v for v in change.new if v not in change.old]
    if len(removed) == 1 and len(added) == 1:
        before, after = shorten(removed[0], added[0])
        lines += [f"    - {before}", f"    + {after}"]
    else:
        lines += [f"    - {_one(v)}" for v in removed] + [f"    + {_one(v)}" for v in added]
    if not removed and not added and change.old != change.new:
        lines += [f"    order: {', '.join(map(_one, change.old))} -> {', '.join(map(_one, change.new))}"]
    if change.kind == "~" and change.old_ttl != change.new_ttl:
        lines.append(f"    ttl: {change.old_ttl} -> {change.new_ttl}")
    return lines


def domain_lines(domain: DomainReport, *, resources: bool = True) -> list[str]:
    """One domain's email-level changes, then (with ``resources``) its resource blocks, as plain text."""
    if domain.status == "removed":
        return [domain.note] + (["terraform plan:", *(f"  {p.line()}" for p in domain.planned)] if domain.planned else [])
    lines = [f"stack {domain.stack} added to the synth output"] if domain.status == "added" else []
    if domain.records:
        lines.append("records:")
        lines += [f"  {line}" for change in domain.records for line in record_lines(change)]
    if domain.policy:
        lines.append(f"MTA-STS policy (https://mta-sts.{domain.domain}/{POLICY_PATH}):")
        lines += [f"    {line}" for line in domain.policy]
    if domain.planned:
        lines.append("terraform plan:")
        lines += [f"  {p.line()}" for p in domain.planned]
    if resources and domain.resources:
        lines.append("resources:")
        for change in domain.resources:
            lines.append(f"  {change.kind} {change.address}" + (f"  {change.summary}" if change.summary else ""))
            lines.extend(f"      {_one(line)}" for line in change.lines)
    return lines


def render_text(report: Report) -> str:
    """The default output: summary, flags, each domain's email changes, then the resource list."""
    if not report.domains:
        return "no changes"
    out = [report.summary, *report.notes]
    if report.flags:
        out += ["", "flags:"]
        out += [f"  {f.severity:<6}  {f.domain}  {f.reason}" for f in report.flags]
    for domain in report.domains:
        out += ["", f"{domain.domain} (stack {domain.stack})"]
        out += [f"  {line}" for line in domain_lines(domain, resources=False)]
    changes = [c for d in report.domains for c in d.resources]
    out += ["", render(changes)]
    return "\n".join(out)
