"""Fixtures of the live tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.live.zones import Zone, serve_zones


@pytest.fixture
def dns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Zone], str]]:
    """``dns(zone)`` serves a Zone with NSD on loopback and answers ``address:port``; every server
    started is stopped afterwards."""
    yield from serve_zones(tmp_path_factory)
