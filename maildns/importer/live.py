"""Read what a domain publishes today: its mail record sets over DNS and its MTA-STS policy over HTTPS."""

from __future__ import annotations

import http.client
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field

import dns.exception
import dns.rdatatype
import dns.resolver

from maildns.check.lookup import text as _text
from maildns.check.policy import fetch
from maildns.records import mta_sts as sts
from maildns.records.dkim import dkim_name
from maildns.records.dmarc import dmarc_name
from maildns.records.tls_rpt import tls_rpt_name

# Selectors of the common signers, tried on every import (``--selector`` adds more): Google
# Workspace, Microsoft 365, and the names mail software and providers use by default.
COMMON_SELECTORS = ("google", "selector1", "selector2", "s1", "s2", "k1", "default", "dkim", "mail")


class LookupFailed(Exception):
    """A query got no answer (timeout, SERVFAIL, refused): what is live is unknown, so nothing is written."""


@dataclass(frozen=True)
class RecordSet:
    """One published record set: TXT values with their strings joined (RFC 7208 3.3), MX as ``<pref> <host>``."""

    name: str
    type: str
    values: tuple[str, ...]
    ttl: int


@dataclass
class Live:
    """Everything ``maildns import`` read for one domain."""

    domain: str
    sets: dict[tuple[str, str], RecordSet] = field(default_factory=dict)
    cnames: dict[str, str] = field(default_factory=dict)
    """Names that are aliases (``CNAME``), with their targets: no other record can live beside them."""
    selectors: tuple[str, ...] = ()
    policy: bytes | None = None
    policy_error: str | None = None

    def get(self, name: str, type_: str) -> RecordSet | None:
        return self.sets.get((name, type_))


def _query(res: dns.resolver.Resolver, name: str, type_: str) -> dns.resolver.Answer | None:
    try:
        return res.resolve(name, type_, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        return None
    except (dns.exception.DNSException, OSError) as exc:
        raise LookupFailed(f"{name} {type_}: {exc or type(exc).__name__}") from None


def read(live: Live, res: dns.resolver.Resolver, name: str, type_: str) -> RecordSet | None:
    """The record set at ``name``/``type_``, if the name itself holds one (an alias is noted, not followed)."""
    answer = _query(res, name, type_)
    if answer is not None and answer.rrset is None:
        # No data of this type: the name may be an alias that this server does not chase.
        alias = _query(res, name, "CNAME")
        if alias is not None and alias.rrset is not None:
            live.cnames[name] = _text(alias.rrset[0], "CNAME")
        return None
    if answer is None or answer.rrset is None:
        return None
    if answer.canonical_name.to_text().rstrip(".").lower() != name:
        live.cnames[name] = answer.canonical_name.to_text().rstrip(".").lower()
        return None
    found = RecordSet(name, type_, tuple(sorted(_text(r, type_) for r in answer.rrset)), answer.rrset.ttl)
    live.sets[(name, type_)] = found
    return found


def read_domain(
    domain: str,
    res: dns.resolver.Resolver,
    *,
    selectors: Iterable[str] = (),
    context: ssl.SSLContext | None = None,
    timeout: float = 5.0,
) -> Live:
    """Every record set maildns manages, as published; raises LookupFailed when a server does not answer."""
    chosen = tuple(dict.fromkeys((*selectors, *COMMON_SELECTORS)))
    live = Live(domain, selectors=chosen)
    read(live, res, domain, "MX")
    read(live, res, domain, "TXT")
    read(live, res, dmarc_name(domain), "TXT")
    read(live, res, tls_rpt_name(domain), "TXT")
    for selector in chosen:
        read(live, res, dkim_name(selector, domain), "TXT")
    if read(live, res, sts.txt_name(domain), "TXT") is not None:
        host = sts.policy_host(domain)
        addresses = read(live, res, host, "A")
        read(live, res, host, "AAAA")
        if host in live.cnames:
            # The policy is still served through the alias; fetch it from the address it leads to.
            answer = _query(res, host, "A")
            target = tuple(_text(r, "A") for r in answer.rrset) if answer is not None and answer.rrset is not None else ()
        else:
            target = addresses.values if addresses is not None else ()
        if not target:
            live.policy_error = f"{host} has no IPv4 address"
        else:
            try:
                status, _, body = fetch(sts.policy_url(domain), target[0], context or ssl.create_default_context(), timeout)
            except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
                live.policy_error = str(exc) or type(exc).__name__
            else:
                if status != 200:
                    live.policy_error = f"HTTP {status}; senders accept only 200 (RFC 8461 3.3)"
                else:
                    live.policy = body
    return live
