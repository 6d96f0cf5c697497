"""External DMARC report destinations must authorise the reports (RFC 7489 7.1)."""

from __future__ import annotations

import dns.exception

from maildns.check.lookup import Dns, Result, failure, published
from maildns.records.dmarc import external_destinations, is_dmarc, report_authorization_name


def check_report_authorizations(domain: str, uris: tuple[str, ...], lookup: Dns) -> list[Result]:
    """For each destination outside ``domain``, ``<domain>._report._dmarc.<destination>`` TXT
    must start with ``v=DMARC1``; a wildcard ``*._report._dmarc.<destination>`` answers the same
    query, so it counts. Without it receivers drop the reports (RFC 7489 7.1)."""
    results = []
    for destination in external_destinations(domain, uris):
        name = report_authorization_name(domain, destination)
        try:
            live = published(lookup, name, "TXT")
        except (dns.exception.DNSException, OSError) as exc:
            results.append(Result(name, "TXT", "error", ("v=DMARC1",), detail=failure(exc)))
            continue
        if any(is_dmarc(value) for value in live):
            results.append(Result(name, "TXT", "ok", ("v=DMARC1",), live))
        else:
            detail = f"{destination} does not authorise DMARC reports about {domain}; receivers will not send them (RFC 7489 7.1)"
            results.append(Result(name, "TXT", "missing", ("v=DMARC1",), live, detail=detail))
    return results
