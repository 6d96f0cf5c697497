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
    what = {"added": "added", "removed": "removed from the synth output", "changed": f"{len(domain.records)} record sets changed"}[
        domain.status
    ]
    title = f"{domain.domain} (stack {domain.stack}): {what}" + (f"; {', '.join(counts)}" if counts else "")
    return f"<details><summary>{html.escape(title)}</summary>\n\n{md_code_block(domain_lines(domain))}\n\n</details>"


def render_markdown(report: Report, limit: int = COMMENT_LIMIT) -> str:
    """One pull-request comment: the summary first, a table of flags, a collapsed section per domain.

    Kept under ``limit`` characters by cutting domain sections, then flag rows, from the end, with a
    note saying what was cut.
    """
    head = f"**maildns diff: {report.summary}**"  # our own words and counts: nothing to escape
    if not report.domains:
        return head
    rows = [f"| {f.severity} | {md_inline(f.domain)} | {md_inline(f.reason)} |" for f in report.flags]
    sections = [_md_domain(d) for d in report.domains]

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
