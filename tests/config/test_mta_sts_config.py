"""Config errors of the mta_sts section: one line each, located, with the RFC rule."""

from __future__ import annotations

from typing import Any

import pytest

from maildns.config import ConfigError, parse_config

FILE = "config/example.gov.yaml"
MX = [{"host": "mx1.example.net", "preference": 10}, {"host": "mx2.example.org", "preference": 20}]


def lines(**data: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config({"domain": "example.gov", "mx": MX, **data}, FILE)
    return caught.value.lines


@pytest.mark.parametrize("mode", ["enforce", "testing"])
def test_an_mx_host_no_pattern_covers_is_refused(mode):
    """RFC 8461 4.1: in testing or enforce mode senders check every MX host against the patterns."""
    assert lines(mta_sts={"mode": mode, "include_mx": False, "patterns": ["*.example.net"]}) == [
        f"{FILE}: mx[1].host: matches no mta_sts pattern, so senders would not deliver to it in {mode} mode;"
        " add a pattern or use mode none (got mx2.example.org; RFC 8461 4.1)"
    ]


def test_max_age_above_one_year_is_refused():
    """RFC 8461 3.2: max_age is at most 31557600 seconds."""
    assert lines(mta_sts={"max_age": 31557601}) == [f"{FILE}: mta_sts.max_age: must be 0-31557600 (got 31557601; RFC 8461 3.2)"]


@pytest.mark.parametrize("pattern", ["*.*.example.net", "mx1.*.example.net", "*mx.example.net"])
def test_a_wildcard_other_than_one_left_most_label_is_refused(pattern):
    """RFC 8461 4.1: ``*`` stands for exactly one left-most label."""
    assert lines(mta_sts={"patterns": [pattern]}) == [
        f"{FILE}: mta_sts.patterns[0]: may have * only as the whole left-most label: a wildcard stands for exactly one label"
        f" (got {pattern}; RFC 8461 4.1)"
    ]


def test_a_wildcard_below_a_top_level_domain_is_refused():
    assert lines(mta_sts={"patterns": ["*.net"]}) == [
        f"{FILE}: mta_sts.patterns[0]: must not be a wildcard directly below a top-level domain: it would match any host there"
        " (got *.net; RFC 8461 4.1)"
    ]


@pytest.mark.parametrize("mx", [[], [{"host": ".", "preference": 0}]], ids=["no MX", "a null MX"])
def test_enforce_on_a_domain_without_mail_is_refused(mx):
    """RFC 8461 3.2: a testing or enforce policy lists the MX hosts mail may go to."""
    with pytest.raises(ConfigError) as caught:
        parse_config({"domain": "example.gov", "mx": mx, "mta_sts": {"mode": "enforce"}}, FILE)
    assert caught.value.lines == [
        f"{FILE}: mta_sts.mode: must be none on a domain that receives no mail: enforce mode needs MX hosts to list (got enforce; RFC 8461 3.2)"
    ]


def test_a_bucket_name_with_dots_is_refused():
    assert lines(mta_sts={"bucket": "mta-sts.example.gov"}) == [
        f"{FILE}: mta_sts.bucket: must not contain dots: the bucket is reached over TLS as <bucket>.s3.<region>.amazonaws.com"
        " (got mta-sts.example.gov; S3 bucket naming rules)"
    ]


@pytest.mark.parametrize(
    "sts",
    [
        {"mode": "enforce"},
        {"mode": "enforce", "include_mx": False, "patterns": ["*.example.net", "mx2.example.org"]},
        {"mode": "none", "include_mx": False},
    ],
    ids=["MX hosts are patterns by default", "wildcard and exact patterns cover every host", "mode none withdraws, nothing to cover"],
)
def test_covered_or_withdrawn_policies_are_accepted(sts):
    config = parse_config({"domain": "example.gov", "mx": MX, "mta_sts": sts}, FILE)
    assert config.mta_sts.mode == sts["mode"]


def test_patterns_are_normalised():
    config = parse_config({"domain": "example.gov", "mx": MX, "mta_sts": {"patterns": ["*.Mail.Example.NET."]}}, FILE)
    assert config.mta_sts.patterns == ("*.mail.example.net",)


def test_a_policy_host_name_over_64_octets_is_refused():
    """ACM RequestCertificate: the certificate for mta-sts.<domain> names it in 1-64 characters."""
    domain = "a" * 53 + ".gov"
    assert lines(domain=domain, mta_sts={"mode": "enforce"}) == [
        f"{FILE}: domain: makes the MTA-STS host name 65 octets long; an ACM certificate names at most 64"
        f" (got mta-sts.{'a' * 53}.gov; ACM RequestCertificate DomainName)"
    ]


def test_a_policy_host_name_of_64_octets_is_accepted():
    domain = "a" * 52 + ".gov"
    config = parse_config({"domain": domain, "mx": MX, "mta_sts": {"mode": "enforce"}}, FILE)
    assert len(f"mta-sts.{config.domain}") == 64


def test_a_long_domain_without_mta_sts_is_accepted():
    assert parse_config({"domain": "a" * 53 + ".gov"}, FILE).mta_sts is None


RULE = "S3 bucket naming rules"


@pytest.mark.parametrize(
    ("bucket", "message"),
    [
        ("xn--mta-sts-example", "must not start with xn--: S3 reserves that prefix"),
        ("sthree-mta-sts", "must not start with sthree-: S3 reserves that prefix"),
        ("sthree-configurator-x", "must not start with sthree-: S3 reserves that prefix"),
        ("amzn-s3-demo-mta-sts", "must not start with amzn-s3-demo-: S3 reserves that prefix"),
        ("mta-sts-s3alias", "must not end with -s3alias: S3 reserves that suffix for access points and other bucket types"),
        ("mta-sts--ol-s3", "must not end with --ol-s3: S3 reserves that suffix for access points and other bucket types"),
        ("mta-sts--x-s3", "must not end with --x-s3: S3 reserves that suffix for access points and other bucket types"),
        ("mta-sts--table-s3", "must not end with --table-s3: S3 reserves that suffix for access points and other bucket types"),
    ],
)
def test_a_bucket_name_s3_reserves_is_refused(bucket, message):
    """S3 bucket naming rules: CreateBucket refuses reserved prefixes and suffixes, so the site could never be built."""
    assert lines(mta_sts={"bucket": bucket}) == [f"{FILE}: mta_sts.bucket: {message} (got {bucket}; {RULE})"]


@pytest.mark.parametrize(
    ("bucket", "message"),
    [
        ("192.168.5.4", "must not be formatted as an IP address"),
        ("state.mrap", "must not end with .mrap: S3 reserves that suffix for access points and other bucket types"),
    ],
    ids=["an IP address", "a Multi-Region Access Point suffix"],
)
def test_a_state_bucket_name_s3_reserves_is_refused(bucket, message):
    """The same rules hold for the state bucket, where dots are allowed."""
    assert lines(backend={"bucket": bucket, "region": "us-east-1"}) == [f"{FILE}: backend.bucket: {message} (got {bucket}; {RULE})"]


@pytest.mark.parametrize("bucket", ["xn-mta-sts", "mta-sts-s3aliases", "192-168-5-4", "mta-sts-example-gov"])
def test_names_near_the_reserved_ones_are_accepted(bucket):
    config = parse_config({"domain": "example.gov", "mx": MX, "mta_sts": {"bucket": bucket}}, FILE)
    assert config.mta_sts.bucket == bucket
