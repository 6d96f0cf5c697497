"""The DKIM key lifecycle in the config: ``state``, ``since`` and ``dkim_rotation`` (docs/configuration.md, Rotating a DKIM key).

Every state but ``revoked`` publishes the key as before; ``revoked`` publishes ``v=DKIM1; p=``
(RFC 6376 3.6.1), as ``revoked: true`` always has, so today's configs keep their output.
"""

from __future__ import annotations

import datetime as dt

import pytest

from maildns.records.dkim import render_dkim, render_revoked
from tests.config.samples import FILE, RSA_2048, domain

RULE = "DKIM key rotation: docs/configuration.md, Rotating a DKIM key"


def key(**fields):
    return {"selector": "s1", "public_key": RSA_2048, **fields}


PUBLISHED = render_dkim(key_type="rsa", public_key=RSA_2048)
RENDERED = [
    pytest.param(key(), "active", PUBLISHED, id="no state is active, as every config before states"),
    pytest.param(key(state="staged"), "staged", PUBLISHED, id="a staged key is published"),
    pytest.param(key(state="retiring"), "retiring", PUBLISHED, id="a retiring key is still published"),
    pytest.param(key(state="Active"), "active", PUBLISHED, id="a state is read without case"),
    pytest.param(key(state="revoked"), "revoked", render_revoked(), id="RFC 6376 3.6.1: state revoked publishes an empty p="),
    pytest.param({"selector": "s1", "state": "revoked"}, "revoked", render_revoked(), id="state revoked needs no public_key"),
    pytest.param({"selector": "s1", "revoked": True}, "revoked", render_revoked(), id="revoked: true is state revoked"),
    pytest.param(
        {"selector": "s1", "revoked": True, "state": "revoked"}, "revoked", render_revoked(), id="revoked: true beside state revoked"
    ),
]


@pytest.mark.parametrize(("entry", "state", "text"), RENDERED)
def test_each_state_renders(accepted, entry, state, text):
    config = accepted(domain(dkim=[entry]))
    assert (config.dkim[0].state, config.dkim[0].text) == (state, text)


REFUSED = [
    pytest.param(
        key(state="pending"),
        f"{FILE}: dkim[0].state: must be staged, active, retiring or revoked (got pending; {RULE})",
        id="state is a closed set",
    ),
    pytest.param(
        {"selector": "s1", "revoked": True, "state": "active"},
        f"{FILE}: dkim[0].state: must be revoked with revoked: true, or drop revoked (got active; {RULE})",
        id="revoked: true and another state contradict each other",
    ),
    pytest.param(
        key(state="revoked", public_key="not base64!"),
        f"{FILE}: dkim[0].public_key: is not valid base64 (got not base64!; RFC 6376 3.6.1)",
        id="a key kept beside state revoked is still a key",
    ),
]


@pytest.mark.parametrize(("entry", "line"), REFUSED)
def test_refused_states(refused, entry, line):
    assert refused(domain(dkim=[entry])) == [line]


def test_since_is_a_date(accepted, refused):
    assert accepted(domain(dkim=[key(state="staged", since=dt.date(2026, 3, 1))])).dkim[0].since == dt.date(2026, 3, 1)
    assert refused(domain(dkim=[key(since="yesterday")]))[0].startswith(f"{FILE}: dkim[0].since: ")


@pytest.mark.parametrize(
    ("rotation", "line"),
    [
        ({"retiring_days": -1}, f"{FILE}: dkim_rotation.retiring_days: must be 0-3650 (got -1; {RULE})"),
        (
            {"revoked_days": "7"},
            f"{FILE}: dkim_rotation.revoked_days: must be a whole number 0-3650, not text: drop the quotes (got 7; {RULE})",
        ),
        ({"deleted_days": 7}, None),
    ],
    ids=["days are not negative", "days are numbers", "only the two periods"],
)
def test_rotation_periods(refused, rotation, line):
    found = refused(domain(dkim_rotation=rotation))
    if line is None:
        assert found[0].startswith(f"{FILE}: dkim_rotation.deleted_days: ")
    else:
        assert found == [line]


def test_rotation_periods_default_to_seven_days(accepted):
    periods = accepted(domain()).dkim_rotation
    assert (periods.retiring_days, periods.revoked_days) == (7, 7)
