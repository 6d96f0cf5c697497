"""Inputs found by adversarial use: each was accepted (or misreported) before its rule existed."""

from __future__ import annotations

import json

import pytest

from maildns.records import spf as spf_records
from tests.config.samples import FILE, domain


def lines_of(refused, data) -> list[str]:
    return [line.removeprefix(FILE + ": ") for line in refused(data)]


# --- SPF terms: every term is checked against the RFC 7208 section 12 grammar ----------------

ZONE_ID_TERMS = [
    pytest.param(
        "ip6:fe80::1%eth0",
        "spf.terms[0]: has 'fe80::1%eth0', which is not a bare IPv6 address: a zone id (%) is not allowed (got ip6:fe80::1%eth0; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip6 with a named zone id is refused",
    ),
    pytest.param(
        "ip6:::1%x/64",
        "spf.terms[0]: has '::1%x', which is not a bare IPv6 address: a zone id (%) is not allowed (got ip6:::1%x/64; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip6 with a zone id and a prefix is refused",
    ),
    pytest.param(
        "ip6:fe80::1%25",
        "spf.terms[0]: has 'fe80::1%25', which is not a bare IPv6 address: a zone id (%) is not allowed (got ip6:fe80::1%25; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip6 with a numeric zone id is refused",
    ),
    pytest.param(
        "ip4:192.0.2.1%eth0",
        "spf.terms[0]: has '192.0.2.1%eth0', which is not an IPv4 address (got ip4:192.0.2.1%eth0; RFC 7208 5.6)",
        id="RFC 7208 5.6: ip4 with a zone id is refused",
    ),
]


@pytest.mark.parametrize(("term", "expected"), ZONE_ID_TERMS)
def test_spf_networks_are_bare_addresses(refused, term, expected):
    """RFC 7208 5.6: ip6-network is an IPv6 address as RFC 4291 2.2 writes it, without a zone id."""
    assert lines_of(refused, domain(spf={"terms": [term]})) == [expected]


@pytest.mark.parametrize(
    "term",
    ["ip6:fe80::1%eth0", "ip6:::1%x/64", "a:example.com/24%", "include:example.com%", "mx/24//64%x", "ip4:192.0.2.1/8%"],
)
def test_no_accepted_term_breaks_the_section_12_grammar(term):
    """RFC 7208 12: whatever parse_term accepts renders as a term of the ABNF, or is refused."""
    try:
        parsed = spf_records.parse_term(term)
    except ValueError:
        return
    assert spf_records.TERM_GRAMMAR.fullmatch(str(parsed)), parsed


# --- networks that authorise everyone ---------------------------------------------------------

OPEN_NETWORKS = [
    pytest.param(
        ["ip4:0.0.0.0/0", "ip6:::/0"],
        'spf.terms[0]: authorises every IPv4 address, as +all would; list the senders\' own networks (got ["ip4:0.0.0.0/0"]; RFC 7208 5.6)',
        id="RFC 7208 5.6: ip4 0.0.0.0/0 is +all for IPv4",
    ),
    pytest.param(
        ["ip6:::/0"],
        'spf.terms[0]: authorises every IPv6 address, as +all would; list the senders\' own networks (got ["ip6:::/0"]; RFC 7208 5.6)',
        id="RFC 7208 5.6: ip6 ::/0 is +all for IPv6",
    ),
    pytest.param(
        ["+ip4:0.0.0.0/1", "+ip4:128.0.0.0/1"],
        'spf.terms[1]: authorises every IPv4 address, as +all would; list the senders\' own networks (got ["ip4:0.0.0.0/1", "ip4:128.0.0.0/1"]; RFC 7208 5.6)',
        id="RFC 7208 5.6: two halves together cover everything",
    ),
    pytest.param(
        ["a/0"],
        'spf.terms[0]: authorises every IPv4 address, as +all would; list the senders\' own networks (got ["a/0"]; RFC 7208 5.6)',
        id="RFC 7208 5.3: a/0 matches every IPv4 address",
    ),
    pytest.param(
        ["mx:example.com//0"],
        'spf.terms[0]: authorises every IPv6 address, as +all would; list the senders\' own networks (got ["mx:example.com//0"]; RFC 7208 5.6)',
        id="RFC 7208 5.4: mx//0 matches every IPv6 address",
    ),
]


@pytest.mark.parametrize(("terms", "expected"), OPEN_NETWORKS)
def test_networks_that_cover_everything_are_refused(refused, terms, expected):
    """RFC 7208 5.6: pass networks that together cover an address family authorise every host, like +all."""
    assert lines_of(refused, domain(spf={"terms": terms})) == [expected]


@pytest.mark.parametrize("terms", [["-ip4:0.0.0.0/0"], ["~ip6:::/0"], ["ip4:0.0.0.0/1", "-ip4:128.0.0.0/1"], ["ip4:10.0.0.0/8"]])
def test_networks_that_do_not_authorise_everyone_are_accepted(accepted, terms):
    accepted(domain(spf={"terms": terms}))


def warning_lines(data: dict, file: str = FILE) -> list[str]:
    from maildns.config import parse_config
    from maildns.lint import warnings

    config = parse_config(data, file)
    return [str(p).removeprefix(file + ": ") for p in warnings([config])[file]]


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        pytest.param(
            ["ip4:10.0.0.0/7"],
            [
                "spf.terms[0]: authorises a whole /7 IPv4 network; a pass network shorter than /8 is almost always a mistake (got ip4:10.0.0.0/7; RFC 7208 5.6)"
            ],
            id="an IPv4 network shorter than /8 is warned",
        ),
        pytest.param(
            ["ip6:2000::/15"],
            [
                "spf.terms[0]: authorises a whole /15 IPv6 network; a pass network shorter than /16 is almost always a mistake (got ip6:2000::/15; RFC 7208 5.6)"
            ],
            id="an IPv6 network shorter than /16 is warned",
        ),
        pytest.param(["ip4:10.0.0.0/8", "ip6:2001:db8::/16", "-ip4:0.0.0.0/1"], [], id="/8, /16 and fail networks are not warned"),
    ],
)
def test_very_wide_networks_are_warned(terms, expected):
    assert warning_lines(domain(spf={"terms": terms})) == expected


# --- TLS-RPT https URIs (RFC 3986) ------------------------------------------------------------

BAD_HTTPS = [
    pytest.param(
        'https://r.example.com/a"b',
        "has '\"'; percent-encode it as %22 (got https://r.example.com/a\"b; RFC 3986 2.1)",
        id="RFC 3986 2.1: a quote is percent-encoded",
    ),
    pytest.param(
        "https://r.example.com/a\\b",
        "has '\\\\'; percent-encode it as %5C (got https://r.example.com/a\\b; RFC 3986 2.1)",
        id="RFC 3986 2.1: a backslash is percent-encoded",
    ),
    pytest.param(
        "https://r.example.com/<x>",
        "has '<'; percent-encode it as %3C (got https://r.example.com/<x>; RFC 3986 2.1)",
        id="RFC 3986 2.1: angle brackets are percent-encoded",
    ),
    pytest.param(
        "https://r.example.com/{x}",
        "has '{'; percent-encode it as %7B (got https://r.example.com/{x}; RFC 3986 2.1)",
        id="RFC 3986 2.1: braces are percent-encoded",
    ),
    pytest.param(
        "https://r.example.com/a|b",
        "has '|'; percent-encode it as %7C (got https://r.example.com/a|b; RFC 3986 2.1)",
        id="RFC 3986 2.1: a bar is percent-encoded",
    ),
    pytest.param(
        "https://r.example.com/a^b",
        "has '^'; percent-encode it as %5E (got https://r.example.com/a^b; RFC 3986 2.1)",
        id="RFC 3986 2.1: a caret is percent-encoded",
    ),
    pytest.param(
        "https://r.example.com/%zz",
        "has a '%' that is not followed by two hex digits; write a percent sign as %25 (got https://r.example.com/%zz; RFC 3986 2.1)",
        id="RFC 3986 2.1: an invalid percent escape is refused",
    ),
    pytest.param(
        "https://r.example.com:0/x",
        "has a port that is not 1-65535 (got https://r.example.com:0/x; RFC 3986 3.2.3)",
        id="RFC 3986 3.2.3: port 0 is refused",
    ),
    pytest.param(
        "https://r.example.com/a#b#c",
        "has '#' twice; percent-encode the second as %23 (got https://r.example.com/a#b#c; RFC 3986 3.5)",
        id="RFC 3986 3.5: one fragment",
    ),
]


@pytest.mark.parametrize(("uri", "expected"), BAD_HTTPS)
def test_tls_rpt_https_uris_follow_rfc_3986(refused, uri, expected):
    assert lines_of(refused, domain(tls_rpt={"rua": [uri]})) == [f"tls_rpt.rua[0]: {expected}"]


@pytest.mark.parametrize(
    ("uri", "normalised"),
    [
        pytest.param(
            "https://r.example.com/a%20b?x=1&y=2#top",
            "https://r.example.com/a%20b?x=1&y=2#top",
            id="RFC 3986: escapes, a query and a fragment",
        ),
        pytest.param("https://192.0.2.1/tlsrpt", "https://192.0.2.1/tlsrpt", id="RFC 3986 3.2.2: an IPv4 host is allowed"),
        pytest.param(
            "https://[2001:DB8::1]:8443/tlsrpt", "https://[2001:db8::1]:8443/tlsrpt", id="RFC 3986 3.2.2: an IPv6 literal host is allowed"
        ),
    ],
)
def test_tls_rpt_https_uris_that_rfc_3986_allows(accepted, uri, normalised):
    from maildns.records.txt import character_strings, split_txt

    config = accepted(domain(tls_rpt={"rua": [uri]}))
    assert config.tls_rpt.rua == (normalised,)
    assert character_strings(split_txt(f"v=TLSRPTv1;rua={normalised}")) == [f"v=TLSRPTv1;rua={normalised}"]


# --- IP addresses where a name is expected ----------------------------------------------------

IP_LIKE = [
    pytest.param(
        {"mx": [{"host": "192.0.2.1.", "preference": 10}]},
        "mx[0].host: must be a host name: an IP address is not allowed here (got 192.0.2.1.; RFC 5321 2.3.5)",
        id="RFC 5321 2.3.5: an MX host is not an IPv4 address with a trailing dot",
    ),
    pytest.param(
        {"mx": [{"host": "[IPv6:2001:db8::3]", "preference": 10}]},
        "mx[0].host: must be a host name: an IP address is not allowed here (got [IPv6:2001:db8::3]; RFC 5321 2.3.5)",
        id="RFC 5321 2.3.5: an MX host is not an address literal",
    ),
    pytest.param(
        {"spf": {"terms": ["include:192.0.2.1"]}},
        "spf.terms[0]: must be a domain name: an IP address is not allowed here (got include:192.0.2.1; RFC 1123 2.1)",
        id="RFC 1123 2.1: an SPF include names a domain",
    ),
    pytest.param(
        {"dmarc": {"rua": ["mailto:a@[192.0.2.1]"]}},
        "dmarc.rua[0]: has an IP address as its domain: an IP address is not allowed here (got mailto:a@[192.0.2.1]; RFC 7489 6.2)",
        id="RFC 7489 7.1: a report address has a domain",
    ),
    pytest.param(
        {"zone": "192.0.2.1"},
        "zone: must be a domain name: an IP address is not allowed here (got 192.0.2.1; RFC 1123 2.1)",
        id="RFC 1123 2.1: a zone is a name",
    ),
    pytest.param(
        {"mta_sts": {"patterns": ["2001:db8::25"]}, "mx": [{"host": "mx.example.gov", "preference": 10}]},
        "mta_sts.patterns[0]: must be a domain name: an IP address is not allowed here (got 2001:db8::25; RFC 1123 2.1)",
        id="RFC 8461 4.1: a policy pattern is a name",
    ),
]


@pytest.mark.parametrize(("data", "expected"), IP_LIKE)
def test_ip_addresses_are_named_as_such(refused, data, expected):
    assert lines_of(refused, domain(**data)) == [expected]


# --- YAML: alias bombs, merge keys, keys that are not text ------------------------------------

ALIAS_BOMB = (
    "domain: example.gov\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    + "spf: *i\n"
)


def load_text(tmp_path, text: str):
    from maildns.config import load_config

    path = tmp_path / "example.gov.yaml"
    path.write_text(text)
    return load_config(path)


def problem_lines(tmp_path, text: str) -> list[str]:
    from maildns.config import ConfigError

    with pytest.raises(ConfigError) as exc:
        load_text(tmp_path, text)
    return [line.removeprefix(f"{tmp_path / 'example.gov.yaml'}: ") for line in exc.value.lines]


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    """A few hundred bytes whose aliases expand to 9^9 values: refused before anything expands them."""
    import time

    assert len(ALIAS_BOMB) < 500
    started = time.perf_counter()
    lines = problem_lines(tmp_path, ALIAS_BOMB)
    # Expanding 9^9 values takes hours and gigabytes: any bound far below that proves the refusal
    # came first, while a loaded machine stays well inside it.
    assert time.perf_counter() - started < 30
    assert lines == ["file: expands to more than 100000 values through aliases (got nothing; YAML 1.1)"]


def test_an_alias_inside_itself_is_refused(tmp_path):
    assert problem_lines(tmp_path, "domain: example.gov\napex_txt: &a [x, *a]\n") == [
        "line 2: has an alias inside the value it names, which never ends (got nothing; YAML 1.1)"
    ]


def test_a_long_value_is_cut_before_it_is_rendered():
    """Messages show at most 80 characters: rendering a huge shared value must stop there."""
    import time

    from maildns.errors import show

    part: list = ["x" * 10] * 10
    for _ in range(12):
        part = [part] * 10  # 10^13 strings if fully expanded
    started = time.perf_counter()
    text = show(part)
    # Rendering 10^13 strings would never end: a bound of seconds proves the cut, on any machine.
    assert time.perf_counter() - started < 30
    small: list = ["x" * 10] * 10
    for _ in range(12):
        small = [small]
    assert text == json.dumps(small)[:77] + "..."


def test_merge_keys_are_supported(tmp_path):
    """YAML 1.1 merge keys: merged settings apply, keys written beside them override."""
    config = load_text(
        tmp_path,
        "domain: example.gov\n_defaults: &d {p: quarantine, pct: 50}\n".replace("_defaults: &d {p: quarantine, pct: 50}\n", "")
        + "dmarc:\n  <<: &d {p: quarantine, pct: 50, rua: [mailto:d@example.gov]}\n  pct: 100\n",
    )
    assert (config.dmarc.p, config.dmarc.pct, config.dmarc.rua) == ("quarantine", 100, ("mailto:d@example.gov",))


def test_a_key_written_twice_beside_a_merge_is_still_refused(tmp_path):
    lines = problem_lines(tmp_path, "domain: example.gov\ndmarc:\n  <<: {p: none}\n  pct: 1\n  pct: 2\n")
    assert lines == ["line 5: is not valid YAML: duplicate key 'pct' (got pct: 2; YAML 1.1)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "domain: example.gov\n1: x\n",
            ["1: is a key that is not text; quote it if it is meant as one (got 1; see README: Configuration)"],
            id="a number as a top-level key",
        ),
        pytest.param(
            "domain: example.gov\ndmarc: {yes: x}\n",
            ["dmarc.true: is a key that is not text; quote it if it is meant as one (got true; see README: Configuration)"],
            id="a YAML 1.1 boolean as a nested key",
        ),
        pytest.param(
            "domain: example.gov\nmx:\n  - {host: mx.example.gov, preference: 1, ~: x}\n",
            ["mx[0].null: is a key that is not text; quote it if it is meant as one (got null; see README: Configuration)"],
            id="a null key inside a list item",
        ),
    ],
)
def test_keys_that_are_not_text_are_named(tmp_path, text, expected):
    assert problem_lines(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"dmarc": {"P": "reject"}},
            "dmarc.P: unknown key (got P; did you mean p? allowed: p, sp, pct, adkim, aspf, fo, rf, ri, rua, ruf; see README: Configuration)",
            id="a key in the wrong case gets its right case",
        ),
        pytest.param({"TTL": 300}, "TTL: unknown key (got TTL; did you mean ttl? allowed: ", id="a top-level key in upper case"),
    ],
)
def test_wrong_case_keys_get_did_you_mean(refused, data, expected):
    (line,) = lines_of(refused, domain(**data))
    assert line.startswith(expected.split(" allowed: ")[0])


# --- DKIM keys ------------------------------------------------------------------------------


def pkcs1_key(bits: int) -> str:
    import base64

    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    n = (1 << (bits - 1)) | 0xC3A5 | 1
    der = rsa.RSAPublicNumbers(65537, n).public_key().public_bytes(Encoding.DER, PublicFormat.PKCS1)
    return base64.b64encode(der).decode("ascii")


def test_a_pkcs1_rsa_key_is_refused_with_how_to_convert_it(refused):
    """RFC 6376 3.6.1: p= is a SubjectPublicKeyInfo; a bare RSAPublicKey (MIIBCgKCAQEA...) fails at verifiers."""
    key = pkcs1_key(2048)
    assert key.startswith("MIIBCgKCAQEA")
    (line,) = lines_of(refused, domain(dkim=[{"selector": "s1", "public_key": key}]))
    assert line == (
        "dkim[0].public_key: is a PKCS#1 RSAPublicKey, not a SubjectPublicKeyInfo; convert it with "
        "`openssl rsa -RSAPublicKey_in -in key.pem -pubout` and publish the base64 between the PEM lines "
        f"(got {key[:77]}...; RFC 6376 3.6.1)"
    )


def test_a_revoked_selector_publishes_an_empty_key(accepted):
    """RFC 6376 3.6.1: "An empty value means that this public key has been revoked."""
    from maildns.plan import plan_one

    config = accepted(domain(dkim=[{"selector": "old", "revoked": True}]))
    (record,) = [r for r in plan_one(config).records if r.id == "dkim-old"]
    assert (record.name, record.values) == ("old._domainkey.example.gov", ("v=DKIM1; p=",))
    assert warning_lines(domain(dkim=[{"selector": "old", "revoked": True}])) == []


def test_a_revoked_selector_takes_no_key(refused):
    from tests.config.samples import RSA_2048

    assert lines_of(refused, domain(dkim=[{"selector": "old", "revoked": True, "public_key": RSA_2048}])) == [
        f"dkim[0].public_key: must not be set with revoked: true; a revoked selector publishes an empty p= (got {RSA_2048[:77]}...; RFC 6376 3.6.1)"
    ]


def test_a_key_is_still_required_unless_revoked(refused):
    assert lines_of(refused, domain(dkim=[{"selector": "s1", "revoked": False}])) == [
        "dkim[0].public_key: is required (got nothing; RFC 6376 3.6.1)"
    ]


# --- settings that quietly disable a feature are warned -----------------------------------------


def _mx(**sts) -> dict:
    return {"mx": [{"host": "mx.example.gov", "preference": 10}], "mta_sts": sts}


def _rsa(bits: int) -> str:
    from tests.config.samples import rsa_key

    return rsa_key(bits)


QUIET_DISABLERS = [
    pytest.param(
        _mx(mode="enforce", max_age=0),
        "mta_sts.max_age: is 0 seconds in enforce mode; below 86400 (a day) senders soon forget the policy and an attacker who blocks its fetch downgrades them (got 0; RFC 8461 3.2, 10)",
        id="RFC 8461 10: max_age 0 in enforce mode",
    ),
    pytest.param(
        _mx(mode="testing", max_age=86399),
        "mta_sts.max_age: is 86399 seconds in testing mode; below 86400 (a day) senders soon forget the policy and an attacker who blocks its fetch downgrades them (got 86399; RFC 8461 3.2, 10)",
        id="RFC 8461 10: max_age under a day in testing mode",
    ),
    pytest.param(
        {"dmarc": {"pct": 0}},
        "dmarc.pct: is 0: the policy applies to no failing mail, as if p were none (got 0; RFC 7489 6.3)",
        id="RFC 7489 6.3: pct 0",
    ),
    pytest.param(
        {"dmarc": {"ri": 0}},
        "dmarc.ri: is 0 seconds: no receiver reports that often, so each uses its own interval (the default is 86400) (got 0; RFC 7489 6.3)",
        id="RFC 7489 6.3: ri 0",
    ),
    pytest.param(
        {"dmarc": {"rua": ["mailto:d@example.gov!0m"]}},
        "dmarc.rua[0]: has a size limit of 0: no report fits, so none is sent (got mailto:d@example.gov!0m; RFC 7489 6.2)",
        id="RFC 7489 6.2: a report size limit of 0",
    ),
]


@pytest.mark.parametrize(("data", "expected"), QUIET_DISABLERS)
def test_settings_that_quietly_disable_a_feature_are_warned(data, expected):
    assert warning_lines(domain(**data)) == [expected]


def test_an_rsa_key_beyond_4096_bits_is_warned():
    """RFC 8301 3.2: verifiers MUST validate 1024-4096 bits; larger keys may not verify."""
    key = _rsa(8192)
    assert warning_lines(domain(dkim=[{"selector": "big", "public_key": key}])) == [
        f"dkim[0].public_key: is a 8192-bit RSA key; verifiers need support only up to 4096 bits, so some will not verify it (got {key[:77]}...; RFC 8301 3.2)"
    ]


@pytest.mark.parametrize(
    "data",
    [_mx(mode="none", max_age=0), _mx(mode="enforce", max_age=86400), {"dmarc": {"pct": 1, "ri": 1, "rua": ["mailto:d@example.gov!1k"]}}],
)
def test_settings_that_keep_the_feature_are_not_warned(data):
    assert warning_lines(domain(**data)) == []


# --- YAML types: messages that say the fix ------------------------------------------------------

TYPE_SLIPS = [
    pytest.param(
        {"dkim": [{"selector": 20230601, "public_key": "x"}]},
        "dkim[0].selector: must be text, and YAML reads 20230601 as a number: quote it ('20230601') (got 20230601; RFC 1035 2.3.1)",
        id="a date-style DKIM selector must be quoted",
    ),
    pytest.param(
        {"ttl": "300"},
        "ttl: must be a whole number 0-2147483647, not text: drop the quotes (got 300; RFC 2181 8)",
        id="a quoted TTL must lose its quotes",
    ),
    pytest.param(
        {"ttl_overrides": {"mx": " 60"}},
        'ttl_overrides.mx: must be a whole number 0-2147483647, not text: drop the quotes (got " 60"; RFC 2181 8)',
        id="a quoted TTL override must lose its quotes",
    ),
    pytest.param(
        {"zone": True},
        "zone: must be text, and YAML reads true as a true/false value: quote it ('true') (got true; RFC 1035 2.3.1)",
        id="yes read as a boolean must be quoted",
    ),
]


@pytest.mark.parametrize(("data", "expected"), TYPE_SLIPS)
def test_type_slips_say_the_fix(refused, data, expected):
    lines = lines_of(refused, domain(**data))
    assert lines[0] == expected


# --- the apex TXT set shares the SPF record's 512 octets (RFC 7208 3.4) -------------------------


def test_apex_txt_counts_against_the_answer_size(refused):
    values = [f"site-verification={i:02d}" + "x" * 100 for i in range(5)]
    (line,) = lines_of(refused, domain(apex_txt=values))
    assert line.startswith("apex_txt: make the apex TXT set 611 octets with the SPF record; at most 512 fit a DNS answer (got [")
    assert line.endswith("; RFC 7208 3.4)")


def test_apex_txt_count_is_bounded_before_values_are_checked(refused):
    """Each value here is refused on its own (not ASCII): one line for the count proves that none of
    the 70000 was checked, at any machine's speed."""
    lines = lines_of(refused, domain(apex_txt=[f"é{i}" for i in range(70000)]))
    assert lines == [
        "apex_txt: lists 70000 values; at most 40 fit the apex TXT answer with the SPF record (got 70000 values; RFC 7208 3.4)"
    ]


def test_apex_txt_that_fits_is_accepted(accepted):
    accepted(domain(apex_txt=["google-site-verification=" + "a" * 43, "MS=ms12345678"]))


# --- SES regions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        pytest.param(
            "xx-fake-9",
            "ses.regions[0]: is not a region where Amazon SES is offered (see SES_REGIONS in maildns/config/fields.py) (got xx-fake-9; AWS SES endpoints)",
            id="a region that has the shape of one but does not exist",
        ),
        pytest.param(
            "us-east-7",
            "ses.regions[0]: is not a region where Amazon SES is offered (see SES_REGIONS in maildns/config/fields.py) (got us-east-7; AWS SES endpoints)",
            id="a region AWS does not have",
        ),
        pytest.param(
            "useast1", "ses.regions[0]: must be an AWS region such as us-east-1 (got useast1; AWS regions)", id="not a region at all"
        ),
    ],
)
def test_ses_regions_are_where_ses_is_offered(refused, region, expected):
    assert lines_of(refused, domain(ses={"regions": [region]})) == [expected]


@pytest.mark.parametrize("region", ["us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "us-gov-west-1"])
def test_ses_regions_that_exist_are_accepted(accepted, region):
    accepted(domain(ses={"regions": [region]}))
