"""``maildns diff --format markdown``: one pull-request comment, safe against hostile record text, under GitHub's size limit.

Rendered with markdown-it-py (CommonMark plus GFM tables, installed with rich), so the
assertions are about the HTML a reader would get, not about our own string building.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from maildns.cli import main
from maildns.review import COMMENT_LIMIT, render_markdown, review
from tests.cli.test_diff import LOGIN_GOV, replace_in, stack, txt, write
from tests.fixtures import CONFIG
from tests.fixtures import LOGIN_GOV as FIXTURE_LOGIN_GOV

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "diff-login-gov.md"
TAGS = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
# What our own comment may produce: emphasis, the table, the collapsed sections and code blocks.
ALLOWED_TAGS = {"p", "strong", "em", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "details", "summary"}


def html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


HOSTILE = "<img src=x onerror=alert(1)>|**bold**|</details>|```|````|[link](https://evil.example)|@team"


def test_hostile_record_text_cannot_break_the_markdown_or_inject_html():
    """Values and names come from synthesized JSON anyone can edit in a pull request."""
    old = stack(
        dmarc=txt(f"_dmarc.{HOSTILE}", "v=DMARC1; p=reject; rua=mailto:a@example.gov"),
        spf=txt(HOSTILE, "v=spf1 -all"),
    )
    new = stack(
        dmarc=txt(f"_dmarc.{HOSTILE}", f"v=DMARC1; p=none; x={HOSTILE}"),
        spf=txt(HOSTILE, f"v=spf1 include:{HOSTILE} -all"),
    )
    comment = render_markdown(review({"evil": old}, {"evil": new}))
    rendered = html(comment)
    assert set(TAGS.findall(rendered)) <= ALLOWED_TAGS, rendered
    # One section, closed where we close it; the hostile </details> stays text.
    assert rendered.count("<details>") == 1 and rendered.count("</details>") == 1
    assert rendered.rstrip().endswith("</details>")
    # Every flag is one table row of exactly three cells, the text shown as written.
    rows = re.findall(r"<tr>\n(.*?)</tr>", rendered, re.DOTALL)[1:]
    assert len(rows) == 3 and all(row.count("<td>") == 3 for row in rows)
    assert "&lt;img src=x onerror=alert(1)&gt;|**bold**|&lt;/details&gt;|```|````|[link](https://evil.example)|@team" in rows[0]
    assert 'href="https://evil.example"' not in rendered
    # The summary line of the section escapes the domain as HTML.
    assert "<summary>_dmarc.&lt;img" not in comment and "&lt;img src=x onerror=alert(1)&gt;" in comment.split("<summary>")[1]


def test_the_comment_stays_under_the_limit_and_says_what_was_cut():
    old, new = {}, {}
    for i in range(3000):
        domain = f"d{i:04}.example.gov"
        old[f"d{i:04}"] = stack(dmarc=txt(f"_dmarc.{domain}", "v=DMARC1; p=reject"), spf=txt(domain, "v=spf1 -all"))
        new[f"d{i:04}"] = stack(dmarc=txt(f"_dmarc.{domain}", "v=DMARC1; p=none"), spf=txt(domain, "v=spf1 ~all"))
    report = review(old, new)
    comment = render_markdown(report)
    assert len(comment) <= COMMENT_LIMIT < 65_536
    assert comment.splitlines()[0] == "**maildns diff: 3000 domains changed: 6000 high**"
    note = re.search(r"_Truncated to fit one comment: (\d+) of 6000 flags and 3000 of 3000 domain sections cut\.", comment)
    assert note, comment[-300:]
    kept_rows = 6000 - int(note.group(1))
    assert comment.count("\n| high | ") == kept_rows > 100
    assert html(comment).count("<details>") == 0


def test_sections_are_cut_before_flags():
    old = {f"s{i}": stack(dmarc=txt(f"_dmarc.s{i}.gov", "v=DMARC1; p=reject; x=" + "a" * 2000)) for i in range(50)}
    new = {f"s{i}": stack(dmarc=txt(f"_dmarc.s{i}.gov", "v=DMARC1; p=none; x=" + "a" * 2000)) for i in range(50)}
    comment = render_markdown(review(old, new), limit=20_000)
    assert len(comment) <= 20_000
    assert comment.count("\n| high | ") == 50  # every flag kept
    kept = comment.count("<details>")
    assert 0 < kept < 50 and f"_Truncated to fit one comment: {50 - kept} of 50 domain sections cut." in comment
    assert html(comment).count("</details>") == kept


def synth(config_dir: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert main(["synth", str(config_dir), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_shipped_config_against_a_weaker_copy_matches_the_golden_comment(tmp_path, capsys, request):
    """DMARC p=none (high) and one MX host removed (medium: a removal cannot break MTA-STS), the
    summary first, --fail-on high exits 3."""
    changed = tmp_path / "config"
    changed.mkdir()
    text = FIXTURE_LOGIN_GOV.read_text()
    weaker = text.replace("  p: reject\n", "  p: none\n").replace("  - {host: alt2.aspmx.l.google.com, preference: 20}\n", "")
    assert weaker.count("\n") == text.count("\n") - 1 and "p: none" in weaker
    (changed / "login.gov.yaml").write_text(weaker)
    base = synth(CONFIG, tmp_path / "base", capsys)
    head = synth(changed, tmp_path / "head", capsys)

    assert main(["diff", str(base), str(head), "--format", "markdown", "--fail-on", "high"]) == 3
    comment = capsys.readouterr().out
    assert comment.splitlines()[0] == "**maildns diff: 1 domain changed: 1 high, 2 medium**"
    assert "| high | login\\.gov | DMARC p weakened reject \\-\\> none" in comment
    assert "| medium | login\\.gov | MX host alt2\\.aspmx\\.l\\.google\\.com removed while MTA\\-STS is in enforce mode" in comment
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(comment)
        pytest.skip(f"rewrote {GOLDEN.relative_to(ROOT)}")
    expected = GOLDEN.read_text()
    if comment != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), comment.splitlines(True), GOLDEN.name, "maildns diff", n=2))
        pytest.fail(f"the comment differs from {GOLDEN.name} (rerun with --update-golden if intended):\n{diff}", pytrace=False)

    assert main(["diff", str(base), str(head), "--format", "json"]) == 0
    flags = json.loads(capsys.readouterr().out)["flags"]
    assert [(f["severity"], f["code"]) for f in flags] == [
        ("high", "dmarc-p-weakened"),
        ("medium", "mta-sts-id-changed"),
        ("medium", "mx-removed-under-enforce"),
    ]


def test_the_markdown_of_a_removed_stack_keeps_its_note():
    comment = render_markdown(review({"login-gov": LOGIN_GOV}, {}))
    assert comment.splitlines()[0] == "**maildns diff: 1 domain changed: 1 high**"
    assert "nothing in this output destroys its resources" in html(comment).split("<pre><code>")[1]


def test_an_unchanged_copy_is_no_change(tmp_path, capsys):
    new = copy.deepcopy(LOGIN_GOV)
    replace_in("dmarc", "p=reject", "p=reject")(new)
    write(tmp_path / "a", {"login-gov": LOGIN_GOV})
    write(tmp_path / "b", {"login-gov": new})
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "markdown", "--exit-code"]) == 0
    assert capsys.readouterr().out == "**maildns diff: no changes**\n"
