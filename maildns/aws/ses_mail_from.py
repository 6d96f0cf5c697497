"""Amazon SES: the custom MAIL FROM domain of an identity."""

from __future__ import annotations

from typing import Unpack

from maildns.aws.base import AwsResource, Meta
from maildns.cdk import Construct


class SesDomainMailFrom(AwsResource):
    """``resource "aws_ses_domain_mail_from"``: the envelope sender domain SES uses for an identity in one region."""

    TYPE = "aws_ses_domain_mail_from"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        domain: str,
        mail_from_domain: str,
        behavior_on_mx_failure: str | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(scope, id_, meta, domain=domain, mail_from_domain=mail_from_domain, behavior_on_mx_failure=behavior_on_mx_failure)

    @property
    def mail_from_domain(self) -> str:
        return self.get_string_attribute("mail_from_domain")
