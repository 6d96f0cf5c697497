"""BIMI Assertion Records (draft-brand-indicators-for-message-identification-10) at ``<selector>._bimi.<domain>``."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from maildns.errors import RuleError
from maildns.records.names import domain_name
from maildns.records.tags import Finding, TagList, has_version, parse_tags

# The draft is not an RFC yet; messages cite its sections as ``BIMI draft-10 <section>``.
DRAFT = "BIMI draft-10"
PREFIX = "_bimi"
VERSION = "v=BIMI1"
DEFAULT_SELECTOR = "default"  # the selector receivers query without a BIMI-Selector header (4.4)
LOGO_SUFFIX = ".svg"
# Characters that end a tag or a tag list, or that a receiver would read as folding white space:
# a comma inside a URI MUST be percent-encoded (4.3 ABNF), a semicolon separates tags (4.3).
_RESERVED = ",;"


def rule(section: str) -> str:
    """The citation of a section of the BIMI draft."""
    return f"{DRAFT} {section}"


def bimi_name(selector: str, domain: str) -> str:
    """``<selector>._bimi.<domain>`` (4.3, 4.4)."""
    return f"{selector}.{PREFIX}.{domain}"


def record_id(selector: str) -> str:
    """The stable Terraform name of a selector's record: ``bimi-`` and the selector, dots as hyphens."""
    return f"bimi-{selector.replace('.', '-')}"


def selector(value: object) -> str:
    """A selector: dot-separated LDH labels, as DKIM selectors are (4.4: ``sub-domain *("." sub-domain)``)."""
    if isinstance(value, str) and "_" in value:
        raise RuleError("must be dot-separated letters, digits and hyphens, no underscore", rule("4.4"))
    try:
        return domain_name(value, min_labels=1, top_level=False)
    except RuleError as exc:
        raise RuleError(exc.message, rule("4.4")) from None


def https_uri(value: object, section: str = "4.3") -> str:
    """An ``l=`` or ``a=`` URI: https with a fully qualified host name, no tag delimiters, ASCII (4.3)."""
    if not isinstance(value, str) or not value.strip():
        raise RuleError("must be an https: URI such as https://example.gov/logo.svg", rule(section))
    text = value.strip()
    if text.partition(":")[0].lower() != "https":
        raise RuleError("must be an https: URI: receivers fetch BIMI files over HTTPS only", rule(section))
    if re.search(r"\s", text):
        raise RuleError("must not contain white space", "RFC 3986 2")
    for char in _RESERVED:
        if char in text:
            raise RuleError(f"has {char!r}; percent-encode it as %{ord(char):02X}", rule("4.3"))
    if not text.isascii():
        raise RuleError("has non-ASCII characters; percent-encode them", "RFC 3986 2.1")
    parts = urlsplit(text)
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise RuleError("must name a host: https://<host>/<path>", rule(section))
    # 4.3: the URI MUST contain a fully qualified domain name, so never an IP address.
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        pass
    else:
        raise RuleError("must name its host by a fully qualified domain name, not an IP address", rule(section))
    try:
        host = domain_name(parts.hostname)
    except RuleError as exc:
        raise RuleError(f"has a host that {exc.message}", exc.rule) from None
    try:
        port = parts.port
    except ValueError:
        raise RuleError("has a port that is not 0-65535", "RFC 3986 3.2.3") from None
    netloc = host if port is None else f"{host}:{port}"
    return parts._replace(scheme="https", netloc=netloc).geturl()


def logo_uri(value: object) -> str:
    """The ``l=`` URI: https (4.3) and an SVG file (4.3.2: any other image suffix is a permanent error)."""
    uri = https_uri(value)
    if not urlsplit(uri).path.lower().endswith(LOGO_SUFFIX):
        raise RuleError(f"must end in {LOGO_SUFFIX}: receivers display only an SVG logo", rule("4.3.2"))
    return uri


def authority_uri(value: object) -> str:
    """The ``a=`` URI of the mark certificate (VMC or CMC, a PEM file): https (4.3)."""
    return https_uri(value)


def render_bimi(logo: str, authority: str | None) -> str:
    """``v=BIMI1; l=<logo>; a=<authority>``: v first (4.3); without an authority ``a=`` is left out,
    which receivers read as an empty value (4.3)."""
    parts = [VERSION, f"l={logo}"]
    if authority is not None:
        parts.append(f"a={authority}")
    return "; ".join(parts)


def parse_bimi(text: str) -> TagList:
    """A published BIMI Assertion Record (4.3): ``v=BIMI1`` first, an ``l=`` logo URI that is
    https and SVG when present (empty ``l=`` declines BIMI, 4.3), an https ``a=`` when present."""
    record = parse_tags(text, rule("4.3"))
    found: list[Finding] = []
    if not has_version(text, VERSION.removeprefix("v=")):
        found.append(Finding("must start with v=BIMI1", rule("4.3")))
    for tag, check in (("l", logo_uri), ("a", authority_uri)):
        value = record.get(tag)
        if value:
            try:
                check(value)
            except RuleError as exc:
                found.append(Finding(f"{tag}= {exc.message}", exc.rule))
    return record.with_problems(*found)


def enforcement_problems(p: str, sp: str | None, pct: int | None) -> list[RuleError]:
    """Why a DMARC policy is too weak for BIMI, one error per DMARC tag (its path is the tag).

    Receivers do no BIMI processing for mail whose domain publishes p=none, sp=none, or a pct
    below 100 (7.1 steps 7-9; section 1: quarantine policies MUST NOT have pct below 100). RFC
    7489 6.3 applies a reject policy below pct=100 as quarantine to the rest, so pct counts for both.
    """
    found: list[RuleError] = []
    if p == "none":
        found.append(
            RuleError("must be quarantine or reject to publish BIMI: receivers show no logo for p=none", rule("7.1"), value=p, path=("p",))
        )
    if sp == "none":
        found.append(RuleError("must not be none to publish BIMI: receivers show no logo for sp=none", rule("7.1"), value=sp, path=("sp",)))
    if pct is not None and pct < 100:
        found.append(
            RuleError("must be 100 (or unset) to publish BIMI: receivers show no logo below pct=100", rule("7.1"), value=pct, path=("pct",))
        )
    return found
