"""``retire``: a domain leaves maildns through a reviewed change; the settings that make no sense with it are refused."""

from __future__ import annotations

import pytest

from maildns.config import resolve
from tests.config.samples import FILE, domain

RULE = "see docs/deploying.md: Running maildns for years"
MX = [{"host": "mx.example.net", "preference": 10}]

REFUSED = [
    pytest.param(
        domain(retire="delete"),
        f"retire: must be destroy or forget (got delete; {RULE})",
        id="retire is destroy or forget",
    ),
    pytest.param(
        domain(mx=MX, retire="forget", adopt=["mx"]),
        f'adopt: must be empty when retire is forget: a retiring stack imports nothing (got ["mx"]; {RULE})',
        id="a retiring stack adopts nothing",
    ),
    pytest.param(
        domain(retire="destroy", dnssec={"signing": True}),
        "dnssec.signing: must be false before retire is destroy: withdraw the DS from the parent and turn signing off first,"
        " or validating resolvers find the zone bogus (got true; RFC 6781 4.1.4)",
        id="RFC 6781 4.1.4: signing is turned off before the stack is destroyed",
    ),
]


@pytest.mark.parametrize("data, line", REFUSED)
def test_refused(refused, data, line):
    assert refused(data) == [f"{FILE}: {line}"]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(domain(mx=MX, retire="destroy"), id="destroy"),
        pytest.param(domain(mx=MX, retire="forget", dnssec={"signing": True}), id="forget keeps signing: the new owner takes it"),
        pytest.param(domain(mail="none", retire="Destroy"), id="a parked domain, any case"),
    ],
)
def test_accepted(accepted, data):
    assert resolve(accepted(data)).retire in ("destroy", "forget")
