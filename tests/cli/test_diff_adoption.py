"""Adoption in the review: import blocks added to a stack that already publishes the record sets they
take over are shown as adoption, in text, Markdown and JSON, never as "no changes"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from maildns.cli import main
from maildns.review import render_json, render_markdown, render_text, review
from maildns.review.planned import Planned
from tests.cli.test_diff_golden import BASE, STACK, changed, synth


def write(folder: Path, stacks: dict[str, Any]) -> Path:
    for name, doc in stacks.items():
        path = folder / "stacks" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc))
    return folder


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return synth(tmp_path_factory.mktemp("base"), BASE)


# (what the pull request does, its config, the adopted record sets: (name, type) -> their lines in the text output)
CASES = [
    (
        "a config gains adopt for the MX and SPF it already publishes",
        changed(adopt=["mx", "spf"]),
        {
            ("example.gov", "MX"): [
                "    ~ example.gov MX  (adopted: takes over the live record set <zone-id>_example.gov_MX; values unchanged)",
                "        = 10 mx1.example.gov",
            ],
            ("example.gov", "TXT"): [
                "    ~ example.gov TXT  (adopted: takes over the live record set <zone-id>_example.gov_TXT; values unchanged)",
                "        = v=spf1 ip4:192.0.2.0/24 -all",
            ],
        },
    ),
    (
        "a config adopts the MX and changes it in the same pull request",
        changed(adopt=["mx"], mx=[{"host": "mx2.example.gov", "preference": 10}]),
        {
            ("example.gov", "MX"): [
                "    ~ example.gov MX  (adopted: takes over the live record set <zone-id>_example.gov_MX)",
                "        - 10 mx1.example.gov",
                "        + 10 mx2.example.gov",
            ],
        },
    ),
]


@pytest.mark.parametrize(("config", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_import_blocks_added_to_an_existing_stack_are_shown_as_adoption(base, tmp_path, config, expected):
    """An import block takes over the live record set (Terraform ``import``): the reviewer must see
    that the live MX is taken over, even when the synth output's records did not change."""
    head = synth(tmp_path, config)
    assert head[STACK]["import"], "the config adopts record sets: its stack has import blocks"
    report = review(base, head)
    assert report.summary != "no changes"
    (domain,) = report.domains
    adopted = {(r.name, r.type): r.adopts for r in domain.records if r.adopts}
    assert adopted == {key: f"<zone-id>_{key[0]}_{key[1]}" for key in expected}
    text = render_text(report).splitlines()
    for lines in expected.values():
        at = text.index(lines[0])
        assert text[at : at + len(lines)] == lines
    markdown = render_markdown(report)
    assert all(lines[0].strip() in markdown for lines in expected.values())
    doc = json.loads(render_json(report))
    assert {(r["name"], r["type"]): r["adopts"] for r in doc["domains"][0]["records"] if r["adopts"]} == adopted


def test_adoption_only_is_a_change_on_the_command_line(base, tmp_path, capsys):
    """``--exit-code`` exits 3: an import block changes what Terraform manages."""
    old, new = write(tmp_path / "a", base), write(tmp_path / "b", synth(tmp_path, changed(adopt=["mx"])))
    assert main(["diff", str(old), str(new), "--exit-code"]) == 3
    out = capsys.readouterr().out
    assert out.startswith("1 domain changed: no risk flags\n")
    assert "    ~ example.gov MX  (adopted: takes over the live record set <zone-id>_example.gov_MX; values unchanged)\n" in out
    assert "1 to import" in out


def test_the_live_value_an_adoption_replaces_is_shown_when_the_plan_has_it(base, tmp_path):
    head = synth(tmp_path, changed(adopt=["mx"]))
    plan = (Planned("aws_route53_record.mx", "aws_route53_record", "import", import_id="Z1_example.gov_MX", live=("10 old.mx.example",)),)
    report = review(base, head, {STACK: plan})
    (record,) = [r for r in report.domains[0].records if r.adopts]
    assert record.live == ("10 old.mx.example",)
    text = render_text(report)
    assert (
        "    ~ example.gov MX  (adopted: takes over the live record set <zone-id>_example.gov_MX; values unchanged)\n"
        "        live: 10 old.mx.example\n"
        "        = 10 mx1.example.gov\n"
    ) in text
    (entry,) = [r for r in json.loads(render_json(report))["domains"][0]["records"] if r["adopts"]]
    assert entry["live"] == ["10 old.mx.example"] and entry["old"] == entry["new"] == ["10 mx1.example.gov"]
