"""SMTP TLS reporting policy (RFC 8460 3) at ``_smtp._tls.<domain>``."""

from __future__ import annotations

from collections.abc import Iterable

PREFIX = "_smtp._tls"


def render_tls_rpt(rua: Iterable[str]) -> str:
    """``v=TLSRPTv1;rua=<uri>,<uri>``: the field delimiter is ``;`` with optional spaces (RFC 8460 3)."""
    return f"v=TLSRPTv1;rua={','.join(rua)}"


def tls_rpt_name(domain: str) -> str:
    return f"{PREFIX}.{domain}"
