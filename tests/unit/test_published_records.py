"""Published DKIM, DMARC, TLS-RPT, MTA-STS, BIMI and MX records read back by ``maildns/records``:
one parser per protocol, problems as values, and render then parse giving the values back."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maildns.records.bimi import parse_bimi, render_bimi
from maildns.records.dkim import colon_list, dkim_name, is_dkim_name, parse_dkim, render_dkim, render_revoked
from maildns.records.dmarc import dmarc_domain, dmarc_name, is_dmarc, parse_dmarc, render_dmarc, report_uris, size_limit
from maildns.records.mta_sts import parse_policy, parse_txt, policy_id, render_policy, render_txt
from maildns.records.mx import mx_text, parse_mx, render_mx
from maildns.records.tags import parse_tags
from maildns.records.tls_rpt import parse_tls_rpt, render_tls_rpt, rua_uris
from maildns.records.txt import answer_text
from maildns.records.uri import split_size, uri_address

NAMES = st.from_regex(r"[a-z][a-z0-9-]{0,8}[a-z0-9](\.[a-z][a-z0-9]{0,8}){0,2}\.(gov|net|org)", fullmatch=True)
LOCALS = st.from_regex(r"[a-z0-9][a-z0-9._+-]{0,10}[a-z0-9]", fullmatch=True).filter(lambda s: ".." not in s)
MAILTO = st.builds(lambda local, domain: f"mailto:{local}@{domain}", LOCALS, NAMES)
ANY_TEXT = st.text() | st.text(alphabet=st.sampled_from("v=;: ,!DMARC1STSTLRPKIMvp@\r\n\t")) | st.text().map(lambda t: "v=DMARC1; " + t)


# --- tag lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs", "problems"),
    [
        (" v = DKIM1 ;k=rsa; p=AB CD;", (("v", "DKIM1"), ("k", "rsa"), ("p", "AB CD")), []),
        ("", (), []),
        ("V=DMARC1;P=reject", (("v", "DMARC1"), ("p", "reject")), []),
        ("v=DMARC1; p=none; p=reject", (("v", "DMARC1"), ("p", "none"), ("p", "reject")), ["the tag p is given twice; the first is used"]),
        ("v=DMARC1; junk; p=none", (("v", "DMARC1"), ("p", "none")), ["'junk' is not tag=value"]),
        ("v=TLSRPTv1;;rua=mailto:a@b.example", (("v", "TLSRPTv1"), ("rua", "mailto:a@b.example")), []),
        ("=x", (), ["'=x' is not tag=value"]),
    ],
    ids=[
        "RFC 6376 3.2: white space around tags and values, a trailing ;",
        "an empty list",
        "RFC 6376 3.2: tag names without case",
        "RFC 6376 3.2: a repeated tag is a problem, the first is used",
        "RFC 7489 6.4: a part without = is a problem, the rest is kept",
        "RFC 8460 3: an empty part",
        "RFC 6376 3.2: a tag needs a name",
    ],
)
def test_tag_lists(text, pairs, problems):
    record = parse_tags(text, "RFC 6376 3.2")
    assert record.pairs == pairs
    assert [p.message for p in record.problems] == problems
    assert record.tags == dict(reversed(pairs))


# --- DMARC -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("v=DMARC1; p=reject; rua=mailto:d@example.gov", []),
        ("v=DMARC1;p=quarantine;sp=none;pct=50;adkim=s;aspf=r", []),
        ("v=DMARC1; p=reject; foo=bar", []),
        ("v=DMARC2; p=reject", ["must start with v=DMARC1"]),
        ("p=reject; v=DMARC1", ["must start with v=DMARC1"]),
        ("v=DMARC1; rua=mailto:d@example.gov; p=reject", ["must have p as its second tag, right after v=DMARC1"]),
        ("v=DMARC1; p=rejct", ["has p=rejct; it is none, quarantine or reject"]),
        ("v=DMARC1; p=reject; sp=all", ["has sp=all; it is none, quarantine or reject"]),
        ("v=DMARC1; p=reject; pct=101", ["has pct=101; it is 0-100"]),
        ("v=DMARC1; p=reject; adkim=x", ["has adkim=x; it is r or s"]),
        ("v=DMARC1; p=reject; pct=\u00b9", ["has pct=\u00b9; it is 0-100"]),
    ],
    ids=[
        "RFC 7489 6.3: a plain policy",
        "RFC 7489 6.3: every policy tag",
        "RFC 7489 6.3: unknown tags are ignored",
        "RFC 7489 6.3: another version",
        "RFC 7489 6.3: v must come first",
        "RFC 7489 6.3: p must come second",
        "RFC 7489 6.3: p is none, quarantine or reject",
        "RFC 7489 6.3: sp too",
        "RFC 7489 6.3: pct is 0-100",
        "RFC 7489 6.3: adkim is r or s",
        "RFC 7489 6.3: pct is ASCII digits",
    ],
)
def test_dmarc_records(text, problems):
    assert [p.message for p in parse_dmarc(text).problems] == problems


@pytest.mark.parametrize(
    ("text", "found"),
    [("v=DMARC1; p=reject", True), ("v = DMARC1;p=none", True), ("v=DMARC1", True), ("v=DMARC10; p=none", False), ("p=none", False)],
    ids=["RFC 7489 6.4: v=DMARC1 first", "white space around =", "the version alone", "DMARC10 is another version", "no version"],
)
def test_dmarc_records_are_told_apart(text, found):
    assert is_dmarc(text) is found


@pytest.mark.parametrize(
    ("uri", "address", "size", "octets"),
    [
        ("mailto:d@example.gov!10m", "mailto:d@example.gov", "10m", 10 << 20),
        ("mailto:d@example.gov!50", "mailto:d@example.gov", "50", 50),
        ("mailto:d@example.gov!10M", "mailto:d@example.gov", "10M", None),
        ("mailto:d@example.gov", "mailto:d@example.gov", None, None),
        ("mailto:d@example.gov!x", "mailto:d@example.gov!x", None, None),
        ("mailto:a!1@example.gov", "mailto:a!1@example.gov", None, None),
    ],
    ids=[
        "RFC 7489 6.2: a size with a unit",
        "RFC 7489 6.2: a size in octets",
        "RFC 7489 6.2: a unit in upper case is read, not counted",
        "no size",
        "RFC 7489 6.2: !x is no size",
        "RFC 7489 6.2: a ! before the @ is part of the address",
    ],
)
def test_one_size_suffix_rule(uri, address, size, octets):
    assert split_size(uri) == (address, size)
    assert uri_address(uri) == address
    if size is None or size.islower() or size.isdigit():
        assert size_limit(uri) == octets


def test_report_uris_are_comma_separated_with_white_space_ignored():
    """RFC 7489 6.4: rua and ruf hold a comma-separated list."""
    assert report_uris(" mailto:a@example.gov , mailto:b@example.org!10m,") == ("mailto:a@example.gov", "mailto:b@example.org!10m")
    assert report_uris(None) == ()


def test_record_names_are_built_and_read_in_one_place():
    """RFC 7489 6.1, RFC 6376 3.6.2.1: _dmarc.<domain> and <selector>._domainkey.<domain>."""
    assert dmarc_domain(dmarc_name("example.gov")) == "example.gov"
    assert dmarc_domain("example.gov") is None
    assert is_dkim_name(dkim_name("s1", "example.gov"))
    assert not is_dkim_name("_domainkey.example.gov")


DMARC_TAGS = st.fixed_dictionaries(
    {
        "p": st.sampled_from(["none", "quarantine", "reject"]),
        "sp": st.none() | st.sampled_from(["none", "quarantine", "reject"]),
        "pct": st.none() | st.integers(0, 100),
        "adkim": st.none() | st.sampled_from(["r", "s"]),
        "fo": st.none() | st.sampled_from(["0", "1", "d:s", "0:1:d:s"]),
        "ri": st.none() | st.integers(0, 2**32 - 1),
        "rua": st.lists(st.builds(lambda u, s: u + s, MAILTO, st.sampled_from(["", "!10m", "!500k"])), max_size=3).map(tuple),
    }
)


@settings(max_examples=200, deadline=None)
@given(tags=DMARC_TAGS)
def test_dmarc_render_then_parse_gives_the_values_back(tags):
    rua = tags["rua"]
    record = parse_dmarc(render_dmarc(tags))
    assert record.problems == ()
    read = record.tags
    assert read.pop("v") == "DMARC1"
    assert report_uris(read.pop("rua", None)) == tuple(rua)
    assert read == {tag: str(value) for tag, value in tags.items() if value is not None and tag != "rua"}


# --- DKIM --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("v=DKIM1; k=rsa; p=MIIBIjAN", []),
        ("k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", []),
        ("v=DKIM1; p=", []),
        ("v=DKIM2; p=AB", ["must have v=DKIM1 as its first tag, or no v="]),
        ("p=AB; v=DKIM1", ["must have v=DKIM1 as its first tag, or no v="]),
        ("v=DKIM1; k=rsa", ["has no p= tag, which is required"]),
        ("v=DKIM1; k=dsa; p=AB", ["has k=dsa; verifiers know rsa and ed25519"]),
        ("v=DKIM1; p=AB; p=CD", ["the tag p is given twice; the first is used"]),
    ],
    ids=[
        "RFC 6376 3.6.1: an RSA key",
        "RFC 8463 3: an Ed25519 key without v=",
        "RFC 6376 3.6.1: an empty p= is a revoked key",
        "RFC 6376 3.6.1: another version",
        "RFC 6376 3.6.1: v must come first",
        "RFC 6376 3.6.1: p is required",
        "RFC 6376 3.6.1: an unknown key type",
        "RFC 6376 3.2: a repeated tag makes the record invalid",
    ],
)
def test_dkim_records(text, problems):
    record = parse_dkim(text)
    assert [p.message for p in record.problems] == problems
    assert record.fatal is bool(problems)


@pytest.mark.parametrize(
    ("value", "items"),
    [("sha256", ("sha256",)), (" y : s ", ("y", "s")), ("sha256:", ("sha256",)), (None, ())],
    ids=["RFC 6376 3.6.1: one item", "RFC 6376 3.6.1: white space around items", "an empty item", "no tag"],
)
def test_dkim_colon_lists(value, items):
    assert colon_list(value) == items


@settings(max_examples=200, deadline=None)
@given(
    key_type=st.sampled_from(["rsa", "ed25519"]),
    key=st.from_regex(r"[A-Za-z0-9+/]{4,400}={0,2}", fullmatch=True),
    hashes=st.sampled_from([(), ("sha256",)]),
    flags=st.sampled_from([(), ("y",), ("s",), ("y", "s")]),
)
def test_dkim_render_then_parse_gives_the_values_back(key_type, key, hashes, flags):
    record = parse_dkim(render_dkim(key_type=key_type, public_key=key, hash_algorithms=hashes, flags=flags))
    assert record.problems == ()
    assert (record.get("k"), record.get("p")) == (key_type, key)
    assert colon_list(record.get("h")) == hashes
    assert colon_list(record.get("t")) == flags
    assert parse_dkim(render_revoked()).get("p") == ""


# --- TLS-RPT -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("v=TLSRPTv1;rua=mailto:tls@example.gov", []),
        ("v=TLSRPTv1; rua=mailto:a@example.gov,https://r.example.net/tls", []),
        ("v=TLSRPTv2;rua=mailto:tls@example.gov", ["must start with v=TLSRPTv1"]),
        ("v=TLSRPTv1", ["has no rua= with a report URI"]),
        ("v=TLSRPTv1; rua=", ["has no rua= with a report URI"]),
    ],
    ids=[
        "RFC 8460 3: one URI",
        "RFC 8460 3: two URIs",
        "RFC 8460 3: another version",
        "RFC 8460 3: rua is required",
        "RFC 8460 3: rua needs a URI",
    ],
)
def test_tls_rpt_records(text, problems):
    assert [p.message for p in parse_tls_rpt(text).problems] == problems


@settings(max_examples=200, deadline=None)
@given(rua=st.lists(MAILTO | NAMES.map(lambda n: f"https://{n}/tls"), min_size=1, max_size=3))
def test_tls_rpt_render_then_parse_gives_the_values_back(rua):
    record = parse_tls_rpt(render_tls_rpt(rua))
    assert record.problems == ()
    assert rua_uris(record.get("rua")) == tuple(rua)


# --- MTA-STS -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("v=STSv1; id=20240101T000000", []),
        ("v=STSv1;id=abc", []),
        ("v=STSv2; id=abc", ["must start with v=STSv1"]),
        ("v=STSv1", ["must have an id of 1-32 letters or digits"]),
        ("v=STSv1; id=a-b", ["must have an id of 1-32 letters or digits"]),
        ("v=STSv1; id=" + "a" * 33, ["must have an id of 1-32 letters or digits"]),
    ],
    ids=[
        "RFC 8461 3.1: letters and digits",
        "RFC 8461 3.1: no space after ;",
        "RFC 8461 3.1: another version",
        "RFC 8461 3.1: id is required",
        "RFC 8461 3.1: the id is letters and digits only",
        "RFC 8461 3.1: the id is at most 32",
    ],
)
def test_mta_sts_records(text, problems):
    assert [p.message for p in parse_txt(text).problems] == problems


@pytest.mark.parametrize(
    ("text", "mode", "max_age", "mx", "problems"),
    [
        ("version: STSv1\r\nmode: enforce\r\nmx: mx.example.net\r\nmax_age: 86400\r\n", "enforce", 86400, ("mx.example.net",), []),
        (
            "version: STSv1\nmode: testing\nmx: a.example.net\nmx: *.example.org\nmax_age: 0\n",
            "testing",
            0,
            ("a.example.net", "*.example.org"),
            [],
        ),
        ("Version: STSv1\r\nmode:none\r\nmax_age:1\r\n", "none", 1, (), []),
        ("version: STSv2\r\nmode: enforce\r\nmax_age: 1\r\n", "enforce", 1, (), ["must have version: STSv1"]),
        (
            "version: STSv1\r\nmode: enforcing\r\nmax_age: 1\r\n",
            "enforcing",
            1,
            (),
            ["has mode 'enforcing'; it is enforce, testing or none"],
        ),
        (
            "version: STSv1\r\nmode: none\r\nmax_age: 31557601\r\n",
            "none",
            31557601,
            (),
            ["has max_age '31557601'; it is 0-31557600 seconds"],
        ),
        ("version: STSv1\r\nmode: none\r\nmax_age: 1d\r\n", "none", None, (), ["has max_age '1d'; it is 0-31557600 seconds"]),
        ("version: STSv1\r\nmode: none\r\nmax_age: \u00b9\r\n", "none", None, (), ["has max_age '\u00b9'; it is 0-31557600 seconds"]),
        ("version: STSv1\r\nmode: none\r\nmax_age: 1\r\nhello\r\n", "none", 1, (), ["'hello' is not key: value"]),
    ],
    ids=[
        "RFC 8461 3.2: a policy as rendered",
        "RFC 8461 3.2: LF line ends are tolerated",
        "RFC 8461 3.2: keys without case, no space after the colon",
        "RFC 8461 3.2: another version",
        "RFC 8461 3.2: an unknown mode",
        "RFC 8461 3.2: max_age over a year",
        "RFC 8461 3.2: max_age is seconds",
        "RFC 8461 3.2: max_age is ASCII digits",
        "RFC 8461 3.2: a line that is not key: value",
    ],
)
def test_mta_sts_policies(text, mode, max_age, mx, problems):
    policy = parse_policy(text)
    assert (policy.mode, policy.max_age, policy.mx) == (mode, max_age, mx)
    assert [p.message for p in policy.problems] == problems


@settings(max_examples=200, deadline=None)
@given(
    mode=st.sampled_from(["enforce", "testing", "none"]),
    max_age=st.integers(0, 31557600),
    patterns=st.lists(NAMES | NAMES.map(lambda n: "*." + n), unique=True, max_size=4),
)
def test_mta_sts_render_then_parse_gives_the_values_back(mode, max_age, patterns):
    policy = render_policy(mode=mode, max_age=max_age, patterns=patterns)
    parsed = parse_policy(policy.decode("ascii"))
    assert (parsed.problems, parsed.version, parsed.mode, parsed.max_age, parsed.mx) == ((), "STSv1", mode, max_age, tuple(patterns))
    txt = parse_txt(render_txt(policy))
    assert (txt.problems, txt.get("id")) == ((), policy_id(policy))


# --- BIMI --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("v=BIMI1; l=https://example.gov/logo.svg; a=https://example.gov/vmc.pem", []),
        ("v=BIMI1; l=; a=", []),
        ("v=BIMI2; l=https://example.gov/logo.svg", ["must start with v=BIMI1"]),
        ("v=BIMI1; l=http://example.gov/logo.svg", ["l= must be an https: URI: receivers fetch BIMI files over HTTPS only"]),
        ("v=BIMI1; l=https://example.gov/logo.png", ["l= must end in .svg: receivers display only an SVG logo"]),
        ("v=BIMI1; l=https://192.0.2.1/logo.svg", ["l= must name its host by a fully qualified domain name, not an IP address"]),
    ],
    ids=[
        "BIMI draft-10 4.3: logo and authority",
        "BIMI draft-10 4.3: empty l= declines BIMI",
        "BIMI draft-10 4.3: another version",
        "BIMI draft-10 4.3: https only",
        "BIMI draft-10 4.3.2: an SVG logo",
        "BIMI draft-10 4.3: a host name, not an address",
    ],
)
def test_bimi_records(text, problems):
    assert [p.message for p in parse_bimi(text).problems] == problems


@settings(max_examples=200, deadline=None)
@given(logo=NAMES.map(lambda n: f"https://{n}/logo.svg"), authority=st.none() | NAMES.map(lambda n: f"https://{n}/vmc.pem"))
def test_bimi_render_then_parse_gives_the_values_back(logo, authority):
    record = parse_bimi(render_bimi(logo, authority))
    assert (record.problems, record.get("l"), record.get("a")) == ((), logo, authority)


# --- MX and answers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("10 mx1.example.net", (10, "mx1.example.net")),
        ("0 .", (0, ".")),
        ("5 MX.Example.NET.", (5, "mx.example.net")),
        ("65536 mx.example.net", None),
        ("ten mx.example.net", None),
        ("10 192.0.2.1", None),
        ("10", None),
        ("\u00b9 mx.example.net", None),
    ],
    ids=[
        "RFC 1035 3.3.9: preference and host",
        "RFC 7505 3: null MX",
        "RFC 4343: names without case, trailing dot",
        "RFC 1035 3.3.9: the preference is 16 bits",
        "RFC 1035 3.3.9: the preference is a number",
        "RFC 5321 2.3.5: an address is not a host name",
        "RFC 1035 3.3.9: a host is required",
        "RFC 1035 3.3.9: a superscript digit is no preference",
    ],
)
def test_mx_values(text, parsed):
    result = parse_mx(text)
    assert result == parsed if parsed is not None else not isinstance(result, tuple)


@settings(max_examples=200, deadline=None)
@given(hosts=st.lists(st.tuples(st.integers(0, 65535), NAMES), unique_by=lambda h: h[1], max_size=4))
def test_mx_render_then_parse_gives_the_values_back(hosts):
    assert [parse_mx(value) for value in render_mx(hosts)] == sorted(hosts)
    assert [parse_mx(mx_text(preference, host + ".")) for preference, host in sorted(hosts)] == sorted(hosts)


@pytest.mark.parametrize(
    ("strings", "text"),
    [
        ((b"v=spf1 ", b"-all"), "v=spf1 -all"),
        ((b"a" * 255, b"b"), "a" * 255 + "b"),
        ((b"caf\xc3\xa9",), "caf\\xc3\\xa9"),
        ((), ""),
    ],
    ids=[
        "RFC 7208 3.3: strings are joined without spaces",
        "RFC 6376 3.6.2.2: a long key in two strings",
        "non-ASCII octets are shown, never equal to a rendered value",
        "no strings",
    ],
)
def test_answer_text(strings, text):
    assert answer_text(strings) == text


@settings(max_examples=500, deadline=None)
@given(text=ANY_TEXT)
def test_parse_of_any_text_never_raises(text):
    """Whatever a domain publishes, every parser returns its problems as values."""
    for parse in (parse_dmarc, parse_dkim, parse_tls_rpt, parse_txt, parse_bimi):
        assert all(p.message for p in parse(text).problems)
    assert all(p.message for p in parse_policy(text).problems)
    parse_mx(text)
    split_size(text)
