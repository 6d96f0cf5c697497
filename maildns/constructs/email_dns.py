"""Route53 record sets for every record whose value maildns renders itself."""

from __future__ import annotations

from collections.abc import Sequence

from maildns.aws.route53 import Route53Record
from maildns.cdk import Construct
from maildns.records import Record
from maildns.records.txt import split_txt


def terraform_name(record_id: str) -> str:
    """Terraform logical name of a record: its stable id in snake case (``dkim-google`` -> ``dkim_google``)."""
    return record_id.replace("-", "_").replace(".", "_")


def route53_record(scope: Construct, zone_id: str, record: Record, *, allow_overwrite: bool | None = None) -> Route53Record:
    """One ``aws_route53_record`` named after the record id; long TXT values split for Route53.

    ``allow_overwrite`` makes the first apply an UPSERT instead of a CREATE, which Route53 refuses
    for a name and type that exist; only for values that cannot differ from what is there.
    """
    values = [split_txt(v) for v in record.values] if record.type == "TXT" else list(record.values)
    resource = Route53Record(
        scope,
        record.id,
        zone_id=zone_id,
        name=record.name,
        type=record.type,
        ttl=record.ttl,
        records=values,
        allow_overwrite=allow_overwrite,
    )
    # The logical name is a public contract: renaming it makes Terraform replace the record.
    resource.override_logical_id(terraform_name(record.id))
    return resource


class EmailDnsRecords(Construct):
    """MX, SPF, DKIM, DMARC and TLS-RPT record sets in one hosted zone."""

    def __init__(self, scope: Construct, id_: str, *, zone_id: str, records: Sequence[Record]) -> None:
        super().__init__(scope, id_)
        self.records = {record.id: route53_record(self, zone_id, record) for record in records}
