"""MX record values (RFC 1035 3.3.9, RFC 5321 5.1) and null MX (RFC 7505)."""

from __future__ import annotations

from collections.abc import Iterable

from maildns.errors import RuleError
from maildns.records.names import host_name
from maildns.records.tags import Finding

NULL_MX_HOST = "."


def render_mx(hosts: Iterable[tuple[int, str]]) -> tuple[str, ...]:
    """``"<preference> <host>"`` per host, by preference then name, so reordering YAML changes nothing."""
    return tuple(f"{preference} {host}" for preference, host in sorted(hosts))


def parse_exchange(value: object) -> str:
    """An MX exchange (RFC 1035 3.3.9): a host name, or ``.`` for a null MX (RFC 7505 3)."""
    if isinstance(value, str) and value.strip() == ".":
        return NULL_MX_HOST
    return host_name(value)


def mx_text(preference: int, exchange: str) -> str:
    """An MX answer as maildns renders it: ``<preference> <host>``, lower case, no trailing dot;
    the null MX's root is ``.`` (RFC 7505 3)."""
    return f"{preference} {exchange.rstrip('.').lower() or NULL_MX_HOST}"


def parse_mx(text: str) -> tuple[int, str] | Finding:
    """``<preference> <exchange>`` as published: the preference 0-65535 (RFC 1035 3.3.9) and the
    exchange, a host name or ``.`` (RFC 7505 3); a Finding when it is neither."""
    words = text.split()
    if len(words) != 2 or not (words[0].isascii() and words[0].isdigit() and len(words[0]) <= 5) or int(words[0]) > 65535:
        return Finding(f"{text!r} is not <preference 0-65535> <host>", "RFC 1035 3.3.9")
    try:
        return int(words[0]), parse_exchange(words[1])
    except RuleError as exc:
        return Finding(f"{words[1]!r} {exc.message}", exc.rule)
