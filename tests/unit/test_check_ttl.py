"""``check`` compares TTLs: an authoritative answer carries the zone's TTL, a cache counts it down
(RFC 1035 3.2.1, 4.1.1 AA; RFC 2181 8)."""

from __future__ import annotations

import pytest

from maildns.check.lookup import ttl_difference


@pytest.mark.parametrize(
    ("found", "message"),
    [
        ([(3600, True)], ""),
        ([(300, True)], "TTL 300, the config says 3600"),
        ([(86400, True)], "TTL 86400, the config says 3600"),
        ([(0, True)], "TTL 0, the config says 3600"),
        ([(3600, True), (300, True)], "TTL 300, the config says 3600"),
        ([(1234, False)], ""),
        ([(3600, False)], ""),
        ([(0, False)], ""),
        ([(86400, False)], "TTL 86400 from a cache, over the config's 3600"),
        ([(None, True)], ""),
    ],
    ids=[
        "an authoritative answer with the config's TTL",
        "an authoritative answer with a lower TTL",
        "an authoritative answer with a higher TTL",
        "an authoritative answer with TTL 0",
        "one of two authoritative servers with another TTL",
        "a cache counting down from the config's TTL",
        "a cache that has just fetched the record",
        "a cache about to expire the record",
        "a cache holding a TTL above the config's",
        "no answer (reported as missing, not as a TTL)",
    ],
)
def test_ttl_difference(found, message):
    assert ttl_difference(3600, found) == message
