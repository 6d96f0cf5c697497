"""DMARC policy records (RFC 7489 6.3) at ``_dmarc.<domain>``."""

from __future__ import annotations

from collections.abc import Sequence

from maildns.errors import RuleError
from maildns.records.names import is_subdomain
from maildns.records.tags import Finding, TagList, has_version, parse_tags
from maildns.records.uri import split_size, uri_domain

PREFIX = "_dmarc"
# Tag order of the published record: v and p first (RFC 7489 6.3), then as RFC 7489 lists them.
TAG_ORDER = ("p", "sp", "pct", "adkim", "aspf", "fo", "rf", "ri", "rua", "ruf")
FO_OPTIONS = ("0", "1", "d", "s")
# Report destinations known to publish ``*._report._dmarc.<destination>`` TXT "v=DMARC1", so
# they accept reports about any domain (RFC 7489 7.1): the US federal address of BOD 18-01.
WILDCARD_AUTHORIZED = frozenset({"dmarc.cyber.dhs.gov"})


def parse_fo(value: object) -> str:
    """``fo``: a colon-separated list of 0, 1, d and s (RFC 7489 6.3), each at most once."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise RuleError("must be a colon-separated list of 0, 1, d, s", "RFC 7489 6.3")
    options = [option.strip().lower() for option in value.split(":")]
    for option in options:
        if option not in FO_OPTIONS:
            raise RuleError(f"has {option!r}; fo options are 0, 1, d and s", "RFC 7489 6.3")
    if len(set(options)) != len(options):
        raise RuleError("repeats an option", "RFC 7489 6.3")
    # 0 and 1 together are valid (RFC 7489 6.3 ABNF); maildns.lint warns that 0 adds nothing.
    return ":".join(options)


def render_dmarc(tags: dict[str, object]) -> str:
    """``v=DMARC1; p=...; ...``: tags that are None are left out, lists joined by commas."""
    parts = ["v=DMARC1"]
    for tag in TAG_ORDER:
        value = tags.get(tag)
        if value is None or value == ():
            continue
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = ",".join(map(str, value))
        parts.append(f"{tag}={value}")
    return "; ".join(parts)


def dmarc_name(domain: str) -> str:
    """``_dmarc.<domain>`` (RFC 7489 6.1)."""
    return f"{PREFIX}.{domain}"


def dmarc_domain(name: str) -> str | None:
    """The domain whose policy ``name`` holds: ``example.gov`` for ``_dmarc.example.gov``, else None."""
    return name.removeprefix(PREFIX + ".") if name.startswith(PREFIX + ".") else None


POLICIES = ("none", "quarantine", "reject")
VERSION = "DMARC1"


def is_dmarc(text: str) -> bool:
    """Whether a TXT value is a DMARC record: it starts with ``v=DMARC1`` (RFC 7489 6.4, 6.6.3)."""
    return has_version(text, VERSION)


def parse_dmarc(text: str) -> TagList:
    """A published DMARC record (RFC 7489 6.3, 6.4): its tags, and problems for a missing
    version, ``p`` not second, and values of ``p``, ``sp``, ``pct``, ``adkim``, ``aspf`` that
    receivers cannot use. Unknown tags are kept: receivers ignore them (RFC 7489 6.3)."""
    record = parse_tags(text, "RFC 7489 6.4")
    found: list[Finding] = []
    if record.version != VERSION:
        found.append(Finding("must start with v=DMARC1", "RFC 7489 6.3"))
    elif len(record.pairs) < 2 or record.pairs[1][0] != "p":
        found.append(Finding("must have p as its second tag, right after v=DMARC1", "RFC 7489 6.3", fatal="p" not in record.tags))
    tags = record.tags
    for tag in ("p", "sp"):
        if tag in tags and tags[tag].lower() not in POLICIES:
            found.append(Finding(f"has {tag}={tags[tag]}; it is none, quarantine or reject", "RFC 7489 6.3", fatal=tag == "p"))
    if "pct" in tags and not (tags["pct"].isascii() and tags["pct"].isdigit() and len(tags["pct"]) <= 3 and int(tags["pct"]) <= 100):
        found.append(Finding(f"has pct={tags['pct']}; it is 0-100", "RFC 7489 6.3", fatal=False))
    for tag in ("adkim", "aspf"):
        if tag in tags and tags[tag].lower() not in ("r", "s"):
            found.append(Finding(f"has {tag}={tags[tag]}; it is r or s", "RFC 7489 6.3", fatal=False))
    return record.with_problems(*found)


def report_uris(value: str | None) -> tuple[str, ...]:
    """The URIs of a published ``rua``/``ruf`` value: comma-separated, white space around each
    ignored (RFC 7489 6.4)."""
    return tuple(uri.strip() for uri in (value or "").split(",") if uri.strip())


def report_authorization_name(policy_domain: str, destination: str) -> str:
    """Where ``destination`` authorises reports about ``policy_domain`` (RFC 7489 7.1)."""
    return f"{policy_domain}._report._dmarc.{destination}"


def is_external(policy_domain: str, destination: str) -> bool:
    """Whether reports for ``policy_domain`` sent to ``destination`` need its authorisation (RFC 7489 7.1).

    RFC 7489 compares organisational domains, which takes the Public Suffix List. maildns uses a
    simple rule that never misses a needed authorisation: a destination is internal only when it
    is the policy domain, below it, or above it (``reports.example.gov`` or ``example.gov`` for
    ``mail.example.gov``). Siblings such as ``a.example.gov`` and ``b.example.gov`` count as
    external, so at worst maildns asks for an authorisation that is not needed.
    """
    return not (is_subdomain(destination, policy_domain) or is_subdomain(policy_domain, destination))


def external_destinations(policy_domain: str, uris: Sequence[str]) -> tuple[str, ...]:
    """The report destinations (URI domains) that must authorise ``policy_domain``, sorted, each once."""
    return tuple(sorted({d for d in map(uri_domain, uris) if is_external(policy_domain, d)}))


def size_limit(uri: str) -> int | None:
    """The ``!<size>[kmgt]`` limit of a normalised rua/ruf URI in octets, or None (RFC 7489 6.2)."""
    size = split_size(uri)[1]
    if size is None:
        return None
    unit = size[-1] if size[-1] in "kmgt" else ""
    if len(size) > 32:  # more octets than any mailbox takes: no limit (and int() refuses 4300+ digits)
        return None
    return int(size.removesuffix(unit)) << (10 * "_kmgt".index(unit) if unit else 0)
