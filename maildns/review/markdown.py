"""The Markdown renderer: one pull-request comment, safe against record text, under GitHub's size limit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from maildns.review.flags import SEVERITIES
from maildns.review.report import DomainReport, Report
from maildns.review.text import domain_lines

# GitHub refuses a comment body over 65,536 characters; the sticky-comment action adds a hidden
# marker line to the body, so the review keeps a margin below the limit.
COMMENT_LIMIT = 65_000


# Every ASCII punctuation character can be backslash-escaped in CommonMark (spec 2.4), so escaping
# all of them keeps record text from opening emphasis, links, tables, headings or raw HTML.
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def md_inline(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, punctuation escaped, HTML impossible."""
    one_line = " ".join(text.split())
    return _MD_PUNCT.sub(r"\\\1", one_line)


def md_code_block(lines: Iterable[str]) -> str:
    """A fenced block whose fence is longer than any backtick run inside (CommonMark 4.5), so no
    value can close it; inside a code block Markdown and HTML are not interpreted.
    """
    body = "\n".join(line.replace("\r", "") for line in lines)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{body}\n{fence}"


def _md_domain(domain: DomainReport) -> str:
    counts = [f"{c} {s}" for s in SEVERITIES if (c := sum(f.severity == s for f in domain.flags))]
    what = {"added": "added", "removed": "removed from the synth output", "changed": _changed(domain)}[domain.status]
    title = f"{domain.domain} (stack {domain.stack}): {what}" + (f"; {', '.join(counts)}" if counts else "")
    return f"<details><summary>{html.escape(title)}</summary>\n\n{md_code_block(domain_lines(domain))}\n\n</details>"


def _changed(domain: DomainReport) -> str:
    """``3 record sets changed``, ``2 adopted`` too when import blocks take over live sets."""
    adopted = sum(bool(r.adopts) for r in domain.records)
    changed = sum(not (r.adopts and r.old == r.new and r.old_ttl == r.new_ttl) for r in domain.records)
    parts = [f"{_sets(changed)} changed"] if changed or not adopted else []
    return ", ".join(parts + ([f"{_sets(adopted)} adopted" if not parts else f"{adopted} adopted"] if adopted else []))


def _sets(count: int) -> str:
    return f"{count} record set{'' if count == 1 else 's'}"


PLAN_NOT_RUN = (
    "_Terraform plan not run: the flags come from the synth output alone, without what Terraform will replace, "
    "delete or import (docs/review.md, Plan review)._"
)
GROUP_SHOWN = 20  # names listed in the one line that summarises identical new stacks


def _order(report: Report) -> list[DomainReport]:
    """Flagged domains first (most severe first), then changed ones, then additions and removals."""

    def key(d: DomainReport) -> tuple[int, int]:
        worst = min((f.rank for f in d.flags), default=len(SEVERITIES))
        return worst, {"changed": 0, "added": 1, "removed": 2}[d.status]

    return sorted(report.domains, key=key)  # stable: name order within a rank


def _shape(domain: DomainReport) -> tuple[str, ...]:
    """A new stack's lines with its own names taken out: stacks of the same shape differ only by name."""
    lines = "\n".join(domain_lines(domain))
    return tuple(lines.replace(domain.domain, "{domain}").replace(domain.stack, "{stack}").splitlines())


def _sections(report: Report) -> list[str]:
    """A collapsed section per domain, in review order; new stacks without flags that share one
    shape (300 parked domains) become one line and one example section."""
    groups: dict[tuple[str, ...], list[DomainReport]] = {}
    for d in report.domains:
        if d.status == "added" and not d.flags:
            groups.setdefault(_shape(d), []).append(d)
    out, done = [], set()
    for d in _order(report):
        group = groups.get(_shape(d), []) if d.status == "added" and not d.flags else []
        if len(group) < 2:
            out.append(_md_domain(d))
        elif d.stack not in done:
            done |= {g.stack for g in group}
            names = ", ".join(g.domain for g in group[:GROUP_SHOWN]) + (
                f" and {len(group) - GROUP_SHOWN} more" if len(group) > GROUP_SHOWN else ""
            )
            out.append(
                f"{len(group)} new stacks with identical records apart from their names, as {html.escape(d.domain)} below: {md_inline(names)}"
            )
            out.append(_md_domain(d))
    return out


def render_markdown(report: Report, limit: int = COMMENT_LIMIT) -> str:
    """One pull-request comment: the summary first, a table of flags, a collapsed section per domain.

    Kept under ``limit`` characters by cutting domain sections, then flag rows, from the end, with a
    note saying what was cut.
    """
    head = f"**maildns diff: {report.summary}**"  # our own words and counts: nothing to escape
    head += "".join(f"\n\n_{md_inline(note)}_" for note in report.notes)
    if not report.domains:
        return head
    if not report.planned:
        head += f"\n\n{PLAN_NOT_RUN}"
    rows = [f"| {f.severity} | {md_inline(f.domain)} | {md_inline(f.reason)} |" for f in report.flags]
    sections = _sections(report)

    def build(n_rows: int, n_sections: int) -> str:
        parts = [head]
        if rows:
            parts.append("\n".join(["| severity | domain | reason |", "| --- | --- | --- |", *rows[:n_rows]]))
        parts += sections[:n_sections]
        cut = []
        if n_rows < len(rows):
            cut.append(f"{len(rows) - n_rows} of {len(rows)} flags")
        if n_sections < len(sections):
            cut.append(f"{len(sections) - n_sections} of {len(sections)} domain sections")
        if cut:
            parts.append(
                f"_Truncated to fit one comment: {' and '.join(cut)} cut. Run `maildns diff` locally or read the job log for the full report._"
            )
        return "\n\n".join(parts)

    if len(full := build(len(rows), len(sections))) <= limit:
        return full
    # Count what fits from running lengths (a note of at most NOTE characters follows), so a
    # report of thousands of domains is cut in one pass.
    budget = limit - NOTE - len(head)
    n_rows = _fitting([len(r) + 1 for r in rows], budget - 60)
    budget -= len(build(n_rows, 0)) - len(head)
    n_sections = _fitting([len(s) + 2 for s in sections], budget)
    return build(n_rows, n_sections)


NOTE = 200  # room kept for the truncation note


def _fitting(sizes: Sequence[int], budget: int) -> int:
    """How many leading items of these sizes fit in ``budget`` characters."""
    total = 0
    for i, size in enumerate(sizes):
        total += size
        if total > budget:
            return i
    return len(sizes)
