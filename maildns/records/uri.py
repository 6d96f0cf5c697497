"""Report URIs of DMARC (RFC 7489 6.2, 6.4) and TLS-RPT (RFC 8460 3)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from maildns.errors import RuleError
from maildns.records.names import domain_name, is_ip_like

# RFC 5322 dot-atom local part, plus percent-encoded octets as URIs carry them (RFC 6068 2).
_LOCAL = re.compile(r"^(?:[A-Za-z0-9!#$&'*+/=?^_`{|}~-]|%[0-9A-Fa-f]{2})+(?:\.(?:[A-Za-z0-9!#$&'*+/=?^_`{|}~-]|%[0-9A-Fa-f]{2})+)*$")
_SIZE = re.compile(r"^[0-9]+[kmgt]?$")
# Characters that delimit the record itself and so must be percent-encoded inside a URI.
_DMARC_RESERVED = ",!;"
_TLSRPT_RESERVED = ",!;"
# Allowed in a dot-atom but not as themselves in a mailto: URI, where parsers read them as
# delimiters (# and ?) or refuse them (RFC 6068 2: the local part is qchar; RFC 3986 2).
_URI_UNSAFE = "#?{}|^`"
# What may follow the authority of an https URI, as themselves: unreserved, sub-delims, ":", "@",
# "/", "?" and one "#" (RFC 3986 3.3-3.5); anything else, the quote and backslash a TXT value
# cannot carry included, must be percent-encoded (RFC 3986 2.1).
_URI_TAIL_CHAR = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/?#%-]")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def mailto(value: str, rule: str, reserved: str) -> tuple[str, str]:
    """Validate ``mailto:local@domain``; return it normalised and the domain."""
    scheme, _, address = value.partition(":")
    if scheme.lower() != "mailto" or not address:
        raise RuleError("must be a mailto: URI such as mailto:dmarc@example.org", rule)
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise RuleError("must be mailto:<local>@<domain>", rule)
    for char in reserved:
        if char in local:
            raise RuleError(f"has {char!r} in the address; percent-encode it as %{ord(char):02X}", rule)
    for char in _URI_UNSAFE:
        if char in local:
            raise RuleError(f"has {char!r} in the address; percent-encode it as %{ord(char):02X}", "RFC 6068 2")
    if not _LOCAL.match(local):
        raise RuleError(f"has an invalid local part {local!r}", "RFC 5322 3.4.1")
    if is_ip_like(domain):
        # A report domain must be a name: reports to another domain need its DNS authorisation
        # (RFC 7489 7.1), and an address literal has no DNS of its own.
        raise RuleError("has an IP address as its domain: an IP address is not allowed here", rule)
    try:
        domain = domain_name(domain)
    except RuleError as exc:
        raise RuleError(f"has a domain that {exc.message}", exc.rule) from None
    return f"mailto:{local}@{domain}", domain


def split_size(uri: str) -> tuple[str, str | None]:
    """A DMARC report URI and its ``!<size>[kmgt]`` limit (RFC 7489 6.2): the last ``!`` after
    the address's ``@``, followed by digits and an optional unit; (uri, None) without one."""
    at = uri.rfind("@")
    bang = uri.rfind("!", at + 1) if at >= 0 else -1
    if bang < 0 or not _SIZE.match(uri[bang + 1 :].lower()):
        return uri, None
    return uri[:bang], uri[bang + 1 :]


def dmarc_uri(value: object) -> str:
    """A DMARC ``rua``/``ruf`` URI: ``mailto:`` with an optional ``!<size>[kmgt]`` limit (RFC 7489 6.2)."""
    if not isinstance(value, str) or not value.strip():
        raise RuleError("must be a mailto: URI such as mailto:dmarc@example.org", "RFC 7489 6.2")
    # The size suffix follows the address: a "!" in the local part is refused by mailto().
    text = value.strip()
    uri, size = split_size(text)
    at = text.rfind("@")
    if size is None and at >= 0 and "!" in text[at + 1 :]:
        raise RuleError("has a size limit that is not <digits>[k|m|g|t]", "RFC 7489 6.2")
    normalised, _ = mailto(uri, "RFC 7489 6.2", _DMARC_RESERVED)
    return normalised + (f"!{size.lower()}" if size is not None else "")


def uri_address(uri: str) -> str:
    """A DMARC URI without its ``!<size>`` suffix (RFC 7489 6.2)."""
    return split_size(uri)[0]


def uri_domain(uri: str) -> str:
    """The domain part of a normalised ``mailto:`` URI (without any size suffix)."""
    return uri_address(uri).rpartition("@")[2]


def tlsrpt_uri(value: object) -> str:
    """A TLS-RPT ``rua`` URI: ``mailto:`` or ``https:``, no size suffix (RFC 8460 3)."""
    if not isinstance(value, str) or not value.strip():
        raise RuleError("must be a mailto: or https: URI", "RFC 8460 3")
    text = value.strip()
    scheme = text.partition(":")[0].lower()
    if scheme == "mailto":
        if "!" in text:
            raise RuleError("has '!': TLS-RPT URIs take no size limit; percent-encode it as %21", "RFC 8460 3")
        return mailto(text, "RFC 8460 3", _TLSRPT_RESERVED)[0]
    if scheme == "https":
        for char in _TLSRPT_RESERVED:
            if char in text:
                raise RuleError(f"has {char!r}; percent-encode it as %{ord(char):02X}", "RFC 8460 3")
        if re.search(r"\s", text):
            raise RuleError("must not contain white space", "RFC 3986 2")
        parts = urlsplit(text)
        if not parts.hostname or parts.username is not None or parts.password is not None:
            raise RuleError("must name a host: https://<host>/<path>", "RFC 8460 3")
        tail = text[len(parts.scheme) + 3 + len(parts.netloc) :]
        if not tail.isascii():
            raise RuleError("has non-ASCII characters; percent-encode them", "RFC 3986 2.1")
        for char in tail:
            if not _URI_TAIL_CHAR.match(char):
                raise RuleError(f"has {char!r}; percent-encode it as %{ord(char):02X}", "RFC 3986 2.1")
        if tail.count("#") > 1:
            raise RuleError("has '#' twice; percent-encode the second as %23", "RFC 3986 3.5")
        if _PERCENT.search(text):
            raise RuleError("has a '%' that is not followed by two hex digits; write a percent sign as %25", "RFC 3986 2.1")
        host = _uri_host(parts.hostname, parts.netloc)
        try:
            port = parts.port
        except ValueError:
            raise RuleError("has a port that is not 1-65535", "RFC 3986 3.2.3") from None
        if port == 0:
            raise RuleError("has a port that is not 1-65535", "RFC 3986 3.2.3")
        # The host as an A-label (RFC 5891 4.4); the rest of a URI is ASCII (RFC 3986 2).
        netloc = host if port is None else f"{host}:{port}"
        return parts._replace(scheme="https", netloc=netloc).geturl()
    raise RuleError("must be a mailto: or https: URI", "RFC 8460 3")


def _uri_host(hostname: str, netloc: str) -> str:
    """The host of an https URI: a domain name, or an IP address, which RFC 3986 3.2.2 allows
    (an IPv6 address in brackets, without a zone id)."""
    if "[" in netloc or re.fullmatch(r"[0-9.]+", hostname):
        try:
            ip = ipaddress.ip_address(hostname)
        except ValueError:
            raise RuleError("has a host that is not an IP address nor a domain name", "RFC 3986 3.2.2") from None
        if ip.version == 6:
            if "%" in hostname:
                raise RuleError("has an IPv6 host with a zone id, which a URI cannot carry", "RFC 3986 3.2.2")
            return f"[{ip}]"
        return str(ip)
    try:
        return domain_name(hostname)
    except RuleError as exc:
        raise RuleError(f"has a host that {exc.message}", exc.rule) from None
