"""``maildns import`` on whatever a zone holds: any published text gives a YAML file that loads,
never a traceback (the values come from someone else's DNS)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from maildns.config import ConfigError, parse_config
from maildns.importer import import_live
from maildns.importer.convert import convert
from maildns.importer.live import Live, RecordSet

DOMAIN = "example.gov"
# Printable ASCII, what TXT values decode to (other octets arrive backslash-escaped).
TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
TAGGED = st.lists(
    st.tuples(st.sampled_from(["v", "p", "k", "h", "t", "sp", "pct", "rua", "ruf", "fo", "ri", "id", "x", ""]), TEXT), max_size=6
).map(lambda pairs: "; ".join(f"{k}={v}" for k, v in pairs))
VALUE = st.one_of(
    TEXT, TAGGED, TAGGED.map(lambda t: "v=DMARC1; " + t), TAGGED.map(lambda t: "v=DKIM1; " + t), TEXT.map(lambda t: "v=spf1 " + t)
)


@st.composite
def live_domains(draw) -> Live:
    live = Live(DOMAIN, selectors=("google",))
    names = [DOMAIN, f"_dmarc.{DOMAIN}", f"_smtp._tls.{DOMAIN}", f"google._domainkey.{DOMAIN}", f"_mta-sts.{DOMAIN}"]
    for name in names:
        values = draw(st.lists(VALUE, max_size=3, unique=True))
        if values:
            live.sets[(name, "TXT")] = RecordSet(name, "TXT", tuple(sorted(values)), draw(st.integers(0, 86400)))
    hosts = draw(st.lists(st.sampled_from(["mx1.example.net", "mx2.example.net", "."]), max_size=2, unique=True))
    if hosts:
        live.sets[(DOMAIN, "MX")] = RecordSet(DOMAIN, "MX", tuple(sorted(f"{i * 10} {h}" for i, h in enumerate(hosts))), 300)
    live.policy = draw(
        st.one_of(
            st.none(),
            st.binary(max_size=120),
            TEXT.map(lambda t: f"version: STSv1\r\nmode: {t}\r\nmx: mx1.example.net\r\nmax_age: 86400\r\n".encode()),
        )
    )
    live.policy_error = None if live.policy is not None else "connection refused"
    return live


@settings(max_examples=80, deadline=None)
@given(live_domains())
def test_any_published_text_gives_a_file_that_loads(live):
    written = import_live(live, "out/example.gov.yaml")
    data = yaml.safe_load(written.text)
    assert data["domain"] == DOMAIN
    try:
        parse_config(data, "out/example.gov.yaml")
    except ConfigError as exc:
        assert [str(p) for p in exc.problems] == [str(p) for p in written.errors]
    else:
        assert written.errors == ()
    assert all(line.startswith("#") or not line.lstrip().startswith("note:") for line in written.text.splitlines())


def apex(*values: str, dmarc: str | None = "v=DMARC1; p=reject") -> Live:
    live = Live(DOMAIN)
    live.sets[(DOMAIN, "TXT")] = RecordSet(DOMAIN, "TXT", tuple(sorted(values)), 3600)
    if dmarc is not None:
        live.sets[(f"_dmarc.{DOMAIN}", "TXT")] = RecordSet(f"_dmarc.{DOMAIN}", "TXT", (dmarc,), 3600)
    return live


@pytest.mark.parametrize(
    ("published", "spf", "notes"),
    [
        ("v=spf1 include:_spf.example.net ~all", {"terms": ["include:_spf.example.net"], "all": "softfail"}, []),
        ("v=spf1 -all", {"all": "fail"}, []),
        (
            "v=spf1 ip4:192.0.2.0/24 -all a",
            {"terms": ["ip4:192.0.2.0/24"], "all": "fail"},
            ["spf: has terms after all, which receivers ignore; they are left out (got a; RFC 7208 5.1)"],
        ),
        (
            "v=spf1 mx ra=postmaster -all",
            {"terms": ["mx"], "all": "fail"},
            ["spf: has a modifier receivers ignore, which maildns does not publish; it is left out (got ra=postmaster; RFC 7208 6)"],
        ),
        ("v=spf1 redirect=_spf.example.net", {"redirect": "_spf.example.net"}, []),
        (
            "v=spf1 redirect=a.example.net redirect=b.example.net",
            {"redirect": "a.example.net"},
            ["spf.redirect: is given twice, a permerror; the second is left out (got redirect=b.example.net; RFC 7208 6)"],
        ),
        (
            "v=spf1 redirect=a.example.net -all",
            {"all": "fail"},
            ["spf.redirect: is ignored when all is present; it is left out (got a.example.net; RFC 7208 6.1)"],
        ),
        ("v=spf1 +all", {"all": "pass"}, []),
        (
            "v=spf1 mx",
            {"terms": ["mx"]},
            [
                "spf.all: is not published, so other senders get neutral; maildns publishes -all unless spf.all says softfail (got nothing; RFC 7208 4.7)"
            ],
        ),
    ],
    ids=[
        "terms and softfail",
        "nothing sends",
        "terms after all are dropped (RFC 7208 5.1)",
        "unknown modifiers are dropped (RFC 7208 6)",
        "redirect",
        "a second redirect is a permerror (RFC 7208 6)",
        "redirect beside all is ignored (RFC 7208 6.1)",
        "+all is kept for validate to refuse",
        "no all at all",
    ],
)
def test_spf_is_read_term_by_term(published, spf, notes):
    imported = convert(apex(published))
    assert imported.data["spf"] == spf
    assert [str(n.problem("f"))[3:] for n in imported.notes] == notes


def test_a_pass_all_record_is_written_for_validate_to_refuse():
    written = import_live(apex("v=spf1 +all"), "f.yaml")
    assert [str(p) for p in written.errors] == [
        "f.yaml: spf.all: must not be pass: +all authorises every host on the internet (got pass; RFC 7208 5.1)"
    ]


def test_an_apex_value_maildns_cannot_publish_becomes_a_note():
    written = import_live(apex("v=spf1 -all", 'say "hi"'), "f.yaml")
    assert written.errors == ()
    assert str(written.notes[0]) == (
        "f.yaml: apex_txt: cannot be published through maildns (must be printable ASCII text without quotes or backslashes);"
        ' the first deploy deletes it (got say "hi"; RFC 1035 3.3.14)'
    )


def test_an_mx_host_maildns_cannot_publish_is_noted_and_left_out():
    """RFC 5321 2.3.5: an MX exchange is a host name; the MX value is read with records' parser."""
    live = apex("v=spf1 -all")
    live.sets[(DOMAIN, "MX")] = RecordSet(DOMAIN, "MX", ("10 mx.example.net", "20 192.0.2.1"), 3600)
    out = convert(live)
    assert out.data["mx"] == [{"host": "mx.example.net", "preference": 10}]
    assert [(n.path, n.message, n.value, n.rule) for n in out.notes if n.path == ("mx",)] == [
        (
            ("mx",),
            "has a value maildns cannot publish ('192.0.2.1' must be a host name: an IP address is not allowed here); it is left out",
            "20 192.0.2.1",
            "RFC 5321 2.3.5",
        )
    ]
