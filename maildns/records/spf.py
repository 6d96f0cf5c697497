"""SPF records (RFC 7208): parse one term of the config, count DNS lookups, check and render the TXT.

Published records, and the term grammar both sides share, are read in ``spf_published``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Sequence

from maildns.errors import RuleError
from maildns.records.spf_macros import domain_spec as domain_spec  # noqa: PLC0414  # re-exported: config reads spf.domain_spec
from maildns.records.spf_macros import expand
from maildns.records.spf_published import LOOKUP_MECHANISMS as LOOKUP_MECHANISMS  # noqa: PLC0414  # re-exported
from maildns.records.spf_published import MECHANISM, VERSION, check_grammar, directive
from maildns.records.spf_published import TERM_GRAMMAR as TERM_GRAMMAR  # noqa: PLC0414  # re-exported
from maildns.records.spf_published import SpfRecord as SpfRecord  # noqa: PLC0414  # re-exported: the review reads it here
from maildns.records.spf_published import SpfTerm as SpfTerm  # noqa: PLC0414  # re-exported: config's terms
from maildns.records.spf_published import is_spf as is_spf  # noqa: PLC0414  # re-exported
from maildns.records.spf_published import parse_spf as parse_spf  # noqa: PLC0414  # re-exported
from maildns.records.txt import parse_txt_value

QUALIFIERS = {"fail": "-", "softfail": "~"}
MAX_LOOKUPS = 10  # DNS-querying terms per evaluation (RFC 7208 4.6.4)
MAX_OCTETS = 512  # the whole answer must fit a UDP datagram (RFC 7208 3.4)
WARN_OCTETS = 450  # checkdmarc's margin for the other records in the same answer
# A TXT query for the apex returns every TXT record there, so the other values share the SPF
# record's 512 octets (RFC 7208 3.4). Each record also costs about 13 octets of header (name
# pointer, type, class, TTL, length, the string's length octet): 40 values alone fill an answer.
MAX_APEX_VALUES = 40


def answer_octets(texts: Iterable[str]) -> int:
    """Octets of TXT text a query for the name returns, counted as for the SPF record alone."""
    return sum(len(text) for text in texts)


def parse_term(text: object) -> SpfTerm:
    """Parse one configured directive such as ``include:_spf.google.com`` or ``-ip4:192.0.2.0/24``.

    ``all``, ``redirect=`` and ``exp=`` have their own config fields, so they are refused here.
    Whatever the per-mechanism checks accept must still be a term of the RFC 7208 12 grammar.
    """
    term = _parse_term(text)
    check_grammar(str(term))
    return term


def _parse_term(text: object) -> SpfTerm:
    if not isinstance(text, str) or not text.strip():
        raise RuleError("must be an SPF mechanism such as include:<domain>", "RFC 7208 5")
    term = text.strip()
    if " " in term:
        raise RuleError("must be one term; give each term its own list item", "RFC 7208 4.6.1")
    lowered = term.lower()
    if lowered.startswith(("redirect=", "exp=")):
        field = lowered.split("=")[0]
        raise RuleError(f"is a modifier; set spf.{field} instead", "RFC 7208 6")
    match = MECHANISM.match(term)
    if not match:
        raise RuleError("is not an SPF mechanism", "RFC 7208 5")
    name = match["name"].lower()
    if name == "all":
        raise RuleError("is 'all'; set spf.all (fail or softfail) instead, it is always last", "RFC 7208 5.1")
    if name == "ptr":
        raise RuleError("uses ptr, which is slow and unreliable and SHOULD NOT be published", "RFC 7208 5.5")
    return directive(term)


def count_lookups(terms: Iterable[SpfTerm], redirect: str | None) -> int:
    """DNS-querying terms in the record itself (RFC 7208 4.6.4); includes add their own at check time."""
    return sum(term.lookups for term in terms) + (1 if redirect else 0)


def render_spf(terms: Iterable[SpfTerm], *, all: str | None, redirect: str | None, exp: str | None = None) -> str:
    """``v=spf1 <terms> <-all|~all|redirect=...> [exp=...]``: ``all`` is last of the mechanisms (RFC 7208 5.1)."""
    parts = [VERSION, *map(str, terms)]
    if all is not None:
        parts.append(f"{QUALIFIERS[all]}all")
    elif redirect is not None:
        parts.append(f"redirect={redirect}")
    if exp is not None:
        parts.append(f"exp={exp}")
    return " ".join(parts)


# Pass networks shorter than these are almost always a typo for a longer prefix.
WIDE_PREFIX = {4: 8, 6: 16}


def pass_networks(terms: Iterable[SpfTerm]) -> Iterator[tuple[int, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """(index, network) of every address range a pass term authorises by itself: ``ip4``/``ip6``
    networks, and ``a``/``mx`` with a prefix length of 0, which match every address of that
    family as soon as the name has one (RFC 7208 5.3, 5.4, 5.6)."""
    for i, term in enumerate(terms):
        if term.qualifier:
            continue  # -, ~ and ? never authorise a sender
        if term.mechanism in ("ip4", "ip6"):
            yield i, ipaddress.ip_network(term.argument + (term.cidr or ""), strict=False)
        elif term.mechanism in ("a", "mx"):
            v4, _, v6 = term.cidr.partition("//")
            if v4 == "/0":
                yield i, ipaddress.IPv4Network("0.0.0.0/0")
            if v6 == "0":
                yield i, ipaddress.IPv6Network("::/0")


def covers_everything(terms: Sequence[SpfTerm]) -> tuple[int, int] | None:
    """(IP version, index of the term that completes it) when pass terms together authorise
    every address of a family: the same as ``+all``, which maildns refuses (RFC 7208 5.1, 5.6)."""
    seen: dict[int, list[ipaddress.IPv4Network | ipaddress.IPv6Network]] = {4: [], 6: []}
    for i, network in pass_networks(terms):
        nets = seen[network.version]
        nets.append(network)
        collapsed = list(ipaddress.collapse_addresses(nets))  # type: ignore[type-var]
        seen[network.version] = collapsed
        if any(n.prefixlen == 0 for n in collapsed):
            return network.version, i
    return None


def parse_apex_value(value: object) -> str:
    """Another TXT value at the apex: any text but a second SPF record."""
    text = parse_txt_value(value)
    # A second v=spf1 record makes every SPF check a permerror (RFC 7208 4.5).
    if is_spf(text):
        raise RuleError("must not be a second SPF record: set spf.terms instead", "RFC 7208 4.5")
    return text


def check_record(terms: Sequence[SpfTerm], *, all: str | None, redirect: str | None, exp: str | None, text: str) -> None:
    """The rules on one record as a whole; RuleError's path is relative to the ``spf`` settings.

    ``text`` is the record as rendered (with the effective ``all``).
    """
    if all is not None and redirect is not None:
        raise RuleError(
            "must not be set with spf.all: redirect is ignored when all is present", "RFC 7208 6.1", value=redirect, path=("redirect",)
        )
    if exp is not None and redirect is not None:
        raise RuleError(
            "must not be set with spf.redirect: receivers use the redirected domain's exp instead", "RFC 7208 6.2", value=exp, path=("exp",)
        )
    # The first matching term decides (RFC 7208 4.6.2): a repeat never matches and an include or
    # a, mx, exists repeated still costs a lookup (RFC 7208 4.6.4).
    seen: set[tuple[str, str, str]] = set()
    for i, term in enumerate(terms):
        key = (term.mechanism, term.argument, term.cidr)
        if key in seen:
            raise RuleError("repeats an earlier term; the first match decides", "RFC 7208 4.6.2", value=str(term), path=("terms", i))
        seen.add(key)
    covered = covers_everything(terms)
    if covered is not None:
        version, i = covered
        raise RuleError(
            f"authorises every IPv{version} address, as +all would; list the senders' own networks",
            "RFC 7208 5.6",
            value=[str(t) for t in terms[: i + 1]],
            path=("terms", i),
        )
    lookups = count_lookups(terms, redirect)
    if lookups > MAX_LOOKUPS:
        raise RuleError(
            f"need {lookups} DNS lookups; at most {MAX_LOOKUPS} are allowed before includes are even counted",
            "RFC 7208 4.6.4",
            value=[str(t) for t in terms],
            path=("terms",),
        )
    if len(text) > MAX_OCTETS:
        raise RuleError(
            f"render a record of {len(text)} octets; at most {MAX_OCTETS} fit a DNS answer", "RFC 7208 3.4", value=text, path=("terms",)
        )


def self_references(domain: str, terms: Sequence[SpfTerm], redirect: str | None) -> list[RuleError]:
    """Every ``include``/``redirect`` that evaluates the domain's own record again: by name, or
    through ``%{d}``/``%{o}`` macros that expand to it (``include:%{d}``, ``redirect=%{o}``,
    ``include:%{d2}`` on a two-label domain). Receivers loop until the lookup limit turns it into
    a permerror (RFC 7208 4.6.4, 5.2, 6.1); the path is relative to the ``spf`` settings."""
    found: list[RuleError] = []
    for i, term in enumerate(terms):
        how = _names_itself(term.argument, domain) if term.mechanism == "include" else None
        if how is not None:
            found.append(
                RuleError(
                    f"includes the domain's own record{how}, a loop that ends in permerror",
                    "RFC 7208 5.2",
                    value=str(term),
                    path=("terms", i),
                )
            )
    how = _names_itself(redirect, domain) if redirect is not None else None
    if how is not None:
        found.append(
            RuleError(
                f"points to the domain's own record{how}, a loop that ends in permerror", "RFC 7208 6.1", value=redirect, path=("redirect",)
            )
        )
    return found


def _names_itself(spec: str, domain: str) -> str | None:
    """How the domain-spec ``spec`` names ``domain`` when evaluated there: "" by name, the
    expansion of its macros otherwise; None when it names another domain (RFC 7208 7)."""
    if expand(spec, d=domain, o=domain) != domain:
        return None
    return "" if spec == domain else f" ({spec} expands to {domain})"
