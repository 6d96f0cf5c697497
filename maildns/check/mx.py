"""Each MX target must have an address of its own and must not be an alias (RFC 2181 10.3, RFC 5321 5.1)."""

from __future__ import annotations

import dns.exception
import dns.resolver

from maildns.check.lookup import Dns, Result, failure, text
from maildns.records.mx import NULL_MX_HOST


def check_mx_target(host: str, lookup: Dns) -> Result:
    """``host`` must answer A or AAAA itself: an MX pointing at a CNAME is forbidden (RFC 2181
    10.3), and one with no address cannot receive mail (RFC 5321 5.1)."""
    addresses: list[str] = []
    for type_ in ("A", "AAAA"):
        try:
            answer = lookup.resolve(host, type_)
        except dns.resolver.NXDOMAIN:
            return Result(
                host, "MX target", "error", detail=f"{host} does not exist (NXDOMAIN); mail to it cannot be delivered (RFC 5321 5.1)"
            )
        except (dns.exception.DNSException, OSError) as exc:
            return Result(host, "MX target", "error", detail=failure(exc))
        if str(answer.canonical_name).rstrip(".").lower() != host.lower():
            alias = str(answer.canonical_name).rstrip(".")
            return Result(
                host, "MX target", "error", detail=f"{host} is a CNAME to {alias}; an MX target must not be an alias (RFC 2181 10.3)"
            )
        if answer.rrset is not None:
            addresses.extend(text(rdata, type_) for rdata in answer.rrset)
    if not addresses:
        return Result(host, "MX target", "error", detail=f"{host} has no A or AAAA record; mail to it cannot be delivered (RFC 5321 5.1)")
    return Result(host, "MX target", "ok", published=tuple(sorted(addresses)))


def check_mx_targets(hosts: tuple[str, ...], lookup: Dns) -> list[Result]:
    """A result per MX host; a null MX (RFC 7505) has none."""
    return [check_mx_target(host, lookup) for host in hosts if host != NULL_MX_HOST]
