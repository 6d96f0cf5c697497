"""AWS KMS: the customer-managed key Route53 signs a zone with."""

from __future__ import annotations

from typing import Unpack

from maildns.aws.base import AwsResource, Meta
from maildns.cdk import Construct


class KmsKey(AwsResource):
    """``resource "aws_kms_key"``: a customer-managed key with its key policy."""

    TYPE = "aws_kms_key"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        description: str | None = None,
        customer_master_key_spec: str | None = None,
        key_usage: str | None = None,
        policy: str | None = None,
        deletion_window_in_days: int | None = None,
        enable_key_rotation: bool | None = None,
        is_enabled: bool | None = None,
        tags: dict[str, str] | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            customer_master_key_spec=customer_master_key_spec,
            deletion_window_in_days=deletion_window_in_days,
            description=description,
            enable_key_rotation=enable_key_rotation,
            is_enabled=is_enabled,
            key_usage=key_usage,
            policy=policy,
            tags=tags,
        )

    @property
    def arn(self) -> str:
        return self.get_string_attribute("arn")

    @property
    def key_id(self) -> str:
        return self.get_string_attribute("key_id")
