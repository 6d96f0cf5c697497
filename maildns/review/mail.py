"""The mail view of one stack: its record sets as resolvers see them, and its MTA-STS policy file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from maildns.records.dmarc import dmarc_domain, report_uris
from maildns.records.mta_sts import POLICY_PATH, Policy, parse_policy
from maildns.records.mx import NULL_MX_HOST, parse_mx
from maildns.records.uri import split_size
from maildns.review.blocks import hosts, readable, values
from maildns.review.planned import Planned


@dataclass(frozen=True)
class RecordSet:
    """One name and type as resolvers see it."""

    name: str
    type: str
    ttl: str | None
    values: tuple[str, ...]


@dataclass(frozen=True)
class Mail:
    """What one stack publishes for email: its record sets and its MTA-STS policy."""

    domain: str
    records: dict[tuple[str, str], RecordSet]
    policy: Policy | None


def mail(stack: str, doc: Mapping[str, Any]) -> Mail:
    resources = doc.get("resource", {})
    records: dict[tuple[str, str], RecordSet] = {}
    certs = hosts(doc)
    for body in resources.get("aws_route53_record", {}).values():
        name, type_ = readable(str(body.get("name", "")), certs).rstrip("."), readable(str(body.get("type", "")), certs)
        key = (name.lower(), type_)
        earlier = records.get(key)
        ttl = None if body.get("ttl") is None else str(body["ttl"])
        found = (earlier.values if earlier else ()) + tuple(values(body, certs))
        records[key] = RecordSet(name, type_, ttl, found)
    policy = None
    for body in resources.get("aws_s3_object", {}).values():
        if str(body.get("key", "")).lstrip("/") == POLICY_PATH and isinstance(body.get("content"), str):
            policy = parse_policy(body["content"])
    return Mail(_domain(stack, doc, records), records, policy)


def _domain(stack: str, doc: Mapping[str, Any], records: Mapping[tuple[str, str], RecordSet]) -> str:
    """The mail domain of a stack: where its DMARC record sits, else its zone, else the stack name."""
    for name, type_ in records:
        if type_ in ("TXT", "CNAME") and (domain := dmarc_domain(name)) is not None:
            return domain
    for body in doc.get("data", {}).get("aws_route53_zone", {}).values():
        if isinstance(body.get("name"), str):
            return str(body["name"]).rstrip(".")
    return stack


def find(view: Mail, kind: Callable[[str], bool], name: str | None = None) -> str | None:
    """The TXT value at ``name`` (default: the domain) that ``kind`` recognises."""
    rs = view.records.get(((name or view.domain).lower(), "TXT"))
    for value in rs.values if rs else ():
        if kind(value):
            return value
    return None


def uris(value: str | None) -> set[str]:
    """Report URIs of a ``rua``/``ruf`` tag, without the ``!size`` suffix (RFC 7489 6.2)."""
    return {split_size(uri)[0] for uri in report_uris(value)}


def mx_hosts(view: Mail) -> set[str]:
    rs = view.records.get((view.domain.lower(), "MX"))
    parsed = [parse_mx(v) for v in rs.values] if rs else []
    return {mx[1] for mx in parsed if isinstance(mx, tuple) and mx[1] != NULL_MX_HOST}


@dataclass(frozen=True)
class View:
    """One side of a stack's change: its mail view and its Terraform JSON (empty when absent)."""

    stack: str
    mail: Mail
    doc: Mapping[str, Any]
    plan: tuple[Planned, ...] = ()  # what Terraform will do to this stack (the new side only)

    @property
    def resources(self) -> Mapping[str, Any]:
        resources: Mapping[str, Any] = self.doc.get("resource", {})
        return resources
