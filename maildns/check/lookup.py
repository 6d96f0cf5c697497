"""Ask a DNS server for each record maildns manages and compare it with the rendered record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.rdatatype
import dns.resolver

from maildns.records import Record


@dataclass(frozen=True)
class Result:
    """The outcome for one record set (or the policy file): ok, mismatch, missing, error or skipped."""

    name: str
    type: str
    status: str
    expected: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "skipped")


def resolver(nameserver: tuple[str, int] | None = None, timeout: float = 5.0) -> dns.resolver.Resolver:
    """The system resolver, or one that asks ``nameserver`` (address, port) directly."""
    if nameserver is None:
        r = dns.resolver.Resolver()
    else:
        r = dns.resolver.Resolver(configure=False)
        r.nameservers = [nameserver[0]]
        r.port = nameserver[1]
    r.lifetime = timeout
    return r


def _text(rdata: dns.rdata.Rdata, type_: str) -> str:
    if type_ == "TXT":
        # A TXT record is one or more character-strings, concatenated without spaces (RFC 7208 3.3).
        return b"".join(rdata.strings).decode("ascii", errors="replace")
    if type_ == "MX":
        return f"{rdata.preference} {str(rdata.exchange).rstrip('.').lower() or '.'}"
    return str(rdata).rstrip(".").lower()


def published(res: dns.resolver.Resolver, name: str, type_: str) -> tuple[str, ...]:
    """What the DNS answers for ``name``/``type_``; empty for NXDOMAIN or no data."""
    try:
        answer = res.resolve(name, type_, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        return ()
    return tuple(sorted(_text(rdata, type_) for rdata in answer)) if answer.rrset else ()


def check_records(records: Iterable[Record], res: dns.resolver.Resolver) -> list[Result]:
    """One Result per record set. Values known only after apply are checked for presence when
    the name is known (the MTA-STS host), and skipped when the name itself is (SES tokens)."""
    results = []
    for record in records:
        expected = tuple(sorted(record.values))
        if record.computed and "<" in record.name:
            results.append(Result(record.name, record.type, "skipped", expected, detail="name known after apply"))
            continue
        try:
            live = published(res, record.name, record.type)
        except (dns.exception.DNSException, OSError) as exc:
            results.append(Result(record.name, record.type, "error", expected, detail=str(exc) or type(exc).__name__))
            continue
        if not live:
            status = "missing"
        elif record.computed:
            status = "ok"  # any answer will do: the value is the distribution's, chosen by AWS
        else:
            status = "ok" if live == expected else "mismatch"
        results.append(Result(record.name, record.type, status, expected, live))
    return results
