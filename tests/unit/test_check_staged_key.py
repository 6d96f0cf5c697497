"""``check`` on a staged DKIM key names the rotation step: it may become active only once every
authoritative server serves it (docs/configuration.md, "Rotating a DKIM key")."""

from __future__ import annotations

import pytest

from maildns.check import staged_keys
from maildns.check.lookup import Result
from maildns.config import parse_config
from maildns.config.resolved import resolve
from tests.config.samples import FILE, RSA_2048, domain

NAME = "s2._domainkey.example.gov"
CONFIG = resolve(
    parse_config(
        domain(dkim=[{"selector": "s1", "public_key": RSA_2048}, {"selector": "s2", "public_key": RSA_2048, "state": "staged"}]), FILE
    )
)


@pytest.mark.parametrize(
    ("status", "authoritative", "detail"),
    [
        ("ok", True, "staged key s2: every authoritative server serves it, so it may become active once its TTL has passed"),
        ("ok", False, "staged key s2: run check --authoritative before it becomes active"),
        ("missing", True, "staged key s2: not served as configured, so it must not become active yet"),
        (
            "inconsistent",
            True,
            "the authoritative servers disagree; staged key s2: not served as configured, so it must not become active yet",
        ),
    ],
    ids=["served everywhere", "asked the resolver only", "not published", "servers disagree"],
)
def test_a_staged_key_names_its_step(status, authoritative, detail):
    given = "the authoritative servers disagree" if status == "inconsistent" else ""
    results = [Result(NAME, "TXT", status, detail=given), Result("s1._domainkey.example.gov", "TXT", "ok")]
    found = staged_keys(CONFIG, results, authoritative=authoritative)
    assert [(r.name, r.status, r.detail) for r in found] == [(NAME, status, detail), ("s1._domainkey.example.gov", "ok", "")]
