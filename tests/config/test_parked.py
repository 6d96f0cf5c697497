"""Parked domains (``mail: none``): exactly the lockdown set, and every mail setting beside it refused."""

from __future__ import annotations

import pytest

from maildns.config import ConfigError, parse_config
from maildns.plan import plan
from tests.config.samples import FILE, RSA_2048, domain

MSG = "must not be set when mail is none"


def records_of(**fields: object) -> list[tuple[str, str, tuple[str, ...]]]:
    (p,) = plan([parse_config(domain(mail="none", **fields), FILE)])
    return [(r.name, r.type, r.values) for r in p.all_records]


def test_parked_domain_publishes_exactly_the_lockdown_set():
    """RFC 7505 3 null MX, RFC 7208 5.1 -all, RFC 7489 6.3 p=reject; sp=reject, RFC 6376 3.6.1 an empty p= revokes."""
    assert records_of() == [
        ("example.gov", "MX", ("0 .",)),
        ("example.gov", "TXT", ("v=spf1 -all",)),
        ("*._domainkey.example.gov", "TXT", ("v=DKIM1; p=",)),
        ("_dmarc.example.gov", "TXT", ("v=DMARC1; p=reject; sp=reject",)),
    ]


def test_parked_domain_keeps_its_rua():
    """Aggregate reports still arrive for a parked domain (RFC 7489 6.2), so spoofing shows up."""
    rows = records_of(dmarc={"rua": ["mailto:dmarc@example.gov"]})
    assert ("_dmarc.example.gov", "TXT", ("v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@example.gov",)) in rows


def test_parked_domain_may_say_reject_explicitly():
    rows = records_of(dmarc={"p": "reject", "sp": "reject"}, spf={"all": "fail"})
    assert ("_dmarc.example.gov", "TXT", ("v=DMARC1; p=reject; sp=reject",)) in rows


def test_parked_domain_adopts_its_live_lockdown_records():
    """A parked domain's null MX, SPF and DMARC may exist already: adopt imports them."""
    config = parse_config(domain(mail="none", adopt=["mx", "spf", "dmarc"]), FILE)
    (p,) = plan([config])
    assert set(p.config.adopt) == {"mx", "spf", "dmarc"}


def test_full_is_the_default():
    (p,) = plan([parse_config(domain(), FILE)])
    assert p.config.mail == "full"
    assert [r.type for r in p.all_records] == ["TXT", "TXT"]  # spf -all and DMARC only


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"mx": [{"host": "mx.example.net", "preference": 10}]},
            f'{FILE}: mx: {MSG}: a parked domain publishes only the null MX 0 . (got ["10 mx.example.net"]; RFC 7505 3)',
        ),
        (
            {"spf": {"terms": ["include:_spf.example.net"]}},
            f'{FILE}: spf.terms: {MSG}: a parked domain publishes v=spf1 -all (got ["include:_spf.example.net"]; RFC 7208 5.1)',
        ),
        ({"spf": {"all": "softfail"}}, f"{FILE}: spf.all: {MSG}: a parked domain publishes v=spf1 -all (got softfail; RFC 7208 5.1)"),
        (
            {"spf": {"redirect": "_spf.example.net"}},
            f"{FILE}: spf.redirect: {MSG}: a parked domain publishes v=spf1 -all (got _spf.example.net; RFC 7208 5.1)",
        ),
        (
            {"dkim": [{"selector": "google", "public_key": RSA_2048}]},
            f'{FILE}: dkim: {MSG}: a parked domain revokes every key with *._domainkey v=DKIM1; p= (got ["google"]; RFC 6376 3.6.1)',
        ),
        (
            {"ses": {"regions": ["us-east-1"]}},
            f'{FILE}: ses: {MSG}: a parked domain sends no mail, through SES or otherwise (got ["us-east-1"]; RFC 7505 3, RFC 7208 5.1, RFC 7489 6.3: a parked domain publishes only the lockdown set)',
        ),
        (
            {"mta_sts": {"mode": "none"}},
            f"{FILE}: mta_sts: {MSG}: a parked domain receives no mail, so it has no MTA-STS policy (got none; RFC 8461 3)",
        ),
        (
            {"tls_rpt": {"rua": ["mailto:tls@example.gov"]}},
            f'{FILE}: tls_rpt: {MSG}: a parked domain receives no mail, so there is no TLS to report on (got ["mailto:tls@example.gov"]; RFC 8460 3)',
        ),
        (
            {"bimi": {"logo": "https://example.gov/logo.svg"}},
            f"{FILE}: bimi: {MSG}: a parked domain sends no mail, so there is no logo to show (got default; BIMI draft-10 4)",
        ),
        (
            {"dmarc": {"p": "quarantine"}},
            f"{FILE}: dmarc.p: {MSG}: a parked domain publishes v=DMARC1; p=reject; sp=reject with only rua (got quarantine; RFC 7489 6.3)",
        ),
        (
            {"dmarc": {"pct": 50}},
            f"{FILE}: dmarc.pct: {MSG}: a parked domain publishes v=DMARC1; p=reject; sp=reject with only rua (got 50; RFC 7489 6.3)",
        ),
        (
            {"dmarc": {"ruf": ["mailto:f@example.gov"]}},
            f'{FILE}: dmarc.ruf: {MSG}: a parked domain publishes v=DMARC1; p=reject; sp=reject with only rua (got ["mailto:f@example.gov"]; RFC 7489 6.3)',
        ),
    ],
    ids=[
        "MX hosts",
        "SPF terms",
        "SPF softfail",
        "SPF redirect",
        "DKIM keys",
        "SES",
        "MTA-STS",
        "TLS-RPT",
        "BIMI",
        "a weaker DMARC policy",
        "DMARC pct",
        "DMARC ruf",
    ],
)
def test_parked_domain_refuses_mail_settings(refused, fields, line):
    assert refused(domain(mail="none", **fields)) == [line]


def test_every_conflict_is_its_own_line(refused):
    lines = refused(domain(mail="none", mx=[{"host": "mx.example.net", "preference": 10}], ses={"regions": ["us-east-1"]}))
    assert [line.split(": ")[1] for line in lines] == ["mx", "ses"]


def test_mail_is_full_or_none(refused):
    (line,) = refused(domain(mail="parked"))
    assert line.startswith(f"{FILE}: mail: must be ") and "got parked" in line


def test_refused_before_anything_else_is_built():
    with pytest.raises(ConfigError, match=r"mta_sts: must not be set"):
        parse_config(domain(mail="none", mta_sts={"mode": "testing"}), FILE)
