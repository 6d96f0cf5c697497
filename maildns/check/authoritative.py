"""Find a zone's authoritative servers the way the runbook does: ask for the delegation, then each server's address."""

from __future__ import annotations

import dns.name
import dns.rdataclass
import dns.rdatatype

from maildns.check.lookup import Dns, published


class NoServers(Exception):
    """The zone's name servers could not be found; the message says why."""


PORT = 53


def parent_server(zone: str, lookup: Dns) -> Dns:
    """A server of the zone's parent, found through ``lookup`` (the resolver): the runbook asks
    it for the delegation rather than trusting a cache (RFC 1034 4.2.2)."""
    parent = zone.split(".", 1)[1] if "." in zone else "."
    for rdata in sorted(published(lookup, parent, "NS")):
        for type_ in ("A", "AAAA"):
            for address in published(lookup, rdata, type_):
                return lookup.server(address, PORT, f"{rdata} ({address})")
    raise NoServers(f"no name server of {parent}, the parent of {zone}, has an address")


def authoritative_servers(zone: str, start: Dns, resolve_with: Dns | None = None) -> list[Dns]:
    """A ``Dns`` per address of each name server of ``zone``.

    ``start`` is asked for ``zone NS``: a server of the parent answers with a referral (the NS
    set in the authority section, addresses as glue, RFC 1034 4.2.1), a recursive resolver or
    the zone's own server in the answer. Addresses missing from the glue are looked up through
    ``resolve_with`` (default ``start``). Each server is asked on ``start``'s port, so tests can
    use a port other than 53.
    """
    resolve_with = resolve_with or start
    answer = start.resolve(zone, "NS")
    response = answer.response
    origin = dns.name.from_text(zone)
    ns = answer.rrset
    if ns is None:
        ns = next((r for r in response.authority if r.rdtype == dns.rdatatype.NS and r.name == origin), None)
    if ns is None:
        raise NoServers(f"{start.label} returned no NS records for {zone}")
    port = start.resolver.port
    servers: list[Dns] = []
    for host in sorted(str(rdata.target).rstrip(".").lower() for rdata in ns):
        target = dns.name.from_text(host)
        glue = [
            rdata.address
            for rrset in response.additional
            if rrset.name == target and rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
            for rdata in rrset
        ]
        addresses = sorted(glue) or sorted(published(resolve_with, host, "A") + published(resolve_with, host, "AAAA"))
        if not addresses:
            raise NoServers(f"name server {host} of {zone} has no address")
        servers.extend(start.server(address, port, f"{host} ({address})") for address in addresses)
    return servers
