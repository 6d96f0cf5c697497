"""Golden reviews of real synth output: what a reviewer reads (Markdown) and what tools read (JSON)
for the changes issue 20 names. Regenerate with ``pytest tests/cli/test_diff_golden.py --update-golden``
and read ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import copy
import difflib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from maildns.cli import main
from maildns.config import parse_config
from maildns.plan import plan_one
from maildns.review import render_json, render_markdown, review
from tests.cli.test_diff_git import ROOT, commit, git
from tests.terraform.matrix import synthesize

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
STACK = "example-gov"
BASE: dict[str, Any] = {
    "domain": "example.gov",
    "zone": "example.gov",
    "region": "us-east-1",
    "mx": [{"host": "mx1.example.gov", "preference": 10}],
    "spf": {"terms": ["ip4:192.0.2.0/24"], "all": "fail"},
    "dmarc": {"p": "reject", "adkim": "s", "aspf": "s", "rua": ["mailto:dmarc@example.gov"]},
    "tls_rpt": {"rua": ["mailto:tlsrpt@example.gov"]},
    "mta_sts": {"mode": "enforce"},
    "ses": {"regions": ["us-east-1"], "identity": "managed"},
}


def changed(**fields: Any) -> dict[str, Any]:
    """BASE with fields replaced; ``section__key`` replaces one key of a section."""
    config = copy.deepcopy(BASE)
    for key, value in fields.items():
        section, _, inner = key.partition("__")
        if inner:
            config[section] = {**config[section], inner: value}
        else:
            config[key] = value
    return config


def synth(tmp: Path, *configs: dict[str, Any]) -> dict[str, Any]:
    """Stack name -> Terraform JSON of ``configs``, synthesized as ``maildns synth`` does."""
    parsed = [parse_config(c, f"config/{c['domain']}.yaml") for c in configs]
    return {name: json.loads(path.read_text()) for name, path in synthesize(parsed, tmp).items()}


def check_golden(name: str, actual: str, request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / name
    if request.config.getoption("--update-golden"):
        golden.write_text(actual if actual.endswith("\n") else actual + "\n")
        return
    expected = golden.read_text() if golden.exists() else ""
    actual = actual if actual.endswith("\n") else actual + "\n"
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"golden/{name}", "actual", n=2))
        pytest.fail(f"{name} differs from its golden file (rerun with --update-golden if intended):\n{diff}", pytrace=False)


def both(name: str, report: Any, request: pytest.FixtureRequest) -> None:
    check_golden(f"diff-{name}.md", render_markdown(report), request)
    check_golden(f"diff-{name}.json", render_json(report), request)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return synth(tmp_path_factory.mktemp("base"), BASE)


CASES: list[tuple[str, dict[str, Any], set[tuple[str, str]]]] = [
    (
        "managed-to-existing",
        changed(ses={"regions": ["us-east-1"], "identity": "existing"}),
        {("high", "ses-identity-removed")},
    ),
    ("new-ip4-sender", changed(spf__terms=["ip4:192.0.2.0/24", "ip4:198.51.100.0/24"]), {("medium", "spf-sender-added")}),
    ("alignment-loosened", changed(dmarc__adkim="r", dmarc__aspf="r"), {("medium", "dmarc-alignment-loosened")}),
    (
        "spf-redirect",
        changed(spf={"terms": [], "redirect": "_spf.example.net"}),
        {("medium", "spf-redirect")},
    ),
]


@pytest.mark.parametrize(("name", "head_config", "expected"), CASES, ids=[c[0] for c in CASES])
def test_golden_review(name: str, head_config: dict[str, Any], expected: set, *, base, tmp_path, request):
    head = synth(tmp_path, head_config)
    report = review(base, head)
    assert {(f.severity, f.code) for f in report.flags} == expected
    both(name, report, request)


def test_managed_to_existing_raises_no_false_dkim_flag(base, tmp_path):
    """Six token records under Terraform expressions once read as six DKIM removals: the names are
    the same tokens whoever owns the identity, so none is removed."""
    report = review(base, synth(tmp_path, changed(ses={"regions": ["us-east-1"], "identity": "existing"})))
    (domain,) = report.domains
    assert [f.code for f in domain.flags] == ["ses-identity-removed"]
    assert not [r for r in domain.records if "_domainkey" in r.name]
    assert "<ses-us-east-1-token-1>" in render_markdown(review({}, base))


def test_computed_names_are_shown_as_maildns_records_shows_them(base):
    """Names known only after apply (SES tokens, the ACM validation CNAME that ACM names itself) read
    in the diff as in ``maildns records``, type and target too, and so do values (the CloudFront
    host the policy host's aliases point to), never as a Terraform expression."""
    computed = [r for r in plan_one(parse_config(BASE, "config/example.gov.yaml")).all_records if r.computed]
    assert {r.id for r in computed} >= {"mta-sts-certificate-validation", "ses-dkim-us-east-1-1"}
    report = review({}, base)
    (domain,) = report.domains
    listed = {(r.name, r.type): r.new for r in domain.records}
    for record in computed:
        assert (record.name, record.type) in listed, f"{record.name} {record.type} is not listed as maildns records shows it"
    acm = next(r for r in computed if r.id == "mta-sts-certificate-validation")
    assert listed[(acm.name, acm.type)] == acm.values
    summaries = {c.address: c.summary for c in domain.resources}
    assert summaries["aws_route53_record.mta_sts_certificate_validation"] == f"{acm.name} CNAME"
    assert "${" not in "".join(r.name + r.type for r in domain.records) + "".join(summaries.values())
    # Values too: the policy host's aliases name the distribution as records does.
    alias = next(r for r in computed if r.id == "mta-sts-a")
    assert listed[(alias.name, alias.type)] == tuple(f"ALIAS {v}" for v in alias.values)
    assert "${" not in "".join(v for r in domain.records for v in r.new)


def test_an_adoption_is_shown_as_adoption(tmp_path, request):
    """A first synth that adopts the live MX and SPF: those two take over, the rest are created."""
    report = review({}, synth(tmp_path, changed(adopt=["mx", "spf"])))
    (domain,) = report.domains
    adopted = {(r.name, r.type): r.adopts for r in domain.records if r.adopts}
    assert sorted(adopted) == [("example.gov", "MX"), ("example.gov", "TXT")]
    assert adopted[("example.gov", "MX")] == "<zone-id>_example.gov_MX"
    assert "(adopted: takes over the live record set" in render_markdown(report)
    both("adoption", report, request)


def rename_text(text: str, old: str, new: str) -> str:
    """``text`` with a domain and its stack name (dots as hyphens) replaced."""
    return text.replace(old, new).replace(old.replace(".", "-"), new.replace(".", "-"))


def rename(doc: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """A stack of another parked domain: the same synth output with its names replaced."""
    result: dict[str, Any] = json.loads(rename_text(json.dumps(doc), old, new))
    return result


def test_three_hundred_parked_domains_beside_one_flagged_change(base, tmp_path, request):
    """The flagged domain comes first and survives the cut; the 300 identical new stacks are one line."""
    parked = synth(tmp_path / "parked", {"domain": "parked0.gov", "zone": "parked0.gov", "mail": "none"})["parked0-gov"]
    head = {f"parked{i:03d}-gov": rename(parked, "parked0.gov", f"parked{i:03d}.gov") for i in range(300)}
    head[STACK] = synth(tmp_path / "head", changed(dmarc__p="none"))[STACK]
    report = review(base, head)
    markdown = render_markdown(report)
    assert len(markdown) <= 65_000
    assert markdown.index("example.gov (stack example-gov)") < markdown.index("300 new stacks with identical records")
    assert "DMARC p weakened reject \\-\\> none" in markdown
    assert markdown.count("<details>") == 2  # the flagged domain and one example of the 300
    # JSON is for tools: every domain in full, the flagged one first (stacks in name order), each
    # parked entry the first one's with its names replaced.
    doc = json.loads(render_json(report))
    assert [d["stack"] for d in doc["domains"]] == [STACK, *sorted(n for n in head if n != STACK)]
    first = json.dumps(doc["domains"][1])
    for i, entry in enumerate(doc["domains"][1:]):
        assert json.dumps(entry) == rename_text(first, "parked000.gov", f"parked{i:03d}.gov")
    both("parked-300", report, request)


# The maildns change of the pull request below: the SPF ``all`` a config leaves unset becomes ``~all``.
SPF_DEFAULT = ('else "fail"', 'else "softfail"')


def code_repository(path: Path, domains: Sequence[str]) -> Path:
    """A repository as ``maildns init`` leaves one that vendors maildns: commit A holds this
    repository's ``maildns/`` and a config per domain; commit B changes one line of maildns only."""
    shutil.copytree(ROOT / "maildns", path / "maildns", ignore=shutil.ignore_patterns("__pycache__"))
    for domain in domains:
        config = changed(domain=domain, zone=domain, spf={"terms": ["ip4:192.0.2.0/24"]})  # all: the default
        (path / "config").mkdir(exist_ok=True)
        (path / "config" / f"{domain}.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "maildns and three domains")
    models = "maildns/config/models.py"
    text = (path / models).read_text()
    assert text.count(SPF_DEFAULT[0]) == 1, f"{models} no longer renders the SPF default as this test expects"
    commit(path, {models: text.replace(*SPF_DEFAULT)}, "SPF: softfail unlisted senders by default")
    assert git(path, "diff", "--name-only", "HEAD~1", "HEAD").split() == [models]
    return path


def test_a_pull_request_changing_only_maildns_code_lists_every_stack_and_the_gate_applies(tmp_path, monkeypatch, capsys, request):
    """Each revision is synthesized by its own maildns: a one-line change to maildns (no config
    touched) changes every stack's output, and the review lists them all and gates on them."""
    domains = ("a.example.gov", "b.example.gov", "c.example.gov")
    monkeypatch.chdir(code_repository(tmp_path / "repo", domains))
    assert main(["diff", "HEAD~1", "HEAD", "--format", "json", "--fail-on", "high"]) == 3
    json_out = capsys.readouterr().out
    doc = json.loads(json_out)
    assert [d["stack"] for d in doc["domains"]] == [d.replace(".", "-") for d in domains]
    assert [(f["severity"], f["code"], f["domain"]) for f in doc["flags"]] == [("high", "spf-all-loosened", d) for d in domains]
    for domain in doc["domains"]:
        # The one line maildns changed, and nothing else: every other block is the same.
        assert [(r["name"], r["old"], r["new"]) for r in domain["records"]] == [
            (domain["domain"], ["v=spf1 ip4:192.0.2.0/24 -all"], ["v=spf1 ip4:192.0.2.0/24 ~all"])
        ]
        assert [c["address"] for c in domain["resources"]] == ["aws_route53_record.spf"]
    assert main(["diff", "HEAD~1", "HEAD", "--format", "markdown", "--fail-on", "high"]) == 3
    markdown = capsys.readouterr().out
    assert all(f"{d} (stack {d.replace('.', '-')})" in markdown for d in domains)
    check_golden("diff-maildns-code.md", markdown, request)
    check_golden("diff-maildns-code.json", json_out, request)
