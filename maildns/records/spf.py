"""SPF records (RFC 7208): parse one term of the config, count DNS lookups, render the TXT."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from maildns.errors import RuleError
from maildns.records.spf_macros import MACRO, expand
from maildns.records.spf_macros import domain_spec as domain_spec  # noqa: PLC0414  # re-exported: config reads spf.domain_spec
from maildns.records.tags import Finding
from maildns.records.txt import parse_txt_value

VERSION = "v=spf1"
QUALIFIERS = {"fail": "-", "softfail": "~"}
# Terms that make the receiver query DNS, at most 10 per evaluation (RFC 7208 4.6.4).
LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
MAX_LOOKUPS = 10
MAX_OCTETS = 512  # the whole answer must fit a UDP datagram (RFC 7208 3.4)
WARN_OCTETS = 450  # checkdmarc's margin for the other records in the same answer
# A TXT query for the apex returns every TXT record there, so the other values share the SPF
# record's 512 octets (RFC 7208 3.4). Each record also costs about 13 octets of header (name
# pointer, type, class, TTL, length, the string's length octet): 40 values alone fill an answer.
MAX_APEX_VALUES = 40


def is_spf(text: str) -> bool:
    """Whether a TXT value is an SPF record: ``v=spf1`` alone or followed by a space, without
    case (RFC 7208 4.5); ``v=spf10`` is not one."""
    lowered = text.lower()
    return lowered == VERSION or lowered.startswith(VERSION + " ")


def answer_octets(texts: Iterable[str]) -> int:
    """Octets of TXT text a query for the name returns, counted as for the SPF record alone."""
    return sum(len(text) for text in texts)


_MECHANISM = re.compile(r"^(?P<qualifier>[-+~?]?)(?P<name>[a-z0-9]+)(?P<rest>.*)$", re.IGNORECASE)
# A whole term as RFC 7208 section 12 writes it: every term maildns publishes must match, so a
# value that slipped through a per-mechanism check (a zone id, a stray %) is refused, not published.
_QNUM = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_DOMAIN_SPEC = r"(?:%\{[slodiphcrtv][0-9]*r?[.\-+,/_=]*\}|%%|%_|%-|[!-$&-~])+"
_DUAL_CIDR = r"(?:/(?:0|[1-9][0-9]?))?(?://(?:0|[1-9][0-9]{0,2}))?"
TERM_GRAMMAR = re.compile(
    r"[-+~?]?(?:"
    rf"(?:include|exists):{_DOMAIN_SPEC}"
    rf"|(?:a|mx)(?::{_DOMAIN_SPEC})?{_DUAL_CIDR}"
    rf"|ip4:{_QNUM}(?:\.{_QNUM}){{3}}(?:/(?:0|[1-9][0-9]?))?"
    r"|ip6:[0-9a-f:.]+(?:/(?:0|[1-9][0-9]{0,2}))?"
    rf"|all|ptr(?::{_DOMAIN_SPEC})?"
    r")",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SpfTerm:
    """One parsed directive; ``str()`` gives its normalised text."""

    qualifier: str  # "" (pass, the default), "-", "~" or "?"
    mechanism: str  # include, a, mx, ptr, ip4, ip6, exists
    argument: str = ""  # the domain-spec or network, normalised
    cidr: str = ""  # "/24", "//64" or "/24//64"

    def __str__(self) -> str:
        arg = f":{self.argument}" if self.argument else ""
        return f"{self.qualifier}{self.mechanism}{arg}{self.cidr}"

    @property
    def lookups(self) -> int:
        return 1 if self.mechanism in LOOKUP_MECHANISMS else 0


def _cidr(text: str, term: str) -> str:
    """A dual-cidr-length ``/n``, ``//m`` or ``/n//m`` with n 0-32 and m 0-128 (RFC 7208 5.6)."""
    match = re.fullmatch(r"(?:/(\d{1,2}))?(?://(\d{1,3}))?", text)
    if not match:
        raise RuleError(f"has a malformed CIDR length in {term}", "RFC 7208 5.6")
    v4, v6 = match.groups()
    if v4 is not None and int(v4) > 32:
        raise RuleError(f"has an IPv4 prefix length of {v4}; it is 0-32", "RFC 7208 5.6")
    if v6 is not None and int(v6) > 128:
        raise RuleError(f"has an IPv6 prefix length of {v6}; it is 0-128", "RFC 7208 5.6")
    return text


def _network(version: int, text: str) -> tuple[str, str]:
    """``ip4``/``ip6`` arguments: an address with an optional prefix length (RFC 7208 5.6)."""
    address, slash, prefix = text.partition("/")
    limit = 32 if version == 4 else 128
    if version == 6 and "%" in address:
        # Python's ipaddress accepts a scoped address (fe80::1%eth0); SPF's ip6-network is the
        # bare address of RFC 4291 2.2 and receivers refuse the record otherwise.
        raise RuleError(f"has {address!r}, which is not a bare IPv6 address: a zone id (%) is not allowed", "RFC 7208 5.6")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise RuleError(f"has {address!r}, which is not an IPv{version} address", "RFC 7208 5.6") from None
    if ip.version != version:
        raise RuleError(f"has {address!r}, which is not an IPv{version} address", "RFC 7208 5.6")
    if slash and not prefix:
        raise RuleError("has an empty prefix length", "RFC 7208 5.6")
    if prefix:
        if not (prefix.isascii() and prefix.isdigit()) or int(prefix) > limit:
            raise RuleError(f"has prefix length {prefix!r}; it is 0-{limit}", "RFC 7208 5.6")
        return str(ip), f"/{int(prefix)}"
    return str(ip), ""


def parse_term(text: object) -> SpfTerm:
    """Parse one configured directive such as ``include:_spf.google.com`` or ``-ip4:192.0.2.0/24``.

    ``all``, ``redirect=`` and ``exp=`` have their own config fields, so they are refused here.
    Whatever the per-mechanism checks accept must still be a term of the RFC 7208 12 grammar.
    """
    term = _parse_term(text)
    if not TERM_GRAMMAR.fullmatch(str(term)):
        raise RuleError("is not a term of the SPF grammar", "RFC 7208 12")
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
    match = _MECHANISM.match(term)
    if not match:
        raise RuleError("is not an SPF mechanism", "RFC 7208 5")
    name = match["name"].lower()
    if name == "all":
        raise RuleError("is 'all'; set spf.all (fail or softfail) instead, it is always last", "RFC 7208 5.1")
    if name == "ptr":
        raise RuleError("uses ptr, which is slow and unreliable and SHOULD NOT be published", "RFC 7208 5.5")
    return directive(term)


def directive(term: str) -> SpfTerm:
    """One directive as receivers read it (RFC 7208 5): any mechanism, ``all`` and ``ptr``
    included; RuleError for what makes them return permerror."""
    match = _MECHANISM.match(term)
    if not match:
        raise RuleError("is not an SPF mechanism", "RFC 7208 5")
    qualifier, name, rest = match["qualifier"], match["name"].lower(), match["rest"]
    if qualifier == "+":
        qualifier = ""  # "+" is the default qualifier (RFC 7208 4.6.2)
    if name == "all":
        if rest:
            raise RuleError("has an argument after all, which takes none", "RFC 7208 5.1")
        return SpfTerm(qualifier, name)
    if name == "ptr":
        if rest and (not rest.startswith(":") or len(rest) < 2):
            raise RuleError("needs a domain after ptr:", "RFC 7208 5.5")
        return SpfTerm(qualifier, name, domain_spec(rest[1:]) if rest else "")
    if name in ("include", "exists"):
        if not rest.startswith(":") or len(rest) < 2:
            raise RuleError(f"needs a domain: {name}:<domain>", "RFC 7208 5.2" if name == "include" else "RFC 7208 5.7")
        return SpfTerm(qualifier, name, domain_spec(rest[1:]))
    if name in ("a", "mx"):
        argument = ""
        if rest.startswith(":"):
            spec, slash, cidr = rest[1:].partition("/")
            argument, rest = domain_spec(spec), slash + cidr
        return SpfTerm(qualifier, name, argument, _cidr(rest, term))
    if name in ("ip4", "ip6"):
        if not rest.startswith(":") or len(rest) < 2:
            raise RuleError(f"needs a network: {name}:<address>[/<length>]", "RFC 7208 5.6")
        address, cidr = _network(int(name[2]), rest[1:])
        return SpfTerm(qualifier, name, address, cidr)
    raise RuleError(f"has unknown mechanism {name!r}; use include, a, mx, ip4, ip6 or exists", "RFC 7208 5")


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


# --- published records, read as receivers read them ------------------------------------------

_MODIFIER = re.compile(r"(?P<name>[a-z][a-z0-9_.-]*)=(?P<value>.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class PublishedTerm:
    """One term of a published record: a directive (``term`` holds it parsed) or a modifier
    (``name=value``); ``problem`` when receivers refuse it."""

    text: str
    name: str  # the mechanism or modifier name, lower case
    value: str = ""  # the modifier's value, or the directive's argument
    term: SpfTerm | None = None
    problem: Finding | None = None
    modifier: bool = False

    @property
    def lookups(self) -> int:
        """1 for a term that makes receivers query DNS (RFC 7208 4.6.4): the lookup mechanisms and redirect."""
        if self.term is not None:
            return self.term.lookups
        return 1 if self.modifier and self.name == "redirect" and self.problem is None else 0


@dataclass(frozen=True)
class SpfRecord:
    """A published SPF record: its terms in order and every problem that makes it a permerror."""

    text: str
    terms: tuple[PublishedTerm, ...]
    problems: tuple[Finding, ...]

    def _first(self, name: str) -> PublishedTerm | None:
        """The first valid ``all`` directive, or ``redirect``/``exp`` modifier, by name."""
        modifier = name != "all"
        return next((t for t in self.terms if t.name == name and t.modifier is modifier and t.problem is None), None)

    @property
    def all(self) -> str | None:
        """The qualifier of the first ``all`` (``+`` for pass), or None."""
        term = self._first("all")
        return None if term is None or term.term is None else term.term.qualifier or "+"

    @property
    def redirect(self) -> str | None:
        term = self._first("redirect")
        return None if term is None else term.value

    @property
    def exp(self) -> str | None:
        term = self._first("exp")
        return None if term is None else term.value

    @property
    def directives(self) -> tuple[SpfTerm, ...]:
        return tuple(t.term for t in self.terms if t.term is not None)


def _published_term(text: str) -> PublishedTerm:
    match = _MODIFIER.fullmatch(text)
    if match:
        name, value = match["name"].lower(), match["value"]
        try:
            if name in ("redirect", "exp"):
                value = domain_spec(value)
            elif MACRO.sub("", value).count("%") or not re.fullmatch(r"[!-~]*", value):
                raise RuleError("has a malformed macro-string", "RFC 7208 7.1")
        except RuleError as exc:
            return PublishedTerm(text, name, value, problem=Finding(f"{text}: {exc.message}", exc.rule), modifier=True)
        return PublishedTerm(text, name, value, modifier=True)
    mechanism = _MECHANISM.match(text)
    name = mechanism["name"].lower() if mechanism else text.lower()
    try:
        term = directive(text)
        if not TERM_GRAMMAR.fullmatch(text):
            raise RuleError("is not a term of the SPF grammar", "RFC 7208 12")
    except RuleError as exc:
        return PublishedTerm(text, name, problem=Finding(f"{text}: {exc.message}", exc.rule))
    return PublishedTerm(text, term.mechanism, term.argument, term)


def parse_spf(text: str) -> SpfRecord:
    """A published SPF record as receivers read it (RFC 7208 4.6): terms separated by spaces,
    each directive checked against the grammar, ``redirect``/``exp`` at most once (RFC 7208 6),
    unknown modifiers kept (receivers ignore them). Every problem listed is a permerror; a text
    that is not an SPF record at all has one problem, and no terms."""
    if not is_spf(text):
        return SpfRecord(text, (), (Finding("is not an SPF record: it must start with v=spf1", "RFC 7208 4.5"),))
    terms = tuple(_published_term(word) for word in text.split(" ")[1:] if word)
    problems = [t.problem for t in terms if t.problem is not None]
    for name in ("redirect", "exp"):
        if sum(t.name == name and t.modifier for t in terms) > 1:
            problems.append(Finding(f"has {name}= twice", "RFC 7208 6"))
    return SpfRecord(text, terms, tuple(problems))


def self_references(domain: str, terms: Sequence[SpfTerm], redirect: str | None) -> list[RuleError]:
    """Every ``include``/``redirect`` that evaluates the domain's own record again: by name, or
    through ``%{d}``/``%{o}`` macros that expand to it (``include:%{d}``, ``redirect=%{o}``,
    ``include:%{d2}`` on a two-label domain). Receivers loop until the lookup limit turns it into
    a permerror (RFC 7208 4.6.4, 5.2, 6.1); the path is relative to the ``spf`` settings."""
    found: list[RuleError] = []
    for i, term in enumerate(terms):
        if term.mechanism == "include" and expand(term.argument, d=domain, o=domain) == domain:
            how = "" if term.argument == domain else f" ({term.argument} expands to {domain})"
            found.append(
                RuleError(
                    f"includes the domain's own record{how}, a loop that ends in permerror",
                    "RFC 7208 5.2",
                    value=str(term),
                    path=("terms", i),
                )
            )
    if redirect is not None and expand(redirect, d=domain, o=domain) == domain:
        how = "" if redirect == domain else f" ({redirect} expands to {domain})"
        found.append(
            RuleError(
                f"points to the domain's own record{how}, a loop that ends in permerror", "RFC 7208 6.1", value=redirect, path=("redirect",)
            )
        )
    return found
