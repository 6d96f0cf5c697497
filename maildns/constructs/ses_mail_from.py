"""SES custom MAIL FROM in one region: the identity's MAIL FROM domain, after its MX exists."""

from __future__ import annotations

from collections.abc import Sequence

from maildns.aws.base import AwsProvider, AwsResource
from maildns.aws.ses_mail_from import SesDomainMailFrom
from maildns.cdk import Construct
from maildns.constructs.email_dns import terraform_name
from maildns.records.mail_from import ON_MX_FAILURE


class SesMailFrom(Construct):
    """``aws_ses_domain_mail_from`` for the identity ``domain`` in the region of ``provider``.

    SES verifies the MAIL FROM domain by its MX record (``10 feedback-smtp.<region>.amazonses.com``)
    and uses it only once found; ``records`` (that MX and the SPF TXT) are created first so the first
    check succeeds. Until then, and whenever the MX goes missing, SES sends with its own domain
    (UseDefaultValue) instead of refusing mail.

    @see https://docs.aws.amazon.com/ses/latest/dg/mail-from.html
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        domain: str,
        region: str,
        mail_from_domain: str,
        provider: AwsProvider,
        records: Sequence[AwsResource],
    ) -> None:
        super().__init__(scope, id_)
        self.mail_from = SesDomainMailFrom(
            self,
            "mail-from",
            domain=domain,
            mail_from_domain=mail_from_domain,
            behavior_on_mx_failure=ON_MX_FAILURE,
            provider=provider,
            depends_on=list(records),
        )
        # The logical name is a public contract: renaming it makes Terraform replace the setting.
        self.mail_from.override_logical_id(terraform_name(f"ses-mail-from-{region}"))
