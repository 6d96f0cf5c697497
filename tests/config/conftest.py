"""Fixtures for config rule tests: the problem lines of a refused config, or the accepted config."""

from __future__ import annotations

from typing import Any

import pytest

from maildns.config import Config, ConfigError, parse_config
from tests.config.samples import FILE


@pytest.fixture
def refused():
    """The problem lines of ``data``; it must be refused."""

    def run(data: dict[str, Any]) -> list[str]:
        with pytest.raises(ConfigError) as exc:
            parse_config(data, FILE)
        return exc.value.lines

    return run


@pytest.fixture
def accepted():
    """The validated config of ``data``; it must be accepted."""

    def run(data: dict[str, Any]) -> Config:
        return parse_config(data, FILE)

    return run
