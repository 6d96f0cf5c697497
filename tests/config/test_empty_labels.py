"""A name with an empty label anywhere is refused, in every field that holds a name (RFC 1035 2.3.4).

Only one trailing dot is the root's and is dropped; ``a.gov..``, ``.a.gov`` and ``a..gov`` have an
empty label and are not quietly normalised into another name.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.config.samples import FILE, domain

MX = [{"host": "mx.example.net", "preference": 10}]
EMPTY = "RFC 1035 2.3.4"


def _fields(name: str) -> list[tuple[str, dict[str, Any], str]]:
    """(field, config, field path) of every field that holds ``name`` (a name below example.gov or example.net)."""
    return [
        ("domain", {"domain": name.replace("x.example.net", "example.gov")}, "domain"),
        ("zone", domain(zone=name.replace("x.example.net", "example.gov")), "zone"),
        ("MX host", domain(mx=[{"host": name, "preference": 10}]), "mx[0].host"),
        ("include target", domain(spf={"terms": [f"include:{name}"]}), "spf.terms[0]"),
        ("a target", domain(spf={"terms": [f"a:{name}"]}), "spf.terms[0]"),
        ("exists with a macro", domain(spf={"terms": [f"exists:%{{i}}.{name}"]}), "spf.terms[0]"),
        ("redirect", domain(spf={"redirect": name}), "spf.redirect"),
        ("exp", domain(spf={"exp": name}), "spf.exp"),
        ("DMARC rua host", domain(dmarc={"rua": [f"mailto:d@{name}"]}), "dmarc.rua[0]"),
        ("TLS-RPT https host", domain(tls_rpt={"rua": [f"https://{name}/r"]}), "tls_rpt.rua[0]"),
        ("MTA-STS pattern", domain(mx=MX, mta_sts={"patterns": [f"*.{name}"]}), "mta_sts.patterns[0]"),
        ("BIMI logo host", domain(bimi={"logo": f"https://{name}/l.svg"}, dmarc={"p": "reject"}), "bimi.logo"),
    ]


ROWS = [
    pytest.param(field, data, path, id=f"{field}: {shape}")
    for shape, name in (("a..b", "mx..x.example.net"), ("leading dot", ".x.example.net"), ("two trailing dots", "x.example.net.."))
    for field, data, path in _fields(name)
]


# The domain-spec grammar already refuses a macro-string ending in a dot of its own (RFC 7208 7.1).
MACRO_END = "spf.terms[0]: must end in a macro or in .<top-level label> (got exists:%{i}.x.example.net..; RFC 7208 7.1)"


@pytest.mark.parametrize(("field", "data", "path"), ROWS)
def test_an_empty_label_is_refused(refused, field, data, path):
    (line,) = refused(data)
    assert line.startswith(f"{FILE}: {path}: ")
    assert ("has an empty label" in line and line.endswith(f"; {EMPTY})")) or line == f"{FILE}: {MACRO_END}"


@pytest.mark.parametrize(
    ("data", "attribute", "expected"),
    [
        pytest.param({"domain": "example.gov."}, "domain", "example.gov", id="one trailing dot on the domain is the root's"),
        pytest.param(domain(zone="example.gov."), "zone", "example.gov", id="one trailing dot on the zone"),
        pytest.param(
            domain(spf={"redirect": "_spf.example.net."}), "spf.redirect", "_spf.example.net", id="one trailing dot on a redirect"
        ),
    ],
)
def test_a_single_trailing_dot_is_normalised(accepted, data, attribute, expected):
    value: Any = accepted(data)
    for part in attribute.split("."):
        value = getattr(value, part)
    assert value == expected


def test_the_dkim_selector_and_mail_from_label_refuse_empty_labels(refused):
    assert refused(domain(dkim=[{"selector": "s1..x", "revoked": True}])) == [
        f"{FILE}: dkim[0].selector: has an empty label (got s1..x; {EMPTY})"
    ]
    assert refused(domain(ses={"regions": ["us-east-1"], "mail_from": "bounce.."})) == [
        f"{FILE}: ses.mail_from: has an empty label (got bounce..; {EMPTY})"
    ]
