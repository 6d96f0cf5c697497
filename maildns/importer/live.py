"""Read what a domain publishes today: its mail record sets over DNS and its MTA-STS policy over HTTPS."""

from __future__ import annotations

import http.client
import secrets
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field

import dns.exception
import dns.rdatatype
import dns.resolver

from maildns.check.lookup import text as _text
from maildns.check.policy import MAX_BODY, fetch
from maildns.records import mta_sts as sts
from maildns.records.dkim import dkim_name
from maildns.records.dmarc import dmarc_name
from maildns.records.parked import DKIM_SELECTOR
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
    wildcards: dict[tuple[str, str], Wildcard] = field(default_factory=dict)
    """Probed names whose answer only a wildcard gave: a random name beside them gets the same answer."""
    probes: dict[tuple[str, str], Probed | None] = field(default_factory=dict)
    """What a random label below a name answered, by (name, type): asked once per name and type."""

    def get(self, name: str, type_: str) -> RecordSet | None:
        return self.sets.get((name, type_))

    def wildcard(self, name: str, type_: str) -> Wildcard | None:
        return self.wildcards.get((name, type_))


@dataclass(frozen=True)
class Probed:
    """One answer as read: a record set's values and TTL, or the target of an alias."""

    values: tuple[str, ...] = ()
    ttl: int = 0
    cname: str | None = None


@dataclass(frozen=True)
class Wildcard:
    """An answer that exists only through a wildcard (RFC 4592): ``owner`` is the wildcard that
    gave it (``*._domainkey.example.gov``), ``answer`` what it gave."""

    owner: str
    answer: Probed

    @property
    def shown(self) -> str | list[str]:
        return f"CNAME {self.answer.cname}" if self.answer.cname is not None else list(self.answer.values)


def _query(res: dns.resolver.Resolver, name: str, type_: str) -> dns.resolver.Answer | None:
    try:
        return res.resolve(name, type_, raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        return None
    except (dns.exception.DNSException, OSError) as exc:
        raise LookupFailed(f"{name} {type_}: {exc or type(exc).__name__}") from None


def _answer(res: dns.resolver.Resolver, name: str, type_: str) -> Probed | None:
    """What ``name`` answers for ``type_``: its record set, an alias (not followed), or None."""
    answer = _query(res, name, type_)
    if answer is not None and answer.rrset is None:
        # No data of this type: the name may be an alias that this server does not chase.
        alias = _query(res, name, "CNAME")
        if alias is not None and alias.rrset is not None:
            return Probed(ttl=alias.rrset.ttl, cname=_text(alias.rrset[0], "CNAME").rstrip(".").lower())
        return None
    if answer is None or answer.rrset is None:
        return None
    if answer.canonical_name.to_text().rstrip(".").lower() != name:
        # The server followed the alias itself: the first answer is the name's own CNAME.
        first = answer.response.answer[0]
        target = _text(first[0], "CNAME").rstrip(".").lower() if first.rdtype == dns.rdatatype.CNAME else None
        return Probed(ttl=first.ttl, cname=target or answer.canonical_name.to_text().rstrip(".").lower())
    return Probed(tuple(sorted(_text(r, type_) for r in answer.rrset)), answer.rrset.ttl)


def random_label() -> str:
    """A label no domain publishes on purpose: what it answers, a wildcard answered."""
    return "maildns-probe-" + secrets.token_hex(6)


def _probe(live: Live, res: dns.resolver.Resolver, parent: str, type_: str) -> Probed | None:
    if (parent, type_) not in live.probes:
        live.probes[(parent, type_)] = _answer(res, f"{random_label()}.{parent}", type_)
    return live.probes[(parent, type_)]


def _same(a: Probed | None, b: Probed) -> bool:
    return a is not None and (a.values, a.cname) == (b.values, b.cname)


def _wildcard_owner(live: Live, res: dns.resolver.Resolver, name: str, type_: str, found: Probed) -> str | None:
    """The wildcard that gave ``found`` at ``name``, or None when a random name beside it answers
    something else (or nothing): then ``name`` itself holds the records. The owner is the highest
    ``*.<ancestor>`` up to the domain whose random child gets the same answer."""
    parent = name.split(".", 1)[1]
    if not _same(_probe(live, res, parent, type_), found):
        return None
    owner = parent
    while owner != live.domain and owner.endswith("." + live.domain):
        above = owner.split(".", 1)[1]
        if not _same(_probe(live, res, above, type_), found):
            break
        owner = above
    return "*." + owner


def read(live: Live, res: dns.resolver.Resolver, name: str, type_: str) -> RecordSet | None:
    """The record set at ``name``/``type_``, if the name itself holds one: an alias is noted, not
    followed; an answer that a random name beside it gets too is a wildcard's, noted apart."""
    found = _answer(res, name, type_)
    if found is None:
        return None
    if name != live.domain and (owner := _wildcard_owner(live, res, name, type_, found)) is not None:
        live.wildcards[(name, type_)] = Wildcard(owner, found)
        return None
    if found.cname is not None:
        live.cnames[name] = found.cname
        live.sets[(name, "CNAME")] = RecordSet(name, "CNAME", (found.cname,), found.ttl)
        return None
    record = RecordSet(name, type_, found.values, found.ttl)
    live.sets[(name, type_)] = record
    return record


def read_wildcard(live: Live, res: dns.resolver.Resolver, owner: str, type_: str) -> RecordSet | None:
    """The record set a wildcard ``owner`` holds (asked by its own name, which it answers as
    itself, RFC 4592 2.1.1), when a random name beside it gets the same answer."""
    found = _answer(res, owner, type_)
    parent = owner.removeprefix("*.")
    if found is None or found.cname is not None or not _same(_probe(live, res, parent, type_), found):
        return None
    record = RecordSet(owner, type_, found.values, found.ttl)
    live.sets[(owner, type_)] = record
    return record


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
    # A parked domain revokes every key with one wildcard (records.parked): read it as published.
    read_wildcard(live, res, dkim_name(DKIM_SELECTOR, domain), "TXT")
    if read(live, res, sts.txt_name(domain), "TXT") is not None:
        host = sts.policy_host(domain)
        addresses = read(live, res, host, "A")
        read(live, res, host, "AAAA")
        if host in live.cnames:
            # The policy is still served through the alias; fetch it from the address it leads to.
            answer = _query(res, host, "A")
            target = tuple(_text(r, "A") for r in answer.rrset) if answer is not None and answer.rrset is not None else ()
        elif (through := live.wildcard(host, "A")) is not None:
            target = through.answer.values  # served at the wildcard's address, which maildns does not manage
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
                elif len(body) > MAX_BODY:
                    # Only the first octets were read: patterns cut there are not the policy.
                    live.policy_error = f"the body is over {MAX_BODY} octets, the most maildns reads; a policy is a few hundred"
                else:
                    live.policy = body
    return live
