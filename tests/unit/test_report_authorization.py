"""DMARC external report authorisation (RFC 7489 7.1) generated in the destination's own records."""

from __future__ import annotations

import pytest

from maildns.config import parse_config
from maildns.plan import plan_one
from maildns.records import Record
from maildns.records.dmarc import WILDCARD_AUTHORIZED, external_destinations, is_external


def config(domain, *rua, ruf=(), **fields):
    return parse_config({"domain": domain, "dmarc": {"rua": list(rua), "ruf": list(ruf)}, **fields}, f"config/{domain}.yaml")


@pytest.mark.parametrize(
    "policy, destination, external",
    [
        pytest.param("example.gov", "example.gov", False, id="RFC 7489 7.1: the domain itself is internal"),
        pytest.param("example.gov", "reports.example.gov", False, id="RFC 7489 7.1: a name below the domain is internal"),
        pytest.param("mail.example.gov", "example.gov", False, id="RFC 7489 7.1: a name above the domain is internal"),
        pytest.param("a.example.gov", "b.example.gov", True, id="RFC 7489 7.1: siblings count as external (the simple rule)"),
        pytest.param("example.gov", "vendor.com", True, id="RFC 7489 7.1: another organisation is external"),
        pytest.param("example.gov", "notexample.gov", True, id="RFC 7489 7.1: a suffix match is not a parent"),
    ],
)
def test_is_external(policy, destination, external):
    assert is_external(policy, destination) is external


def test_the_cisa_destination_is_exempt():
    assert "dmarc.cyber.dhs.gov" in WILDCARD_AUTHORIZED


def test_external_destinations_are_sorted_and_unique():
    uris = ("mailto:b@z.example!10m", "mailto:a@z.example", "mailto:c@y.example", "mailto:d@own.gov")
    assert external_destinations("own.gov", uris) == ("y.example", "z.example")


def test_the_destination_stack_publishes_the_authorisations():
    """RFC 7489 7.1: <policy-domain>._report._dmarc.<destination> TXT v=DMARC1, at the end, sorted by name."""
    hub = config("agency.gov", "mailto:dmarc@agency.gov", ttl_overrides={"dmarc": 300})
    b = config("b.gov", "mailto:dmarc@agency.gov", ruf=["mailto:f@agency.gov"])
    a = config("a.gov", "mailto:dmarc@agency.gov", "mailto:reports@dmarc.cyber.dhs.gov")
    unrelated = config("c.gov", "mailto:dmarc@c.gov")
    below = config("mail.agency.gov", "mailto:dmarc@agency.gov")
    everyone = (hub, b, a, unrelated, below)
    alone = plan_one(hub).records
    assert plan_one(hub, everyone).records == (
        *alone,
        Record("dmarc-report-auth-a-gov", "a.gov._report._dmarc.agency.gov", "TXT", 300, ("v=DMARC1",)),
        Record("dmarc-report-auth-b-gov", "b.gov._report._dmarc.agency.gov", "TXT", 300, ("v=DMARC1",)),
    )
    for other in (b, a, unrelated, below):
        assert plan_one(other, everyone).records == plan_one(other).records


def test_a_name_over_253_octets_is_not_rendered():
    """RFC 1035 2.3.4: such a name cannot exist; maildns validate warns about it instead."""
    long = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 44, "gov"])
    hub = config("agency.gov")
    assert plan_one(hub, (hub, config(long, "mailto:d@agency.gov"))).records == plan_one(hub).records
