"""``maildns import`` on whatever a zone holds: any published text gives a YAML file that loads,
never a traceback (the values come from someone else's DNS)."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from maildns.config import ConfigError, parse_config
from maildns.importer import import_live
from maildns.importer.convert import tag_list
from maildns.importer.live import Live, RecordSet

DOMAIN = "example.gov"
# Printable ASCII, what TXT values decode to (other octets arrive backslash-escaped).
TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
TAGGED = st.lists(st.tuples(st.sampled_from(["v", "p", "k", "h", "t", "sp", "pct", "rua", "ruf", "fo", "ri", "id", "x", ""]), TEXT), max_size=6).map(
    lambda pairs: "; ".join(f"{k}={v}" for k, v in pairs)
)
VALUE = st.one_of(TEXT, TAGGED, TAGGED.map(lambda t: "v=DMARC1; " + t), TAGGED.map(lambda t: "v=DKIM1; " + t), TEXT.map(lambda t: "v=spf1 " + t))


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
    live.policy = draw(st.one_of(st.none(), st.binary(max_size=120), TEXT.map(lambda t: f"version: STSv1\r\nmode: {t}\r\nmx: mx1.example.net\r\nmax_age: 86400\r\n".encode())))
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


def test_tag_lists():
    """RFC 6376 3.2: white space around tags and values is ignored, a trailing ; is allowed."""
    assert tag_list(" v = DKIM1 ;k=rsa; p=AB CD;") == [("v", "DKIM1"), ("k", "rsa"), ("p", "AB CD")]
    assert tag_list("") == []
