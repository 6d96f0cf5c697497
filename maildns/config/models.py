"""The config models: one domain's settings, validated field by field and across fields."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr, model_validator

from maildns.config.features import BimiLogo, BimiSelector, BimiUri, MailFromLabel, SnsTopicArn, feature_rules
from maildns.config.fields import (
    ADOPT_RULE,
    DKIM_ADOPT_PREFIX,
    SCHEMA_RULE,
    AdoptName,
    Alignment,
    ApexTxt,
    AwsRegion,
    DkimSelector,
    DmarcPolicy,
    DmarcUri,
    DomainName,
    DynamoDbTable,
    Flag,
    HashAlgorithm,
    KeyType,
    MxHostName,
    PolicyBucket,
    Rule,
    RuleErrors,
    S3Bucket,
    SesRegion,
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
    choice,
    integer,
    unique,
)
from maildns.config.profiles import PROFILE_RULE, PROFILES, Profile
from maildns.errors import RuleError
from maildns.records import bimi as bimi_records
from maildns.records import dkim as dkim_records
from maildns.records import dmarc as dmarc_records
from maildns.records import mta_sts as mta_sts_records
from maildns.records import spf as spf_records
from maildns.records import tls_rpt as tls_rpt_records
from maildns.records.mx import NULL_MX_HOST
from maildns.records.names import MAX_NAME, is_subdomain
from maildns.records.uri import uri_address

MAX_CERTIFICATE_NAME = 64  # ACM RequestCertificate DomainName: 1-64 characters
MailUse = Literal["full", "none"]
PARKED_RULE = "RFC 7505 3, RFC 7208 5.1, RFC 7489 6.3: a parked domain publishes only the lockdown set"


class Model(BaseModel):
    """Base of every config model: unknown keys refused, immutable, field docstrings kept."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


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
        choice(
            ("fail", "softfail"),
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

    @model_validator(mode="after")
    def _one_record(self) -> Spf:
        spf_records.check_record(self.terms, all=self.all, redirect=self.redirect, exp=self.exp, text=self.text)
        return self

    @property
    def qualifier(self) -> SpfAll | None:
        """The effective ``all``: fail unless a redirect stands in for it."""
        return self.all if self.all is not None or self.redirect is not None else "fail"

    @property
    def text(self) -> str:
        return spf_records.render_spf(self.terms, all=self.qualifier, redirect=self.redirect, exp=self.exp)


class DkimKey(Model):
    selector: DkimSelector
    """The selector the signer puts in ``s=``; the record is ``<selector>._domainkey.<domain>``."""
    key_type: Annotated[KeyType, choice(("rsa", "ed25519"), "RFC 6376 3.6.1, RFC 8463")] = "rsa"
    """Key algorithm (``k=``)."""
    public_key: Annotated[str, Rule("RFC 6376 3.6.1")]
    """Base64 public key (``p=``): SubjectPublicKeyInfo for rsa, the raw 32-byte key for ed25519."""
    hash_algorithms: tuple[HashAlgorithm, ...] = ()
    """Optional ``h=`` list; sha1 is refused (RFC 8301)."""
    testing: Flag = False
    """Publish ``t=y``: verifiers treat failures as unsigned (RFC 6376 3.6.1)."""
    revoked: Flag = False
    """Publish ``v=DKIM1; p=``: an empty key revokes the selector (RFC 6376 3.6.1); give no public_key."""

    @model_validator(mode="before")
    @classmethod
    def _revoked_has_no_key(cls, data: Any) -> Any:
        # A revoked selector publishes an empty p=, so public_key is required only when not revoked.
        if isinstance(data, dict) and data.get("revoked") is True and "public_key" not in data:
            return {**data, "public_key": ""}
        return data

    @model_validator(mode="after")
    def _key_matches_type(self) -> DkimKey:
        if self.revoked:
            if self.public_key:
                raise RuleError(
                    "must not be set with revoked: true; a revoked selector publishes an empty p=",
                    "RFC 6376 3.6.1",
                    value=self.public_key,
                    path=("public_key",),
                )
            return self
        try:
            text, data = dkim_records.public_key_bytes(self.public_key)
            dkim_records.check_public_key(self.key_type, data)
        except RuleError as exc:
            raise RuleError(exc.message, exc.rule, value=self.public_key, path=("public_key",)) from None
        object.__setattr__(self, "public_key", text)
        # Each hash appears once in h= (RFC 6376 3.6.1: a tag-list names no tag or value twice).
        unique(self.hash_algorithms, lambda h: h, "", "RFC 6376 3.6.1", "a hash algorithm", prefix=("hash_algorithms",))
        return self

    @property
    def text(self) -> str:
        if self.revoked:
            return dkim_records.render_revoked()
        return dkim_records.render_dkim(
            key_type=self.key_type,
            public_key=self.public_key,
            hash_algorithms=self.hash_algorithms,
            flags=("y",) if self.testing else (),
        )


class Ses(Model):
    regions: tuple[SesRegion, ...]
    """SES regions that send for the domain; each has its own identity and three DKIM tokens."""
    easy_dkim: Flag = True
    """Create the SES DKIM tokens and publish their CNAMEs."""
    mail_from: MailFromLabel | None = None
    """A label such as ``bounce``: each region sends with the MAIL FROM domain ``<label>-<region>.<domain>``, so SPF aligns."""
    identity: Annotated[Literal["managed", "existing"], choice(("managed", "existing"), SCHEMA_RULE)] = "managed"
    """``managed``: this stack creates the SES identities (and refuses to destroy them);
    ``existing``: another owner keeps them, and the stack only reads their DKIM tokens."""

    @model_validator(mode="after")
    def _regions(self) -> Ses:
        if not self.regions:
            raise RuleError("must list at least one SES region", "AWS SES regions", value=[], path=("regions",))
        unique(self.regions, lambda r: r, "", "AWS SES regions", "a region", prefix=("regions",))
        # Without Easy DKIM the stack publishes the identity's verification token, which only an
        # identity it creates exposes (aws_sesv2_email_identity has no verification token).
        if self.identity == "existing" and not self.easy_dkim:
            raise RuleError(
                "must be managed without easy_dkim: an existing identity publishes only its DKIM tokens",
                "AWS SES DKIM",
                value=self.identity,
                path=("identity",),
            )
        if self.identity == "existing" and self.mail_from is not None:
            # The MAIL FROM domain is a setting of the identity: two states managing it would undo
            # each other, and removing it here would reset the owner's setting.
            raise RuleError(
                "must not be set with ses.identity: existing: MAIL FROM is a setting of the identity, so its owner sets it",
                "AWS SES custom MAIL FROM",
                value=self.mail_from,
                path=("mail_from",),
            )
        return self


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
    rf: Annotated[Literal["afrf"] | None, choice(("afrf",), "RFC 7489 6.3")] = None
    """Failure report format; afrf is the only one defined."""
    ri: Annotated[int | None, integer(0, 4294967295, "RFC 7489 6.3")] = None
    """Aggregate report interval in seconds (a 32-bit unsigned integer)."""
    rua: tuple[DmarcUri, ...] = ()
    """Aggregate report addresses: mailto: URIs, optionally with !<size>."""
    ruf: tuple[DmarcUri, ...] = ()
    """Failure (forensic) report addresses: mailto: URIs, optionally with !<size>."""

    @model_validator(mode="after")
    def _uris_once(self) -> Dmarc:
        # A receiver would send the same report twice (RFC 7489 6.2: each URI gets a copy).
        for tag in ("rua", "ruf"):
            unique(getattr(self, tag), uri_address, "", "RFC 7489 6.2", "a report address", prefix=(tag,), show=lambda u: u)
        return self

    @property
    def text(self) -> str:
        return dmarc_records.render_dmarc(self.model_dump())


class TlsRpt(Model):
    rua: tuple[TlsRptUri, ...]
    """Where senders send TLS reports: mailto: or https: URIs."""

    @model_validator(mode="after")
    def _some(self) -> TlsRpt:
        if not self.rua:
            raise RuleError("must list at least one report URI", "RFC 8460 3", value=[], path=("rua",))
        unique(self.rua, lambda u: u, "", "RFC 8460 3", "a report URI", prefix=("rua",))
        return self


class MtaSts(Model):
    mode: Annotated[StsMode, choice(("enforce", "testing", "none"), "RFC 8461 3.2")] = "testing"
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


PARKED_DMARC_TAGS = ("rua",)  # the one DMARC tag a parked domain chooses; p and sp are reject


def parked_conflicts(config: Config) -> list[RuleError]:
    """Every setting of a ``mail: none`` domain that the lockdown set leaves no room for, one error each."""
    spf, dmarc = config.spf, config.dmarc
    dmarc_tags = sorted(
        t for t in dmarc.model_fields_set - set(PARKED_DMARC_TAGS) if not (t in ("p", "sp") and getattr(dmarc, t) == "reject")
    )
    # (field path, whether it is set, the value shown, why the lockdown set has no room for it, rule)
    checks: list[tuple[tuple[str, ...], bool, object, str, str]] = [
        (("mx",), bool(config.mx), [f"{m.preference} {m.host}" for m in config.mx], "publishes only the null MX 0 .", "RFC 7505 3"),
        (("spf", "terms"), bool(spf.terms), [str(t) for t in spf.terms], "publishes v=spf1 -all", "RFC 7208 5.1"),
        (("spf", "all"), spf.all not in (None, "fail"), spf.all, "publishes v=spf1 -all", "RFC 7208 5.1"),
        (("spf", "redirect"), spf.redirect is not None, spf.redirect, "publishes v=spf1 -all", "RFC 7208 5.1"),
        (("spf", "exp"), spf.exp is not None, spf.exp, "publishes v=spf1 -all", "RFC 7208 5.1"),
        (
            ("dkim",),
            bool(config.dkim),
            [k.selector for k in config.dkim],
            "revokes every key with *._domainkey v=DKIM1; p=",
            "RFC 6376 3.6.1",
        ),
        (("ses",), config.ses is not None, config.ses and list(config.ses.regions), "sends no mail, through SES or otherwise", PARKED_RULE),
        (
            ("mta_sts",),
            config.mta_sts is not None,
            config.mta_sts and config.mta_sts.mode,
            "receives no mail, so it has no MTA-STS policy",
            "RFC 8461 3",
        ),
        (
            ("tls_rpt",),
            config.tls_rpt is not None,
            config.tls_rpt and list(config.tls_rpt.rua),
            "receives no mail, so there is no TLS to report on",
            "RFC 8460 3",
        ),
        (
            ("bimi",),
            config.bimi is not None,
            config.bimi and config.bimi.selector,
            "sends no mail, so there is no logo to show",
            "BIMI draft-10 4",
        ),
        *(
            (("dmarc", tag), True, getattr(dmarc, tag), "publishes v=DMARC1; p=reject; sp=reject with only rua", "RFC 7489 6.3")
            for tag in dmarc_tags
        ),
    ]
    return [
        RuleError(f"must not be set when mail is none: a parked domain {why}", rule, value=value, path=path)
        for path, is_set, value, why, rule in checks
        if is_set
    ]


def _few_apex_values(value: Any) -> Any:
    # Counted before each value is checked: a file of 70,000 values is refused at once.
    if isinstance(value, list | tuple) and len(value) > spf_records.MAX_APEX_VALUES:
        raise RuleError(
            f"lists {len(value)} values; at most {spf_records.MAX_APEX_VALUES} fit the apex TXT answer with the SPF record",
            "RFC 7208 3.4",
            value=f"{len(value)} values",
        )
    return value


class Config(Model):
    """One domain: what its mail DNS and MTA-STS hosting must be."""

    domain: DomainName
    """The mail domain, e.g. login.gov (lower-cased, trailing dot removed, IDN as A-label)."""
    mail: Annotated[MailUse, choice(("full", "none"), PARKED_RULE)] = "full"
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
    profile: Annotated[Profile | None, choice(tuple(PROFILES), PROFILE_RULE)] = None
    """Stricter rules on top of the RFCs: ``bod-18-01`` (US federal Binding Operational Directive 18-01)."""
    adopt: tuple[AdoptName, ...] = ()
    """Record sets that already exist in the zone: the stack imports them into Terraform state
    (import blocks) instead of creating them. ``maildns import`` fills it in."""

    _source: str = PrivateAttr(default="<config>")
    _inherited: tuple[tuple[tuple[str | int, ...], Any, str], ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Config:
        if self.zone is not None and self.zone_id is not None:
            raise RuleError("must not be set with zone: give the zone by name or by id", SCHEMA_RULE, value=self.zone_id, path=("zone_id",))
        if self.zone is not None and not is_subdomain(self.domain, self.zone):
            raise RuleError(f"must contain the domain {self.domain}", "RFC 1034 4.2", value=self.zone, path=("zone",))
        # include or redirect of the domain's own record, by name or through a %{d} or %{o} macro,
        # evaluates it again and again until the lookup limit turns it into a permerror (RFC 7208 4.6.4, 5.2).
        for loop in spf_records.self_references(self.domain, self.spf.terms, self.spf.redirect):
            raise RuleError(loop.message, loop.rule, value=loop.value, path=("spf", *loop.path))
        unique(self.mx, lambda m: m.host, "host", "RFC 5321 5.1", "an MX host", prefix=("mx",))
        if any(m.host == "." for m in self.mx):
            if len(self.mx) != 1 or self.mx[0].preference != 0:
                raise RuleError(
                    "must be the only MX, with preference 0, when it is a null MX",
                    "RFC 7505 3",
                    value=[f"{m.preference} {m.host}" for m in self.mx],
                    path=("mx",),
                )
            if self.spf.terms or self.spf.qualifier != "fail":
                raise RuleError("must be v=spf1 -all on a domain with a null MX", "RFC 7505 4", value=self.spf.text, path=("spf",))
        unique(self.dkim, lambda k: k.selector, "selector", "RFC 6376 3.6.2.1", "a selector", prefix=("dkim",))
        # Each key's record is a Terraform resource named after the selector with dots as
        # hyphens (records.render_records), so s1.x and s1-x would claim the same name.
        ids: dict[str, str] = {}
        for i, k in enumerate(self.dkim):
            record_id = dkim_records.record_id(k.selector)
            if record_id in ids:
                raise RuleError(
                    f"gives the record id {record_id}, as selector {ids[record_id]} does; rename one",
                    "construct ids are unique in a stack",
                    value=k.selector,
                    path=("dkim", i, "selector"),
                )
            ids[record_id] = k.selector
        # Route53 refuses a record set that lists the same value twice.
        unique(self.apex_txt, lambda v: v, "", "Route53 ChangeResourceRecordSets", "a value", prefix=("apex_txt",))
        octets = spf_records.answer_octets((self.spf.text, *self.apex_txt))
        if self.apex_txt and octets > spf_records.MAX_OCTETS:
            raise RuleError(
                f"make the apex TXT set {octets} octets with the SPF record; at most {spf_records.MAX_OCTETS} fit a DNS answer",
                "RFC 7208 3.4",
                value=list(self.apex_txt),
                path=("apex_txt",),
            )
        return self

    @model_validator(mode="after")
    def _parked(self) -> Config:
        """A parked domain publishes exactly the lockdown set: any mail setting beside it is refused."""
        if self.mail == "none":
            failed = parked_conflicts(self)
            if failed:
                raise RuleErrors(failed)
        return self

    @model_validator(mode="after")
    def _names_fit(self) -> Config:
        # Every name maildns publishes is at most 253 octets (RFC 1035 2.3.4), prefixes included.
        names: list[tuple[str, tuple[str | int, ...]]] = [(dmarc_records.dmarc_name(self.domain), ("domain",))]
        if self.tls_rpt is not None:
            names.append((tls_rpt_records.tls_rpt_name(self.domain), ("domain",)))
        if self.mta_sts is not None:
            names.append((mta_sts_records.txt_name(self.domain), ("domain",)))
        names += [(dkim_records.dkim_name(k.selector, self.domain), ("dkim", i, "selector")) for i, k in enumerate(self.dkim)]
        for name, path in names:
            if len(name) > MAX_NAME:
                raise RuleError(
                    f"makes the record name {len(name)} octets long; a name is at most {MAX_NAME}", "RFC 1035 2.3.4", value=name, path=path
                )
        # The policy host's ACM certificate names it as its DomainName (the subject CN), which
        # ACM limits to 64 characters.
        if self.mta_sts is not None:
            host = mta_sts_records.policy_host(self.domain)
            if len(host) > MAX_CERTIFICATE_NAME:
                raise RuleError(
                    f"makes the MTA-STS host name {len(host)} octets long; an ACM certificate names at most {MAX_CERTIFICATE_NAME}",
                    "ACM RequestCertificate DomainName",
                    value=host,
                    path=("domain",),
                )
        return self

    @model_validator(mode="after")
    def _adopted_sets_are_published(self) -> Config:
        # An import block for a record set the stack does not define is refused by Terraform
        # ("Configuration for import target does not exist").
        unique(self.adopt, lambda a: a, "", ADOPT_RULE, "a record set", prefix=("adopt",))
        published = {"spf", "dmarc"}
        published |= {"mx"} if self.mx or self.mail == "none" else set()  # a parked domain's null MX
        published |= {"tls_rpt"} if self.tls_rpt is not None else set()
        published |= {"mta_sts", "mta_sts_a", "mta_sts_aaaa"} if self.mta_sts is not None else set()
        published |= {DKIM_ADOPT_PREFIX + k.selector for k in self.dkim}
        for i, name in enumerate(self.adopt):
            if name not in published:
                raise RuleError(
                    "names a record set this config does not publish; remove it or add its section",
                    ADOPT_RULE,
                    value=name,
                    path=("adopt", i),
                )
        return self

    @model_validator(mode="after")
    def _profile(self) -> Config:
        """A profile's requirements, every failed one its own problem."""
        if self.profile is not None:
            failed = PROFILES[self.profile](self)
            if failed:
                raise RuleErrors(failed)
        return self

    @model_validator(mode="after")
    def _features(self) -> Config:
        """BIMI, MAIL FROM and DNSSEC rules, every failed one its own problem."""
        failed = feature_rules(self)
        if failed:
            raise RuleErrors(failed)
        return self

    @model_validator(mode="after")
    def _mta_sts_covers_mx(self) -> Config:
        # In testing or enforce mode a sender checks each MX host against the policy before
        # delivering (RFC 8461 4.1); mode none is how a policy is withdrawn (RFC 8461 8.3).
        sts = self.mta_sts
        if sts is None or sts.mode == "none":
            return self
        hosts = [m.host for m in self.mx if m.host != NULL_MX_HOST]
        if not hosts:
            raise RuleError(
                f"must be none on a domain that receives no mail: {sts.mode} mode needs MX hosts to list",
                "RFC 8461 3.2",
                value=sts.mode,
                path=("mta_sts", "mode"),
            )
        patterns = self.mta_sts_patterns
        for i, m in enumerate(self.mx):
            if not any(mta_sts_records.pattern_matches(pattern, m.host) for pattern in patterns):
                raise RuleError(
                    f"matches no mta_sts pattern, so senders would not deliver to it in {sts.mode} mode; add a pattern or use mode none",
                    "RFC 8461 4.1",
                    value=m.host,
                    path=("mx", i, "host"),
                )
        return self

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
