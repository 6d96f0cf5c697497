"""A domain that publishes exactly the lockdown set of a parked domain (``records.parked``) is
written as ``mail: none``, its wildcard revocation adopted with the rest."""

from __future__ import annotations

from typing import Any

from maildns.importer.live import Live
from maildns.records import parked
from maildns.records.dkim import dkim_name, parse_dkim
from maildns.records.dmarc import dmarc_name, parse_dmarc, report_uris
from maildns.records.mx import parse_mx
from maildns.records.spf import is_spf, parse_spf

# The DMARC tags of the lockdown set: p and sp are reject, rua is the domain's choice.
DMARC_TAGS = {"v", "p", "sp", "rua"}
# What a revoked key may say besides its empty p= (RFC 6376 3.6.1).
REVOKED_TAGS = {"v", "k", "p"}


def lockdown(live: Live) -> tuple[dict[str, Any], dict[str, int], list[str]] | None:
    """``mail: none`` config data when ``live`` publishes the lockdown set and no other mail
    record: null MX (RFC 7505 3), ``v=spf1 -all`` (other apex TXT values are kept in apex_txt),
    DMARC ``p=reject`` (``sp=reject`` or none, which means the same, RFC 7489 6.3) with only rua,
    and every key revoked by ``*._domainkey`` (RFC 6376 3.6.1); otherwise None. Returned as the
    config data, the TTL of each record set (by ttl_overrides key) and the adopt list."""
    domain = live.domain
    names = {
        "mx": (domain, "MX"),
        "spf": (domain, "TXT"),
        "dmarc": (dmarc_name(domain), "TXT"),
        "dkim": (dkim_name(parked.DKIM_SELECTOR, domain), "TXT"),
    }
    found = {key: live.get(*where) for key, where in names.items()}
    # Anything else published (a key, a TLS-RPT or MTA-STS record, an alias) is mail this domain handles.
    others = set(live.sets) - set(names.values())
    if others or any(v is None for v in found.values()):
        return None
    mx, apex, dmarc, revoked = (found[k] for k in ("mx", "spf", "dmarc", "dkim"))
    assert mx is not None and apex is not None and dmarc is not None and revoked is not None
    if [parse_mx(v) for v in mx.values] != [parked.NULL_MX]:
        return None
    spf = [v for v in apex.values if is_spf(v)]
    if len(spf) != 1 or [t.text.lower() for t in parse_spf(spf[0]).terms] != ["-all"]:
        return None
    if len(dmarc.values) != 1 or len(revoked.values) != 1:
        return None
    policy = parse_dmarc(dmarc.values[0])
    tags = {tag: value.lower() for tag, value in policy.tags.items()}
    if policy.fatal or set(tags) - DMARC_TAGS or tags.get("p") != "reject" or tags.get("sp", "reject") != "reject":
        return None
    key = parse_dkim(revoked.values[0])
    if key.fatal or set(key.tags) - REVOKED_TAGS or key.tags.get("p") != "":
        return None
    data: dict[str, Any] = {"domain": domain, "mail": "none"}
    if extra := [v for v in apex.values if not is_spf(v)]:
        data["apex_txt"] = extra
    if rua := report_uris(policy.get("rua")):
        data["dmarc"] = {"rua": list(rua)}
    ttls = {"mx": mx.ttl, "spf": apex.ttl, "dmarc": dmarc.ttl, "dkim": revoked.ttl}
    return data, ttls, ["mx", "spf", "dmarc", "dkim:" + parked.DKIM_SELECTOR]
