"""One Terraform stack per domain: providers, state backend, zone, and the domain's constructs;
and DS records across stacks: a signed domain's DS published in the stack of the domain whose zone
holds its delegation."""

from __future__ import annotations

import posixpath
from dataclasses import replace

from maildns.aws.base import PROVIDER_VERSION, AwsProvider
from maildns.aws.route53 import DataAwsRoute53Zone, Route53Record, import_id
from maildns.aws.ses_mail_from import SesDomainMailFrom
from maildns.cdk import (
    App,
    Construct,
    DataTerraformRemoteStateLocal,
    DataTerraformRemoteStateS3,
    LocalBackend,
    S3Backend,
    TerraformResource,
    TerraformStack,
)
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
        self._removed: list[str] = []
        self._backend(config.state)
        self.mta_sts: MtaStsSite | None = None
        self.dnssec: DnssecSigning | None = None
        if config.retire is not None:
            self._retire(config.retire)
            return

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
        self._removed += [address for s in self.ses for address in s.forgotten]
        if ses is not None and not ses.managed:
            # MAIL FROM is a setting of the identity: its new owner keeps it (config refuses mail_from here).
            self._removed += [f"{SesDomainMailFrom.TYPE}.{terraform_name(f'ses-mail-from-{region}')}" for region in ses.regions]
        self._adoptable: dict[str, Route53Record] = dict(self.records.records)
        if ses is not None and not ses.easy_dkim:
            tokens = [s.identity.verification_token for s in self.ses if s.identity is not None]
            verification = ses_verification_record(config.domain, tokens, config.ttl.ses_dkim)
            self._adoptable[verification.id] = route53_record(self, self.zone_id, verification)
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
        self._forget()

    def _adopt(self, adopt: tuple[str, ...]) -> None:
        """An import block for each adopted record set: the first plan reads what is live into state
        and shows how it differs from the config, instead of a CREATE that Route53 refuses for a
        name and type that exist. Once in state an import block is a no-op, so it can stay.
        (A DS this stack publishes for a child is adopted where it is made, in ``_publish``.)"""
        if self.mta_sts is not None:
            sets = self.mta_sts.record_sets
            self._adoptable.update({r.id: sets[(r.name, r.type)] for r in self.plan.mta_sts if (r.name, r.type) in sets})
        for record in (*self.plan.records, *self.plan.mta_sts, *self.plan.ses):
            if record.id in adopt and record.id in self._adoptable:
                self._adoptable[record.id].import_from(import_id(self.zone_id, record.name, record.type))

    def _retire(self, how: str) -> None:
        """No resources, and the providers of the stack the config describes: Terraform needs the
        provider of every resource in state to delete it or to forget it. ``destroy``: the next
        apply deletes every resource in state (``prevent_destroy`` guards only resources in the
        configuration). ``forget``: a removed block (destroy = false) for each resource the stack
        would manage, so the apply drops them from state and leaves them live."""
        full = DomainStack(App(), replace(self.plan, config=replace(self.plan.config, retire=None)))
        for region in full._regional:
            self.provider_in(region)
        if how == "forget":
            self._removed += [
                f"{r.terraform_resource_type}.{r.friendly_unique_id}" for r in full.node.find_all() if isinstance(r, TerraformResource)
            ]
            # The maildns.aws blocks are written by one element per stack, not one construct each.
            blocks = getattr(full, "_maildns_blocks", None)
            self._removed += [f"{b.TYPE}.{b.friendly_unique_id}" for b in getattr(blocks, "blocks", []) if b.KIND == "resource"]
            # The DS records of signed children, which the full stack publishes once the child is built.
            self._removed += [f"{Route53Record.TYPE}.{terraform_name(r.id)}" for r in self.plan.dnssec]
        self._forget()

    def _forget(self) -> None:
        """``removed`` blocks (Terraform 1.7+) with ``destroy = false``: each address leaves state and
        stays live; an address that is not in state is left alone."""
        if self._removed:
            self.add_override("removed", [{"from": a, "lifecycle": {"destroy": False}} for a in sorted(set(self._removed))])

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
    if child.dnssec is None or parent.plan.config.retire is not None:
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
    ds = route53_record(parent, parent.zone_id, Record(record.id, record.name, record.type, record.ttl, values))
    if record.id in parent.plan.config.adopt:
        ds.import_from(import_id(parent.zone_id, record.name, record.type))
    parent.add_dependency(child)
