"""Walk a domain's live SPF record through include: and redirect= and count DNS lookups (RFC 7208 4.6.4)."""

from __future__ import annotations

from dataclasses import dataclass, field

import dns.exception
import dns.resolver

from maildns.check.lookup import Dns, Result, failure, published
from maildns.records.spf import MAX_LOOKUPS

MAX_VOID_LOOKUPS = 2  # RFC 7208 4.6.4: more than two lookups with no answer is a permerror
# Terms that make a receiver query DNS (RFC 7208 4.6.4); redirect= counts too.
COUNTED = frozenset({"include", "a", "mx", "ptr", "exists", "redirect"})
# Walking stops here: a record this deep is already far over the limit of 10.
MAX_WALK = 4 * MAX_LOOKUPS


def spf_records(texts: tuple[str, ...]) -> list[str]:
    """The TXT values that are SPF records: ``v=spf1`` alone or followed by a space (RFC 7208 4.5)."""
    return [t for t in texts if t.lower() == "v=spf1" or t.lower().startswith("v=spf1 ")]


@dataclass
class Walk:
    """What one evaluation has counted so far, and the problems found."""

    lookups: int = 0
    voids: int = 0
    over: tuple[str, ...] = ()  # the chain of terms at the 11th lookup
    void_over: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)


def _split(term: str) -> tuple[str, str]:
    """``-include:x`` -> ("include", "x"); ``redirect=x`` -> ("redirect", "x"); ``a/24`` -> ("a", "")."""
    body = term.lstrip("+-~?").lower()
    for separator in ("=", ":"):
        name, sep, argument = body.partition(separator)
        if sep and name.isalnum():
            return name, argument.split("/")[0]
    return body.split("/")[0], ""


def _void(lookup: Dns, name: str, type_: str, walk: Walk, chain: tuple[str, ...]) -> None:
    try:
        empty = not published(lookup, name, type_)
    except (dns.exception.DNSException, OSError) as exc:
        walk.problems.append(f"looking up {name} {type_}: {failure(exc)} (a temperror at receivers, RFC 7208 4.4)")
        return
    if empty:
        walk.voids += 1
        if walk.voids == MAX_VOID_LOOKUPS + 1:
            walk.void_over = chain


def _walk(domain: str, lookup: Dns, walk: Walk, chain: tuple[str, ...], seen: tuple[str, ...]) -> None:
    try:
        records = spf_records(published(lookup, domain, "TXT"))
    except (dns.exception.DNSException, OSError) as exc:
        walk.problems.append(f"looking up {domain} TXT: {failure(exc)} (a temperror at receivers, RFC 7208 4.4)")
        return
    via = " -> ".join(chain) or domain
    if not records:
        if chain:
            walk.problems.append(f"{domain} publishes no SPF record, so {via} is a permerror at receivers (RFC 7208 5.2)")
        else:
            walk.problems.append(f"{domain} publishes no SPF record (RFC 7208 4.5)")
        return
    if len(records) > 1:
        where = f" (reached through {via})" if chain else ""
        walk.problems.append(f"{domain} publishes {len(records)} SPF records{where}; every check of it is a permerror (RFC 7208 4.5)")
        return
    terms = records[0].split()[1:]
    has_all = any(_split(t)[0] == "all" for t in terms)
    for term in terms:
        name, argument = _split(term)
        if name not in COUNTED or (name == "redirect" and has_all):
            continue  # redirect is ignored when all is present (RFC 7208 6.1)
        here = (*chain, f"{domain} {term}")
        walk.lookups += 1
        if walk.lookups == MAX_LOOKUPS + 1:
            walk.over = here
        if walk.lookups > MAX_WALK or "%" in argument:
            continue  # a macro needs the message being checked (RFC 7208 7); it still counts
        target = argument or domain
        if name in ("include", "redirect"):
            if target in seen:
                walk.problems.append(f"{' -> '.join(here)} loops back to {target}; receivers stop at 10 lookups (RFC 7208 4.6.4)")
                continue
            _walk(target, lookup, walk, here, (*seen, target))
        elif name in ("a", "mx", "exists"):
            _void(lookup, target, "MX" if name == "mx" else "A", walk, here)


def check_spf(domain: str, lookup: Dns) -> Result:
    """One result for the SPF record of ``domain``: lookups and void lookups counted through
    includes and redirects against the limits of RFC 7208 4.6.4; over, the chain is shown."""
    walk = Walk()
    _walk(domain, lookup, walk, (), (domain,))
    problems = list(walk.problems)
    notes: tuple[str, ...] = ()
    if walk.over:
        problems.append(f"{walk.lookups} DNS lookups, over the limit of {MAX_LOOKUPS}; receivers return permerror (RFC 7208 4.6.4)")
        notes = tuple(f"{'  ' * i}{step}" for i, step in enumerate(walk.over))
    if walk.void_over:
        problems.append(f"{walk.voids} void lookups, over the limit of {MAX_VOID_LOOKUPS} (RFC 7208 4.6.4)")
        notes += tuple(f"{'  ' * i}{step}" for i, step in enumerate(walk.void_over))
    summary = f"{walk.lookups} DNS lookups of {MAX_LOOKUPS}, {walk.voids} void of {MAX_VOID_LOOKUPS}"
    if problems:
        return Result(domain, "SPF", "error", detail="; ".join(problems), notes=notes)
    return Result(domain, "SPF", "ok", detail=summary)
