"""SPF rules (RFC 7208): each refused input gives exactly one line naming the field, value and section."""

from __future__ import annotations

import pytest

from tests.config.samples import FILE, domain

REFUSED = [
    pytest.param(
        ["foo:example.com"],
        "spf.terms[0]: has unknown mechanism 'foo'; use include, a, mx, ip4, ip6 or exists (got foo:example.com; RFC 7208 5)",
        id="RFC 7208 5: an unknown mechanism is refused",
    ),
    pytest.param(
        [""],
        'spf.terms[0]: must be an SPF mechanism such as include:<domain> (got ""; RFC 7208 5)',
        id="RFC 7208 5: an empty term is refused",
    ),
    pytest.param(
        ["a mx"],
        "spf.terms[0]: must be one term; give each term its own list item (got a mx; RFC 7208 4.6.1)",
        id="RFC 7208 4.6.1: two terms in one item are refused",
    ),
    pytest.param(
        ["ptr"],
        "spf.terms[0]: uses ptr, which is slow and unreliable and SHOULD NOT be published (got ptr; RFC 7208 5.5)",
        id="RFC 7208 5.5: ptr is refused",
    ),
    pytest.param(
        ["-all"],
        "spf.terms[0]: is 'all'; set spf.all (fail or softfail) instead, it is always last (got -all; RFC 7208 5.1)",
        id="RFC 7208 5.1: all is not a term, so nothing can follow it",
    ),
    pytest.param(
        ["redirect=_spf.example.com"],
        "spf.terms[0]: is a modifier; set spf.redirect instead (got redirect=_spf.example.com; RFC 7208 6)",
        id="RFC 7208 6: redirect is a field, not a term",
    ),
    pytest.param(
        ["exp=explain.example.com"],
        "spf.terms[0]: is a modifier; set spf.exp instead (got exp=explain.example.com; RFC 7208 6)",
        id="RFC 7208 6: exp is a field, not a term",
    ),
    pytest.param(
        ["include"], "spf.terms[0]: needs a domain: include:<domain> (got include; RFC 7208 5.2)", id="RFC 7208 5.2: include needs a domain"
    ),
    pytest.param(
        ["exists:"], "spf.terms[0]: needs a domain: exists:<domain> (got exists:; RFC 7208 5.7)", id="RFC 7208 5.7: exists needs a domain"
    ),
    pytest.param(
        ["ip4:192.0.2.300"],
        "spf.terms[0]: has '192.0.2.300', which is not an IPv4 address (got ip4:192.0.2.300; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip4 needs an IPv4 address",
    ),
    pytest.param(
        ["ip4:2001:db8::1"],
        "spf.terms[0]: has '2001:db8::1', which is not an IPv4 address (got ip4:2001:db8::1; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip4 refuses an IPv6 address",
    ),
    pytest.param(
        ["ip4:192.0.2.0/33"],
        "spf.terms[0]: has prefix length '33'; it is 0-32 (got ip4:192.0.2.0/33; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip4 prefix length is 0-32",
    ),
    pytest.param(
        ["ip6:2001:db8::/129"],
        "spf.terms[0]: has prefix length '129'; it is 0-128 (got ip6:2001:db8::/129; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip6 prefix length is 0-128",
    ),
    pytest.param(
        ["ip4:192.0.2.0/"],
        "spf.terms[0]: has an empty prefix length (got ip4:192.0.2.0/; RFC 7208 5.6)",
        id="RFC 7208 5.6: an ip4 / needs a prefix length",
    ),
    pytest.param(
        ["ip6:2001:db8::/"],
        "spf.terms[0]: has an empty prefix length (got ip6:2001:db8::/; RFC 7208 5.6)",
        id="RFC 7208 5.6: an ip6 / needs a prefix length",
    ),
    pytest.param(
        ["ip6"], "spf.terms[0]: needs a network: ip6:<address>[/<length>] (got ip6; RFC 7208 5.6)", id="RFC 7208 5.6: ip6 needs a network"
    ),
    pytest.param(
        ["a/33"],
        "spf.terms[0]: has an IPv4 prefix length of 33; it is 0-32 (got a/33; RFC 7208 5.6)",
        id="RFC 7208 5.6: a dual-cidr IPv4 length is 0-32",
    ),
    pytest.param(
        ["mx//129"],
        "spf.terms[0]: has an IPv6 prefix length of 129; it is 0-128 (got mx//129; RFC 7208 5.6)",
        id="RFC 7208 5.6: mx dual-cidr IPv6 length is 0-128",
    ),
    pytest.param(
        ["a/x"], "spf.terms[0]: has a malformed CIDR length in a/x (got a/x; RFC 7208 5.6)", id="RFC 7208 5.6: a malformed cidr is refused"
    ),
    pytest.param(
        ["include:-bad.example.com"],
        "spf.terms[0]: has label '-bad': labels are letters, digits, hyphens and underscores, not starting or ending with a hyphen (got include:-bad.example.com; RFC 1123 2.1)",
        id="RFC 7208 7.1: a domain-spec must be a valid name",
    ),
    pytest.param(
        ["include:localhost"],
        "spf.terms[0]: must have at least 2 labels (got include:localhost; RFC 1035 2.3.1)",
        id="RFC 7208 7.1: a domain-spec is a fully qualified name",
    ),
    pytest.param(
        ["a:example.123"],
        "spf.terms[0]: must not end in an all-numeric label (got a:example.123; RFC 1123 2.1)",
        id="RFC 7208 12: a domain-spec ends in a top-level label",
    ),
    pytest.param(
        ["exists:%{z}.example.com"],
        "spf.terms[0]: has a malformed macro; use %{letter}, %%, %_ or %- (got exists:%{z}.example.com; RFC 7208 7.1)",
        id="RFC 7208 7.1: an unknown macro letter is refused",
    ),
    pytest.param(
        ["exists:%{c}.example.com"],
        "spf.terms[0]: uses a c, r or t macro, which only the explanation text may use (got exists:%{c}.example.com; RFC 7208 7.3)",
        id="RFC 7208 7.3: c, r and t macros are only for explanations",
    ),
    pytest.param(
        ["exists:%{d0}.example.com"],
        "spf.terms[0]: has a macro that keeps 0 labels; a digit transformer is 1 or more (got exists:%{d0}.example.com; RFC 7208 7.3)",
        id="RFC 7208 7.3: a digit transformer is not 0",
    ),
    pytest.param(
        ["exists:%{i}.123"],
        "spf.terms[0]: must end in a macro or in .<top-level label> (got exists:%{i}.123; RFC 7208 7.1)",
        id="RFC 7208 7.1: a macro domain-spec ends in a macro or a top-level label",
    ),
    pytest.param(
        ["a", "-a"],
        "spf.terms[1]: repeats an earlier term; the first match decides (got -a; RFC 7208 4.6.2)",
        id="RFC 7208 4.6.2: a repeated term is refused",
    ),
    pytest.param(
        [f"include:s{i}.example.com" for i in range(11)],
        'spf.terms: need 11 DNS lookups; at most 10 are allowed before includes are even counted (got ["include:s0.example.com", "include:s1.example.com", "include:s2.example.com"...; RFC 7208 4.6.4)',
        id="RFC 7208 4.6.4: more than 10 lookups are refused",
    ),
    pytest.param(
        [f"ip4:192.0.2.{i}" for i in range(40)],
        "spf.terms: render a record of 601 octets; at most 512 fit a DNS answer (got v=spf1 ip4:192.0.2.0 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 ...; RFC 7208 3.4)",
        id="RFC 7208 3.4: a record over 512 octets is refused",
    ),
]


@pytest.mark.parametrize("terms, line", REFUSED)
def test_refused_terms(refused, terms, line):
    """Each bad term is one line: file, field path, what is wrong, the value, the RFC section."""
    assert refused(domain(spf={"terms": terms})) == [f"{FILE}: {line}"]


REFUSED_FIELDS = [
    pytest.param(
        {"all": "pass"},
        "spf.all: must not be pass: +all authorises every host on the internet (got pass; RFC 7208 5.1)",
        id="RFC 7208 5.1: +all is refused",
    ),
    pytest.param(
        {"all": "neutral"},
        "spf.all: must not be neutral: ?all asserts nothing about other hosts (got neutral; RFC 7208 5.1)",
        id="RFC 7208 5.1: ?all is refused",
    ),
    pytest.param(
        {"all": "reject"}, "spf.all: must be fail or softfail (got reject; RFC 7208 5.1)", id="RFC 7208 5.1: all is fail or softfail"
    ),
    pytest.param(
        {"all": "fail", "redirect": "_spf.example.com"},
        "spf.redirect: must not be set with spf.all: redirect is ignored when all is present (got _spf.example.com; RFC 7208 6.1)",
        id="RFC 7208 6.1: all and redirect are never both set",
    ),
    pytest.param(
        {"redirect": "_spf.example.com", "exp": "why.example.com"},
        "spf.exp: must not be set with spf.redirect: receivers use the redirected domain's exp instead (got why.example.com; RFC 7208 6.2)",
        id="RFC 7208 6.2: exp is useless with redirect",
    ),
    pytest.param(
        {"redirect": "bad..example.com"},
        "spf.redirect: has an empty label (got bad..example.com; RFC 1035 2.3.4)",
        id="RFC 7208 6.1: redirect is a valid domain-spec",
    ),
    pytest.param(
        {"exp": "%{r}.example.com"},
        "spf.exp: uses a c, r or t macro, which only the explanation text may use (got %{r}.example.com; RFC 7208 7.3)",
        id="RFC 7208 6.2: exp is a domain-spec without c, r, t macros",
    ),
    pytest.param(
        {"redirect": "a" * 64 + ".example.com"},
        f"spf.redirect: has a label of 64 octets; a label is at most 63 (got {'a' * 64}.example.com; RFC 1035 2.3.4)",
        id="RFC 1035 2.3.4: a domain-spec label is at most 63 octets",
    ),
]


@pytest.mark.parametrize("spf, line", REFUSED_FIELDS)
def test_refused_fields(refused, spf, line):
    assert refused(domain(spf=spf)) == [f"{FILE}: {line}"]


ACCEPTED = [
    pytest.param({}, "v=spf1 -all", id="RFC 7208 5.1: no terms means v=spf1 -all"),
    pytest.param(
        {"terms": ["+include:_spf.google.com", "~a", "?mx"], "all": "softfail"},
        "v=spf1 include:_spf.google.com ~a ?mx ~all",
        id="RFC 7208 4.6.2: qualifiers are kept, + is the default",
    ),
    pytest.param(
        {"terms": ["ip4:192.0.2.0/24", "ip6:2001:DB8::/32", "a/24//64", "mx:mail.example.com/28"]},
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a/24//64 mx:mail.example.com/28 -all",
        id="RFC 7208 5.6: networks and dual-cidr lengths",
    ),
    pytest.param(
        {"terms": ["exists:%{i}._spf.%{d}", "include:%{l1r-}.example.com"]},
        "v=spf1 exists:%{i}._spf.%{d} include:%{l1r-}.example.com -all",
        id="RFC 7208 7.1: macros ending in a macro or a top-level label",
    ),
    pytest.param(
        {"terms": [f"include:s{i}.example.com" for i in range(10)]},
        "v=spf1 " + " ".join(f"include:s{i}.example.com" for i in range(10)) + " -all",
        id="RFC 7208 4.6.4: exactly 10 lookups are allowed",
    ),
    pytest.param(
        {"terms": ["include:a.example.com"], "redirect": "_spf.example.com"},
        "v=spf1 include:a.example.com redirect=_spf.example.com",
        id="RFC 7208 6.1: redirect stands in for all",
    ),
    pytest.param(
        {"terms": ["-ip4:192.0.2.1"], "all": "fail", "exp": "explain.%{d}"},
        "v=spf1 -ip4:192.0.2.1 -all exp=explain.%{d}",
        id="RFC 7208 6.2: exp after all, as a modifier",
    ),
    pytest.param(
        {"terms": ["include:B\u00fccher.example"]},
        "v=spf1 include:xn--bcher-kva.example -all",
        id="RFC 5891 4.4: an IDN domain-spec becomes an A-label",
    ),
    pytest.param(
        {"terms": ["a", "a:example.com"]},
        "v=spf1 a a:example.com -all",
        id="RFC 7208 4.6.2: the same mechanism with other arguments is not a repeat",
    ),
]


@pytest.mark.parametrize("spf, text", ACCEPTED)
def test_accepted(accepted, spf, text):
    assert accepted(domain(spf=spf)).spf.text == text


def test_512_octets_are_accepted(accepted):
    """RFC 7208 3.4: 512 octets still fit (the refusal starts at 513)."""
    terms = [f"ip4:192.0.2.{i}" for i in range(33)]
    base = len("v=spf1 " + " ".join(terms) + " -all")
    terms.append("a:" + "x" * (512 - base - len(" a:.gov")) + ".gov")
    assert len(accepted(domain(spf={"terms": terms})).spf.text) == 512


@pytest.mark.parametrize(
    "spf, line",
    [
        pytest.param(
            {"terms": ["include:Example.gov."]},
            "spf.terms[0]: includes the domain's own record, a loop that ends in permerror (got include:example.gov; RFC 7208 5.2)",
            id="RFC 7208 5.2: include of the domain itself loops",
        ),
        pytest.param(
            {"redirect": "example.gov"},
            "spf.redirect: points to the domain's own record, a loop that ends in permerror (got example.gov; RFC 7208 6.1)",
            id="RFC 7208 6.1: redirect to the domain itself loops",
        ),
        pytest.param(
            {"terms": ["include:%{d}"]},
            "spf.terms[0]: includes the domain's own record (%{d} expands to example.gov), a loop that ends in permerror"
            " (got include:%{d}; RFC 7208 5.2)",
            id="RFC 7208 5.2, 7.3: include:%{d} is the domain's own record",
        ),
        pytest.param(
            {"terms": ["ip4:192.0.2.1", "-include:%{o}"]},
            "spf.terms[1]: includes the domain's own record (%{o} expands to example.gov), a loop that ends in permerror"
            " (got -include:%{o}; RFC 7208 5.2)",
            id="RFC 7208 5.2, 7.3: include:%{o} is the sender's own record",
        ),
        pytest.param(
            {"terms": ["include:%{d2}"]},
            "spf.terms[0]: includes the domain's own record (%{d2} expands to example.gov), a loop that ends in permerror"
            " (got include:%{d2}; RFC 7208 5.2)",
            id="RFC 7208 7.3: %{d2} of a two-label domain is the domain",
        ),
        pytest.param(
            {"terms": ["include:%{d-}"]},
            "spf.terms[0]: includes the domain's own record (%{d-} expands to example.gov), a loop that ends in permerror"
            " (got include:%{d-}; RFC 7208 5.2)",
            id="RFC 7208 7.3: a delimiter the name lacks leaves it whole",
        ),
        pytest.param(
            {"redirect": "%{o}"},
            "spf.redirect: points to the domain's own record (%{o} expands to example.gov), a loop that ends in permerror"
            " (got %{o}; RFC 7208 6.1)",
            id="RFC 7208 6.1, 7.3: redirect=%{o} is the domain's own record",
        ),
        pytest.param(
            {"terms": ["include:%{d}"], "redirect": "%{D}"},
            "spf.terms[0]: includes the domain's own record (%{d} expands to example.gov), a loop that ends in permerror"
            " (got include:%{d}; RFC 7208 5.2)",
            id="RFC 7208 7.3: every loop is named, in order",
        ),
    ],
)
def test_refused_loops(refused, spf, line):
    lines = refused(domain(spf=spf))
    assert lines[0] == f"{FILE}: {line}"
    if "redirect" in spf and "terms" in spf:  # each loop is its own problem (README: every problem, one line each)
        assert lines[1:] == [
            f"{FILE}: spf.redirect: points to the domain's own record ({spf['redirect']} expands to example.gov),"
            f" a loop that ends in permerror (got {spf['redirect']}; RFC 7208 6.1)"
        ]
    else:
        assert lines[1:] == []


@pytest.mark.parametrize(
    "terms",
    [["include:%{d1}"], ["include:_spf.%{d}"], ["include:%{i}._spf.example.gov"], ["exists:%{d}"], ["include:%{dr}"]],
    ids=[
        "RFC 7208 7.3: %{d1} is the top-level label",
        "RFC 7208 7.3: a name below the domain",
        "RFC 7208 7.3: a macro that needs the message",
        "RFC 7208 5.7: exists of the domain is a lookup, not a loop",
        "RFC 7208 7.3: the reversed name",
    ],
)
def test_macros_that_reach_another_name_are_accepted(accepted, terms):
    assert accepted(domain(spf={"terms": terms})).spf.terms


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("v=spf1 include:_spf.example.com -all", id="RFC 7208 4.5: a second v=spf1 record in apex_txt is refused"),
        pytest.param("V=SPF1", id="RFC 7208 4.5: the version alone, in any case, is a second SPF record"),
    ],
)
def test_a_second_spf_record_in_apex_txt_is_refused(refused, value):
    """RFC 7208 4.5: two v=spf1 records at one name make every check a permerror."""
    assert refused(domain(apex_txt=["google-site-verification=abc", value])) == [
        f"{FILE}: apex_txt[1]: must not be a second SPF record: set spf.terms instead (got {value}; RFC 7208 4.5)"
    ]


def test_apex_txt_that_only_starts_like_spf_is_accepted(accepted):
    """RFC 7208 4.5: a record is SPF only when v=spf1 is the whole first term."""
    assert accepted(domain(apex_txt=["v=spf10", "v=spf1x"])).apex_txt == ("v=spf10", "v=spf1x")


def test_include_of_a_subdomain_is_accepted(accepted):
    """RFC 7208 5.2: only the domain itself is a loop; _spf.<domain> is the usual pattern."""
    assert accepted(domain(spf={"terms": ["include:_spf.example.gov"]})).spf.text == "v=spf1 include:_spf.example.gov -all"
