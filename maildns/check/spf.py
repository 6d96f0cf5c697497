"""Walk a domain's live SPF record through include: and redirect= and count DNS lookups (RFC 7208 4.6.4)."""

from __future__ import annotations

from dataclasses import dataclass, field

import dns.exception
import dns.resolver

from maildns.check.lookup import Dns, Result, failure, published
from maildns.records.spf import MAX_LOOKUPS, is_spf, parse_spf
from maildns.records.spf_macros import expand

MAX_VOID_LOOKUPS = 2  # RFC 7208 4.6.4: more than two lookups with no answer is a permerror
# Walking stops here: a record this deep is already far over the limit of 10.
MAX_WALK = 4 * MAX_LOOKUPS


@dataclass
class Walk:
    """What one evaluation of mail from ``origin`` (the ``%{o}`` of RFC 7208 7.3) has counted so
    far, and the problems found."""

    origin: str
    lookups: int = 0
    voids: int = 0
    over: tuple[str, ...] = ()  # the chain of terms at the 11th lookup
    void_over: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)


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
    """Evaluate ``domain``'s record as reached through ``chain``. Included and redirected records
    are read with the parser the config's terms go through, and any term receivers refuse is a
    permerror of the whole evaluation (RFC 7208 4.6, 5.2)."""
    try:
        records = [text for text in published(lookup, domain, "TXT") if is_spf(text)]
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
    record = parse_spf(records[0])
    reached = f"{domain} (reached through {via})" if chain else domain
    if record.problems:
        # A syntax error anywhere makes check_host() return permerror at once (RFC 7208 4.6).
        walk.problems.extend(f"{reached}: {problem}; receivers return permerror for it (RFC 7208 4.6)" for problem in record.problems)
        return
    if record.all == "+":
        walk.problems.append(
            f"{reached} ends in {next(t.text for t in record.terms if t.name == 'all')}, which passes every host on the internet"
            " as the domain's sender (RFC 7208 5.1, 5.2)"
        )
    for term in record.terms:
        if not term.lookups or (term.name == "redirect" and record.all is not None):
            continue  # redirect is ignored when all is present (RFC 7208 6.1)
        here = (*chain, f"{domain} {term.text}")
        walk.lookups += 1
        if walk.lookups == MAX_LOOKUPS + 1:
            walk.over = here
        # A macro other than %{d} and %{o} needs the message being checked (RFC 7208 7); it still counts.
        target = expand(term.value, d=domain, o=walk.origin) if term.value else domain
        if walk.lookups > MAX_WALK or target is None:
            continue
        if term.name in ("include", "redirect"):
            if target in seen:
                how = f" ({term.value} expands to {target})" if term.value and term.value != target else ""
                walk.problems.append(f"{' -> '.join(here)} loops back to {target}{how}; receivers stop at 10 lookups (RFC 7208 4.6.4)")
                continue
            _walk(target, lookup, walk, here, (*seen, target))
        elif term.name in ("a", "mx", "exists"):
            _void(lookup, target, "MX" if term.name == "mx" else "A", walk, here)


def check_spf(domain: str, lookup: Dns) -> Result:
    """One result for the SPF record of ``domain``: lookups and void lookups counted through
    includes and redirects against the limits of RFC 7208 4.6.4; over, the chain is shown."""
    walk = Walk(domain)
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
