"""Published SPF records read as receivers read them (RFC 7208 4.5, 4.6, 5, 6, 7, 12), macro
expansion of %{d} and %{o} (RFC 7208 7.3), and records that refer to themselves (RFC 7208 5.2, 6.1)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maildns.records.spf import LOOKUP_MECHANISMS, is_spf, parse_spf, parse_term, render_spf, self_references
from maildns.records.spf_macros import expand


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("v=spf1 -all", True),
        ("V=SPF1 -all", True),
        ("v=spf1", True),
        ("v=spf10 -all", False),
        ("v=spf1x", False),
        ("google-site-verification=x", False),
        (" v=spf1 -all", False),
    ],
    ids=[
        "RFC 7208 4.5: v=spf1 and a term",
        "RFC 7208 4.5: the version is case-insensitive",
        "RFC 7208 4.5: the version alone",
        "RFC 7208 4.5: v=spf10 is not SPF",
        "RFC 7208 4.5: v=spf1x is not SPF",
        "RFC 7208 4.5: another TXT value",
        "RFC 7208 4.5: the version must come first",
    ],
)
def test_spf_records_are_told_apart_from_other_txt(text, found):
    """RFC 7208 4.5: records that begin with ``v=spf1`` followed by a space or the end."""
    assert is_spf(text) is found


def test_lookup_terms_are_those_of_rfc_7208_4_6_4():
    """RFC 7208 4.6.4: include, a, mx, ptr, exists and redirect query DNS; all, ip4, ip6, exp do not."""
    assert {"include", "a", "mx", "ptr", "exists"} == LOOKUP_MECHANISMS
    record = parse_spf("v=spf1 include:a.example a mx ptr exists:b.example ip4:192.0.2.1 ip6:2001:db8::1 exp=c.example redirect=d.example")
    assert [t.name for t in record.terms if t.lookups] == ["include", "a", "mx", "ptr", "exists", "redirect"]


VALID = [
    pytest.param("v=spf1 include:_spf.google.com ~all", id="RFC 7208 5.2: include, softfail"),
    pytest.param("v=spf1  ip4:192.0.2.0/24   -all", id="RFC 7208 4.6.1: terms are separated by one or more spaces"),
    pytest.param("v=spf1 ip6:2001:db8::/32 a mx:mx.example.net/24//64 -all", id="RFC 7208 5.3, 5.4, 5.6: networks and dual CIDR"),
    pytest.param("v=spf1 exists:%{ir}.%{v}._spf.%{d2} -all", id="RFC 7208 7.1: macros in a domain-spec"),
    pytest.param("v=spf1 ptr ptr:example.net ?all", id="RFC 7208 5.5: ptr is valid, if discouraged"),
    pytest.param("v=spf1 redirect=_spf.example.net", id="RFC 7208 6.1: redirect"),
    pytest.param("v=spf1 -all exp=explain.example.net foo=bar", id="RFC 7208 6: exp and an unknown modifier"),
    pytest.param("v=spf1 foo=%{d}-%{i}", id="RFC 7208 6: an unknown modifier with macros"),
    pytest.param("v=spf1 +all", id="RFC 7208 5.1: +all is valid syntax"),
    pytest.param("v=spf1", id="RFC 7208 4.7: no terms at all"),
    pytest.param("v=spf1 a:Mail.Example.NET.", id="RFC 7208 4.3: names without case, with a trailing dot"),
]


@pytest.mark.parametrize("text", VALID)
def test_records_receivers_accept_have_no_problem(text):
    assert parse_spf(text).problems == ()


INVALID = [
    pytest.param("v=spf1 ip4:192.0.2.300 -all", "ip4:192.0.2.300", "RFC 7208 5.6", id="RFC 7208 5.6: an IPv4 octet over 255"),
    pytest.param("v=spf1 ip4:192.0.2.0/33", "ip4:192.0.2.0/33", "RFC 7208 5.6", id="RFC 7208 5.6: IPv4 prefix over 32"),
    pytest.param("v=spf1 ip4:192.0.2.0/024", "ip4:192.0.2.0/024", "RFC 7208 12", id="RFC 7208 12: a prefix with a leading zero"),
    pytest.param(
        "v=spf1 ip4:192.0.2.0/\u00b9", "ip4:192.0.2.0/\u00b9", "RFC 7208 5.6", id="RFC 7208 5.6: a superscript digit is no prefix length"
    ),
    pytest.param("v=spf1 ip6:2001:db8::/129", "ip6:2001:db8::/129", "RFC 7208 5.6", id="RFC 7208 5.6: IPv6 prefix over 128"),
    pytest.param("v=spf1 ip6:192.0.2.1", "ip6:192.0.2.1", "RFC 7208 5.6", id="RFC 7208 5.6: an IPv4 address in ip6"),
    pytest.param("v=spf1 ip6:fe80::1%eth0", "ip6:fe80::1%eth0", "RFC 7208 5.6", id="RFC 7208 5.6: a zone id in ip6"),
    pytest.param("v=spf1 a/33", "a/33", "RFC 7208 5.6", id="RFC 7208 5.6: a with an IPv4 prefix over 32"),
    pytest.param("v=spf1 mx//129", "mx//129", "RFC 7208 5.6", id="RFC 7208 5.6: mx with an IPv6 prefix over 128"),
    pytest.param("v=spf1 foo:bar.example -all", "foo:bar.example", "RFC 7208 5", id="RFC 7208 5: an unknown mechanism"),
    pytest.param("v=spf1 include: -all", "include:", "RFC 7208 5.2", id="RFC 7208 5.2: include without a domain"),
    pytest.param("v=spf1 -all:example.net", "-all:example.net", "RFC 7208 5.1", id="RFC 7208 5.1: all takes no argument"),
    pytest.param("v=spf1 +redirect=example.net", "+redirect=example.net", "RFC 7208 5", id="RFC 7208 12: a modifier has no qualifier"),
    pytest.param("v=spf1 redirect=", "redirect=", "RFC 1035 2.3.1", id="RFC 7208 6.1: redirect without a domain"),
    pytest.param("v=spf1 exists:%{x}.example.net", "exists:%{x}", "RFC 7208 7.1", id="RFC 7208 7.1: an unknown macro letter"),
    pytest.param("v=spf1 exists:%{d0}.example.net", "exists:%{d0}", "RFC 7208 7.3", id="RFC 7208 7.3: a digit transformer of 0"),
    pytest.param("v=spf1 include:%{c}.example.net", "include:%{c}", "RFC 7208 7.3", id="RFC 7208 7.3: c only in an explanation"),
    pytest.param("v=spf1 exists:50%.example.net", "exists:50%", "RFC 7208 7.1", id="RFC 7208 7.1: a lone percent sign"),
    pytest.param("v=spf1 foo=%{z", "foo=%{z", "RFC 7208 7.1", id="RFC 7208 7.1: an unknown modifier with a broken macro"),
    pytest.param("v=spf1 redirect=a.example redirect=b.example", "redirect= twice", "RFC 7208 6", id="RFC 7208 6: redirect twice"),
    pytest.param("v=spf1 exp=a.example -all exp=b.example", "exp= twice", "RFC 7208 6", id="RFC 7208 6: exp twice"),
]


@pytest.mark.parametrize(("text", "named", "rule"), INVALID)
def test_records_receivers_refuse_name_the_term_and_the_rule(text, named, rule):
    """RFC 7208 4.6: a syntax error anywhere is a permerror; the problem names the term."""
    (problem,) = parse_spf(text).problems
    assert named in problem.message
    assert problem.fatal
    assert problem.rule == rule


def test_a_text_that_is_not_spf_is_one_problem_and_no_terms():
    record = parse_spf("v=spf10 -all")
    assert record.terms == ()
    assert [p.rule for p in record.problems] == ["RFC 7208 4.5"]


@pytest.mark.parametrize(
    ("text", "all", "redirect"),
    [
        ("v=spf1 -all", "-", None),
        ("v=spf1 all", "+", None),
        ("v=spf1 ?all ~all", "?", None),
        ("v=spf1 redirect=_spf.example.net", None, "_spf.example.net"),
        ("v=spf1 mx", None, None),
        ("v=spf1 all=x redirect:x.example -all redirect=y.example", "-", "y.example"),
    ],
    ids=[
        "fail",
        "no qualifier is pass (RFC 7208 4.6.2)",
        "the first all decides (RFC 7208 4.6.2)",
        "redirect",
        "neither",
        "RFC 7208 6: a modifier named all is not all, a mechanism named redirect is not redirect",
    ],
)
def test_all_and_redirect_are_read(text, all, redirect):
    record = parse_spf(text)
    assert (record.all, record.redirect) == (all, redirect)


@pytest.mark.parametrize(
    ("spec", "d", "o", "expanded"),
    [
        ("%{d}", "example.gov", "example.gov", "example.gov"),
        ("%{o}", "_spf.example.net", "example.gov", "example.gov"),
        ("%{d2}", "mail.example.gov", "x", "example.gov"),
        ("%{d1}", "example.gov", "x", "gov"),
        ("%{dr}", "a.example.gov", "x", "gov.example.a"),
        ("%{d2r}", "a.example.gov", "x", "example.a"),
        ("%{d-}", "my-domain.gov", "x", "my.domain.gov"),
        ("_spf.%{d}", "example.gov", "x", "_spf.example.gov"),
        ("%{D}.", "Example.GOV", "x", "example.gov"),
        ("%{i}.%{d}", "example.gov", "x", None),
        ("%{l}.example.net", "example.gov", "x", None),
    ],
    ids=[
        "d is the current domain",
        "o is the sender's domain, also inside an include",
        "a digit keeps that many right-hand labels",
        "d1 is the top-level label",
        "r reverses",
        "r, then the digit",
        "delimiters split, dots join",
        "text around a macro",
        "case and a trailing dot",
        "i needs the message",
        "l needs the message",
    ],
)
def test_d_and_o_macros_expand_as_rfc_7208_7_3_says(spec, d, o, expanded):
    assert expand(spec, d=d, o=o) == expanded


@pytest.mark.parametrize(
    ("terms", "redirect", "paths"),
    [
        (["include:example.gov"], None, [("terms", 0)]),
        (["include:%{d}"], None, [("terms", 0)]),
        (["include:%{o}"], None, [("terms", 0)]),
        (["include:%{d2}"], None, [("terms", 0)]),
        (["ip4:192.0.2.1", "include:%{d-}"], None, [("terms", 1)]),
        ([], "%{d}", [("redirect",)]),
        ([], "%{o}", [("redirect",)]),
        (["include:%{d1}", "include:_spf.%{d}", "include:%{i}.example.gov"], "_spf.example.net", []),
    ],
    ids=[
        "RFC 7208 5.2: include of the domain by name",
        "RFC 7208 5.2, 7.3: include:%{d}",
        "RFC 7208 5.2, 7.3: include:%{o}",
        "RFC 7208 5.2, 7.3: include:%{d2} on a two-label domain",
        "RFC 7208 5.2, 7.3: a delimiter the domain lacks changes nothing",
        "RFC 7208 6.1, 7.3: redirect=%{d}",
        "RFC 7208 6.1, 7.3: redirect=%{o}",
        "RFC 7208 7.3: macros that expand to another name",
    ],
)
def test_self_references_by_name_or_macro_are_found(terms, redirect, paths):
    """RFC 7208 4.6.4: a record that includes or redirects to itself loops until the lookup limit."""
    found = self_references("example.gov", [parse_term(t) for t in terms], redirect)
    assert [e.path for e in found] == paths
    assert all("a loop that ends in permerror" in e.message for e in found)


TERMS = st.sampled_from(
    [
        "include:_spf.example.net",
        "-include:example.org",
        "a",
        "a:mail.example.net/24",
        "~mx//64",
        "mx:mx.example.net/24//64",
        "ip4:192.0.2.0/24",
        "?ip6:2001:db8::/32",
        "exists:%{ir}.%{l1r+-}._spf.%{d}",
        "ip4:198.51.100.7",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    terms=st.lists(TERMS, unique=True, max_size=6),
    ending=st.sampled_from([("fail", None), ("softfail", None), (None, "_spf.example.net")]),
    exp=st.sampled_from([None, "explain.example.net"]),
)
def test_render_then_parse_gives_the_values_back(terms, ending, exp):
    """What maildns renders is read back as the same terms, all, redirect and exp, with no problem."""
    parsed_terms = [parse_term(t) for t in terms]
    all_, redirect = ending
    exp = None if redirect else exp
    record = parse_spf(render_spf(parsed_terms, all=all_, redirect=redirect, exp=exp))
    assert record.problems == ()
    assert [t for t in record.directives if t.mechanism != "all"] == parsed_terms
    assert record.all == {"fail": "-", "softfail": "~", None: None}[all_]
    assert (record.redirect, record.exp) == (redirect, exp)


@settings(max_examples=500, deadline=None)
@given(text=st.text() | st.text().map(lambda t: "v=spf1 " + t))
def test_parse_of_any_text_never_raises(text):
    record = parse_spf(text)
    assert all(p.message for p in record.problems)
