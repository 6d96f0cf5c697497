"""SPF macros (RFC 7208 7): the syntax of a domain-spec, and the expansion of %{d} and %{o}."""

from __future__ import annotations

import re

from maildns.errors import RuleError
from maildns.records.names import domain_name

MACRO = re.compile(r"%(?:\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}|%|_|-)", re.IGNORECASE)
# c, r and t expand only in the explanation text itself, never in a domain-spec (RFC 7208 7.3).
_EXP_ONLY_MACRO = re.compile(r"%\{[crt]", re.IGNORECASE)
# domain-end: "." toplabel ["."], or a macro-expand (RFC 7208 7.1); toplabel is RFC 7208 12.
_DOMAIN_END = re.compile(
    r"(?:\.(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])\.?"
    r"|%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}|%%|%_|%-)$",
    re.IGNORECASE,
)


def domain_spec(value: object) -> str:
    """A domain-spec (RFC 7208 7.1): a domain name, or a macro-string ending in a name or macro."""
    if not isinstance(value, str) or "%" not in value:
        return domain_name(value, underscore=True)
    if MACRO.sub("", value).count("%"):
        raise RuleError("has a malformed macro; use %{letter}, %%, %_ or %-", "RFC 7208 7.1")
    if not re.fullmatch(r"[!-~]+", value):
        raise RuleError("must be visible ASCII characters without spaces", "RFC 7208 7.1")
    if re.search(r"%\{[a-z]0", value, re.IGNORECASE):
        raise RuleError("has a macro that keeps 0 labels; a digit transformer is 1 or more", "RFC 7208 7.3")
    if _EXP_ONLY_MACRO.search(value):
        raise RuleError("uses a c, r or t macro, which only the explanation text may use", "RFC 7208 7.3")
    if not _DOMAIN_END.search(value):
        raise RuleError("must end in a macro or in .<top-level label>", "RFC 7208 7.1")
    return value


def expand(spec: str, *, d: str, o: str) -> str | None:
    """``spec`` with its ``%{d}`` and ``%{o}`` macros expanded for an evaluation of domain ``d``
    for mail from domain ``o`` (RFC 7208 7.3); None when it uses another macro, which depends on
    the message. ``%%``, ``%_`` and ``%-`` expand too. The result is lower case, without a trailing dot."""
    out: list[str] = []
    pos = 0
    for match in re.finditer(r"%(?:\{(?P<letter>[a-z])(?P<digits>\d*)(?P<r>r?)(?P<delims>[.\-+,/_=]*)\}|(?P<escape>[%_-]))", spec, re.I):
        out.append(spec[pos : match.start()])
        pos = match.end()
        if match["escape"]:
            out.append({"%": "%", "_": " ", "-": "%20"}[match["escape"]])
            continue
        letter = match["letter"].lower()
        if letter not in "do":
            return None
        parts = re.split("[" + re.escape(match["delims"] or ".") + "]", d if letter == "d" else o)
        if match["r"]:
            parts.reverse()
        if match["digits"]:
            parts = parts[-int(match["digits"]) :] if int(match["digits"]) else []
        out.append(".".join(parts))
    out.append(spec[pos:])
    return "".join(out).lower().rstrip(".")
