"""MTA-STS policy rendering, id, TXT record and MX pattern matching (RFC 8461)."""

from __future__ import annotations

import hashlib
import re

import pytest

from maildns.config import parse_config
from maildns.plan import plan_one
from maildns.records.mta_sts import (
    bucket_prefix,
    pattern_matches,
    policy_id,
    policy_patterns,
    render_policy,
    render_txt,
    site_name,
)

LOGIN_LIKE = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.net\r\nmx: mx2.example.net\r\nmax_age: 604800\r\n"


def config(mx=("mx1.example.net", "mx2.example.net"), **sts):
    data = {
        "domain": "example.gov",
        "mx": [{"host": host, "preference": 10 * (i + 1)} for i, host in enumerate(mx)],
        "mta_sts": {"mode": "enforce", "max_age": 604800, **sts},
    }
    return parse_config(data, "test.yaml")


def test_policy_is_version_mode_mx_lines_max_age_in_crlf():
    """RFC 8461 3.2: version first, then mode, one mx line per pattern, max_age; CRLF line ends."""
    assert plan_one(config()).policy == LOGIN_LIKE


def test_every_line_ends_in_crlf_and_there_is_no_bare_lf():
    """RFC 8461 3.2: lines end in CRLF (LF alone is only tolerated by parsers)."""
    policy = plan_one(config()).policy
    assert policy.endswith(b"\r\n")
    assert policy.count(b"\n") == policy.count(b"\r\n") == 5


@pytest.mark.parametrize(
    ("mx", "extra", "expected"),
    [
        (["mx2.example.net", "mx1.example.net"], [], ("mx1.example.net", "mx2.example.net")),
        (["MX1.Example.NET."], [], ("mx1.example.net",)),
        (["mx1.example.net"], ["mx1.example.net", "*.example.net"], ("*.example.net", "mx1.example.net")),
        (["."], [], ()),
        (["bücher.example"], [], ("xn--bcher-kva.example",)),
    ],
    ids=[
        "sorted, so YAML order does not matter",
        "lower case without the trailing dot",
        "each pattern once, extra patterns added",
        "a null MX has no pattern",
        "IDNs as A-labels",
    ],
)
def test_patterns(mx, extra, expected):
    """RFC 8461 4.1: patterns are host names or one-label wildcards, compared as A-labels."""
    assert policy_patterns(mx, extra) == expected


def test_id_is_the_first_32_hex_digits_of_the_sha256_of_the_bytes():
    """RFC 8461 3.1: the id is 1-32 letters or digits; ours is the SHA-256 prefix of the exact bytes."""
    assert policy_id(LOGIN_LIKE) == hashlib.sha256(LOGIN_LIKE).hexdigest()[:32]
    assert re.fullmatch(r"[0-9a-f]{32}", policy_id(LOGIN_LIKE))


def test_txt_record_is_version_then_id():
    """RFC 8461 3.1: ``v=STSv1; id=<id>``, at ``_mta-sts.<domain>``, exactly one record."""
    (txt, *_) = plan_one(config()).mta_sts
    assert (txt.id, txt.name, txt.type, txt.values) == ("mta-sts", "_mta-sts.example.gov", "TXT", (render_txt(LOGIN_LIKE),))
    assert txt.values == (f"v=STSv1; id={policy_id(LOGIN_LIKE)}",)
    assert not txt.computed


def test_policy_host_aliases_are_placeholders_until_apply():
    _, a, aaaa, _ = plan_one(config()).mta_sts
    assert [(r.name, r.type, r.computed) for r in (a, aaaa)] == [("mta-sts.example.gov", "A", True), ("mta-sts.example.gov", "AAAA", True)]
    assert a.values == ("<cloudfront distribution of mta-sts.example.gov>",)


def test_certificate_validation_cname_is_listed_with_placeholders():
    """ACM validates the policy host's certificate through a CNAME whose name and target ACM chooses."""
    *_, validation = plan_one(config()).mta_sts
    assert (validation.id, validation.type, validation.computed) == ("mta-sts-certificate-validation", "CNAME", True)
    assert validation.name == "<acm validation name for mta-sts.example.gov>"
    assert validation.values == ("<acm validation target for mta-sts.example.gov>",)


def test_no_mta_sts_section_no_records():
    assert plan_one(parse_config({"domain": "example.gov"})).mta_sts == ()


@pytest.mark.parametrize(
    "change",
    [
        {"mx": ("mx1.example.net", "mx3.example.net")},
        {"mx": ("mx1.example.net",)},
        {"mode": "testing"},
        {"max_age": 86400},
        {"patterns": ["*.backup.example.net"]},
    ],
    ids=["an MX host replaced", "an MX host removed", "the mode", "max_age", "a pattern added"],
)
def test_id_changes_when_the_policy_changes(change):
    """RFC 8461 3.1: the id must change whenever the policy changes, or senders keep the old one."""
    mx = change.pop("mx", ("mx1.example.net", "mx2.example.net"))
    assert policy_id(plan_one(config(mx=mx, **change)).policy) != policy_id(plan_one(config()).policy)


@pytest.mark.parametrize(
    "same",
    [
        {"mx": ("mx2.example.net", "mx1.example.net")},
        {"mx": ("MX1.example.net.", "mx2.EXAMPLE.net")},
        {"bucket": "another-bucket"},
    ],
    ids=["MX hosts reordered", "MX hosts in other case and with a trailing dot", "another bucket"],
)
def test_same_policy_same_bytes(same):
    """Same input, same bytes: nothing outside the policy's content moves the id."""
    mx = same.pop("mx", ("mx1.example.net", "mx2.example.net"))
    assert plan_one(config(mx=mx, **same)).policy == plan_one(config()).policy == LOGIN_LIKE


def test_rendering_twice_gives_the_same_bytes():
    assert render_policy(mode="testing", max_age=1, patterns=["a.example"]) == render_policy(
        mode="testing", max_age=1, patterns=["a.example"]
    )


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("mx1.example.net", "mx1.example.net", True),
        ("mx1.example.net", "MX1.EXAMPLE.NET.", True),
        ("mx1.example.net", "mx2.example.net", False),
        ("*.example.net", "mx1.example.net", True),
        ("*.example.net", "a.b.example.net", False),
        ("*.example.net", "example.net", False),
        ("*.example.net", "mx1.example.org", False),
        ("*.example.net", "mx1.badexample.net", False),
        ("*.mail.protection.outlook.com", "example-gov.mail.protection.outlook.com", True),
    ],
    ids=[
        "an exact name matches itself",
        "case and a trailing dot do not matter",
        "another name does not match",
        "a wildcard matches one left-most label",
        "a wildcard does not match two labels",
        "a wildcard does not match the parent itself",
        "a wildcard does not match another parent",
        "a wildcard does not match a longer last label",
        "the Microsoft 365 pattern matches a tenant host",
    ],
)
def test_pattern_matching(pattern, host, matches):
    """RFC 8461 4.1: ``*.example.net`` matches ``mx1.example.net`` but not ``a.b.example.net``."""
    assert pattern_matches(pattern, host) is matches


@pytest.mark.parametrize(
    ("domain", "name"),
    [("login.gov", "mta-sts-login-gov"), ("a" * 60 + ".gov", None)],
    ids=["dots become hyphens", "a long name is cut and ends in a hash"],
)
def test_site_name(domain, name):
    found = site_name(domain)
    assert len(found) <= 63 and re.fullmatch(r"[a-z0-9][a-z0-9-]*[a-z0-9]", found)
    assert found == (name or found)
    if name is None:
        assert found != site_name("b" * 60 + ".gov")  # the hash keeps cut names apart


@pytest.mark.parametrize(
    ("domain", "prefix"),
    [
        ("login.gov", "mta-sts-login-gov-"),
        ("a-very-long-agency-domain-name.example.gov", "mta-sts-a-very-long-agency-domain-na-"),
        ("abcdefghijklmnopqrstuvwxyz1.gov", "mta-sts-abcdefghijklmnopqrstuvwxyz1-"),
    ],
    ids=["dots become hyphens", "a long domain is cut to 37 characters", "no double hyphen where the cut meets a dot"],
)
def test_bucket_prefix(domain, prefix):
    """terraform-provider-aws aws_s3_bucket: a bucket_prefix is at most 37 characters (63 minus the 26 Terraform appends)."""
    assert bucket_prefix(domain) == prefix
    assert len(prefix) <= 37


def test_policy_command_prints_the_served_bytes(capsysbinary):
    """``maildns policy`` with one domain prints exactly the file senders fetch, CRLF included."""
    from maildns.cli import main
    from tests.fixtures import LOGIN_GOV

    assert main(["policy", str(LOGIN_GOV)]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"version: STSv1\r\nmode: enforce\r\n") and out.endswith(b"max_age: 604800\r\n")


def test_policy_command_heads_each_domain_when_there_are_several(tmp_path, capsysbinary):
    from maildns.cli import main

    for domain in ("a.example", "b.example"):
        (tmp_path / f"{domain}.yaml").write_text(
            f"domain: {domain}\nmx: [{{host: mx.{domain}, preference: 10}}]\nmta_sts: {{mode: testing}}\n"
        )
    assert main(["policy", str(tmp_path)]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"==> https://mta-sts.a.example/.well-known/mta-sts.txt <==\nversion: STSv1\r\n")
    assert b"\r\n\n==> https://mta-sts.b.example/.well-known/mta-sts.txt <==\nversion: STSv1\r\n" in out
