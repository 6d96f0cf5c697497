"""One Terraform stack per domain: providers, state backend, zone, and the domain's constructs;
and DS records across stacks: a signed domain's DS published in the stack of the domain whose zone
holds its delegation."""

from __future__ import annotations

import posixpath

from maildns.aws.base import PROVIDER_VERSION, AwsProvider
from maildns.aws.route53 import DataAwsRoute53Zone, Route53Record, import_id
from maildns.cdk import Construct, DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, LocalBackend, S3Backend, TerraformStack
from maildns.config.resolved import LocalState, S3State
from maildns.constructs.dnssec import DS_OUTPUT, DnssecSigning
from maildns.constructs.email_dns import EmailDnsRecords, route53_record, terraform_name
from maildns.constructs.mta_sts_site import MtaStsSite
from maildns.constructs.ses_dkim import SesDkim
from maildns.constructs.ses_mail_from import SesMailFrom
from maildns.plan import DomainPlan
from maildns.records import Record, ses_verification_record
from maildns.records.mail_from import mail_from_name
from maildns.records.mail_from import record_id as mail_from_record_id

# S3 native state locking (backend use_lockfile, the default with an S3 backend) needs 1.10.
REQUIRED_VERSION = ">= 1.10"
# The registry address in full, and any release of the schema the maildns.aws classes follow
# or a later one of the same major version: new minor releases may add but not break arguments.
PROVIDER_SOURCE = "hashicorp/aws"
PROVIDER_CONSTRAINT = "~> " + ".".join(PROVIDER_VERSION.split(".")[:2])


class DomainStack(TerraformStack):
    """Everything one domain's mail needs in Route53, SES (and, with mta_sts, the policy site),
    built from the domain's plan."""

    def __init__(self, scope: Construct, plan: DomainPlan) -> None:
        config = plan.config
        super().__init__(scope, config.stack_name)
        self.plan = plan
        self.default_provider = AwsProvider(self, "aws", region=config.region)
        self.add_override("terraform.required_version", REQUIRED_VERSION)
        self.add_override("terraform.required_providers.aws", {"source": PROVIDER_SOURCE, "version": PROVIDER_CONSTRAINT})
        self._regional: dict[str, AwsProvider] = {}
        self._backend(config.state)

        self.zone_id: str
        if config.zone_id is not None:
            self.zone_id = config.zone_id
        else:
            zone = DataAwsRoute53Zone(self, "zone", name=config.zone_name)
            zone.override_logical_id("zone")
            self.zone_id = zone.zone_id

        self.records = EmailDnsRecords(self, "records", zone_id=self.zone_id, records=plan.records)
        ses = config.ses
        self.ses = (
            [
                SesDkim(
                    self,
                    f"ses-{region}",
                    domain=config.domain,
                    region=region,
                    zone_id=self.zone_id,
                    provider=self.provider_in(region),
                    ttl=config.ttl.ses_dkim,
                    easy_dkim=ses.easy_dkim,
                    managed=ses.managed,
                )
                for region in ses.regions
            ]
            if ses is not None
            else []
        )
        if ses is not None and not ses.easy_dkim:
            tokens = [s.identity.verification_token for s in self.ses if s.identity is not None]
            route53_record(self, self.zone_id, ses_verification_record(config.domain, tokens, config.ttl.ses_dkim))
        if ses is not None and ses.mail_from is not None:
            self.ses_mail_from = [
                SesMailFrom(
                    self,
                    f"ses-mail-from-{region}",
                    # An existing identity has no resource here: its name is the domain.
                    domain=identity.identity.domain if identity.identity is not None else config.domain,
                    region=region,
                    mail_from_domain=mail_from_name(ses.mail_from, region, config.domain),
                    provider=self.provider_in(region),
                    records=[self.records.records[mail_from_record_id(region, kind)] for kind in ("mx", "spf")],
                )
                for region, identity in zip(ses.regions, self.ses, strict=True)
            ]
        # Mode none is served too: withdrawing a policy means publishing one with mode none and
        # a new id until every cached policy has expired (RFC 8461 8.3).
        self.mta_sts: MtaStsSite | None = None
        if config.mta_sts is not None and plan.policy is not None and plan.mta_sts_txt is not None:
            self.mta_sts = MtaStsSite(
                self,
                "mta-sts",
                domain=config.domain,
                zone_id=self.zone_id,
                policy=plan.policy,
                txt=plan.mta_sts_txt,
                bucket_name=config.mta_sts.bucket,
                bucket_prefix=config.mta_sts.bucket_prefix,
                name=config.mta_sts.name,
                ttl=config.ttl.mta_sts,
                # CloudFront only takes ACM certificates from us-east-1.
                certificate_provider=self.provider_in("us-east-1"),
            )

        # Route53 signs only with a KMS key in us-east-1.
        self.dnssec: DnssecSigning | None = None
        if config.dnssec is not None:
            self.dnssec = DnssecSigning(
                self,
                "dnssec",
                domain=config.domain,
                zone_id=self.zone_id,
                key_provider=self.provider_in("us-east-1"),
                alarm_topic_arn=config.dnssec.alarm_topic_arn,
            )
        link_delegations(self)
        self._adopt(config.adopt)

    def _adopt(self, adopt: tuple[str, ...]) -> None:
        """An import block for each adopted record set: the first plan reads what is live into state
        and shows how it differs from the config, instead of a CREATE that Route53 refuses for a
        name and type that exist. Once in state an import block is a no-op, so it can stay."""
        resources: dict[str, Route53Record] = dict(self.records.records)
        if self.mta_sts is not None:
            sets = self.mta_sts.record_sets
            resources.update({r.id: sets[(r.name, r.type)] for r in self.plan.mta_sts if (r.name, r.type) in sets})
        for record in (*self.plan.records, *self.plan.mta_sts):
            if record.id in adopt:
                resources[record.id].import_from(import_id(self.zone_id, record.name, record.type))

    def provider_in(self, region: str) -> AwsProvider:
        """The provider aliased to ``region`` (``aws.us-east-1``), created on first use.

        Resources pinned to a region say so through an alias of that name, even when it equals
        the default region, so the pinning survives a change of the default.
        """
        if region not in self._regional:
            self._regional[region] = AwsProvider(self, f"aws-{region}", region=region, alias=region)
        return self._regional[region]

    def _backend(self, state: LocalState | S3State) -> None:
        if isinstance(state, LocalState):
            LocalBackend(self, path=state.path)
            return
        s3 = S3Backend(
            self,
            bucket=state.bucket,
            key=state.key,
            region=state.region,
            encrypt=True,
            dynamodb_table=state.dynamodb_table,
        )
        if state.use_lockfile:
            # S3 native locking (Terraform 1.10+); cdktf 0.21's S3Backend has no property for it.
            s3.add_override("use_lockfile", True)


def link_delegations(stack: DomainStack) -> None:
    """Publish the DS records that involve ``stack``, once both of their stacks exist in the app.

    Stacks are built one by one, in any order: the second of a parent and child pair to be built
    writes the DS record into the parent's stack. Its value is the child's ``dnssec_ds_record``
    output, read from the child's state through ``terraform_remote_state``, so the parent's stack
    depends on the child's (``cdktf deploy`` applies the child first).
    """
    app = stack.node.scope
    if app is None:
        return
    for record in stack.plan.dnssec:
        # Found by its domain, not by a stack name derived again here (Config.stack_name owns that).
        child = next((c for c in app.node.children if getattr(getattr(c, "plan", None), "domain", None) == record.name), None)
        if child is not None:
            _publish(stack, record, child)  # type: ignore[arg-type]  # every stack of the app is a DomainStack
    if stack.dnssec is None:
        return
    for parent in app.node.children:
        if parent is stack:
            continue
        for record in getattr(getattr(parent, "plan", None), "dnssec", ()):
            if record.name == stack.plan.domain:
                _publish(parent, record, stack)  # type: ignore[arg-type]


def _publish(parent: DomainStack, record: Record, child: DomainStack) -> None:
    if child.dnssec is None:
        return
    state = child.plan.config.state
    remote: DataTerraformRemoteStateLocal | DataTerraformRemoteStateS3
    if isinstance(state, LocalState):
        # A relative local path is relative to the stack's own folder (cdktf.out/stacks/<stack>),
        # so the parent reads the child's file from the child's folder. (cdktf's automatic
        # cross-stack reference would pass the path unchanged and read the parent's folder.)
        remote = DataTerraformRemoteStateLocal(
            parent, f"{record.id}-state", path=posixpath.normpath(posixpath.join("..", child.plan.stack_name, state.path))
        )
    else:
        remote = DataTerraformRemoteStateS3(parent, f"{record.id}-state", bucket=state.bucket, key=state.key, region=state.region)
    remote.override_logical_id(terraform_name(record.id))
    values = (remote.get_string(DS_OUTPUT),)
    route53_record(parent, parent.zone_id, Record(record.id, record.name, record.type, record.ttl, values))
    parent.add_dependency(child)
