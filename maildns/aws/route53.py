"""Route53: the hosted zone lookup and record sets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict, Unpack

from maildns.aws.base import AwsDataSource, AwsResource, Meta
from maildns.cdk import Construct


class DataAwsRoute53Zone(AwsDataSource):
    """``data "aws_route53_zone"``: find a public hosted zone by name."""

    TYPE = "aws_route53_zone"

    def __init__(self, scope: Construct, id_: str, *, name: str, private_zone: bool | None = None, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, name=name, private_zone=private_zone)

    @property
    def zone_id(self) -> str:
        return self.string_attribute("zone_id")


def import_id(zone_id: str, name: str, type_: str) -> str:
    """The id ``terraform import`` (and an import block) takes for a record set: ``<zone id>_<name>_<type>``.

    The provider splits the id at ``_`` and takes the first part that is a record type as the
    type, so names with underscores (``_dmarc.example.gov`` gives ``Z123__dmarc.example.gov_TXT``)
    come back whole; the name is lower case, as the provider stores it.
    @see terraform-provider-aws internal/service/route53/record.go (recordParseResourceID, createRecordImportID)
    """
    return f"{zone_id}_{name.lower()}_{type_}"


class Route53RecordAlias(TypedDict):
    """The ``alias`` block: the record answers with the target's addresses."""

    name: str
    zone_id: str
    evaluate_target_health: bool


class Route53Record(AwsResource):
    """``resource "aws_route53_record"``: one record set (name + type)."""

    TYPE = "aws_route53_record"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        zone_id: str,
        name: str,
        type: str,
        ttl: int | None = None,
        records: Sequence[str] | None = None,
        alias: Route53RecordAlias | None = None,
        allow_overwrite: bool | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            zone_id=zone_id,
            name=name,
            type=type,
            ttl=ttl,
            records=list(records) if records is not None else None,
            alias=alias,
            allow_overwrite=allow_overwrite,
        )

    @property
    def fqdn(self) -> str:
        return self.string_attribute("fqdn")
