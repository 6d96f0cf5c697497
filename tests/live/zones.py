"""Zones for tests that read DNS: the records a test publishes, served by NSD on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pytest

from maildns.records import Record
from maildns.records.txt import character_strings, split_txt
from tests.live.nsd import Nsd, free_port, loopback_addresses, zone_text


@dataclass
class Zone:
    """What the test DNS server publishes for ``origin``: (name, type) -> (values, TTL), values
    written as ``maildns records`` shows them (TXT whole, MX ``<preference> <host>``)."""

    origin: str
    rrs: dict[tuple[str, str], tuple[list[str], int]] = field(default_factory=dict)

    @classmethod
    def published(cls, origin: str, records: Iterable[Record]) -> Zone:
        """A zone publishing ``records`` as a deploy would, less those known only after apply."""
        zone = cls(origin)
        for record in records:
            for value in () if record.computed else record.values:
                zone.add(record.name, record.type, value, record.ttl)
        return zone

    def add(self, name: str, type_: str, value: str, ttl: int = 300) -> None:
        self.rrs.setdefault((name.lower(), type_), ([], ttl))[0].append(value)

    def body(self) -> str:
        """The records in zone-file form; TXT split into 255-octet strings as Route53 publishes them."""
        lines = []
        for (name, type_), (values, ttl) in self.rrs.items():
            for value in values:
                if type_ == "TXT":
                    data = " ".join(f'"{s}"' for s in character_strings(split_txt(value)))
                elif type_ == "MX":
                    preference, host = value.split(" ", 1)
                    data = f"{preference} {host.rstrip('.')}." if host != "." else f"{preference} ."
                elif type_ == "CNAME":
                    data = value.rstrip(".") + "."
                else:
                    data = value
                lines.append(f"{name}. {ttl} IN {type_} {data}\n")
        return "".join(lines)


def served(zone: Zone) -> dict[tuple[str, str], tuple[tuple[str, ...], int]]:
    """What the test DNS server publishes: (name, type) -> (sorted values, TTL); TXT strings joined."""
    return {key: (tuple(sorted(values)), ttl) for key, (values, ttl) in zone.rrs.items()}


def serve_zones(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Zone], str]]:
    """Serve a Zone with NSD on a loopback address and a free port; every server started is
    stopped afterwards, by its process."""
    started: list[Nsd] = []

    def serve(zone: Zone) -> str:
        (address,) = loopback_addresses(1)
        port = free_port([address])
        text = zone_text(zone.origin, {f"ns1.{zone.origin}": address}, zone.body())
        server = Nsd(tmp_path_factory.mktemp("nsd"), address, port, {zone.origin: text})
        started.append(server)
        server.start()
        return f"{address}:{port}"

    yield serve
    for server in started:
        server.stop()
