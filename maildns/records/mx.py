"""MX record values (RFC 1035 3.3.9, RFC 5321 5.1) and null MX (RFC 7505)."""

from __future__ import annotations

from collections.abc import Iterable

from maildns.records.names import host_name

NULL_MX_HOST = "."


def render_mx(hosts: Iterable[tuple[int, str]]) -> tuple[str, ...]:
    """``"<preference> <host>"`` per host, by preference then name, so reordering YAML changes nothing."""
    return tuple(f"{preference} {host}" for preference, host in sorted(hosts))


def parse_exchange(value: object) -> str:
    """An MX exchange (RFC 1035 3.3.9): a host name, or ``.`` for a null MX (RFC 7505 3)."""
    if isinstance(value, str) and value.strip() == ".":
        return NULL_MX_HOST
    return host_name(value)
