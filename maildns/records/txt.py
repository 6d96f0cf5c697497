"""TXT values in the form Route53 takes through the Terraform AWS provider.

A DNS TXT character-string holds at most 255 octets (RFC 1035 3.3, RFC 7208 3.3); longer
values are several strings that receivers concatenate without spaces. The provider wraps each
element of ``aws_route53_record.records`` in double quotes unless it already starts with one,
so one element holding ``<255 octets>""<rest>`` becomes the strings ``"<255 octets>" "<rest>"``
(terraform-provider-aws issue 14941).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from maildns.errors import RuleError

MAX_STRING = 255
_SEPARATOR = '""'


def split_txt(value: str) -> str:
    """The Route53 element for ``value``: pieces of at most 255 octets joined by ``""``.

    @see RFC 1035 3.3.14; terraform-provider-aws issue 14941.
    """
    data = value.encode("ascii")  # TXT values maildns renders are ASCII; anything else is a bug
    if len(data) <= MAX_STRING:
        return value
    return _SEPARATOR.join(value[i : i + MAX_STRING] for i in range(0, len(value), MAX_STRING))


def character_strings(element: str) -> list[str]:
    """The DNS character-strings Route53 publishes for one provider element (the inverse).

    Mirrors the provider: wrap in quotes unless quoted already, then read zone-file quoted
    strings. Used by tests and by ``maildns diff`` to show what resolvers will see.
    """
    text = element if element.startswith('"') else f'"{element}"'
    strings: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != '"':
            raise ValueError(f"unquoted text at {i} in {element!r}")
        end = text.index('"', i + 1)
        strings.append(text[i + 1 : end])
        i = end + 1
    return strings


def parse_txt_value(value: object) -> str:
    """A TXT value maildns publishes as given: printable ASCII without quotes or backslashes,
    because Route53 wraps each value in quotes itself and either would change it."""
    if not isinstance(value, str) or not value or not value.isascii() or re.search(r'["\\\x00-\x1f\x7f]', value):
        raise RuleError("must be printable ASCII text without quotes or backslashes", "RFC 1035 3.3.14")
    return value


def answer_text(strings: Iterable[bytes]) -> str:
    """One TXT answer as text: its character-strings concatenated without spaces (RFC 7208 3.3,
    RFC 6376 3.6.2.2). A non-ASCII octet shows as ``\\xNN``, so it is visible and never equal
    to anything maildns renders."""
    return b"".join(strings).decode("ascii", errors="backslashreplace")
