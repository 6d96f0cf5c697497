"""Review two synthesized outputs: email-level changes per domain, risk flags, then the resource blocks.

reading (synth output in, bounded and shape-checked) -> blocks (Terraform blocks compared) and
mail (each stack's mail view) -> flags (one table of rules, checks in rules and senders) -> report
-> text, markdown and jsondoc (the renderers); sides turns BASE and HEAD arguments into synth
outputs; planned reads Terraform's JSON plans (``--plan``).
"""

from maildns.review.blocks import Change, diff
from maildns.review.flags import FLAGS, RULES, SEVERITIES, Flag, Rule, Severity
from maildns.review.jsondoc import render_json
from maildns.review.markdown import COMMENT_LIMIT, render_markdown
from maildns.review.reading import InputError, Stacks, load_stacks
from maildns.review.report import DomainReport, RecordChange, Report, review, with_flags
from maildns.review.text import render, render_text

RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}

__all__ = [
    "COMMENT_LIMIT",
    "FLAGS",
    "RENDERERS",
    "RULES",
    "SEVERITIES",
    "Change",
    "DomainReport",
    "Flag",
    "InputError",
    "RecordChange",
    "Report",
    "Rule",
    "Severity",
    "Stacks",
    "diff",
    "load_stacks",
    "render",
    "render_json",
    "render_markdown",
    "render_text",
    "review",
    "with_flags",
]
