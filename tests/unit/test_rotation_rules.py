"""The DKIM rotation rules over snapshots of one domain: each premature step refused with its line, each legal one passing.

RFC 6376 3.6.1 (``p=`` empty revokes a key), 3.6.2.1 (the selector names the key); the timeline in
docs/configuration.md, "Rotating a DKIM key".
"""

from __future__ import annotations

import datetime as dt

import pytest

from maildns.rotation import Key, Snapshot, entered, refusals, snapshot_of_data, staged

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
FILE = "config/example.gov.yaml"
A, B = "AAAA", "BBBB"
IN_PLACE = "the key at a selector never changes in place; DKIM key rotation: docs/configuration.md, Rotating a DKIM key"
ACTIVATE = (
    "a key becomes active only after it was staged at least its TTL earlier; DKIM key rotation: docs/configuration.md, Rotating a DKIM key"
)
REVOKE = "a key is revoked only after N days of retiring (dkim_rotation.retiring_days); DKIM key rotation: docs/configuration.md, Rotating a DKIM key"
DELETE = "a selector is deleted only after N days revoked (dkim_rotation.revoked_days); DKIM key rotation: docs/configuration.md, Rotating a DKIM key"


def snap(when: dt.datetime, *keys: tuple[str, str, str], since: dt.datetime | None = None) -> Snapshot:
    """A snapshot of (selector, state, key) triples, in file order."""
    return Snapshot(when, {s: Key(i, state, key, since if s == "new" else None) for i, (s, state, key) in enumerate(keys)})


OLD_ACTIVE = ("old", "active", A)
# Each case: history (oldest first), the change, and the lines it is refused with ([] passes).
CASES = {
    "a new selector staged beside the active key passes": (
        [snap(T0, OLD_ACTIVE)],
        snap(T0 + DAY, OLD_ACTIVE, ("new", "staged", B)),
        [],
    ),
    "a new selector active at once is refused: it was never staged": (
        [snap(T0, OLD_ACTIVE)],
        snap(T0 + DAY, OLD_ACTIVE, ("new", "active", B)),
        [
            f"{FILE}: dkim[1].state: selector new must be staged in an earlier revision before it is active (change dated 2026-03-03 09:00 UTC); add it with state: staged first (got active; {ACTIVATE})"
        ],
    ),
    "activation 30 minutes after staging (TTL 1 hour) is refused with both dates": (
        [snap(T0, OLD_ACTIVE), snap(T0 + DAY, OLD_ACTIVE, ("new", "staged", B))],
        snap(T0 + DAY + HOUR / 2, ("old", "retiring", A), ("new", "active", B)),
        [
            f"{FILE}: dkim[1].state: selector new was staged on 2026-03-03 09:00 UTC and may become active on 2026-03-03 10:00 UTC at the earliest, its TTL (3600 s) later; the change is dated 2026-03-03 09:30 UTC (got active; {ACTIVATE})"
        ],
    ),
    "activation a TTL after staging passes": (
        [snap(T0, OLD_ACTIVE), snap(T0 + DAY, OLD_ACTIVE, ("new", "staged", B))],
        snap(T0 + DAY + HOUR, ("old", "retiring", A), ("new", "active", B)),
        [],
    ),
    "since: at the base wins over the history's date": (
        [snap(T0, OLD_ACTIVE), snap(T0 + DAY, OLD_ACTIVE, ("new", "staged", B), since=T0 - DAY)],
        snap(T0 + DAY + HOUR / 2, ("old", "retiring", A), ("new", "active", B)),
        [],
    ),
    "a key changed in place is refused": (
        [snap(T0, OLD_ACTIVE)],
        snap(T0 + DAY, ("old", "active", B)),
        [
            f"{FILE}: dkim[0].public_key: selector old must keep its key, published since 2026-03-02 09:00 UTC; publish the new key under a new selector (got BBBB; {IN_PLACE})"
        ],
    ),
    "a revoked selector publishing a key again is refused": (
        [snap(T0, ("old", "revoked", ""))],
        snap(T0 + 30 * DAY, ("old", "active", B)),
        [
            f"{FILE}: dkim[0].state: selector old was revoked on 2026-03-02 09:00 UTC and must not publish a key again; publish the new key under a new selector (got active; {IN_PLACE})"
        ],
    ),
    "an active key revoked without retiring is refused": (
        [snap(T0, OLD_ACTIVE)],
        snap(T0 + 30 * DAY, ("old", "revoked", A)),
        [
            f"{FILE}: dkim[0].state: selector old is active since 2026-03-02 09:00 UTC and must be retiring for 7 days before it is revoked (change dated 2026-04-01 09:00 UTC); set state: retiring first (got revoked; {REVOKE})"
        ],
    ),
    "a key revoked 3 days into retiring is refused": (
        [snap(T0, OLD_ACTIVE), snap(T0 + DAY, ("old", "retiring", A))],
        snap(T0 + 4 * DAY, ("old", "revoked", A)),
        [
            f"{FILE}: dkim[0].state: selector old is retiring since 2026-03-03 09:00 UTC and may be revoked on 2026-03-10 09:00 UTC at the earliest, 7 days later; the change is dated 2026-03-06 09:00 UTC (got revoked; {REVOKE})"
        ],
    ),
    "a key revoked 7 days into retiring passes": (
        [snap(T0, OLD_ACTIVE), snap(T0 + DAY, ("old", "retiring", A))],
        snap(T0 + 8 * DAY, ("old", "revoked", A)),
        [],
    ),
    "an active selector deleted is refused": (
        [snap(T0, OLD_ACTIVE)],
        snap(T0 + 30 * DAY),
        [
            f"{FILE}: dkim: selector old is active since 2026-03-02 09:00 UTC and must be revoked for 7 days before it is deleted (change dated 2026-04-01 09:00 UTC); set state: revoked first (got old; {DELETE})"
        ],
    ),
    "a selector deleted 2 days after its revocation is refused": (
        [snap(T0, OLD_ACTIVE), snap(T0 + DAY, ("old", "retiring", A)), snap(T0 + 9 * DAY, ("old", "revoked", ""))],
        snap(T0 + 11 * DAY),
        [
            f"{FILE}: dkim: selector old is revoked since 2026-03-11 09:00 UTC and may be deleted on 2026-03-18 09:00 UTC at the earliest, 7 days later; the change is dated 2026-03-13 09:00 UTC (got old; {DELETE})"
        ],
    ),
    "a selector deleted 7 days after its revocation passes": (
        [snap(T0, ("old", "revoked", ""))],
        snap(T0 + 7 * DAY),
        [],
    ),
    "a new domain has no history to break": ([], snap(T0, ("new", "active", B)), []),
}


@pytest.mark.parametrize(("points", "new", "lines"), CASES.values(), ids=CASES.keys())
def test_rotation_rules(points, new, lines):
    """Each premature step is one line with the selector, the dates and the rule."""
    assert [str(p) for p in refusals(FILE, points, new)] == lines


def test_the_date_of_a_state_is_where_it_began_not_the_last_commit():
    """Commits that leave a key's state alone do not move its date."""
    points = [snap(T0, OLD_ACTIVE), snap(T0 + DAY, OLD_ACTIVE, ("new", "staged", B)), snap(T0 + 2 * DAY, OLD_ACTIVE, ("new", "staged", B))]
    assert entered(points) == {"old": T0, "new": T0 + DAY}


def test_provider_hosted_selectors_are_skipped():
    """A CNAME-delegated selector is rotated by its provider: its removal breaks no rule here."""
    base = snapshot_of_data(
        {"dkim": [{"selector": "hosted", "cname": "hosted.provider.example"}, {"selector": "old", "public_key": A}]}, T0
    )
    assert set(base.keys) == {"old"}
    assert refusals(FILE, [base], snapshot_of_data({"dkim": [{"selector": "old", "public_key": A}]}, T0 + DAY)) == []


def test_revoked_true_is_state_revoked_in_the_history():
    """``revoked: true`` (the older spelling) reads as ``state: revoked``."""
    data = {"dkim": [{"selector": "old", "revoked": True}], "dkim_rotation": {"revoked_days": 3}, "ttl": 300}
    read = snapshot_of_data(data, T0)
    assert (read.keys["old"].state, read.keys["old"].published, read.revoked_days, read.ttl) == ("revoked", "", 3, 300)


def test_staged_lists_only_new_staged_selectors():
    base = snap(T0, OLD_ACTIVE, ("new", "staged", B))
    assert list(staged([base], snap(T0 + DAY, OLD_ACTIVE, ("new", "staged", B), ("newer", "staged", A)))) == ["newer"]
