"""MX (RFC 1035, 5321, 7505), names and TTLs (RFC 1035, 1123, 2181, 5891) and TLS-RPT (RFC 8460) rules."""

from __future__ import annotations

import pytest

from maildns.config import resolve
from maildns.plan import plan_one
from tests.config.samples import FILE, domain

L63 = "a" * 63


def mx(host, preference=10):
    return {"host": host, "preference": preference}


REFUSED = [
    pytest.param(
        {"mx": [mx("mx.example.com", 65536)]},
        "mx[0].preference: must be 0-65535 (got 65536; RFC 1035 3.3.9)",
        id="RFC 1035 3.3.9: MX preference is at most 65535",
    ),
    pytest.param(
        {"mx": [mx("mx.example.com", -1)]},
        "mx[0].preference: must be 0-65535 (got -1; RFC 1035 3.3.9)",
        id="RFC 1035 3.3.9: MX preference is at least 0",
    ),
    pytest.param(
        {"mx": [{"host": "mx.example.com"}]},
        "mx[0].preference: is required (got nothing; RFC 1035 3.3.9)",
        id="RFC 1035 3.3.9: MX preference is required",
    ),
    pytest.param(
        {"mx": [mx("192.0.2.1")]},
        "mx[0].host: must be a host name: an IP address is not allowed here (got 192.0.2.1; RFC 5321 2.3.5)",
        id="RFC 5321 2.3.5: an MX host is not an IPv4 address",
    ),
    pytest.param(
        {"mx": [mx("[2001:db8::1]")]},
        "mx[0].host: must be a host name: an IP address is not allowed here (got [2001:db8::1]; RFC 5321 2.3.5)",
        id="RFC 5321 2.3.5: an MX host is not an IPv6 literal",
    ),
    pytest.param(
        {"mx": [mx("mx_1.example.com")]},
        "mx[0].host: has label 'mx_1': labels are letters, digits and hyphens, not starting or ending with a hyphen (got mx_1.example.com; RFC 1123 2.1)",
        id="RFC 1123 2.1: an MX host is a host name",
    ),
    pytest.param(
        {"mx": [mx("mx.example.com"), mx("MX.example.com.", 20)]},
        "mx[1].host: repeats an MX host (got mx.example.com; RFC 5321 5.1)",
        id="RFC 5321 5.1: each MX host once",
    ),
    pytest.param(
        {"mx": [mx(".", 0), mx("mx.example.com")]},
        'mx: must be the only MX, with preference 0, when it is a null MX (got ["0 .", "10 mx.example.com"]; RFC 7505 3)',
        id="RFC 7505 3: a null MX stands alone",
    ),
    pytest.param(
        {"mx": [mx(".", 10)]},
        'mx: must be the only MX, with preference 0, when it is a null MX (got ["10 ."]; RFC 7505 3)',
        id="RFC 7505 3: a null MX has preference 0",
    ),
    pytest.param(
        {"mx": [mx(".", 0)], "spf": {"all": "softfail"}},
        "spf: must be v=spf1 -all on a domain with a null MX (got v=spf1 ~all; RFC 7505 4)",
        id="RFC 7505 4: a null MX domain publishes v=spf1 -all",
    ),
    pytest.param(
        {"domain": "a" * 64 + ".gov"},
        f"domain: has a label of 64 octets; a label is at most 63 (got {'a' * 64}.gov; RFC 1035 2.3.4)",
        id="RFC 1035 2.3.4: a label is at most 63 octets",
    ),
    pytest.param(
        {"domain": ".".join([L63, L63, L63, "a" * 59, "gov"])},
        f"domain: is 255 octets; a name is at most 253 (got {L63}.aaaaaaaaaaaaa...; RFC 1035 2.3.4)",
        id="RFC 1035 2.3.4: a name is at most 253 octets",
    ),
    pytest.param(
        {"domain": ".".join([L63, L63, L63, "a" * 51, "gov"])},
        f"domain: makes the record name 254 octets long; a name is at most 253 (got _dmarc.{L63}.aaaaaa...; RFC 1035 2.3.4)",
        id="RFC 1035 2.3.4: _dmarc.<domain> is at most 253 octets",
    ),
    pytest.param(
        {"domain": "ex..gov"}, "domain: has an empty label (got ex..gov; RFC 1035 2.3.4)", id="RFC 1035 2.3.4: a label is at least 1 octet"
    ),
    pytest.param(
        {"domain": "ex ample.gov"},
        "domain: has label 'ex ample': labels are letters, digits and hyphens, not starting or ending with a hyphen (got ex ample.gov; RFC 1123 2.1)",
        id="RFC 1123 2.1: labels are letters, digits and hyphens",
    ),
    pytest.param(
        {"domain": "gov"},
        "domain: must have at least 2 labels (got gov; RFC 1035 2.3.1)",
        id="RFC 1035 2.3.1: a mail domain has at least 2 labels",
    ),
    pytest.param(
        {"domain": "example.123"},
        "domain: must not end in an all-numeric label (got example.123; RFC 1123 2.1)",
        id="RFC 1123 2.1: a top-level label is not all digits",
    ),
    pytest.param(
        {"domain": "xn--a.gov"},
        "domain: has 'xn--a', which is not a valid A-label (got xn--a.gov; RFC 5891 5.4)",
        id="RFC 5891 5.4: an A-label must decode",
    ),
    pytest.param(
        {"apex_txt": ["google-site-verification=abc", "google-site-verification=abc"]},
        "apex_txt[1]: repeats a value (got google-site-verification=abc; Route53 ChangeResourceRecordSets)",
        id="Route53: an apex TXT value is listed once",
    ),
    pytest.param({"ttl": -1}, "ttl: must be 0-2147483647 (got -1; RFC 2181 8)", id="RFC 2181 8: a TTL is at least 0"),
    pytest.param({"ttl": 2147483648}, "ttl: must be 0-2147483647 (got 2147483648; RFC 2181 8)", id="RFC 2181 8: a TTL is at most 2^31-1"),
    pytest.param({"ttl": 1.5}, "ttl: must be a whole number 0-2147483647 (got 1.5; RFC 2181 8)", id="RFC 2181 8: a TTL is a whole number"),
    pytest.param({"ttl": True}, "ttl: must be a whole number 0-2147483647 (got true; RFC 2181 8)", id="RFC 2181 8: a TTL is not a boolean"),
    pytest.param(
        {"ttl_overrides": {"dmarc": -5}},
        "ttl_overrides.dmarc: must be 0-2147483647 (got -5; RFC 2181 8)",
        id="RFC 2181 8: TTL overrides have the same range",
    ),
    pytest.param(
        {"tls_rpt": {"rua": []}},
        "tls_rpt.rua: must list at least one report URI (got []; RFC 8460 3)",
        id="RFC 8460 3: rua has at least one URI",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["ftp://x.example.com"]}},
        "tls_rpt.rua[0]: must be a mailto: or https: URI (got ftp://x.example.com; RFC 8460 3)",
        id="RFC 8460 3: mailto: or https: only",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["mailto:a@example.com!10m"]}},
        "tls_rpt.rua[0]: has '!': TLS-RPT URIs take no size limit; percent-encode it as %21 (got mailto:a@example.com!10m; RFC 8460 3)",
        id="RFC 8460 3: ! is percent-encoded, there is no size limit",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["https://r.example.com/a,b"]}},
        "tls_rpt.rua[0]: has ','; percent-encode it as %2C (got https://r.example.com/a,b; RFC 8460 3)",
        id="RFC 8460 3: a comma is percent-encoded",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["mailto:a;b@example.com"]}},
        "tls_rpt.rua[0]: has ';' in the address; percent-encode it as %3B (got mailto:a;b@example.com; RFC 8460 3)",
        id="RFC 8460 3: a semicolon is percent-encoded",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["mailto:a#b@example.com"]}},
        "tls_rpt.rua[0]: has '#' in the address; percent-encode it as %23 (got mailto:a#b@example.com; RFC 6068 2)",
        id="RFC 6068 2: a # in a mailto address is percent-encoded",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["https:///path"]}},
        "tls_rpt.rua[0]: must name a host: https://<host>/<path> (got https:///path; RFC 8460 3)",
        id="RFC 8460 3: an https URI names a host",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["https://r.example.com/\u00e9"]}},
        "tls_rpt.rua[0]: has non-ASCII characters; percent-encode them (got https://r.example.com/\u00e9; RFC 3986 2.1)",
        id="RFC 3986 2.1: a URI is ASCII",
    ),
    pytest.param(
        {"tls_rpt": {"rua": ["https://r.example.com/x", "https://R.example.com/x"]}},
        "tls_rpt.rua[1]: repeats a report URI (got https://r.example.com/x; RFC 8460 3)",
        id="RFC 8460 3: each URI once",
    ),
]


@pytest.mark.parametrize("fields, line", REFUSED)
def test_refused(refused, fields, line):
    assert refused(domain(**fields)) == [f"{FILE}: {line}"]


def test_mx_accepted(accepted):
    """RFC 1035 3.3.9 and RFC 7505 3: preferences 0 and 65535; a lone null MX with v=spf1 -all."""
    config = accepted(domain(mx=[mx("mx1.example.com", 0), mx("mx2.example.com.", 65535)]))
    assert plan_one(config).records[0].values == ("0 mx1.example.com", "65535 mx2.example.com")
    null = accepted(domain(mx=[mx(".", 0)]))
    assert plan_one(null).records[0].values == ("0 .",) and null.spf.text == "v=spf1 -all"


def test_ttl_bounds_accepted(accepted):
    """RFC 2181 8: 0 and 2147483647 are both valid TTLs."""
    assert resolve(accepted(domain(ttl=0, ttl_overrides={"mx": 2147483647}))).ttl.mx == 2147483647


def test_longest_names_accepted(accepted):
    """RFC 1035 2.3.4: a domain whose _dmarc name is exactly 253 octets is accepted."""
    name = ".".join([L63, L63, L63, "a" * 50, "gov"])
    config = accepted(domain(domain=name))
    assert [len(r.name) for r in plan_one(config).records if r.id == "dmarc"] == [253]


def test_idns_become_a_labels_everywhere(accepted):
    """RFC 5891 4.4: domain, MX hosts, SPF, DMARC and TLS-RPT URIs, MTA-STS mx: lines are A-labels."""
    config = accepted(
        {
            "domain": "B\u00fccher.example.",
            "mx": [mx("mx.B\u00fccher.example")],
            "spf": {"terms": ["include:_spf.m\u00fcnchen.example"]},
            "dmarc": {"rua": ["mailto:dmarc@b\u00fccher.example"]},
            "tls_rpt": {"rua": ["mailto:tls@b\u00fccher.example", "https://M\u00fcnchen.example/tls"]},
            "mta_sts": {"mode": "enforce", "patterns": ["*.m\u00fcnchen.example"]},
        }
    )
    texts = [f"{r.name} {' '.join(r.values)}" for r in plan_one(config).records]
    policy = plan_one(config).policy.decode("ascii")
    assert all(text.isascii() for text in texts), texts
    assert config.domain == "xn--bcher-kva.example"
    assert "mx: mx.xn--bcher-kva.example\r\n" in policy and "mx: *.xn--mnchen-3ya.example\r\n" in policy
    assert texts == [
        "xn--bcher-kva.example 10 mx.xn--bcher-kva.example",
        "xn--bcher-kva.example v=spf1 include:_spf.xn--mnchen-3ya.example -all",
        "_dmarc.xn--bcher-kva.example v=DMARC1; p=reject; rua=mailto:dmarc@xn--bcher-kva.example",
        "_smtp._tls.xn--bcher-kva.example v=TLSRPTv1;rua=mailto:tls@xn--bcher-kva.example,https://xn--mnchen-3ya.example/tls",
    ]
