"""SES Easy DKIM in one region: identity (created, or looked up), DKIM tokens, and a CNAME per token."""

from __future__ import annotations

from collections.abc import Callable

from maildns.aws.base import AwsProvider
from maildns.aws.route53 import Route53Record
from maildns.aws.ses import DataAwsSesv2EmailIdentity, SesDomainDkim, SesDomainIdentity
from maildns.cdk import Construct, Fn, TerraformResourceLifecycle
from maildns.constructs.email_dns import route53_record, terraform_name
from maildns.records import SES_TOKENS, ses_dkim_record


class SesDkim(Construct):
    """The three CNAMEs ``<token>._domainkey.<domain>`` -> ``<token>.dkim.amazonses.com`` that SES
    checks, for the identity in ``region``.

    ``managed``: ``aws_ses_domain_identity`` + ``aws_ses_domain_dkim`` are created here, and a
    destroy is refused (``prevent_destroy``): deleting the identity stops all sending at once.
    Otherwise the identity belongs to someone else (another Terraform state, the console) and
    ``data "aws_sesv2_email_identity"`` reads its tokens; this stack never creates nor destroys it,
    and ``forgotten`` lists the managed addresses a switch from ``managed`` removes from state.

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
        provider: AwsProvider,
        ttl: int,
        easy_dkim: bool = True,
        managed: bool = True,
    ) -> None:
        super().__init__(scope, id_)
        self.records: list[Route53Record] = []
        self.identity: SesDomainIdentity | None = None
        self.existing: DataAwsSesv2EmailIdentity | None = None
        # The addresses a managed identity has, which an existing one lets go of without a destroy.
        self.forgotten: tuple[str, ...] = ()
        token_at: Callable[[int], str]
        if managed:
            self.identity = SesDomainIdentity(
                self, "identity", domain=domain, provider=provider, lifecycle=TerraformResourceLifecycle(prevent_destroy=True)
            )
            self.identity.override_logical_id(terraform_name(f"ses-identity-{region}"))
            if not easy_dkim:
                return
            self.dkim = SesDomainDkim(self, "dkim", domain=self.identity.domain, provider=provider)
            self.dkim.override_logical_id(terraform_name(f"ses-dkim-{region}"))
            token_at = self.dkim.dkim_token  # written as text: no call into Node.js per token
        else:
            self.existing = DataAwsSesv2EmailIdentity(self, "identity", email_identity=domain, provider=provider)
            self.existing.override_logical_id(terraform_name(f"ses-identity-{region}"))
            # A handover from managed: Terraform drops the identity and its DKIM from state and leaves
            # them live; for an address not in state the removed block does nothing.
            self.forgotten = (
                f"{SesDomainIdentity.TYPE}.{terraform_name(f'ses-identity-{region}')}",
                f"{SesDomainDkim.TYPE}.{terraform_name(f'ses-dkim-{region}')}",
            )
            tokens = self.existing.dkim_signing_attributes.get(0).tokens
            token_at = lambda index: Fn.element(tokens, index)  # noqa: E731
        for index in range(1, SES_TOKENS + 1):
            # SES always issues exactly three tokens, so a fixed index is stable (no for_each on
            # values unknown until apply, which Terraform refuses).
            token = token_at(index - 1)
            # The name exists only once SES has issued the token, and the value is a function of
            # the name: an existing CNAME there already holds this value, so an upsert is safe.
            self.records.append(route53_record(self, zone_id, ses_dkim_record(domain, region, index, token, ttl), allow_overwrite=True))
