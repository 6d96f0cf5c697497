"""SMTP TLS reporting policy (RFC 8460 3) at ``_smtp._tls.<domain>``."""

from __future__ import annotations

from collections.abc import Iterable

from maildns.records.tags import Finding, TagList, has_version, parse_tags

PREFIX = "_smtp._tls"
VERSION = "TLSRPTv1"


def render_tls_rpt(rua: Iterable[str]) -> str:
    """``v=TLSRPTv1;rua=<uri>,<uri>``: the field delimiter is ``;`` with optional spaces (RFC 8460 3)."""
    return f"v=TLSRPTv1;rua={','.join(rua)}"


def tls_rpt_name(domain: str) -> str:
    """``_smtp._tls.<domain>`` (RFC 8460 3)."""
    return f"{PREFIX}.{domain}"


def is_tls_rpt(text: str) -> bool:
    return has_version(text, VERSION)


def parse_tls_rpt(text: str) -> TagList:
    """A published TLS-RPT record (RFC 8460 3): ``v=TLSRPTv1`` first, then ``rua`` with one or
    more comma-separated URIs."""
    record = parse_tags(text, "RFC 8460 3")
    found: list[Finding] = []
    if record.version != VERSION:
        found.append(Finding("must start with v=TLSRPTv1", "RFC 8460 3"))
    if not rua_uris(record.get("rua")):
        found.append(Finding("has no rua= with a report URI", "RFC 8460 3"))
    return record.with_problems(*found)


def rua_uris(value: str | None) -> tuple[str, ...]:
    """The URIs of a published ``rua`` value: comma-separated, white space around each ignored."""
    return tuple(uri.strip() for uri in (value or "").split(",") if uri.strip())
