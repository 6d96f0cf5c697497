"""DNSSEC delegation: the DS record a signed zone's parent publishes (RFC 4034 5, RFC 4035 2.4)."""

from __future__ import annotations

from collections.abc import Iterable

from maildns.records import Record
from maildns.records.names import is_subdomain

# Name of the key-signing key in its hosted zone (Route53 CreateKeySigningKey: 3-128 letters,
# digits and underscores, unique in the zone). One KSK per zone, so one fixed name.
KSK_NAME = "maildns"


def ds_record_id(child: str) -> str:
    """``dnssec-ds-<child with dots as hyphens>``: the DS record's stable Terraform name in the parent's stack."""
    return f"dnssec-ds-{child.replace('.', '-')}"


def ds_placeholder(child: str) -> str:
    """What ``maildns records`` shows for a DS value that exists only once the child's key is created."""
    return f"<ds-record-of-{child}>"


def ds_record(child: str, ttl: int) -> Record:
    """The DS record set at ``child`` in its parent's zone; the value is known only after apply."""
    return Record(ds_record_id(child), child, "DS", ttl, (ds_placeholder(child),), computed=True)


def parent_zone(child: str, zones: Iterable[str]) -> str | None:
    """The closest of ``zones`` strictly above ``child``: the zone that holds its delegation and so its DS."""
    above = [zone for zone in zones if zone != child and is_subdomain(child, zone)]
    return max(above, key=len) if above else None
