"""One Terraform stack per domain: providers, state backend, zone, and the domain's constructs."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import LocalBackend, S3Backend, TerraformStack
from constructs import Construct

from maildns.aws.base import AwsProvider
from maildns.aws.route53 import DataAwsRoute53Zone
from maildns.config import Config
from maildns.constructs.email_dns import EmailDnsRecords, route53_record
from maildns.constructs.mta_sts_site import MtaStsSite
from maildns.constructs.ses_dkim import SesDkim
from maildns.records import mta_sts, render_records, ses_verification_record


class DomainStack(TerraformStack):
    """Everything one domain's mail needs in Route53, SES (and, with mta_sts, the policy site).

    ``others`` are the configs synthesized alongside, for records one domain publishes on
    behalf of another (DMARC report authorisations).
    """

    def __init__(self, scope: Construct, config: Config, others: Sequence[Config] = ()) -> None:
        super().__init__(scope, config.stack_name)
        self.config = config
        self.default_provider = AwsProvider(self, "aws", region=config.region)
        self._regional: dict[str, AwsProvider] = {}
        self._backend(config)

        if config.zone_id is not None:
            self.zone_id = config.zone_id
        else:
            zone = DataAwsRoute53Zone(self, "zone", name=config.zone or config.domain)
            zone.override_logical_id("zone")
            self.zone_id = zone.zone_id

        self.records = EmailDnsRecords(self, "records", zone_id=self.zone_id, records=render_records(config, others))
        self.ses = [
            SesDkim(
                self,
                f"ses-{region}",
                domain=config.domain,
                region=region,
                zone_id=self.zone_id,
                provider=self.provider_in(region),
                ttl=config.ttl_for("ses_dkim"),
                easy_dkim=config.ses.easy_dkim,
            )
            for region in (config.ses.regions if config.ses else ())
        ]
        if config.ses is not None and not config.ses.easy_dkim:
            tokens = [ses.identity.verification_token for ses in self.ses]
            route53_record(self, self.zone_id, ses_verification_record(config.domain, tokens, config.ttl_for("ses_dkim")))
        # Mode none is served too: withdrawing a policy means publishing one with mode none and
        # a new id until every cached policy has expired (RFC 8461 8.3).
        self.mta_sts = None
        if config.mta_sts is not None:
            self.mta_sts = MtaStsSite(
                self,
                "mta-sts",
                domain=config.domain,
                zone_id=self.zone_id,
                policy=mta_sts.config_policy(config),
                bucket_name=config.mta_sts.bucket or mta_sts.default_bucket(config.domain),
                ttl=config.ttl_for("mta_sts"),
                # CloudFront only takes ACM certificates from us-east-1.
                certificate_provider=self.provider_in("us-east-1"),
            )

    def provider_in(self, region: str) -> AwsProvider:
        """The provider aliased to ``region`` (``aws.us-east-1``), created on first use.

        Resources pinned to a region say so through an alias of that name, even when it equals
        the default region, so the pinning survives a change of the default.
        """
        if region not in self._regional:
            self._regional[region] = AwsProvider(self, f"aws-{region}", region=region, alias=region)
        return self._regional[region]

    def _backend(self, config: Config) -> None:
        backend = config.backend
        if backend is None:
            LocalBackend(self, path=f"terraform.{config.stack_name}.tfstate")
            return
        s3 = S3Backend(
            self,
            bucket=backend.bucket,
            key=backend.key or f"maildns/{config.domain}.tfstate",
            region=backend.region,
            encrypt=True,
            dynamodb_table=backend.dynamodb_table,
        )
        if backend.lockfile:
            # S3 native locking (Terraform 1.10+); cdktf 0.21's S3Backend has no property for it.
            s3.add_override("use_lockfile", True)
