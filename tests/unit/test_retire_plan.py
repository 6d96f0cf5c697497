"""A retiring domain publishes nothing in the others' zones: its DMARC record goes (or is no longer
ours), so the authorisation for its reports goes (RFC 7489 7.1); its zone's keys go, so its DS goes
from the parent (RFC 4035 2.4)."""

from __future__ import annotations

import pytest

from maildns.config import parse_config
from maildns.plan import plan

HUB = {"domain": "agency.gov", "mx": [{"host": "mx.agency.gov", "preference": 10}]}
SENDER = {"domain": "example.gov", "dmarc": {"rua": ["mailto:dmarc@agency.gov"]}}
PARENT = {"domain": "brand.gov", "dnssec": {"signing": True}}
CHILD = {"domain": "mail.brand.gov", "zone": "mail.brand.gov", "dnssec": {"signing": True, "publish_ds": True}}


def ids(configs: list[dict], domain: str) -> set[str]:
    plans = plan([parse_config(c, f"config/{c['domain']}.yaml") for c in configs])
    (found,) = [p for p in plans if p.domain == domain]
    return {r.id for r in found.all_records}


@pytest.mark.parametrize("retire", [None, "destroy", "forget"])
def test_a_retiring_sender_loses_its_report_authorisation(retire):
    sender = SENDER if retire is None else {**SENDER, "retire": retire}
    authorised = "dmarc-report-auth-example-gov" in ids([HUB, sender], "agency.gov")
    assert authorised is (retire is None)


@pytest.mark.parametrize("retire", [None, "forget"])  # destroy is refused while signing is on
def test_a_retiring_child_loses_its_ds_in_the_parent(retire):
    child = CHILD if retire is None else {**CHILD, "retire": retire}
    published = "dnssec-ds-mail-brand-gov" in ids([PARENT, child], "brand.gov")
    assert published is (retire is None)
