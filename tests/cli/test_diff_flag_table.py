"""The flag table of docs/review.md and the rules of ``maildns.review.flags`` are one list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maildns.review import FLAGS, RULES, review
from maildns.review.flags import Rule, severities
from maildns.review.mail import Mail, View

DOC = Path(__file__).resolve().parents[2] / "docs" / "review.md"


def documented(text: str) -> set[tuple[str, str]]:
    """(code, severity) of every row of the table under "## Risk flags"."""
    section = text.split("\n## Risk flags\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith(("| severity", "| ---"))]
    found = set()
    for row in rows:
        severity, codes = (cell.strip() for cell in row.strip("|").split("|")[:2])
        found |= {(code, severity) for code in re.findall(r"`([a-z0-9-]+)`", codes)}
    return found


def test_every_flag_in_the_code_is_documented_with_its_severity_and_nothing_else():
    in_doc = documented(DOC.read_text())
    in_code = set(FLAGS.items())
    assert sorted(in_code - in_doc) == [], "flags in maildns/review/flags.py missing from docs/review.md"
    assert sorted(in_doc - in_code) == [], "flags in docs/review.md that maildns/review/flags.py does not raise"


def test_the_table_parser_reads_every_row():
    """Guards the test above: a table it could not read would compare two empty sets."""
    assert len(documented(DOC.read_text())) == len(FLAGS) > 25


def test_a_code_two_rules_raise_has_one_severity():
    def check(old: View, new: View):
        return iter(())

    with pytest.raises(ValueError, match="flag x is high in one rule and low in another"):
        severities([Rule({"x": "high"}, check), Rule({"x": "low"}, check)])


def test_a_check_raising_a_code_its_row_does_not_list_is_refused():
    def check(old: View, new: View):
        yield "undeclared", "a reason"

    view = View("s", Mail("example.gov", {}, None), {})
    from maildns.review.flags import flags

    with pytest.raises(ValueError, match="check raised undeclared, which its row of the flag table does not list"):
        flags("changed", view, view, [Rule({"declared": "low"}, check)])


def test_every_rule_row_runs_on_a_real_review():
    """Each row's check is reachable: the table is what review() runs (a removed stack runs only its rows)."""
    # The rows on no status are raised from the git history (maildns.rotation), by cli/diff.py.
    assert {rule.on for rule in RULES} == {("changed",), ("removed",), (), ("added", "removed", "changed")}
    assert [r.check.__name__ for r in RULES if len(r.on) == 3] == ["plan"]  # what Terraform does, whatever the synth says
    doc = {"resource": {"aws_route53_record": {"spf": {"name": "example.gov", "type": "TXT", "records": ["v=spf1 -all"]}}}}
    (flag,) = review({"s": doc}, {}).flags
    assert (flag.code, flag.severity) == ("stack-removed", FLAGS["stack-removed"])
