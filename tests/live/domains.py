"""Domains shaped as real ones publish them, for ``maildns import``: a Microsoft 365 tenant, a
Google Workspace domain, a parked domain and one full of wildcards; with the zones their records
point into (the tenant's keys, the vendor's DMARC record, the providers' MX and SPF), all served
by one NSD on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.config.samples import ED25519, RSA_2048
from tests.live.nsd import Nsd, free_port, loopback_addresses, zone_text
from tests.live.zones import Zone

TTL = 3600
MICROSOFT_KEYS = {
    "selector1-contoso-example._domainkey.contoso.onmicrosoft.com": f"v=DKIM1; k=rsa; p={RSA_2048}",
    "selector2-contoso-example._domainkey.contoso.onmicrosoft.com": f"v=DKIM1; k=rsa; p={RSA_2048}",
}
VENDOR_DMARC = "contoso.example._dmarc.reports.example"


def zone(origin: str, *records: tuple[str, str, str]) -> Zone:
    found = Zone(origin)
    for name, type_, value in records:
        found.add(name, type_, value, TTL)
    return found


# Microsoft 365 (learn.microsoft.com: DNS records for Microsoft 365): MX to the derived
# mail.protection.outlook.com host, the SPF include, selector1/selector2 CNAMEs into the tenant,
# and DMARC delegated to a reporting vendor by CNAME.
MICROSOFT = zone(
    "contoso.example",
    ("contoso.example", "MX", "0 contoso-example.mail.protection.outlook.com"),
    ("contoso.example", "TXT", "v=spf1 include:spf.protection.outlook.com -all"),
    ("contoso.example", "TXT", "MS=ms48213675"),
    *(
        (f"{selector}._domainkey.contoso.example", "CNAME", f"{selector}-contoso-example._domainkey.contoso.onmicrosoft.com")
        for selector in ("selector1", "selector2")
    ),
    ("_dmarc.contoso.example", "CNAME", VENDOR_DMARC),
)
# Google Workspace (support.google.com/a/answer/174125, 10685031, 174126): smtp.google.com, the
# SPF include, the google selector's key; DMARC and TLS-RPT of its own.
GOOGLE = zone(
    "fabrikam.example",
    ("fabrikam.example", "MX", "1 smtp.google.com"),
    ("fabrikam.example", "TXT", "v=spf1 include:_spf.google.com ~all"),
    ("google._domainkey.fabrikam.example", "TXT", f"v=DKIM1; k=rsa; p={RSA_2048}"),
    ("_dmarc.fabrikam.example", "TXT", "v=DMARC1; p=quarantine; rua=mailto:dmarc@fabrikam.example"),
    ("_smtp._tls.fabrikam.example", "TXT", "v=TLSRPTv1;rua=mailto:tls@fabrikam.example"),
)
# The lockdown set of a parked domain (records/parked.py): null MX (RFC 7505), v=spf1 -all,
# DMARC reject, every selector revoked by one wildcard (RFC 6376 3.6.1).
PARKED = zone(
    "retired.example",
    ("retired.example", "MX", "0 ."),
    ("retired.example", "TXT", "v=spf1 -all"),
    ("_dmarc.retired.example", "TXT", "v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@retired.example"),
    ("*._domainkey.retired.example", "TXT", "v=DKIM1; p="),
)
# Wildcard traps (RFC 4592): *._domainkey holds a key, so every selector answers with it; *.trap
# holds a DMARC-looking TXT that answers _dmarc, _smtp._tls and _mta-sts. One real selector beside them.
TRAP = zone(
    "trap.example",
    ("trap.example", "MX", "10 mx.trap.example"),
    ("mx.trap.example", "A", "192.0.2.25"),
    ("trap.example", "TXT", "v=spf1 mx -all"),
    ("*._domainkey.trap.example", "TXT", f"v=DKIM1; k=rsa; p={RSA_2048}"),
    ("s2024._domainkey.trap.example", "TXT", f"v=DKIM1; k=ed25519; p={ED25519}"),
    ("*.trap.example", "TXT", "v=DMARC1; p=none"),
)
DOMAINS = {"microsoft": MICROSOFT, "google": GOOGLE, "parked": PARKED, "trap": TRAP}
# What the records point into: the providers' hosts, the tenant's keys, the vendor's record and its
# authorisation to receive contoso.example's reports (RFC 7489 7.1).
ELSEWHERE = (
    zone(
        "outlook.com",
        ("contoso-example.mail.protection.outlook.com", "A", "192.0.2.10"),
        ("spf.protection.outlook.com", "TXT", "v=spf1 ip4:192.0.2.0/24 -all"),
    ),
    zone("onmicrosoft.com", *((name, "TXT", key) for name, key in MICROSOFT_KEYS.items())),
    zone(
        "reports.example",
        (VENDOR_DMARC, "TXT", "v=DMARC1; p=reject; rua=mailto:agg@reports.example"),
        ("contoso.example._report._dmarc.reports.example", "TXT", "v=DMARC1"),
    ),
    zone(
        "google.com",
        ("smtp.google.com", "A", "192.0.2.20"),
        ("_spf.google.com", "TXT", "v=spf1 ip4:192.0.2.0/24 ~all"),
    ),
)


@dataclass
class Served:
    nameserver: str
    server: Nsd


def serve(folder: Path, zones: tuple[Zone, ...]) -> Served:
    """One NSD on loopback serving every zone; stopped by the caller (``served_domains``)."""
    (address,) = loopback_addresses(1)
    port = free_port([address])
    texts = {z.origin: zone_text(z.origin, {f"ns1.{z.origin}": address}, z.body()) for z in zones}
    server = Nsd(folder, address, port, texts)
    server.start()
    return Served(f"{address}:{port}", server)


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The four domains and what they point into, served; the server is stopped afterwards."""
    served = serve(tmp_path_factory.mktemp("nsd"), (*DOMAINS.values(), *ELSEWHERE))
    yield served
    served.server.stop()
