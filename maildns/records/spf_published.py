"""SPF as receivers read it (RFC 7208): the term grammar, one directive, a published record.

The config's own terms (``maildns.records.spf.parse_term``) are the directives of this grammar
that maildns is willing to publish; the review, ``check`` and ``import`` read what a domain
publishes through ``parse_spf``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from maildns.errors import RuleError
from maildns.records.spf_macros import MACRO, domain_spec
from maildns.records.tags import Finding

VERSION = "v=spf1"
# Terms that make the receiver query DNS, at most 10 per evaluation (RFC 7208 4.6.4).
LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})


def is_spf(text: str) -> bool:
    """Whether a TXT value is an SPF record: ``v=spf1`` alone or followed by a space, without
    case (RFC 7208 4.5); ``v=spf10`` is not one."""
    lowered = text.lower()
    return lowered == VERSION or lowered.startswith(VERSION + " ")


MECHANISM = re.compile(r"^(?P<qualifier>[-+~?]?)(?P<name>[a-z0-9]+)(?P<rest>.*)$", re.IGNORECASE)
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


def check_grammar(text: str) -> None:
    """RuleError unless ``text`` is a whole term of the RFC 7208 12 grammar."""
    if not TERM_GRAMMAR.fullmatch(text):
        raise RuleError("is not a term of the SPF grammar", "RFC 7208 12")


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


def directive(term: str) -> SpfTerm:
    """One directive as receivers read it (RFC 7208 5): any mechanism, ``all`` and ``ptr``
    included; RuleError for what makes them return permerror."""
    match = MECHANISM.match(term)
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
    mechanism = MECHANISM.match(text)
    name = mechanism["name"].lower() if mechanism else text.lower()
    try:
        term = directive(text)
        check_grammar(text)
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
