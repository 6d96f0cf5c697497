"""DMARC policy records (RFC 7489 6.3) at ``_dmarc.<domain>``."""

from __future__ import annotations

from collections.abc import Sequence

from maildns.errors import RuleError

PREFIX = "_dmarc"
# Tag order of the published record: v and p first (RFC 7489 6.3), then as RFC 7489 lists them.
TAG_ORDER = ("p", "sp", "pct", "adkim", "aspf", "fo", "rf", "ri", "rua", "ruf")
FO_OPTIONS = ("0", "1", "d", "s")


def parse_fo(value: object) -> str:
    """``fo``: a colon-separated list of 0, 1, d and s (RFC 7489 6.3), each at most once."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise RuleError("must be a colon-separated list of 0, 1, d, s", "RFC 7489 6.3")
    options = [option.strip().lower() for option in value.split(":")]
    for option in options:
        if option not in FO_OPTIONS:
            raise RuleError(f"has {option!r}; fo options are 0, 1, d and s", "RFC 7489 6.3")
    if len(set(options)) != len(options):
        raise RuleError("repeats an option", "RFC 7489 6.3")
    return ":".join(options)


def render_dmarc(tags: dict[str, object]) -> str:
    """``v=DMARC1; p=...; ...``: tags that are None are left out, lists joined by commas."""
    parts = ["v=DMARC1"]
    for tag in TAG_ORDER:
        value = tags.get(tag)
        if value is None or value == ():
            continue
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = ",".join(map(str, value))
        parts.append(f"{tag}={value}")
    return "; ".join(parts)


def dmarc_name(domain: str) -> str:
    return f"{PREFIX}.{domain}"


def report_authorization_name(policy_domain: str, destination: str) -> str:
    """Where ``destination`` authorises reports about ``policy_domain`` (RFC 7489 7.1)."""
    return f"{policy_domain}._report._dmarc.{destination}"
