"""``maildns import`` against real servers on loopback: a DNS server holding what a domain
publishes and, for MTA-STS, an HTTPS server for its policy host."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
import yaml

from maildns.cli import main
from maildns.config import load_config
from maildns.plan import plan_one
from maildns.records.mta_sts import POLICY_PATH
from tests.fixtures import LOGIN_GOV
from tests.live.servers import PolicySite, make_ca_and_cert
from tests.live.zones import Zone, served
from tests.synth.helpers import synth

pytestmark = pytest.mark.live

NEEDS_443 = pytest.mark.skipif(os.geteuid() != 0, reason="binding port 443 needs root (RFC 8461 3.3 fixes the port)")
# A loopback address of its own, so port 443 is free there even while other suites run theirs.
SITE_ADDRESS = f"127.{random.randint(100, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
ZONE_REF = "${data.aws_route53_zone.zone.zone_id}"


def records(path: Path, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["records", "--format", "json", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


def run_import(args: list[str], capsys) -> tuple[int, list[str], list[str]]:
    code = main(["import", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


@pytest.fixture
def login_gov(tmp_path, dns):
    """login.gov as it publishes itself (config/login.gov.yaml rendered), with its policy site."""
    plan = plan_one(load_config(LOGIN_GOV))
    zone = Zone.published("login.gov", plan.all_records)
    zone.add("mta-sts.login.gov", "A", SITE_ADDRESS, 60)
    zone.add("mta-sts.login.gov", "AAAA", "::1", 60)
    nameserver = dns(zone)
    ca, cert, key = make_ca_and_cert(tmp_path, "mta-sts.login.gov")
    site = PolicySite(SITE_ADDRESS, cert, key, "/" + POLICY_PATH, plan.policy)
    yield zone, ["login.gov", "--nameserver", nameserver, "--ca-file", str(ca), "--timeout", "2", "--out", str(tmp_path / "out")]
    site.stop()


@NEEDS_443
def test_login_gov_imports_value_for_value(login_gov, tmp_path, capsys):
    zone, args = login_gov
    code, out, err = run_import(args, capsys)
    written = tmp_path / "out" / "login.gov.yaml"
    assert (code, err) == (0, [])
    assert out == [f"{written}: adopts mx, spf, dkim:google, dmarc, tls_rpt, mta_sts, mta_sts_a, mta_sts_aaaa"]
    rendered = records(written, capsys)
    published = served(zone)
    # Every record set the config renders is served with the same values and TTL, and back.
    plain = {(r["name"], r["type"]): (tuple(sorted(r["values"])), r["ttl"]) for r in rendered if not r.get("computed")}
    # Known after apply: the aliases (whose names are served) and the ACM validation CNAME.
    aliases = {(r["name"], r["type"]) for r in rendered if r.get("computed") and "<" not in r["name"]}
    assert plain == {key: value for key, value in published.items() if key not in aliases}
    assert aliases == {("mta-sts.login.gov", "A"), ("mta-sts.login.gov", "AAAA")}
    # Every served record set is adopted.
    config = yaml.safe_load(written.read_text())
    assert len(config["adopt"]) == len(published)


@NEEDS_443
def test_login_gov_import_synthesizes_one_import_block_per_adopted_set(login_gov, tmp_path, capsys):
    _, args = login_gov
    assert run_import(args, capsys)[0] == 0
    doc = synth(load_config(tmp_path / "out" / "login.gov.yaml"))
    assert sorted(doc["import"], key=lambda b: b["to"]) == [
        {"id": f"{ZONE_REF}_google._domainkey.login.gov_TXT", "to": "aws_route53_record.dkim_google"},
        {"id": f"{ZONE_REF}__dmarc.login.gov_TXT", "to": "aws_route53_record.dmarc"},
        {"id": f"{ZONE_REF}__mta-sts.login.gov_TXT", "to": "aws_route53_record.mta_sts"},
        {"id": f"{ZONE_REF}_mta-sts.login.gov_A", "to": "aws_route53_record.mta_sts_a"},
        {"id": f"{ZONE_REF}_mta-sts.login.gov_AAAA", "to": "aws_route53_record.mta_sts_aaaa"},
        {"id": f"{ZONE_REF}_login.gov_MX", "to": "aws_route53_record.mx"},
        {"id": f"{ZONE_REF}_login.gov_TXT", "to": "aws_route53_record.spf"},
        {"id": f"{ZONE_REF}__smtp._tls.login.gov_TXT", "to": "aws_route53_record.tls_rpt"},
    ]


def zone_of(*records: tuple[str, str, str], origin: str = "") -> Zone:
    """A zone of ``records`` (TTL 3600) for ``origin``, by default the first record's domain."""
    zone = Zone(origin or records[0][0])
    for name, type_, value in records:
        zone.add(name, type_, value, 3600)
    return zone


def test_a_parked_domain_imports_as_it_is(tmp_path, dns, capsys):
    """A domain that neither sends nor receives: null MX (RFC 7505), v=spf1 -all, DMARC p=reject."""
    zone = zone_of(
        ("parked.example", "MX", "0 ."), ("parked.example", "TXT", "v=spf1 -all"), ("_dmarc.parked.example", "TXT", "v=DMARC1; p=reject")
    )
    code, out, err = run_import(["parked.example", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"], capsys)
    assert (code, err) == (0, [])
    assert out == [f"{tmp_path / 'parked.example.yaml'}: adopts mx, spf, dmarc"]
    rendered = {(r["name"], r["type"]): (tuple(r["values"]), r["ttl"]) for r in records(tmp_path / "parked.example.yaml", capsys)}
    assert rendered == served(zone)


def test_two_spf_records_are_named_and_the_second_kept_as_a_comment(tmp_path, dns, capsys):
    second = "v=spf1 include:amazonses.com -all"  # values come sorted: this one is the second
    zone = zone_of(("two.example", "TXT", "v=spf1 include:_spf.google.com ~all"), ("two.example", "TXT", second))
    code, _, err = run_import(["two.example", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"], capsys)
    file = tmp_path / "two.example.yaml"
    line = (
        f"{file}: spf: is published twice, which makes every SPF check a permerror; merge this one into spf.terms,"
        f" the first deploy deletes it (got {second}; RFC 7208 4.5)"
    )
    assert code == 0
    assert f"warning: {line}" in err
    assert (
        f"# note: spf: is published twice, which makes every SPF check a permerror; merge this one into spf.terms, the first deploy deletes it (got {second}; RFC 7208 4.5)\n"
        in file.read_text()
    )
    assert load_config(file).spf.text == "v=spf1 include:_spf.google.com ~all"


def test_apex_verification_txt_goes_to_apex_txt(tmp_path, dns, capsys):
    """Route53 keeps one TXT set per name: a site verification beside SPF is kept, not deleted."""
    zone = zone_of(
        ("verified.example", "TXT", "v=spf1 -all"),
        ("verified.example", "TXT", "google-site-verification=4tT0kEn"),
        ("verified.example", "TXT", "MS=ms12345678"),
        ("_dmarc.verified.example", "TXT", "v=DMARC1; p=reject"),
    )
    code, _, err = run_import(["verified.example", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"], capsys)
    assert (code, err) == (0, [])
    config = load_config(tmp_path / "verified.example.yaml")
    assert config.apex_txt == ("MS=ms12345678", "google-site-verification=4tT0kEn")
    rendered = {(r["name"], r["type"]): tuple(sorted(r["values"])) for r in records(tmp_path / "verified.example.yaml", capsys)}
    assert rendered[("verified.example", "TXT")] == served(zone)[("verified.example", "TXT")][0]


def test_a_malformed_dmarc_record_is_written_for_validate_to_name(tmp_path, dns, capsys):
    zone = zone_of(("bad.example", "TXT", "v=spf1 -all"), ("_dmarc.bad.example", "TXT", "v=DMARC1; p=rejectt; pct=200; np=reject"))
    code, out, err = run_import(["bad.example", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"], capsys)
    file = tmp_path / "bad.example.yaml"
    assert code == 1 and out == [f"{file}: adopts spf, dmarc"]
    assert err == [
        f"warning: {file}: dmarc: has the tag np, which maildns does not publish; it is left out (got np=reject; RFC 7489 6.3)",
        f"{file}: dmarc.p: must be none, quarantine or reject (got rejectt; did you mean reject? RFC 7489 6.3)",
        f"{file}: dmarc.pct: must be 0-100 (got 200; RFC 7489 6.3)",
    ]
    capsys.readouterr()
    assert main(["validate", str(file)]) == 1  # validate names the same problems
    assert capsys.readouterr().err.splitlines()[:2] == err[1:]


def test_a_dmarc_record_without_semicolons_is_replaced_by_the_default(tmp_path, dns, capsys):
    zone = zone_of(("semi.example", "TXT", "v=spf1 -all"), ("_dmarc.semi.example", "TXT", "v=DMARC1 p=none"))
    code, _, err = run_import(["semi.example", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"], capsys)
    file = tmp_path / "semi.example.yaml"
    assert code == 0
    assert err == [
        f"warning: {file}: dmarc: must start with v=DMARC1; p=...; the config puts them first (got v=DMARC1 p=none; RFC 7489 6.3)",
        (
            f"warning: {file}: dmarc: _dmarc.semi.example TXT is published differently; the first deploy writes ['v=DMARC1; p=reject']"
            ' (got ["v=DMARC1 p=none"]; the config\'s rendering)'
        ),
    ]


def test_dkim_aliases_and_unreadable_keys_are_left_alone(tmp_path, dns, capsys):
    zone = zone_of(
        ("keys.example", "TXT", "v=spf1 -all"),
        ("selector1._domainkey.keys.example", "CNAME", "selector1-keys-example._domainkey.contoso.onmicrosoft.com"),
        ("s1._domainkey.keys.example", "TXT", "v=DKIM1; k=rsa; p="),
        ("custom._domainkey.keys.example", "TXT", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
    )
    code, out, err = run_import(
        ["keys.example", "--selector", "custom", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"], capsys
    )
    file = tmp_path / "keys.example.yaml"
    assert code == 0 and out == [f"{file}: adopts spf, dkim:custom"]
    assert (
        f"warning: {file}: dkim: selector1._domainkey.keys.example is an alias of selector1-keys-example._domainkey.contoso.onmicrosoft.com (the signer keeps the key there); left as it is, not managed (got selector1; RFC 6376 3.6.2.1)"
        in err
    )
    assert (
        f"warning: {file}: dkim: s1._domainkey.keys.example is a revoked key (empty p=), which maildns does not publish; left as it is, not managed (got v=DKIM1; k=rsa; p=; RFC 6376 3.6.1)"
        in err
    )
    assert [k.selector for k in load_config(file).dkim] == ["custom"]


def test_an_existing_file_is_not_replaced_without_force(tmp_path, dns, capsys):
    zone = zone_of(("kept.example", "TXT", "v=spf1 -all"))
    file = tmp_path / "kept.example.yaml"
    file.write_text("domain: kept.example\n")
    args = ["kept.example", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"]
    assert run_import(args, capsys)[:3:2] == (2, [f"maildns import: {file} exists; --force replaces it"])
    assert file.read_text() == "domain: kept.example\n"
    assert run_import([*args, "--force"], capsys)[0] == 0
    assert load_config(file).spf.text == "v=spf1 -all"


def test_nothing_is_written_when_the_server_does_not_answer(tmp_path, capsys):
    silent = "127.0.0.1:9"  # discard: nothing answers DNS there
    code, _, err = run_import(["quiet.example", "--nameserver", silent, "--out", str(tmp_path), "--timeout", "0.5"], capsys)
    assert code == 1 and len(err) == 1
    assert err[0].startswith(f"{tmp_path / 'quiet.example.yaml'}: (top level): not written: no answer for quiet.example MX: ")
    assert not list(tmp_path.iterdir())


def test_a_domain_that_publishes_nothing_is_not_written(tmp_path, dns, capsys):
    code, _, err = run_import(
        ["nothing.example", "--nameserver", dns(zone_of(origin="nothing.example")), "--out", str(tmp_path), "--timeout", "2"], capsys
    )
    assert code == 1
    assert err == [
        f"{tmp_path / 'nothing.example.yaml'}: domain: not written: nothing.example publishes none of the records maildns manages (got nothing; a domain that exists)"
    ]
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["localhost"], "maildns import: 'localhost' must have at least 2 labels (RFC 1035 2.3.1)"),
        (
            ["ok.example", "--selector", "s_1"],
            "maildns import: --selector 's_1' has label 's_1': labels are letters, digits and hyphens, not starting or ending with a hyphen (RFC 1123 2.1)",
        ),
    ],
    ids=["a domain that is not a name", "a selector that is not a name"],
)
def test_usage_errors(args, line, capsys):
    assert main(["import", *args]) == 2
    assert capsys.readouterr().err.splitlines() == [line]
