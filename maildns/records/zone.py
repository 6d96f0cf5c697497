"""Records as a BIND zone-file fragment (RFC 1035 5.1): absolute names, TXT as quoted strings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from maildns.records.txt import MAX_STRING

if TYPE_CHECKING:
    from maildns.records import Record


def absolute(name: str) -> str:
    """``example.gov`` -> ``example.gov.``; the root stays ``.``."""
    return name.rstrip(".") + "."


def quoted_strings(value: str) -> str:
    """A TXT value as zone-file character-strings of at most 255 octets each (RFC 1035 3.3.14,
    5.1), ``"`` and ``\\`` escaped; receivers join them without spaces (RFC 7208 3.3)."""
    data = value.encode("ascii")
    pieces = [data[i : i + MAX_STRING] for i in range(0, len(data), MAX_STRING)] or [b""]
    return " ".join('"' + p.decode("ascii").replace("\\", "\\\\").replace('"', '\\"') + '"' for p in pieces)


def rdata(type_: str, value: str) -> str:
    """One value in zone-file syntax: host names absolute, TXT quoted."""
    if type_ == "TXT":
        return quoted_strings(value)
    if type_ == "MX":
        preference, host = value.split(" ", 1)
        return f"{preference} {absolute(host)}"
    if type_ in ("CNAME", "NS"):
        return absolute(value)
    return value


def render_zone(records: Iterable[Record]) -> str:
    """One line per value, ``<name>. <ttl> IN <type> <rdata>``. A record whose name or value is
    known only after apply is a comment, so the fragment still loads into any server."""
    lines = []
    for record in records:
        for value in record.values:
            line = f"{absolute(record.name)} {record.ttl} IN {record.type} {rdata(record.type, value)}"
            lines.append(f"; {line}  (known after apply)" if record.computed else line)
    return "".join(line + "\n" for line in lines)
