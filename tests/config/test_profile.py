"""Profile bod-18-01 (US federal Binding Operational Directive 18-01): every failed requirement, one line each."""

from __future__ import annotations

import pytest

from tests.config.samples import FILE, domain

CISA = "mailto:reports@dmarc.cyber.dhs.gov"


def bod(**dmarc):
    return domain(profile="bod-18-01", dmarc={"rua": [CISA], **dmarc})


REFUSED = [
    pytest.param(
        {"p": "quarantine"},
        "dmarc.p: must be reject under profile bod-18-01 (got quarantine; BOD 18-01)",
        id="BOD 18-01: p weaker than reject is refused",
    ),
    pytest.param(
        {"pct": 99},
        "dmarc.pct: must be 100 (or unset) under profile bod-18-01 (got 99; BOD 18-01)",
        id="BOD 18-01: pct below 100 is refused",
    ),
    pytest.param(
        {"sp": "none"},
        "dmarc.sp: must be reject (or unset) under profile bod-18-01 (got none; BOD 18-01)",
        id="BOD 18-01: sp weaker than reject is refused",
    ),
    pytest.param(
        {"rua": ["mailto:dmarc@example.gov"]},
        'dmarc.rua: must include mailto:reports@dmarc.cyber.dhs.gov under profile bod-18-01 (got ["mailto:dmarc@example.gov"]; BOD 18-01)',
        id="BOD 18-01: rua without the CISA address is refused",
    ),
]


@pytest.mark.parametrize("dmarc, line", REFUSED)
def test_refused(refused, dmarc, line):
    assert refused(bod(**dmarc)) == [f"{FILE}: {line}"]


def test_every_failed_requirement_is_listed(refused):
    """BOD 18-01: all four failures at once give four lines, in the order of the directive."""
    assert refused(domain(profile="bod-18-01", dmarc={"p": "none", "pct": 50, "sp": "quarantine"})) == [
        f"{FILE}: dmarc.p: must be reject under profile bod-18-01 (got none; BOD 18-01)",
        f"{FILE}: dmarc.pct: must be 100 (or unset) under profile bod-18-01 (got 50; BOD 18-01)",
        f"{FILE}: dmarc.sp: must be reject (or unset) under profile bod-18-01 (got quarantine; BOD 18-01)",
        f"{FILE}: dmarc.rua: must include mailto:reports@dmarc.cyber.dhs.gov under profile bod-18-01 (got []; BOD 18-01)",
    ]


def test_unknown_profile_is_refused(refused):
    assert refused(domain(profile="bod-18-02")) == [
        f"{FILE}: profile: must be bod-18-01 (got bod-18-02; did you mean bod-18-01? BOD 18-01)"
    ]


ACCEPTED = [
    pytest.param({}, id="BOD 18-01: p=reject by default, pct and sp unset"),
    pytest.param({"pct": 100, "sp": "reject"}, id="BOD 18-01: pct 100 and sp reject"),
    pytest.param(
        {"rua": ["mailto:dmarc@example.gov", "MAILTO:Reports@dmarc.cyber.dhs.gov!10m"]},
        id="BOD 18-01: the CISA address with a size limit, among others",
    ),
]


@pytest.mark.parametrize("dmarc", ACCEPTED)
def test_accepted(accepted, dmarc):
    assert accepted(bod(**dmarc)).profile == "bod-18-01"


def test_without_the_profile_weaker_policies_are_allowed(accepted):
    assert accepted(domain(dmarc={"p": "none", "pct": 50})).dmarc.p == "none"
