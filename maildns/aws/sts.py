"""AWS STS: the account Terraform runs in."""

from __future__ import annotations

from typing import Unpack

from maildns.aws.base import AwsDataSource, Meta
from maildns.cdk import Construct


class DataAwsCallerIdentity(AwsDataSource):
    """``data "aws_caller_identity"``: the account id, for policies scoped to this account."""

    TYPE = "aws_caller_identity"

    def __init__(self, scope: Construct, id_: str, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta)

    @property
    def account_id(self) -> str:
        return self.get_string_attribute("account_id")
