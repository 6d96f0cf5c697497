"""An independent oracle: checkdmarc 6.0.4's parsers accept every record maildns renders.

Hypothesis builds many valid configs (several domains at once, so DMARC report authorisations
between them are rendered too). Each SPF, DMARC and TLS-RPT text goes through checkdmarc's own
parser; DNS is answered from the records maildns rendered (plus the wildcard authorisation of
dmarc.cyber.dhs.gov), and any real query fails the test: nothing is sent on the network.
checkdmarc has no DKIM parser, so DKIM records are checked against the RFC 6376 3.2 tag-list
grammar here, and their keys are loaded with cryptography.
"""

from __future__ import annotations

import base64
import re
import socket
from collections.abc import Iterator

import dns.resolver
import pytest
from cryptography.hazmat.primitives.serialization import load_der_public_key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maildns.cli.dkim import generate
from maildns.config import Config, parse_config
from maildns.lint import warnings
from maildns.plan import plan_one
from maildns.records.txt import character_strings, split_txt
from tests.config.samples import ED25519, RSA_1024, RSA_2048

checkdmarc_spf = pytest.importorskip("checkdmarc.spf")
checkdmarc_dmarc = pytest.importorskip("checkdmarc.dmarc")
checkdmarc_tlsrpt = pytest.importorskip("checkdmarc.smtp_tls_reporting")

CISA = "mailto:reports@dmarc.cyber.dhs.gov"
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

# --- strategies: valid configs by construction ----------------------------------------------

label = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)
tld = st.sampled_from(["gov", "com", "org", "example", "test"])
name = st.builds(lambda labels, top: ".".join([*labels, top]), st.lists(label, min_size=1, max_size=3), tld)
qualifier = st.sampled_from(["", "+", "-", "~", "?"])
ip4 = st.builds(
    lambda a, b, n: f"ip4:198.51.{a}.{b}" + (f"/{n}" if n is not None else ""),
    st.integers(0, 255),
    st.integers(0, 255),
    st.none() | st.integers(8, 32),
)
ip6 = st.builds(
    lambda a, n: f"ip6:2001:db8:{a:x}::" + (f"/{n}" if n is not None else ""), st.integers(0, 0xFFFF), st.none() | st.integers(16, 128)
)
# /0 and prefixes shorter than /8 (/16) authorise everyone or warn (RFC 7208 5.6).
cidr = st.sampled_from(["", "/24", "//64", "/32//128", "/8"])
mechanism = st.one_of(
    st.builds(lambda n: f"include:_spf.{n}", name),
    st.builds(lambda n, c: f"a:{n}{c}", name, cidr),
    st.builds(lambda c: f"a{c}", cidr),
    st.builds(lambda n, c: f"mx:{n}{c}", name, cidr),
    st.builds(lambda c: f"mx{c}", cidr),
    st.builds(lambda n: f"exists:%{{i}}._spf.{n}", name),
    st.builds(lambda n: f"include:%{{l1r-}}.{n}", name),
    ip4,
    ip6,
)
term = st.builds(lambda q, m: q + m, qualifier, mechanism)
LOOKUPS = ("include", "a", "mx", "exists")


def _lookups(terms: list[str]) -> int:
    return sum(1 for t in terms if t.lstrip("+-~?").split(":")[0].split("/")[0] in LOOKUPS)


@st.composite
def spf(draw) -> dict:
    terms = draw(st.lists(term, max_size=12, unique_by=lambda t: t.lstrip("+-~?")))
    while _lookups(terms) > 9:  # leave one lookup for a redirect
        terms.pop()
    out: dict = {"terms": terms}
    ending = draw(st.sampled_from(["default", "fail", "softfail", "redirect"]))
    if ending == "redirect":
        out["redirect"] = "_spf." + draw(name)
    elif ending != "default":
        out["all"] = ending
    if ending != "redirect" and draw(st.booleans()):
        out["exp"] = draw(st.sampled_from(["explain.", "why.%{d}.", "%{l}.exp."])) + draw(name)
    return out


def mailto(domains: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    local = st.from_regex(r"[a-z0-9][a-z0-9.+_-]{0,8}[a-z0-9]", fullmatch=True).filter(lambda s: ".." not in s)
    size = st.sampled_from(["", "!10m", "!500k", "!1g", "!20"])
    return st.builds(lambda part, d, s: f"mailto:{part}@{d}{s}", local, domains, size)


def dmarc(domain: str, managed: list[str]) -> st.SearchStrategy[dict]:
    destinations = st.sampled_from([domain, f"reports.{domain}", "dmarc.cyber.dhs.gov", *managed]) | name
    uris = st.lists(mailto(destinations), max_size=3, unique_by=lambda u: u.split("!")[0])
    fo = st.lists(st.sampled_from(["0", "d", "s"]), unique=True, min_size=1) | st.lists(
        st.sampled_from(["1", "d", "s"]), unique=True, min_size=1
    )
    policy = st.sampled_from(["none", "quarantine", "reject"])
    optional = {
        "sp": policy,
        "pct": st.integers(0, 100),
        "adkim": st.sampled_from(["r", "s"]),
        "aspf": st.sampled_from(["r", "s"]),
        "fo": fo.map(":".join),
        "rf": st.just("afrf"),
        "ri": st.integers(0, 2**32 - 1),
        "rua": uris,
        "ruf": uris,
    }
    return st.fixed_dictionaries({"p": policy}, optional=optional)


https = st.builds(lambda n, p: f"https://{n}/{p}", name, st.from_regex(r"[a-z0-9/_.-]{0,12}", fullmatch=True))
tls_rpt = st.fixed_dictionaries({"rua": st.lists(mailto(name).map(lambda u: u.split("!")[0]) | https, min_size=1, max_size=3, unique=True)})
# Keys as ``maildns dkim rotate`` generates them, beside the samples; every lifecycle state, and
# the older ``revoked: true``.
GENERATED_RSA, GENERATED_ED25519 = generate("rsa")[0], generate("ed25519")[0]
dkim_key = st.fixed_dictionaries(
    {"selector": st.sampled_from(["google", "s1", "20230601", "k1.mail", "s2026q4"])},
    optional={
        "testing": st.booleans(),
        "hash_algorithms": st.just(["sha256"]),
        "state": st.sampled_from(["staged", "active", "retiring", "revoked"]),
    },
).flatmap(
    lambda k: st.sampled_from(
        [
            {"key_type": "rsa", "public_key": RSA_2048},
            {"key_type": "rsa", "public_key": RSA_1024},
            {"key_type": "ed25519", "public_key": ED25519},
            {"key_type": "rsa", "public_key": GENERATED_RSA},
            {"key_type": "ed25519", "public_key": GENERATED_ED25519},
            {"revoked": True},
        ]
    ).map(lambda p: {**{n: v for n, v in k.items() if not ("revoked" in p and n == "state")}, **p})
)


@st.composite
def configs(draw) -> list[Config]:
    domains = draw(st.lists(name, min_size=1, max_size=3, unique=True))
    out = []
    for i, domain in enumerate(domains):
        data = {
            "domain": domain,
            "spf": draw(spf()),
            "dmarc": draw(dmarc(domain, domains)),
            "dkim": draw(st.lists(dkim_key, max_size=2, unique_by=lambda k: k["selector"])),
        }
        if draw(st.booleans()):
            data["tls_rpt"] = draw(tls_rpt)
        out.append(parse_config(data, f"config/{i}.yaml"))  # a generated config must be valid
    return out


# --- DNS answered from the rendered records; the network is closed ---------------------------


class NoNetwork(Exception):
    pass


def _refuse(*args, **kwargs):
    raise NoNetwork(f"a test tried to use the network: {args[:2]}")


@pytest.fixture(autouse=True, scope="module")
def offline() -> Iterator[dict[str, list[str]]]:
    """Close sockets and resolvers; answer checkdmarc's lookups from ``zone`` (filled per example)."""
    zone: dict[str, list[str]] = {}

    def query_dns(domain, record_type, **kwargs):
        domain = domain.lower().rstrip(".")
        if record_type == "TXT" and domain in zone:
            return list(zone[domain])
        if record_type == "TXT" and domain == "*._report._dmarc.dmarc.cyber.dhs.gov":
            return ["v=DMARC1"]
        raise dns.resolver.NXDOMAIN()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _refuse)
        mp.setattr(socket, "create_connection", _refuse)
        mp.setattr(dns.resolver.Resolver, "resolve", _refuse)
        mp.setattr(checkdmarc_spf, "query_dns", query_dns)
        mp.setattr(checkdmarc_spf, "query_spf_record", lambda domain, **kw: {"record": "v=spf1 -all", "warnings": []})
        mp.setattr(checkdmarc_spf, "get_a_records", lambda domain, **kw: ["192.0.2.1", "2001:db8::1"])
        mp.setattr(checkdmarc_spf, "get_mx_records", lambda domain, **kw: [{"hostname": f"mx.{domain}", "preference": 10}])
        mp.setattr(checkdmarc_spf, "get_txt_records", lambda domain, **kw: ["Mail from %{i} is not authorised"])
        mp.setattr(checkdmarc_dmarc, "query_dns", query_dns)
        mp.setattr(checkdmarc_dmarc, "get_mx_records", lambda domain, **kw: [{"hostname": f"mx.{domain}", "preference": 10}])
        yield zone


# --- the oracle ------------------------------------------------------------------------------

# RFC 6376 3.2 tag-list: tag-spec *( ";" tag-spec ) [ ";" ], tag-name = ALPHA *ALNUMPUNC.
_TAG_SPEC = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=\s*([\x21-\x3a\x3c-\x7e]*(?:[ \t]+[\x21-\x3a\x3c-\x7e]+)*)\s*$")


def check_dkim(text: str) -> None:
    tags = [_TAG_SPEC.match(spec) for spec in text.rstrip(";").split(";")]
    assert all(tags), text
    names = [m.group(1) for m in tags]
    values = dict(m.groups() for m in tags)
    assert len(names) == len(set(names)), f"a tag is repeated (RFC 6376 3.2): {text}"
    assert names[0] == "v" and values["v"] == "DKIM1", text
    if values["p"] == "":
        # An empty p= revokes the selector (RFC 6376 3.6.1): nothing else is needed beside v=.
        assert names == ["v", "p"], text
        return
    assert values.get("h", "sha256") == "sha256" and values.get("k") in ("rsa", "ed25519"), text
    key = base64.b64decode(values["p"], validate=True)
    if values["k"] == "ed25519":
        assert len(key) == 32
    else:
        assert load_der_public_key(key).key_size >= 1024


BENIGN_DMARC = (
    r"^Support for the (pct|rf|ri) tag was removed in RFC 9989$",
    r"^The size limit \(`!size`\) on",
    r"^An? s?p tag value of none makes DMARC unenforced",
    r"^rua tag \(destination for aggregate reports\) not found\.$",
    r"^Some DMARC reporters might not send to more than two",
    r"does not indicate that it accepts DMARC reports about",
)


def published(value: str) -> str:
    """What a resolver hands out: the value as Route53 character-strings, joined (RFC 7208 3.3)."""
    strings = character_strings(split_txt(value))
    assert all(len(s) <= 255 for s in strings)
    return "".join(strings)


@SETTINGS
@given(configs())
def test_checkdmarc_accepts_every_rendered_record(offline, generated):
    offline.clear()
    rendered = {c.domain: plan_one(c, generated).records for c in generated}
    for records in rendered.values():
        for record in records:
            if record.type == "TXT":
                offline.setdefault(record.name, []).extend(published(v) for v in record.values)
    found = {file: [str(p) for p in problems] for file, problems in warnings(generated).items()}
    for config in generated:
        for record in rendered[config.domain]:
            if record.id == "spf":
                quoted = " ".join(f'"{s}"' for s in character_strings(split_txt(record.values[0])))
                parsed = checkdmarc_spf.parse_spf_record(quoted, config.domain)
                assert parsed["warnings"] == [] and parsed["dns_lookups"] <= 10, parsed
            elif record.id == "dmarc":
                parsed = checkdmarc_dmarc.parse_dmarc_record(published(record.values[0]), config.domain)
                for w in parsed["warnings"]:
                    # DMARCbis notes and policy advice are fine; anything else is a defect.
                    assert any(re.search(pattern, w) for pattern in BENIGN_DMARC), w
                    if "does not indicate that it accepts" in w:
                        # No authorisation found: maildns warned about exactly that destination.
                        destination = w.split(" ", 1)[0]
                        assert any(f"@{destination}" in line and "RFC 7489 7.1" in line for line in found[config.source]), (w, found)
                    if "more than two" in w:
                        assert any("RFC 7489 6.2" in line for line in found[config.source]), (w, found)
            elif record.id == "tls-rpt":
                parsed = checkdmarc_tlsrpt.parse_smtp_tls_reporting_record(published(record.values[0]))
                assert not parsed["warnings"], parsed["warnings"]
            elif record.id.startswith("dkim-"):
                check_dkim(published(record.values[0]))
            elif record.id.startswith("dmarc-report-auth-"):
                assert record.values == ("v=DMARC1",) and record.name.endswith(f"._report._dmarc.{config.domain}")


def test_no_query_leaves_the_machine(offline):
    """The fixture itself: a real lookup fails instead of sending a packet."""
    with pytest.raises(NoNetwork):
        dns.resolver.Resolver(configure=False).resolve("example.com", "TXT")
    with pytest.raises(NoNetwork):
        socket.create_connection(("192.0.2.1", 53), timeout=0.01)


# --- hostile terms: whatever maildns accepts, checkdmarc must accept too ------------------------

_ip6_scoped = st.builds(
    lambda a, z, n: f"ip6:fe80::{a:x}%{z}" + (f"/{n}" if n is not None else ""),
    st.integers(0, 0xFFFF),
    st.sampled_from(["eth0", "25", "x", "1"]),
    st.none() | st.integers(0, 128),
)
_noise = st.sampled_from([*"%/:=!,;@{}[]_.-+~?", "%%", "%{", "//", "%25", " "])


@st.composite
def hostile_term(draw) -> str:
    """A valid term with a character or two inserted somewhere, or an IPv6 address with a zone id."""
    base = draw(term | _ip6_scoped)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(base)))
        base = base[:at] + draw(_noise) + base[at:]
    return base


@SETTINGS
@given(hostile_term())
def test_checkdmarc_accepts_every_term_maildns_accepts(offline, text):
    """RFC 7208 12: a term maildns accepts is one checkdmarc (and so receivers) can parse."""
    from maildns.errors import RuleError
    from maildns.records.spf import parse_term

    try:
        parsed = parse_term(text)
    except RuleError:
        return
    record = f"v=spf1 {parsed} -all"
    result = checkdmarc_spf.parse_spf_record(f'"{record}"', "example.com")
    assert result["dns_lookups"] <= 10, result
