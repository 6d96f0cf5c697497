"""The config models: each section's settings and its own rules, and the fields of one domain.

Every model lists its failed rules (``rules``); ``Model`` raises them all at once, so a file with
five problems prints five lines. The rules across a domain's sections live in ``domain``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, PrivateAttr, model_validator

from maildns.config import providers
from maildns.config.adopt import AdoptName
from maildns.config.base import Model
from maildns.config.dkim import DkimKey, DkimRotation
from maildns.config.fields import (
    MAIL_RULE,
    PROFILE_RULE,
    RETIRE_RULE,
    SCHEMA_RULE,
    Alignment,
    ApexTxt,
    AwsRegion,
    BimiLogo,
    BimiSelector,
    BimiUri,
    CnameTarget,
    DmarcPolicy,
    DmarcUri,
    DomainName,
    DynamoDbTable,
    Flag,
    MailFromLabel,
    MailUse,
    MxHostName,
    PolicyBucket,
    Profile,
    ProviderName,
    ReportFormat,
    Retire,
    Rule,
    S3Bucket,
    SesIdentity,
    SesRegion,
    SnsTopicArn,
    SpfAll,
    SpfDomainSpec,
    SpfTerm,
    StateKey,
    StsMode,
    StsPattern,
    TlsRptUri,
    Ttl,
    ZoneId,
    checked,
    integer,
    one_of,
    repeats,
)
from maildns.errors import RuleError
from maildns.records import bimi as bimi_records
from maildns.records import dmarc as dmarc_records
from maildns.records import mta_sts as mta_sts_records
from maildns.records import spf as spf_records
from maildns.records.uri import uri_address


class MxHost(Model):
    host: MxHostName
    """Mail exchanger host name; ``.`` with preference 0 is a null MX (RFC 7505)."""
    preference: Annotated[int, integer(0, 65535, "RFC 1035 3.3.9"), Rule("RFC 1035 3.3.9")]
    """Lower is tried first (RFC 5321 5.1)."""


class Spf(Model):
    terms: tuple[SpfTerm, ...] = ()
    """Mechanisms in evaluation order: include, a, mx, ip4, ip6, exists, with an optional qualifier."""
    all: Annotated[
        SpfAll | None,
        one_of(
            SpfAll,
            "RFC 7208 5.1",
            refused={
                "pass": "must not be pass: +all authorises every host on the internet",
                "neutral": "must not be neutral: ?all asserts nothing about other hosts",
            },
        ),
    ] = None
    """What happens to every other sender: fail (-all) or softfail (~all). Default: fail."""
    redirect: SpfDomainSpec | None = None
    """Use another domain's SPF record instead of ``all`` (RFC 7208 6.1)."""
    exp: SpfDomainSpec | None = None
    """Domain whose TXT record explains a failure to the sender (RFC 7208 6.2)."""

    def rules(self) -> list[RuleError]:
        try:
            spf_records.check_record(self.terms, all=self.all, redirect=self.redirect, exp=self.exp, text=self.text)
        except RuleError as exc:
            return [exc]
        return []

    @property
    def qualifier(self) -> SpfAll | None:
        """The effective ``all``: fail unless a redirect stands in for it."""
        return self.all if self.all is not None or self.redirect is not None else "fail"

    @property
    def text(self) -> str:
        return spf_records.render_spf(self.terms, all=self.qualifier, redirect=self.redirect, exp=self.exp)


class Ses(Model):
    regions: tuple[SesRegion, ...]
    """SES regions that send for the domain; each has its own identity and three DKIM tokens."""
    easy_dkim: Flag = True
    """Create the SES DKIM tokens and publish their CNAMEs."""
    mail_from: MailFromLabel | None = None
    """A label such as ``bounce``: each region sends with the MAIL FROM domain ``<label>-<region>.<domain>``, so SPF aligns."""
    identity: Annotated[SesIdentity, one_of(SesIdentity, SCHEMA_RULE)] = "managed"
    """``managed``: this stack creates the SES identities (and refuses to destroy them);
    ``existing``: another owner keeps them, and the stack only reads their DKIM tokens."""

    def rules(self) -> list[RuleError]:
        found: list[RuleError] = []
        if not self.regions:
            found.append(RuleError("must list at least one SES region", "AWS SES regions", value=[], path=("regions",)))
        found += repeats(self.regions, lambda r: r, "", "AWS SES regions", "a region", prefix=("regions",))
        # Without Easy DKIM the stack publishes the identity's verification token, which only an
        # identity it creates exposes (aws_sesv2_email_identity has no verification token).
        if self.identity == "existing" and not self.easy_dkim:
            found.append(
                RuleError(
                    "must be managed without easy_dkim: an existing identity publishes only its DKIM tokens",
                    "AWS SES DKIM",
                    value=self.identity,
                    path=("identity",),
                )
            )
        if self.identity == "existing" and self.mail_from is not None:
            # The MAIL FROM domain is a setting of the identity: two states managing it would undo
            # each other, and removing it here would reset the owner's setting.
            found.append(
                RuleError(
                    "must not be set with ses.identity: existing: MAIL FROM is a setting of the identity, so its owner sets it",
                    "AWS SES custom MAIL FROM",
                    value=self.mail_from,
                    path=("mail_from",),
                )
            )
        return found


class Dmarc(Model):
    p: DmarcPolicy = "reject"
    """Policy for mail that fails DMARC. Default: reject."""
    sp: DmarcPolicy | None = None
    """Policy for subdomains; default: the same as p."""
    pct: Annotated[int | None, integer(0, 100, "RFC 7489 6.3")] = None
    """Percentage of failing mail the policy applies to (receivers assume 100)."""
    adkim: Alignment | None = None
    """DKIM alignment: r (relaxed, the default) or s (strict)."""
    aspf: Alignment | None = None
    """SPF alignment: r (relaxed, the default) or s (strict)."""
    fo: Annotated[str | None, checked(dmarc_records.parse_fo)] = None
    """Failure reporting options: colon-separated 0, 1, d, s."""
    rf: Annotated[ReportFormat | None, one_of(ReportFormat, "RFC 7489 6.3")] = None
    """Failure report format; afrf is the only one defined."""
    ri: Annotated[int | None, integer(0, 4294967295, "RFC 7489 6.3")] = None
    """Aggregate report interval in seconds (a 32-bit unsigned integer)."""
    rua: tuple[DmarcUri, ...] = ()
    """Aggregate report addresses: mailto: URIs, optionally with !<size>."""
    ruf: tuple[DmarcUri, ...] = ()
    """Failure (forensic) report addresses: mailto: URIs, optionally with !<size>."""
    cname: CnameTarget | None = None
    """Publish ``_dmarc`` as a CNAME to this name instead of a policy: a vendor publishes the record there."""

    def rules(self) -> list[RuleError]:
        if self.cname is not None:
            return delegated(self, "the policy and its report addresses are the record at the target", "RFC 7489 6.1")
        # A receiver would send the same report twice (RFC 7489 6.2: each URI gets a copy).
        return [
            error
            for tag in ("rua", "ruf")
            for error in repeats(getattr(self, tag), uri_address, "", "RFC 7489 6.2", "a report address", prefix=(tag,), show=lambda u: u)
        ]

    @property
    def text(self) -> str:
        return dmarc_records.render_dmarc(self.model_dump())


class TlsRpt(Model):
    rua: tuple[TlsRptUri, ...] = ()
    """Where senders send TLS reports: mailto: or https: URIs."""
    cname: CnameTarget | None = None
    """Publish ``_smtp._tls`` as a CNAME to this name instead of a record: a vendor publishes the record there."""

    def rules(self) -> list[RuleError]:
        if self.cname is not None:
            return delegated(self, "the report addresses are the record at the target", "RFC 8460 3")
        if not self.rua:
            return [RuleError("must list at least one report URI", "RFC 8460 3", value=[], path=("rua",))]
        return repeats(self.rua, lambda u: u, "", "RFC 8460 3", "a report URI", prefix=("rua",))


def delegated(section: Model, why: str, rule: str) -> list[RuleError]:
    """A section published as a CNAME: each tag also given is an error (the record is the target's)."""
    return [
        RuleError(f"must not be set with cname: {why}", rule, value=getattr(section, tag), path=(tag,))
        for tag in sorted(section.model_fields_set - {"cname"})
    ]


class MtaSts(Model):
    mode: Annotated[StsMode, one_of(StsMode, "RFC 8461 3.2")] = "testing"
    """enforce, testing (report only) or none (withdraw a policy)."""
    max_age: Annotated[int, integer(0, mta_sts_records.MAX_AGE, "RFC 8461 3.2")] = 604800
    """Seconds senders cache the policy; lower it before an MX change."""
    include_mx: Flag = True
    """List each MX host as its own ``mx:`` pattern; false publishes only ``patterns``."""
    patterns: tuple[StsPattern, ...] = ()
    """More ``mx:`` patterns, such as ``*.mail.example.net`` (``*`` stands for exactly one label)."""
    bucket: PolicyBucket | None = None
    """S3 bucket that holds the policy file; default: a new bucket named ``mta-sts-<domain with dots as hyphens>-<unique suffix>``."""


class Bimi(Model):
    """A BIMI Assertion Record: the logo receivers may show beside authenticated mail."""

    logo: Annotated[BimiLogo, Rule("BIMI draft-10 4.3")]
    """https: URL of the SVG logo (``l=``)."""
    authority: BimiUri | None = None
    """https: URL of the mark certificate (VMC or CMC, PEM) that proves the logo (``a=``); most mailbox providers require one."""
    selector: BimiSelector = bimi_records.DEFAULT_SELECTOR
    """The record is ``<selector>._bimi.<domain>``; receivers look up ``default`` unless a message names another."""


def _provider_name(value: Any) -> Any:
    # ``provider: microsoft-365`` is short for ``provider: {name: microsoft-365}``.
    return {"name": value} if isinstance(value, str) else value


class Provider(Model):
    """A mailbox provider whose records a preset fills (``maildns/config/providers.py``); the domain file overrides any of them."""

    name: Annotated[ProviderName, one_of(ProviderName, "see docs/configuration.md: Provider presets")]
    """``google-workspace`` or ``microsoft-365``."""
    dkim_key: str | None = None
    """Google Workspace: the ``google`` selector's public key, as the Admin console shows it (the ``p=`` value)."""
    legacy_mx: Flag = False
    """Google Workspace: the five ``aspmx.l.google.com`` hosts instead of the single ``smtp.google.com``."""
    mx: MxHostName | None = None
    """Microsoft 365: the MX target the admin center shows, when it is not ``<domain with dashes>.mail.protection.outlook.com``."""
    dkim_targets: tuple[CnameTarget, ...] = ()
    """Microsoft 365: the CNAME targets of ``selector1`` and ``selector2``, as the Defender portal shows them."""

    def rules(self) -> list[RuleError]:
        return providers.provider_rules(self.name, self.model_dump())


class Dnssec(Model):
    """Route53 DNSSEC signing of the domain's hosted zone."""

    signing: Flag = False
    """Sign the zone with a key-signing key backed by a KMS key in us-east-1."""
    publish_ds: Flag = False
    """Publish the DS record in the parent's stack when the parent zone is configured in the same run. Turn it on only
    once the zone has been signed for longer than the DNSKEY TTL, and off (then wait the DS TTL) before signing stops."""
    alarm_topic_arn: SnsTopicArn | None = None
    """SNS topic notified by the DNSSEC alarms (DNSSECInternalFailure, DNSSECKeySigningKeysNeedingAction)."""


class TtlOverrides(Model):
    """Per-record TTLs; each falls back to the domain's ``ttl``."""

    mx: Ttl | None = None
    spf: Ttl | None = None
    """The apex TXT record (SPF and ``apex_txt``)."""
    dkim: Ttl | None = None
    ses_dkim: Ttl | None = None
    dmarc: Ttl | None = None
    tls_rpt: Ttl | None = None
    mta_sts: Ttl | None = None
    bimi: Ttl | None = None
    ds: Ttl | None = None
    """The DS record a child domain's signing puts in this domain's zone."""


class Backend(Model):
    """Terraform state in S3; without it state is local (``terraform.<stack>.tfstate``)."""

    bucket: S3Bucket
    region: AwsRegion
    key: StateKey | None = None
    """Object key; default ``maildns/<domain>.tfstate``."""
    use_lockfile: Flag | None = None
    """Lock state with an S3 lock file (Terraform 1.10+); default: true unless ``dynamodb_table`` is set."""
    dynamodb_table: DynamoDbTable | None = None
    """Lock state in this DynamoDB table instead (older Terraform)."""

    @property
    def lockfile(self) -> bool:
        """The effective ``use_lockfile``: as given, else true unless a DynamoDB table locks state."""
        return self.use_lockfile if self.use_lockfile is not None else self.dynamodb_table is None


def _few_apex_values(value: Any) -> Any:
    # Counted before each value is checked: a file of 70,000 values is refused at once.
    if isinstance(value, list | tuple) and len(value) > spf_records.MAX_APEX_VALUES:
        raise RuleError(
            f"lists {len(value)} values; at most {spf_records.MAX_APEX_VALUES} fit the apex TXT answer with the SPF record",
            "RFC 7208 3.4",
            value=f"{len(value)} values",
        )
    return value


class ConfigFields(Model):
    """The settings of one domain, each valid on its own; ``domain.Config`` adds the rules across them."""

    domain: DomainName
    """The mail domain, e.g. login.gov (lower-cased, trailing dot removed, IDN as A-label)."""
    mail: Annotated[MailUse, one_of(MailUse, MAIL_RULE)] = "full"
    """``full``: the domain's own settings; ``none``: a parked domain that publishes only the lockdown set."""
    zone: DomainName | None = None
    """Route53 hosted zone name to look up; default: the domain."""
    zone_id: ZoneId | None = None
    """Route53 hosted zone id, instead of looking the zone up by name."""
    region: AwsRegion = "us-east-1"
    """Region of the default AWS provider."""
    ttl: Ttl = 3600
    """Default TTL of every record, in seconds."""
    ttl_overrides: TtlOverrides = TtlOverrides()
    mx: tuple[MxHost, ...] = ()
    """Mail exchangers; empty publishes no MX record."""
    spf: Spf = Spf()
    """Sender policy; the default ``v=spf1 -all`` says the domain sends no mail."""
    apex_txt: Annotated[tuple[ApexTxt, ...], BeforeValidator(_few_apex_values)] = ()
    """Other TXT values at the apex (site verifications): Route53 keeps one TXT set per name."""
    dkim: tuple[DkimKey, ...] = ()
    """DKIM keys of third-party signers (Google Workspace, ...)."""
    dkim_rotation: DkimRotation = DkimRotation()
    ses: Ses | None = None
    """Amazon SES identities with Easy DKIM."""
    dmarc: Dmarc = Dmarc()
    """DMARC policy; the default is ``v=DMARC1; p=reject``."""
    tls_rpt: TlsRpt | None = None
    """SMTP TLS reporting."""
    mta_sts: MtaSts | None = None
    """MTA-STS policy and its hosting."""
    bimi: Bimi | None = None
    """BIMI logo record; needs DMARC at enforcement."""
    dnssec: Dnssec | None = None
    """DNSSEC signing of the domain's own hosted zone."""
    backend: Backend | None = None
    """Where Terraform keeps this domain's state."""
    profile: Annotated[Profile | None, one_of(Profile, PROFILE_RULE)] = None
    """Stricter rules on top of the RFCs: ``bod-18-01`` (US federal Binding Operational Directive 18-01)."""
    provider: Annotated[Provider | None, BeforeValidator(_provider_name)] = None
    """A mailbox provider preset: fills mx, spf.terms, dkim and mta_sts.patterns under the domain file's own values."""
    adopt: tuple[AdoptName, ...] = ()
    """Record sets that already exist in the zone: the stack imports them into Terraform state
    (import blocks) instead of creating them. ``maildns import`` fills it in."""
    retire: Annotated[Retire | None, one_of(Retire, RETIRE_RULE)] = None
    """``destroy``: the next apply deletes everything the stack manages; ``forget``: it removes
    everything from state and leaves it live (a domain handed to another owner)."""

    @model_validator(mode="before")
    @classmethod
    def _preset(cls, data: Any) -> Any:
        return providers.under_preset(data)

    _source: str = PrivateAttr(default="<config>")
    _inherited: tuple[tuple[tuple[str | int, ...], Any, str], ...] = PrivateAttr(default=())

    @property
    def source(self) -> str:
        """The file this config came from, for messages."""
        return self._source

    @property
    def inherited(self) -> tuple[tuple[tuple[str | int, ...], Any, str], ...]:
        """What this config took from shared defaults: (field path, value as written, file)."""
        return self._inherited

    @property
    def stack_name(self) -> str:
        """Terraform stack name: login.gov -> login-gov."""
        return self.domain.replace(".", "-")

    @property
    def mta_sts_patterns(self) -> tuple[str, ...]:
        """The policy's ``mx:`` patterns: the MX hosts (unless ``include_mx`` is false) and the extra patterns."""
        sts = self.mta_sts
        if sts is None:
            return ()
        return mta_sts_records.policy_patterns((m.host for m in self.mx) if sts.include_mx else (), sts.patterns)
