"""The lockdown set of a parked domain (one that sends and receives no mail), as plain values.

@see RFC 7505 3 (null MX), RFC 7208 5.1 (``-all``), RFC 7489 6.3 (``p=reject; sp=reject``),
RFC 6376 3.6.1 (an empty ``p=`` revokes a key; at ``*._domainkey`` it answers every selector).
"""

from __future__ import annotations

from collections.abc import Sequence

from maildns.records.dmarc import render_dmarc

NULL_MX: tuple[int, str] = (0, ".")  # RFC 7505 3: preference 0, exchange "."
SPF = "v=spf1 -all"  # RFC 7208 5.1: no host is authorised
DKIM_SELECTOR = "*"  # a wildcard owner name answers for every selector (RFC 4592)
DKIM_REVOKED = "v=DKIM1; p="  # RFC 6376 3.6.1: an empty p= means the key is revoked


def render_dmarc_lockdown(rua: Sequence[str] = ()) -> str:
    """``v=DMARC1; p=reject; sp=reject`` and the organisation's aggregate report addresses."""
    return render_dmarc({"p": "reject", "sp": "reject", "rua": tuple(rua)})
