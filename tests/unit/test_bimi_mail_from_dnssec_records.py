"""Pure rendering of the BIMI, MAIL FROM and DS records, and where a DS record belongs."""

from __future__ import annotations

import pytest

from maildns.errors import RuleError
from maildns.records import Record, bimi, dnssec, mail_from
from maildns.records.txt import character_strings, split_txt


@pytest.mark.parametrize(
    ("logo", "authority", "expected"),
    [
        ("https://example.gov/l.svg", "https://example.gov/v.pem", "v=BIMI1; l=https://example.gov/l.svg; a=https://example.gov/v.pem"),
        ("https://example.gov/l.svg", None, "v=BIMI1; l=https://example.gov/l.svg"),
    ],
    ids=["with a mark certificate", "without one a= is left out, which reads as empty"],
)
def test_bimi_record_starts_with_its_version(logo, authority, expected):
    """BIMI draft-10 4.3: v=BIMI1 is the first tag; a missing a= is an empty one."""
    assert bimi.render_bimi(logo, authority) == expected


def test_a_long_bimi_record_is_split_and_joins_back():
    """BIMI draft-10 4: several character-strings are read as SPF reads them (RFC 7208 3.3)."""
    text = bimi.render_bimi("https://example.gov/" + "l" * 200 + ".svg", "https://example.gov/" + "v" * 100 + ".pem")
    strings = character_strings(split_txt(text))
    assert len(strings) == 2 and "".join(strings) == text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ftp://example.gov/l.svg", "must be an https: URI: receivers fetch BIMI files over HTTPS only"),
        ("https:///l.svg", "must name a host: https://<host>/<path>"),
        ("https://[2001:db8::1]/l.svg", "must name its host by a fully qualified domain name, not an IP address"),
        ("https://example.gov/é.svg", "has non-ASCII characters; percent-encode them"),
        ("https://example.gov/l.svg?x=.png", None),
    ],
    ids=["another scheme", "no host", "an IPv6 literal", "non-ASCII", "a query after the path"],
)
def test_bimi_uris(value, message):
    if message is None:
        assert bimi.logo_uri(value) == value
        return
    with pytest.raises(RuleError, match="^" + message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        bimi.logo_uri(value)


def test_bimi_name_and_id():
    assert bimi.bimi_name("brand.2026", "example.gov") == "brand.2026._bimi.example.gov"
    assert bimi.record_id("brand.2026") == "bimi-brand-2026"


def test_mail_from_records_per_region():
    """Each region's MAIL FROM domain has an MX to its own feedback endpoint and SPF for SES alone."""
    assert mail_from.mail_from_records("example.gov", "bounce", ["us-west-2", "eu-west-1"], mx_ttl=300, spf_ttl=600) == (
        Record("ses-mail-from-us-west-2-mx", "bounce-us-west-2.example.gov", "MX", 300, ("10 feedback-smtp.us-west-2.amazonses.com",)),
        Record("ses-mail-from-us-west-2-spf", "bounce-us-west-2.example.gov", "TXT", 600, ("v=spf1 include:amazonses.com -all",)),
        Record("ses-mail-from-eu-west-1-mx", "bounce-eu-west-1.example.gov", "MX", 300, ("10 feedback-smtp.eu-west-1.amazonses.com",)),
        Record("ses-mail-from-eu-west-1-spf", "bounce-eu-west-1.example.gov", "TXT", 600, ("v=spf1 include:amazonses.com -all",)),
    )


@pytest.mark.parametrize(
    ("child", "zones", "parent"),
    [
        ("mail.example.gov", ["example.gov", "gov.example"], "example.gov"),
        ("a.b.example.gov", ["example.gov", "b.example.gov"], "b.example.gov"),
        ("example.gov", ["example.gov", "mail.example.gov"], None),
        ("notexample.gov", ["example.gov"], None),
    ],
    ids=["the zone above", "the closest of two zones above", "no zone above it", "a suffix that is not a parent"],
)
def test_the_ds_record_goes_to_the_closest_zone_above(child, zones, parent):
    """RFC 4035 2.4: the DS RRset is published in the parent zone, at the delegation point."""
    assert dnssec.parent_zone(child, zones) == parent


def test_ds_record_is_computed_with_a_placeholder():
    assert dnssec.ds_record("mail.example.gov", 300) == Record(
        "dnssec-ds-mail-example-gov", "mail.example.gov", "DS", 300, ("<ds-record-of-mail.example.gov>",), computed=True
    )
