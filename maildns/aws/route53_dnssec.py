"""Route53 DNSSEC: a zone's key-signing key and its signing status."""

from __future__ import annotations

from typing import Unpack

from maildns.aws.base import AwsResource, Meta
from maildns.cdk import Construct


class Route53KeySigningKey(AwsResource):
    """``resource "aws_route53_key_signing_key"``: a KSK of one hosted zone, backed by a KMS key in us-east-1."""

    TYPE = "aws_route53_key_signing_key"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        hosted_zone_id: str,
        key_management_service_arn: str,
        name: str,
        status: str | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            hosted_zone_id=hosted_zone_id,
            key_management_service_arn=key_management_service_arn,
            name=name,
            status=status,
        )

    @property
    def hosted_zone_id(self) -> str:
        return self.get_string_attribute("hosted_zone_id")

    @property
    def ds_record(self) -> str:
        """The DS record the parent zone publishes: ``<key tag> <algorithm> <digest type> <digest>``."""
        return self.get_string_attribute("ds_record")

    @property
    def dnskey_record(self) -> str:
        return self.get_string_attribute("dnskey_record")

    @property
    def key_tag(self) -> float:
        return self.get_number_attribute("key_tag")


class Route53HostedZoneDnssec(AwsResource):
    """``resource "aws_route53_hosted_zone_dnssec"``: whether Route53 signs the zone."""

    TYPE = "aws_route53_hosted_zone_dnssec"

    def __init__(self, scope: Construct, id_: str, *, hosted_zone_id: str, signing_status: str | None = None, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, hosted_zone_id=hosted_zone_id, signing_status=signing_status)
