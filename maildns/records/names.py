"""Domain name syntax and normalisation shared by every record (RFC 1035, 1123, 5891)."""

from __future__ import annotations

import ipaddress
import re

import idna

from maildns.errors import RuleError

_LDH = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Service labels such as _dmarc, _domainkey or _spf.google.com carry underscores (RFC 8552).
_LDH_UNDERSCORE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
MAX_NAME = 253  # octets of a name in text form, without the trailing dot (RFC 1035 2.3.4)


def to_a_label(label: str) -> str:
    """One label in its ASCII form: IDNs become A-labels (RFC 5891 4.4)."""
    if label.isascii():
        label = label.lower()
        if label.startswith("xn--"):
            # An A-label must decode to a valid U-label (RFC 5891 5.4), or resolvers show garbage.
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                raise RuleError(f"has {label!r}, which is not a valid A-label", "RFC 5891 5.4") from None
        return label
    try:
        return idna.encode(label, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise RuleError(f"is not a valid internationalised label ({exc})", "RFC 5891") from None


def is_ip_like(value: str) -> bool:
    """An IP address as people write one: bare, with a trailing dot, or as an address literal
    (``[192.0.2.1]``, ``[IPv6:2001:db8::1]``, RFC 5321 4.1.3)."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        return True
    try:
        ipaddress.ip_address(text.rstrip("."))
    except ValueError:
        return False
    return True


def domain_name(value: object, *, underscore: bool = False, wildcard: bool = False, min_labels: int = 2, top_level: bool = True) -> str:
    """Validate and normalise a domain name: lower case, no trailing dot, A-labels.

    Labels are 1-63 octets and the name at most 253 (RFC 1035 2.3.4); labels are
    letters, digits and inner hyphens (RFC 1123 2.1), with underscores where ``underscore``
    allows service labels, and a left-most ``*`` where ``wildcard`` allows it. ``top_level``
    names end in a top-level label, which is never all digits (RFC 1123 2.1); a DKIM selector
    is only the left part of a name and may be (RFC 6376 3.1).
    """
    if not isinstance(value, str):
        raise RuleError("must be a domain name", "RFC 1035 2.3.1")
    if is_ip_like(value):
        raise RuleError("must be a domain name: an IP address is not allowed here", "RFC 1123 2.1")
    # Only one trailing dot is the root's; a.gov.. has an empty label (RFC 1035 2.3.4), refused below.
    name = value.strip()
    name = name[:-1] if name.endswith(".") and name != "." else name
    if not name or name == ".":
        raise RuleError("must be a domain name", "RFC 1035 2.3.1")
    labels = [to_a_label(label) for label in name.split(".")]
    name = ".".join(labels)
    if len(name) > MAX_NAME:
        raise RuleError(f"is {len(name)} octets; a name is at most {MAX_NAME}", "RFC 1035 2.3.4")
    if len(labels) < min_labels:
        raise RuleError(f"must have at least {min_labels} labels", "RFC 1035 2.3.1")
    pattern = _LDH_UNDERSCORE if underscore else _LDH
    for i, label in enumerate(labels):
        if wildcard and i == 0 and label == "*":
            continue
        if not label:
            raise RuleError("has an empty label", "RFC 1035 2.3.4")
        if len(label) > 63:
            raise RuleError(f"has a label of {len(label)} octets; a label is at most 63", "RFC 1035 2.3.4")
        if label == "*":
            raise RuleError("may only have * as its whole left-most label", "RFC 8461 4.1" if wildcard else "RFC 1035 2.3.1")
        if not pattern.match(label):
            allowed = "letters, digits, hyphens and underscores" if underscore else "letters, digits and hyphens"
            raise RuleError(
                f"has label {label!r}: labels are {allowed}, not starting or ending with a hyphen",
                "RFC 1123 2.1",
            )
    if top_level and labels[-1].isdigit():
        raise RuleError("must not end in an all-numeric label", "RFC 1123 2.1")
    return name


def host_name(value: object) -> str:
    """A host name that mail is delivered to: never an IP address (RFC 5321 2.3.5)."""
    if isinstance(value, str) and is_ip_like(value):
        raise RuleError("must be a host name: an IP address is not allowed here", "RFC 5321 2.3.5")
    return domain_name(value)


def is_subdomain(name: str, parent: str) -> bool:
    """True when ``name`` is ``parent`` or below it."""
    return name == parent or name.endswith("." + parent)
