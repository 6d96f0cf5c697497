"""SES Easy DKIM in one region: identity, DKIM tokens, and a CNAME per token."""

from __future__ import annotations

from maildns.cdk import Construct, Fn, TerraformProvider

from maildns.aws.ses import SesDomainDkim, SesDomainIdentity
from maildns.constructs.email_dns import route53_record, terraform_name
from maildns.records import SES_TOKENS, ses_dkim_record


class SesDkim(Construct):
    """``aws_ses_domain_identity`` + ``aws_ses_domain_dkim`` in ``region``, and the three CNAMEs
    ``<token>._domainkey.<domain>`` -> ``<token>.dkim.amazonses.com`` that SES checks.

    @see https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        domain: str,
        region: str,
        zone_id: str,
        provider: TerraformProvider,
        ttl: int,
        easy_dkim: bool = True,
    ) -> None:
        super().__init__(scope, id_)
        self.identity = SesDomainIdentity(self, "identity", domain=domain, provider=provider)
        self.identity.override_logical_id(terraform_name(f"ses-identity-{region}"))
        self.records = []
        if not easy_dkim:
            return
        self.dkim = SesDomainDkim(self, "dkim", domain=self.identity.domain, provider=provider)
        self.dkim.override_logical_id(terraform_name(f"ses-dkim-{region}"))
        for index in range(1, SES_TOKENS + 1):
            # SES always issues exactly three tokens, so a fixed index is stable (no for_each on
            # values unknown until apply, which Terraform refuses).
            token = Fn.element(self.dkim.dkim_tokens, index - 1)
            self.records.append(route53_record(self, zone_id, ses_dkim_record(domain, region, index, token, ttl)))
