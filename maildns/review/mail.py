"""The mail view of one stack: its record sets as resolvers see them, and its MTA-STS policy file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from maildns.records.mta_sts import POLICY_PATH
from maildns.review.blocks import values


@dataclass(frozen=True)
class RecordSet:
    """One name and type as resolvers see it."""

    name: str
    type: str
    ttl: str | None
    values: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    """The MTA-STS policy file (RFC 8461 3.2) as the S3 object holds it."""

    text: str
    mode: str | None
    max_age: int | None
    mx: tuple[str, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(line for line in self.text.replace("\r\n", "\n").split("\n") if line)


@dataclass(frozen=True)
class Mail:
    """What one stack publishes for email: its record sets and its MTA-STS policy."""

    domain: str
    records: dict[tuple[str, str], RecordSet]
    policy: Policy | None


def mail(stack: str, doc: Mapping[str, Any]) -> Mail:
    resources = doc.get("resource", {})
    records: dict[tuple[str, str], RecordSet] = {}
    for body in resources.get("aws_route53_record", {}).values():
        name, type_ = str(body.get("name", "")).rstrip("."), str(body.get("type", ""))
        key = (name.lower(), type_)
        earlier = records.get(key)
        ttl = None if body.get("ttl") is None else str(body["ttl"])
        found = (earlier.values if earlier else ()) + tuple(values(body))
        records[key] = RecordSet(name, type_, ttl, found)
    policy = None
    for body in resources.get("aws_s3_object", {}).values():
        if str(body.get("key", "")).lstrip("/") == POLICY_PATH and isinstance(body.get("content"), str):
            policy = _policy(body["content"])
    return Mail(_domain(stack, doc, records), records, policy)


def _domain(stack: str, doc: Mapping[str, Any], records: Mapping[tuple[str, str], RecordSet]) -> str:
    """The mail domain of a stack: where its DMARC record sits, else its zone, else the stack name."""
    for name, type_ in records:
        if type_ == "TXT" and name.startswith("_dmarc."):
            return name.removeprefix("_dmarc.")
    for body in doc.get("data", {}).get("aws_route53_zone", {}).values():
        if isinstance(body.get("name"), str):
            return str(body["name"]).rstrip(".")
    return stack


def number(text: str) -> int | None:
    """A whole number written in ASCII digits (RFC 5234 DIGIT), None for anything else or one too long to matter."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _policy(text: str) -> Policy:
    fields: dict[str, list[str]] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        key, colon, value = line.partition(":")
        if colon:
            fields.setdefault(key.strip(), []).append(value.strip())
    max_age = fields.get("max_age", [""])[0]
    return Policy(text, fields.get("mode", [None])[0], number(max_age), tuple(fields.get("mx", [])))


def tags(value: str) -> dict[str, str]:
    """``k=v; k=v`` (DMARC, TLS-RPT, MTA-STS TXT, DKIM): the first of each tag, as receivers read it."""
    found: dict[str, str] = {}
    for part in value.split(";"):
        key, eq, tag_value = part.partition("=")
        if eq:
            found.setdefault(key.strip().lower(), tag_value.strip())
    return found


def find(view: Mail, prefix: str, name: str | None = None) -> str | None:
    """The TXT value at ``name`` (default: the domain) that starts with ``prefix``."""
    rs = view.records.get(((name or view.domain).lower(), "TXT"))
    for value in rs.values if rs else ():
        if value.lower().startswith(prefix.lower()):
            return value
    return None


def uris(value: str | None) -> set[str]:
    """Report URIs of a ``rua``/``ruf`` tag, without the ``!size`` suffix (RFC 7489 6.2)."""
    if not value:
        return set()
    return {re.sub(r"![0-9]+[kmgt]?$", "", u.strip(), flags=re.IGNORECASE) for u in value.split(",") if u.strip()}


def mx_hosts(view: Mail) -> set[str]:
    rs = view.records.get((view.domain.lower(), "MX"))
    return {v.split()[-1].lower().rstrip(".") for v in rs.values if v.split()} if rs else set()


@dataclass(frozen=True)
class View:
    """One side of a stack's change: its mail view and its Terraform JSON (empty when absent)."""

    stack: str
    mail: Mail
    doc: Mapping[str, Any]

    @property
    def resources(self) -> Mapping[str, Any]:
        resources: Mapping[str, Any] = self.doc.get("resource", {})
        return resources
