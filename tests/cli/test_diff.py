"""``maildns diff``: what a reviewer needs to see between two synth outputs, and which changes are risky."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from maildns.cli import main
from maildns.review import (
    diff,
    load_stacks,
    render,
    render_json,
    render_text,
    review,
)

GOLDEN_STACK = Path(__file__).resolve().parents[1] / "golden" / "login-gov.json"
LOGIN_GOV = json.loads(GOLDEN_STACK.read_text())


def stack(**records: dict) -> dict:
    return {
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {"aws_route53_record": {name: {"//": {"metadata": {"path": name}}, **body} for name, body in records.items()}},
    }


def txt(name: str, *values: str) -> dict:
    return {"name": name, "type": "TXT", "ttl": 3600, "records": list(values), "zone_id": "Z1"}


def write(folder: Path, stacks: dict[str, dict]) -> Path:
    for name, doc in stacks.items():
        path = folder / "stacks" / name / "cdk.tf.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(doc))
    return folder


# --- the resource list (today's output, kept at the end) ------------------------------------


def test_identical_outputs_have_no_changes():
    doc = stack(spf=txt("example.gov", "v=spf1 -all"))
    assert list(diff({"s": doc}, {"s": doc})) == []
    assert render([]) == "0 to add, 0 to change, 0 to remove"
    assert render_text(review({"s": doc}, {"s": doc})) == "no changes"


def test_outputs_that_differ_only_in_cdktf_metadata_have_no_changes():
    """cdktf's "//" blocks (paths, versions) are not Terraform configuration."""
    new = copy.deepcopy(LOGIN_GOV)
    new["//"] = {"metadata": {"version": "0.99.0"}}
    record("dmarc")(new)["//"] = {"metadata": {"path": "elsewhere"}}
    assert render_text(review({"login-gov": LOGIN_GOV}, {"login-gov": new})) == "no changes"


def test_changed_txt_is_shown_as_resolvers_see_it():
    """TXT pieces split for Route53 are joined again, so the review shows the real record (RFC 7208 3.3)."""
    old = stack(dkim=txt("k._domainkey.example.gov", "v=DKIM1; p=" + "a" * 250 + '""' + "b" * 10))
    new = stack(dkim=txt("k._domainkey.example.gov", "v=DKIM1; p=" + "a" * 250 + '""' + "c" * 10))
    (change,) = diff({"s": old}, {"s": new})
    assert change.kind == "~" and change.address == "aws_route53_record.dkim"
    assert change.lines == ("- v=DKIM1; p=" + "a" * 250 + "b" * 10, "+ v=DKIM1; p=" + "a" * 250 + "c" * 10)


def test_added_removed_and_attribute_changes():
    old = stack(spf=txt("example.gov", "v=spf1 -all"), dmarc=txt("_dmarc.example.gov", "v=DMARC1; p=none"))
    new = stack(
        spf={**txt("example.gov", "v=spf1 -all"), "ttl": 300}, tls_rpt=txt("_smtp._tls.example.gov", "v=TLSRPTv1;rua=mailto:t@example.gov")
    )
    assert render(list(diff({"s": old}, {"s": new}))).splitlines() == [
        "s",
        "  - aws_route53_record.dmarc  _dmarc.example.gov TXT",
        "      - v=DMARC1; p=none",
        "  ~ aws_route53_record.spf  example.gov TXT",
        "      ttl: 3600 -> 300",
        "  + aws_route53_record.tls_rpt  _smtp._tls.example.gov TXT",
        "      + v=TLSRPTv1;rua=mailto:t@example.gov",
        "1 to add, 1 to change, 1 to remove",
    ]


def test_cli_reads_cdktf_output_folders(tmp_path, capsys):
    for side, value in (("old", "v=spf1 -all"), ("new", "v=spf1 ~all")):
        write(tmp_path / side, {"example-gov": stack(spf=txt("example.gov", value))})
    assert load_stacks(tmp_path / "old").keys() == {"example-gov"}
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new")]) == 0
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--exit-code"]) == 3
    assert main(["diff", str(tmp_path / "new"), str(tmp_path / "new"), "--exit-code"]) == 0
    out = capsys.readouterr().out
    assert "      - v=spf1 -all\n      + v=spf1 ~all" in out


# --- one pair of inputs per flag -------------------------------------------------------------
# Each case starts from the shipped login.gov stack (tests/golden/login-gov.json) and changes the
# base (BEFORE) and/or the head (AFTER) the way a config or code change would.

Edit = Callable[[dict[str, Any]], None]


def res(doc: dict, type_: str, name: str) -> dict:
    return doc["resource"][type_][name]


def record(name: str) -> Callable[[dict], dict]:
    return lambda doc: res(doc, "aws_route53_record", name)


def set_values(name: str, *values: str) -> Edit:
    return lambda doc: record(name)(doc).update(records=list(values))


def replace_in(name: str, old: str, new: str) -> Edit:
    def edit(doc: dict) -> None:
        body = record(name)(doc)
        body["records"] = [v.replace(old, new) for v in body["records"]]

    return edit


def policy(old: str, new: str, sts_id: str = "0123456789abcdef0123456789abcdef") -> Edit:
    """Change the policy file and, as maildns does, the id of the ``_mta-sts`` TXT (RFC 8461 3.1)."""

    def edit(doc: dict) -> None:
        obj = res(doc, "aws_s3_object", "mta_sts_policy")
        assert old in obj["content"]
        obj["content"] = obj["content"].replace(old, new)
        set_values("mta_sts", f"v=STSv1; id={sts_id}")(doc)

    return edit


def delete(type_: str, name: str) -> Edit:
    return lambda doc: doc["resource"][type_].pop(name)


def both(*edits: Edit) -> Edit:
    def edit(doc: dict) -> None:
        for e in edits:
            e(doc)

    return edit


def nothing(doc: dict) -> None:
    pass


DMARC = "v=DMARC1; p=reject; pct=100; fo=1; ri=3600; rua=mailto:dmarc-reports@login.gov,mailto:reports@dmarc.cyber.dhs.gov; ruf=mailto:dmarc-forensics@login.gov"
OLD_ID = "034eb541fd9fc4b2b37d8b07ffbcdd94"

CASES = [
    # (id, BEFORE edit, AFTER edit, expected {(severity, code)}, words the reason must contain)
    (
        "DMARC p reject -> none is high (RFC 7489 6.3)",
        nothing,
        replace_in("dmarc", "p=reject", "p=none"),
        {("high", "dmarc-p-weakened")},
        "reject -> none",
    ),
    (
        "DMARC p reject -> quarantine is high",
        nothing,
        replace_in("dmarc", "p=reject", "p=quarantine"),
        {("high", "dmarc-p-weakened")},
        "reject -> quarantine",
    ),
    (
        "DMARC sp weakened while p stays is high",
        replace_in("dmarc", "pct=100", "sp=reject; pct=100"),
        replace_in("dmarc", "sp=reject", "sp=none"),
        {("high", "dmarc-sp-weakened")},
        "sp weakened reject -> none",
    ),
    (
        "DMARC sp dropped falls back to a weaker p: high",
        replace_in("dmarc", "p=reject; pct=100", "p=quarantine; sp=reject; pct=100"),
        replace_in("dmarc", "sp=reject; ", ""),
        {("high", "dmarc-sp-weakened")},
        "reject -> quarantine",
    ),
    ("DMARC pct lowered is high", nothing, replace_in("dmarc", "pct=100", "pct=50"), {("high", "dmarc-pct-lowered")}, "100 -> 50"),
    (
        "DMARC record removed is high",
        nothing,
        delete("aws_route53_record", "dmarc"),
        {("high", "dmarc-removed")},
        "_dmarc.login.gov removed",
    ),
    (
        "SPF ~all -> ?all is high (RFC 7208 4.7)",
        nothing,
        replace_in("spf", "~all", "?all"),
        {("high", "spf-all-loosened")},
        "~all (softfail) -> ?all (neutral)",
    ),
    ("SPF all dropped ends neutral: high", nothing, replace_in("spf", " ~all", ""), {("high", "spf-all-loosened")}, "?all (neutral)"),
    (
        "SPF record removed is high",
        nothing,
        delete("aws_route53_record", "spf"),
        {("high", "spf-removed")},
        "SPF record of login.gov removed",
    ),
    (
        "MX host removed while MTA-STS enforces is medium: a removal cannot break the policy, only an unlisted new host can",
        nothing,
        both(replace_in("mx", "20 alt2.aspmx.l.google.com", "20 alt1.aspmx.l.google.com"), set_values("mx", "10 aspmx.l.google.com")),
        {("medium", "mx-removed-under-enforce")},
        "MX host alt1.aspmx.l.google.com removed while MTA-STS is in enforce mode and the policy still lists it",
    ),
    (
        "MX host not covered by an enforce policy is high (RFC 8461 4.1)",
        nothing,
        set_values("mx", "10 aspmx.l.google.com", "20 mx.other.example"),
        {("medium", "mx-removed-under-enforce"), ("high", "mx-not-covered")},
        "mx.other.example is not covered",
    ),
    (
        "MTA-STS enforce -> testing is high",
        nothing,
        policy("mode: enforce", "mode: testing"),
        {("high", "mta-sts-mode-lowered"), ("medium", "mta-sts-id-changed")},
        "enforce -> testing",
    ),
    (
        "DKIM selector removed is high (RFC 6376 3.6.2.2)",
        nothing,
        delete("aws_route53_record", "dkim_google"),
        {("high", "dkim-selector-removed")},
        "google._domainkey.login.gov removed before it was revoked",
    ),
    (
        "DKIM key replaced in place is high",
        nothing,
        replace_in("dkim_google", "MIIBIjAN", "MIIBIjAM"),
        {("high", "dkim-key-replaced")},
        "DKIM key of google._domainkey.login.gov replaced in place",
    ),
    (
        "an SES region removed is one identity flag, not a DKIM removal per token record",
        nothing,
        both(
            *(delete("aws_route53_record", f"ses_dkim_us_west_2_{i}") for i in (1, 2, 3)),
            lambda d: d["data"]["aws_sesv2_email_identity"].pop("ses_identity_us_west_2"),
        ),
        {("high", "ses-identity-removed")},
        "DKIM records of the SES identity of login.gov in us-west-2 removed",
    ),
    (
        "SES identity handed over (managed -> existing) is one high flag, with no DKIM flag (the names are tokens)",
        lambda d: d["resource"].update(aws_ses_domain_identity={"ses_identity_us_east_1": {"domain": "login.gov"}}),
        lambda d: d["resource"].pop("aws_ses_domain_identity"),
        {("high", "ses-identity-removed")},
        "SES identity of login.gov in us-east-1 handed over (managed -> existing)",
    ),
    (
        "SES identity deleted is high",
        lambda d: d["resource"].update(aws_ses_domain_identity={"ses_identity_us_east_1": {"domain": "login.gov"}}),
        both(
            lambda d: d["resource"].pop("aws_ses_domain_identity"),
            lambda d: d["data"]["aws_sesv2_email_identity"].pop("ses_identity_us_east_1"),
        ),
        {("high", "ses-identity-removed")},
        "SES identity of login.gov in us-east-1 deleted with its DKIM keys",
    ),
    (
        "the site's region changed replaces the policy bucket: high (provider 6 forces replacement on region)",
        nothing,
        lambda d: d["provider"]["aws"][0].update(region="us-west-2"),
        {("high", "site-replaced")},
        "S3 bucket aws_s3_bucket.mta_sts replaced (region us-east-1 -> us-west-2)",
    ),
    (
        "a new ip4 sender is medium (RFC 7208 5.6)",
        nothing,
        replace_in("spf", " ~all", " ip4:192.0.2.0/24 ~all"),
        {("medium", "spf-sender-added")},
        "adds the sender ip4:192.0.2.0/24",
    ),
    (
        "a new ip4 sender wider than /16 is high",
        nothing,
        replace_in("spf", " ~all", " ip4:8.0.0.0/8 ~all"),
        {("high", "spf-sender-wide")},
        "adds ip4:8.0.0.0/8",
    ),
    (
        "a new ip6 sender wider than /32 is high",
        nothing,
        replace_in("spf", " ~all", " ip6:2001:db8::/16 ~all"),
        {("high", "spf-sender-wide")},
        "adds ip6:2001:db8::/16",
    ),
    (
        "a new ip6 sender of a /48 is medium",
        nothing,
        replace_in("spf", " ~all", " ip6:2001:db8:1::/48 ~all"),
        {("medium", "spf-sender-added")},
        "adds the sender ip6:2001:db8:1::/48",
    ),
    (
        "a new a: sender naming another domain is medium (RFC 7208 5.3)",
        nothing,
        replace_in("spf", " ~all", " a:relay.example.net ~all"),
        {("medium", "spf-sender-added")},
        "adds the sender a:relay.example.net",
    ),
    (
        "a new mx sender with a /8 dual CIDR is high",
        nothing,
        replace_in("spf", " ~all", " mx:example.net/8 ~all"),
        {("high", "spf-sender-wide")},
        "adds mx:example.net/8",
    ),
    (
        "a new exists: sender is medium (RFC 7208 5.7)",
        nothing,
        replace_in("spf", " ~all", " exists:%{i}.spf.example.net ~all"),
        {("medium", "spf-sender-added")},
        "exists:%{i}.spf.example.net",
    ),
    (
        "a failing directive is no new sender",
        nothing,
        replace_in("spf", " ~all", " -ip4:8.0.0.0/8 ~all"),
        set(),
        "",
    ),
    (
        "SPF moved to redirect= another domain is medium (RFC 7208 6.1)",
        nothing,
        set_values("spf", "v=spf1 redirect=_spf.example.net"),
        {("medium", "spf-redirect"), ("medium", "spf-include-removed")},
        "redirects to _spf.example.net",
    ),
    (
        "DMARC adkim s -> r is medium (RFC 7489 3.1)",
        replace_in("dmarc", "pct=100", "adkim=s; pct=100"),
        replace_in("dmarc", "adkim=s", "adkim=r"),
        {("medium", "dmarc-alignment-loosened")},
        "adkim loosened s -> r",
    ),
    (
        "DMARC aspf s dropped falls back to r: medium",
        replace_in("dmarc", "pct=100", "aspf=s; pct=100"),
        replace_in("dmarc", "aspf=s; ", ""),
        {("medium", "dmarc-alignment-loosened")},
        "aspf loosened s -> r",
    ),
    (
        "DMARC quarantine -> reject is medium: check aggregate reports first",
        replace_in("dmarc", "p=reject", "p=quarantine"),
        replace_in("dmarc", "p=quarantine", "p=reject"),
        {("medium", "dmarc-policy-strengthened")},
        "check aggregate reports first",
    ),
    (
        "a new DKIM key is low (RFC 6376 3.6.2.1)",
        nothing,
        lambda d: d["resource"]["aws_route53_record"].update(
            dkim_mailgun={"name": "mg._domainkey.login.gov", "type": "TXT", "ttl": 3600, "records": ["v=DKIM1; k=rsa; p=MIIB"]}
        ),
        {("low", "dkim-key-added")},
        "DKIM key mg._domainkey.login.gov added",
    ),
    (
        "CloudFront distribution removed is high",
        nothing,
        delete("aws_cloudfront_distribution", "mta_sts"),
        {("high", "site-removed")},
        "CloudFront distribution aws_cloudfront_distribution.mta_sts removed",
    ),
    (
        "S3 bucket renamed is a replacement: high",
        nothing,
        lambda d: res(d, "aws_s3_bucket", "mta_sts").update(bucket="mta-sts-login-gov-2"),
        {("high", "site-replaced")},
        "S3 bucket aws_s3_bucket.mta_sts replaced (bucket changed)",
    ),
    (
        "certificate under a new logical name is a replacement: high",
        nothing,
        lambda d: d["resource"]["aws_acm_certificate"].update(mta_sts_2=d["resource"]["aws_acm_certificate"].pop("mta_sts")),
        {("high", "site-replaced")},
        "replaced by aws_acm_certificate.mta_sts_2",
    ),
    (
        "SPF include added is medium",
        nothing,
        replace_in("spf", " ~all", " include:mailgun.org ~all"),
        {("medium", "spf-include-added")},
        "adds include:mailgun.org",
    ),
    (
        "SPF include removed is medium",
        nothing,
        replace_in("spf", "include:amazonses.com ", ""),
        {("medium", "spf-include-removed")},
        "drops include:amazonses.com",
    ),
    (
        "MTA-STS id changed without a policy change is medium, with the old max_age",
        nothing,
        set_values("mta_sts", "v=STSv1; id=20260101"),
        {("medium", "mta-sts-id-changed")},
        "senders keep the old policy up to its max_age (604800 s, 7 days); the policy itself did not change",
    ),
    (
        "max_age lowered is medium",
        nothing,
        policy("max_age: 604800", "max_age: 86400"),
        {("medium", "mta-sts-id-changed"), ("medium", "mta-sts-max-age-lowered")},
        "max_age lowered 604800 s, 7 days -> 86400 s, 1 day",
    ),
    (
        "max_age raised is medium",
        nothing,
        policy("max_age: 604800", "max_age: 31557600"),
        {("medium", "mta-sts-id-changed"), ("medium", "mta-sts-max-age-raised")},
        "raised",
    ),
    (
        "DKIM key revoked is medium (RFC 6376 3.6.1: p= empty)",
        nothing,
        set_values("dkim_google", "v=DKIM1; p="),
        {("medium", "dkim-key-revoked")},
        "DKIM key of google._domainkey.login.gov revoked",
    ),
    (
        "DKIM selector removed after its revocation is low",
        set_values("dkim_google", "v=DKIM1; p="),
        delete("aws_route53_record", "dkim_google"),
        {("low", "dkim-revoked-selector-removed")},
        "google._domainkey.login.gov removed after its revocation",
    ),
    (
        "DMARC rua address removed is medium",
        nothing,
        replace_in("dmarc", "mailto:dmarc-reports@login.gov,", ""),
        {("medium", "report-address-removed")},
        "DMARC rua address mailto:dmarc-reports@login.gov removed",
    ),
    (
        "DMARC ruf address removed is medium",
        nothing,
        replace_in("dmarc", "; ruf=mailto:dmarc-forensics@login.gov", ""),
        {("medium", "report-address-removed")},
        "DMARC ruf address mailto:dmarc-forensics@login.gov removed",
    ),
    (
        "TLS-RPT rua address removed is medium (RFC 8460 3)",
        nothing,
        replace_in("tls_rpt", "mailto:tls.reports@gsa.gov,", ""),
        {("medium", "report-address-removed")},
        "TLS-RPT rua address mailto:tls.reports@gsa.gov removed",
    ),
    (
        "over 30% of the record sets changed at once is medium",
        nothing,
        both(*(lambda d, n=n: record(n)(d).update(ttl=300) for n in ("spf", "dmarc", "tls_rpt", "mx", "ses_dkim_us_east_1_1"))),
        {("medium", "many-records-changed"), ("low", "ttl-changed")},
        "5 of 15 record sets changed or removed at once (over 30%)",
    ),
    (
        "TTL change is low",
        nothing,
        lambda d: record("spf")(d).update(ttl=300),
        {("low", "ttl-changed")},
        "TTL of login.gov TXT 3600 -> 300",
    ),
    (
        "MX values reordered is low",
        nothing,
        lambda d: record("mx")(d)["records"].reverse(),
        {("low", "values-reordered")},
        "values of login.gov MX reordered",
    ),
    (
        "CloudFront comment changed is low",
        nothing,
        lambda d: res(d, "aws_cloudfront_distribution", "mta_sts").update(comment="policy site"),
        {("low", "comment-changed")},
        "comment of aws_cloudfront_distribution.mta_sts changed",
    ),
]


@pytest.mark.parametrize(("before", "after", "expected", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_risky_change_raises_its_flag(before: Edit, after: Edit, expected: set, words: str):
    old, new = copy.deepcopy(LOGIN_GOV), copy.deepcopy(LOGIN_GOV)
    before(old)
    before(new)
    after(new)
    report = review({"login-gov": old}, {"login-gov": new})
    assert {(f.severity, f.code) for f in report.flags} == expected
    assert not expected or any(words in f.reason for f in report.flags), [f.reason for f in report.flags]
    assert all(f.domain == "login.gov" and f.stack == "login-gov" for f in report.flags)


def test_a_weaker_dmarc_policy_is_shown_by_name_and_type_before_the_resources():
    new = copy.deepcopy(LOGIN_GOV)
    replace_in("dmarc", "p=reject", "p=none")(new)
    text = render_text(review({"login-gov": LOGIN_GOV}, {"login-gov": new}))
    assert text.splitlines()[0] == "1 domain changed: 1 high"
    assert text.index("  ~ _dmarc.login.gov TXT\n") < text.index("login-gov\n  ~ aws_route53_record.dmarc")
    # The value is cut around the change (the full value is in JSON).
    assert "        - v=DMARC1; p=reject; pct=100; fo=1; ri=3600…\n        + v=DMARC1; p=none; pct=100; fo=1; ri=3600…\n" in text


def test_long_values_are_shortened_around_the_change_and_whole_in_json():
    new = copy.deepcopy(LOGIN_GOV)
    replace_in("dkim_google", "AkcuOOdgaW", "AkcuOOdgbW")(new)
    report = review({"login-gov": LOGIN_GOV}, {"login-gov": new})
    text = render_text(report)
    # 24 characters either side of the one that differs
    assert (
        "        - …CAQ8AMIIBCgKCAQEAkcuOOdgaWfHIKM1ILlzPOHBPJKLxU9+1…\n        + …CAQ8AMIIBCgKCAQEAkcuOOdgbWfHIKM1ILlzPOHBPJKLxU9+1…\n"
        in text
    )
    (domain,) = json.loads(render_json(report))["domains"]
    (change,) = [r for r in domain["records"] if r["type"] == "TXT"]
    assert change["new"][0].startswith("v=DKIM1; k=rsa; p=MIIBIjAN") and change["new"][0].endswith("IDAQAB")
    assert '""' not in change["new"][0]  # joined as resolvers see it (RFC 7208 3.3)


def test_policy_lines_are_compared_one_by_one():
    new = copy.deepcopy(LOGIN_GOV)
    policy("mx: alt2.aspmx.l.google.com\r\n", "mx: *.mail.login.gov\r\n")(new)
    policy("mode: enforce", "mode: testing")(new)
    (domain,) = review({"login-gov": LOGIN_GOV}, {"login-gov": new}).domains
    assert domain.policy == ("- mode: enforce", "- mx: alt2.aspmx.l.google.com", "+ mode: testing", "+ mx: *.mail.login.gov")


def test_json_has_the_same_content_sorted():
    new = copy.deepcopy(LOGIN_GOV)
    replace_in("dmarc", "p=reject", "p=none")(new)
    report = review({"login-gov": LOGIN_GOV}, {"login-gov": new})
    doc = json.loads(render_json(report))
    assert doc["summary"] == "1 domain changed: 1 high" and doc["counts"] == {"high": 1, "low": 0, "medium": 0}
    assert doc["flags"] == [
        {"code": "dmarc-p-weakened", "domain": "login.gov", "reason": report.flags[0].reason, "severity": "high", "stack": "login-gov"}
    ]
    (domain,) = doc["domains"]
    assert domain["records"] == [
        {
            "change": "~",
            "name": "_dmarc.login.gov",
            "type": "TXT",
            "old": [DMARC],
            "new": [DMARC.replace("p=reject", "p=none")],
            "old_ttl": "3600",
            "new_ttl": "3600",
            "adopts": "",
            "live": [],
        }
    ]
    assert doc["planned"] is False and domain["plan"] == []
    assert render_json(report) == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


# --- exit codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "fail_on", "code"),
    [
        (replace_in("dmarc", "p=reject", "p=none"), "high", 3),
        (replace_in("spf", " ~all", " include:mailgun.org ~all"), "high", 0),
        (replace_in("spf", " ~all", " include:mailgun.org ~all"), "medium", 3),
        (lambda d: record("spf")(d).update(ttl=300), "medium", 0),
        (lambda d: record("spf")(d).update(ttl=300), "low", 3),
        (nothing, "low", 0),
    ],
    ids=[
        "high flag fails --fail-on high",
        "medium flag passes --fail-on high",
        "medium flag fails --fail-on medium",
        "low flag passes --fail-on medium",
        "low flag fails --fail-on low",
        "no change passes --fail-on low",
    ],
)
def test_fail_on_exits_3_at_or_above_the_severity(tmp_path, capsys, edit: Edit, fail_on: str, code: int):
    new = copy.deepcopy(LOGIN_GOV)
    edit(new)
    write(tmp_path / "a", {"login-gov": LOGIN_GOV})
    write(tmp_path / "b", {"login-gov": new})
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b"), "--fail-on", fail_on]) == code


def test_identical_inputs_say_no_changes_and_exit_0(tmp_path, capsys):
    write(tmp_path / "a", {"login-gov": LOGIN_GOV})
    for fmt, expected in (("text", "no changes\n"), ("markdown", "**maildns diff: no changes**\n")):
        assert main(["diff", str(tmp_path / "a"), str(tmp_path / "a"), "--format", fmt, "--fail-on", "low", "--exit-code"]) == 0
        assert capsys.readouterr().out == expected
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "a"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "counts": {"high": 0, "low": 0, "medium": 0},
        "domains": [],
        "flags": [],
        "notes": [],
        "planned": False,
        "summary": "no changes",
    }


def test_an_existing_folder_without_stacks_is_a_usage_error(tmp_path, capsys):
    """A typo or one level too deep is not "every stack removed"."""
    write(tmp_path / "a", {"login-gov": LOGIN_GOV})
    (tmp_path / "empty").mkdir()
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "empty")]) == 2
    assert (
        capsys.readouterr().err == f"maildns diff: {tmp_path / 'empty'} holds no stacks (no */cdk.tf.json in it or in its stacks/ folder)\n"
    )
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "a" / "stacks" / "login-gov" / "nothing")]) == 2
    assert "is neither a path nor a git revision" in capsys.readouterr().err


def test_a_stack_missing_from_head_is_a_stack_removed_from_the_output(tmp_path, capsys):
    other = stack(spf=txt("example.gov", "v=spf1 -all"))
    write(tmp_path / "a", {"login-gov": LOGIN_GOV, "example-gov": other})
    write(tmp_path / "b", {"example-gov": other})
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b"), "--fail-on", "high"]) == 3
    out = capsys.readouterr().out
    note = (
        "stack login-gov removed from the synth output: nothing in this output destroys its resources; "
        "its records stay published until the deploy pipeline runs a destroy for it (cdktf destroy login-gov)"
    )
    assert out.splitlines()[:4] == ["1 domain changed: 1 high", "", "flags:", f"  high    login.gov  {note}"]
    assert f"login.gov (stack login-gov)\n  {note}\n" in out
    # Not its records as removed: the output holds no destroy for them.
    assert "_dmarc.login.gov" not in out and "aws_route53_record" not in out
    assert out.rstrip().endswith("0 to add, 0 to change, 0 to remove")


BAD_SHAPES = [
    (
        "a list where the resource map belongs",
        {"resource": []},
        "resource: must be an object of resource types (got a list; Terraform JSON syntax)",
    ),
    (
        "a list of bodies under a resource type",
        {"resource": {"aws_route53_record": [{}]}},
        "resource.aws_route53_record: must be an object of named blocks (got a list; Terraform JSON syntax)",
    ),
    (
        "a string as a resource body",
        {"resource": {"aws_s3_bucket": {"mta_sts": "bucket"}}},
        "resource.aws_s3_bucket.mta_sts: must be an object (got a string; Terraform JSON syntax)",
    ),
    (
        "a string as a record's records",
        {"resource": {"aws_route53_record": {"spf": {"name": "x", "type": "TXT", "records": "v=spf1 -all"}}}},
        "resource.aws_route53_record.spf.records: must be a list of strings (got a string; aws_route53_record schema)",
    ),
    (
        "an object as a provider",
        {"provider": {"aws": {"region": "us-east-1"}}},
        "provider.aws: must be a list of objects (got an object; Terraform JSON syntax)",
    ),
    ("a list as the terraform block", {"terraform": []}, "terraform: must be an object (got a list; Terraform JSON syntax)"),
]


@pytest.mark.parametrize(("doc", "message"), [c[1:] for c in BAD_SHAPES], ids=[c[0] for c in BAD_SHAPES])
def test_structurally_wrong_json_is_a_usage_error_naming_the_file(tmp_path, capsys, doc: dict, message: str):
    write(tmp_path / "a", {"login-gov": LOGIN_GOV})
    bad = write(tmp_path / "b", {"login-gov": doc}) / "stacks" / "login-gov" / "cdk.tf.json"
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b")]) == 2
    assert capsys.readouterr().err == f"maildns diff: {bad}: {message}\n"
    assert main(["diff", str(bad), str(tmp_path / "a")]) == 2
    assert capsys.readouterr().err == f"maildns diff: {bad}: {message}\n"


@pytest.mark.parametrize(
    ("before", "after", "code"),
    [
        ({}, {"dnssec": {"signing": True}}, "dnssec-signing-started"),
        ({"dnssec": {"signing": True}}, {}, "dnssec-signing-stopped"),
    ],
    ids=["signing turned on is high", "signing turned off is high"],
)
def test_dnssec_signing_changes_are_high(before, after, code):
    """RFC 4035 5: a DS at the parent without signing (or signing stopped under a DS) breaks resolution."""
    from tests.synth.helpers import config, synth

    old, new = synth(config(**before)), synth(config(**after))
    flags = review({"example-gov": old}, {"example-gov": new}).flags
    assert ("high", code) in {(f.severity, f.code) for f in flags}


def test_a_ds_record_removed_at_the_parent_is_high(tmp_path):
    from maildns.config import parse_config
    from tests.synth.test_features import stacks

    parent = {"domain": "example.gov", "mx": [{"host": "mx.example.net", "preference": 10}], "dnssec": {"signing": True}}
    child = {"domain": "mail.example.gov", "zone": "mail.example.gov", "dnssec": {"signing": True, "publish_ds": True}}
    with_ds = stacks([parse_config(parent, "p.yaml"), parse_config(child, "c.yaml")], tmp_path / "a")["example-gov"]
    unsigned = {**child, "dnssec": {"signing": True}}
    without = stacks([parse_config(parent, "p.yaml"), parse_config(unsigned, "c.yaml")], tmp_path / "b")["example-gov"]
    flags = review({"example-gov": with_ds}, {"example-gov": without}).flags
    assert [(f.severity, f.code) for f in flags if f.code.startswith("dnssec")] == [("high", "dnssec-ds-removed")]
