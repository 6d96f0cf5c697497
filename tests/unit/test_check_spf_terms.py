"""How ``maildns check`` reads live SPF records before walking them (RFC 7208 4.5, 4.6.4, 5, 6)."""

from __future__ import annotations

import pytest

from maildns.check.spf import COUNTED, _split, spf_records


@pytest.mark.parametrize(
    ("term", "parsed"),
    [
        ("include:_spf.google.com", ("include", "_spf.google.com")),
        ("-include:Example.NET", ("include", "example.net")),
        ("redirect=_spf.example.net", ("redirect", "_spf.example.net")),
        ("a", ("a", "")),
        ("a/24", ("a", "")),
        ("~mx:mail.example.net/24//64", ("mx", "mail.example.net")),
        ("ip4:192.0.2.0/24", ("ip4", "192.0.2.0")),
        ("exists:%{i}.bl.example.org", ("exists", "%{i}.bl.example.org")),
        ("-all", ("all", "")),
        ("exp=explain.example.net", ("exp", "explain.example.net")),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_terms_split_into_name_and_target(term, parsed):
    """RFC 7208 5 and 6: a mechanism is ``[qualifier]name[:domain-spec][cidr]``, a modifier ``name=value``."""
    assert _split(term) == parsed


def test_counted_terms_are_those_of_rfc_7208_4_6_4():
    assert {"include", "a", "mx", "ptr", "exists", "redirect"} == COUNTED
    assert not COUNTED & {"all", "ip4", "ip6", "exp"}


@pytest.mark.parametrize(
    ("texts", "found"),
    [
        (("v=spf1 -all",), ["v=spf1 -all"]),
        (("V=SPF1 -all",), ["V=SPF1 -all"]),
        (("v=spf1",), ["v=spf1"]),
        (("v=spf10 -all", "google-site-verification=x"), []),
        (("v=spf1 -all", "v=spf1 ~all"), ["v=spf1 -all", "v=spf1 ~all"]),
    ],
    ids=["one record", "the version is case-insensitive", "a bare version", "v=spf10 is not SPF", "two records are both found"],
)
def test_spf_records_are_told_apart_from_other_txt(texts, found):
    """RFC 7208 4.5: records that begin with ``v=spf1`` followed by a space or the end; two is a permerror."""
    assert spf_records(texts) == found
