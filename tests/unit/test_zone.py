"""``maildns records --format zone``: a BIND zone-file fragment (RFC 1035 5.1) that any server loads."""

from __future__ import annotations

import dns.rdatatype
import dns.zone
import pytest

from maildns.config import load_config
from maildns.plan import plan_one
from maildns.records import Record
from maildns.records.zone import quoted_strings, render_zone
from tests.fixtures import LOGIN_GOV

SOA = "@ 300 IN SOA ns1 hostmaster 1 3600 600 86400 300\n@ 300 IN NS ns1\nns1 300 IN A 192.0.2.53\n"


@pytest.mark.parametrize(
    ("value", "strings"),
    [
        ("v=spf1 -all", ['"v=spf1 -all"']),
        ("a" * 255, ['"' + "a" * 255 + '"']),
        ("a" * 256, ['"' + "a" * 255 + '"', '"a"']),
        ('say "hi" \\ bye', ['"say \\"hi\\" \\\\ bye"']),
        ("", ['""']),
    ],
    ids=[
        "a short value is one string",
        "255 octets is still one string",
        "256 octets are two strings",
        "quotes and backslashes are escaped",
        "an empty value is one empty string",
    ],
)
def test_txt_is_split_into_quoted_strings_of_255_octets(value, strings):
    """RFC 1035 3.3.14: a character-string holds at most 255 octets; RFC 7208 3.3: joined without spaces."""
    assert quoted_strings(value) == " ".join(strings)


def test_login_gov_fragment_loads_and_holds_exactly_the_records():
    config = load_config(LOGIN_GOV)
    records = plan_one(config).all_records
    fragment = render_zone(records)
    zone = dns.zone.from_text(SOA + fragment, origin="login.gov.", relativize=False)
    for record in records:
        if record.computed:
            assert f"; {record.name}." in fragment  # placeholders stay comments
            continue
        rdataset = zone.find_rdataset(record.name + ".", record.type)
        if record.type == "TXT":
            assert all(len(s) <= 255 for rdata in rdataset for s in rdata.strings)
            live = sorted(b"".join(rdata.strings).decode() for rdata in rdataset)
        else:
            live = (
                sorted(f"{r.preference} {str(r.exchange).rstrip('.')}" for r in rdataset)
                if record.type == "MX"
                else [str(r) for r in rdataset]
            )
        assert live == sorted(record.values)
        assert rdataset.ttl == record.ttl
    dkim = zone.find_rdataset("google._domainkey.login.gov.", dns.rdatatype.TXT)
    assert [len(s) for s in next(iter(dkim)).strings] == [255, 155]


def test_names_are_absolute_and_null_mx_is_the_root():
    """RFC 7505 3: a null MX is ``0 .``; absolute names never pick up the zone's origin."""
    fragment = render_zone(
        [Record("mx", "example.gov", "MX", 300, ("0 .",)), Record("c", "x.example.gov", "CNAME", 60, ("target.example.net",))]
    )
    assert fragment == "example.gov. 300 IN MX 0 .\nx.example.gov. 60 IN CNAME target.example.net.\n"
