"""Domain configuration: one YAML file per domain, validated into frozen pydantic models."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, PlainValidator, PrivateAttr, ValidationError, model_validator
from pydantic.fields import FieldInfo

from maildns.errors import _UNSET, ConfigError, RuleError, problem
from maildns.records import dkim as dkim_records
from maildns.records import dmarc as dmarc_records
from maildns.records import mta_sts as mta_sts_records
from maildns.records import spf as spf_records
from maildns.records import tls_rpt as tls_rpt_records
from maildns.records import uri
from maildns.records.names import MAX_NAME, domain_name, host_name, is_subdomain

SCHEMA_RULE = "see README: Configuration"
TTL_RULE = "RFC 2181 8"
BOD_18_01 = "BOD 18-01"
MAX_CERTIFICATE_NAME = 64  # ACM RequestCertificate DomainName: 1-64 characters
_DYNAMODB_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
BOD_18_01_RUA = "mailto:reports@dmarc.cyber.dhs.gov"  # the CISA aggregate report address BOD 18-01 requires


class RuleErrors(ValueError):
    """Several broken rules found together by one validator (a profile lists every failure)."""

    def __init__(self, errors: Sequence[RuleError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = tuple(errors)


class Rule:
    """Field metadata: the rule to cite when pydantic itself refuses the field (missing, wrong type)."""

    def __init__(self, text: str):
        self.text = text


def _checked(fn: Callable[[Any], Any]) -> PlainValidator:
    return PlainValidator(fn)


def _integer(lo: int, hi: int, rule: str) -> PlainValidator:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"must be a whole number {lo}-{hi}", rule)
        if not lo <= value <= hi:
            raise RuleError(f"must be {lo}-{hi}", rule)
        return value

    return PlainValidator(check)


def _choice(values: Sequence[str], rule: str, refused: dict[str, str] | None = None) -> PlainValidator:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise RuleError("must be " + _one_of(values), rule)
        text = value.strip().lower()
        if refused and text in refused:
            raise RuleError(refused[text], rule)
        if text not in values:
            raise RuleError("must be " + _one_of(values), rule)
        return text

    return PlainValidator(check)


def _one_of(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise RuleError("must be true or false", SCHEMA_RULE)
    return value


def _unique(
    items: Sequence[Any],
    key: Callable[[Any], Any],
    field: str,
    rule: str,
    what: str,
    *,
    prefix: tuple[str, ...] = (),
    show: Callable[[Any], Any] | None = None,
) -> None:
    seen: set[Any] = set()
    for i, item in enumerate(items):
        k = key(item)
        if k in seen:
            value = k if show is None else show(item)
            raise RuleError(f"repeats {what}", rule, value=value, path=(*prefix, i, field) if field else (*prefix, i))
        seen.add(k)


def _zone_id(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"Z[A-Z0-9]{1,31}", value.strip()):
        raise RuleError("must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ", "Route53 HostedZone.Id")
    return value.strip()


def _aws_region(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d", value.strip()):
        raise RuleError("must be an AWS region such as us-east-1", "AWS regions")
    return value.strip()


def _bucket(value: Any) -> str:
    # S3 bucket names: 3-63 characters, lower case letters, digits, dots and hyphens.
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", value) or ".." in value:
        raise RuleError("must be an S3 bucket name: 3-63 lower-case letters, digits, dots, hyphens", "S3 bucket naming rules")
    return value


def _state_key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or value.startswith("/"):
        raise RuleError("must be a relative S3 object key such as maildns/example.gov.tfstate", "S3 object keys")
    return value.strip()


def _dynamodb_table(value: Any) -> str:
    if not isinstance(value, str) or not _DYNAMODB_TABLE.fullmatch(value.strip()):
        raise RuleError("must be a DynamoDB table name: 3-255 letters, digits, underscores, hyphens and dots", "DynamoDB table names")
    return value.strip()


def _mx_host(value: Any) -> str:
    if isinstance(value, str) and value.strip() == ".":
        return "."  # null MX (RFC 7505 3)
    return host_name(value)


def _sts_pattern(value: Any) -> str:
    # RFC 8461 4.1: a host name, or "*." and a name: the wildcard stands for one left-most label.
    if isinstance(value, str) and "*" in value.strip()[2 if value.strip().startswith("*.") else 0 :]:
        raise RuleError("may have * only as the whole left-most label: a wildcard stands for exactly one label", "RFC 8461 4.1")
    name = domain_name(value, wildcard=True)
    if name.startswith("*.") and name.count(".") < 2:
        raise RuleError("must not be a wildcard directly below a top-level domain: it would match any host there", "RFC 8461 4.1")
    return name


def _policy_bucket(value: Any) -> str:
    # CloudFront reaches the bucket at <bucket>.s3.<region>.amazonaws.com over TLS; a dot in the
    # name breaks that certificate's wildcard (S3 bucket naming rules recommend none).
    name = _bucket(value)
    if "." in name:
        raise RuleError("must not contain dots: the bucket is reached over TLS as <bucket>.s3.<region>.amazonaws.com", "S3 bucket naming rules")
    return name


def _dkim_selector(value: Any) -> str:
    if isinstance(value, str) and "_" in value:
        raise RuleError("must be dot-separated letters, digits and hyphens, no underscore", "RFC 6376 3.1")
    return domain_name(value, min_labels=1, top_level=False)


def _txt_value(value: Any) -> str:
    # Route53 wraps each value in quotes itself; a quote or backslash inside would change it.
    if not isinstance(value, str) or not value or not value.isascii() or re.search(r'["\\\x00-\x1f\x7f]', value):
        raise RuleError("must be printable ASCII text without quotes or backslashes", "RFC 1035 3.3.14")
    return value


def _apex_txt(value: Any) -> str:
    text = _txt_value(value)
    # A second v=spf1 record makes every SPF check a permerror (RFC 7208 4.5).
    lowered = text.lower()
    if lowered == spf_records.VERSION or lowered.startswith(spf_records.VERSION + " "):
        raise RuleError("must not be a second SPF record: set spf.terms instead", "RFC 7208 4.5")
    return text


def _hash_algorithm(value: Any) -> str:
    text = value.strip().lower() if isinstance(value, str) else value
    if text == "sha1":
        raise RuleError("must not be sha1: signers and verifiers must not use it", "RFC 8301 3.1")
    if text != "sha256":
        raise RuleError("must be sha256", "RFC 8301 3.1")
    return text


Ttl = Annotated[int, _integer(0, 2147483647, TTL_RULE)]
DomainName = Annotated[str, _checked(domain_name)]
MxHostName = Annotated[str, _checked(_mx_host)]
AwsRegion = Annotated[str, _checked(_aws_region)]
Flag = Annotated[bool, _checked(_flag)]
DmarcUri = Annotated[str, _checked(uri.dmarc_uri)]
TlsRptUri = Annotated[str, _checked(uri.tlsrpt_uri)]
SpfTerm = Annotated[spf_records.SpfTerm, _checked(spf_records.parse_term)]
SpfDomainSpec = Annotated[str, _checked(spf_records.domain_spec)]
DkimSelector = Annotated[str, _checked(_dkim_selector)]
DmarcPolicy = Annotated[Literal["none", "quarantine", "reject"], _choice(("none", "quarantine", "reject"), "RFC 7489 6.3")]
Alignment = Annotated[Literal["r", "s"], _choice(("r", "s"), "RFC 7489 6.3")]


class Model(BaseModel):
    """Base of every config model: unknown keys refused, immutable, field docstrings kept."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class MxHost(Model):
    host: MxHostName
    """Mail exchanger host name; ``.`` with preference 0 is a null MX (RFC 7505)."""
    preference: Annotated[int, _integer(0, 65535, "RFC 1035 3.3.9"), Rule("RFC 1035 3.3.9")]
    """Lower is tried first (RFC 5321 5.1)."""


class Spf(Model):
    terms: tuple[SpfTerm, ...] = ()
    """Mechanisms in evaluation order: include, a, mx, ip4, ip6, exists, with an optional qualifier."""
    all: Annotated[
        Literal["fail", "softfail"] | None,
        _choice(
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
    def _one_ending(self) -> Spf:
        if self.all is not None and self.redirect is not None:
            raise RuleError("must not be set with spf.all: redirect is ignored when all is present", "RFC 7208 6.1", value=self.redirect, path=("redirect",))
        if self.exp is not None and self.redirect is not None:
            raise RuleError("must not be set with spf.redirect: receivers use the redirected domain's exp instead", "RFC 7208 6.2", value=self.exp, path=("exp",))
        # The first matching term decides (RFC 7208 4.6.2): a repeat never matches and an
        # include or a, mx, exists repeated still costs a lookup (RFC 7208 4.6.4).
        _unique(self.terms, lambda t: (t.mechanism, t.argument, t.cidr), "", "RFC 7208 4.6.2", "an earlier term; the first match decides", prefix=("terms",), show=str)
        lookups = spf_records.count_lookups(self.terms, self.redirect)
        if lookups > spf_records.MAX_LOOKUPS:
            raise RuleError(
                f"need {lookups} DNS lookups; at most {spf_records.MAX_LOOKUPS} are allowed before includes are even counted",
                "RFC 7208 4.6.4",
                value=[str(t) for t in self.terms],
                path=("terms",),
            )
        if len(self.text) > spf_records.MAX_OCTETS:
            raise RuleError(
                f"render a record of {len(self.text)} octets; at most {spf_records.MAX_OCTETS} fit a DNS answer",
                "RFC 7208 3.4",
                value=self.text,
                path=("terms",),
            )
        return self

    @property
    def qualifier(self) -> str | None:
        """The effective ``all``: fail unless a redirect stands in for it."""
        return self.all if self.all is not None or self.redirect is not None else "fail"

    @property
    def text(self) -> str:
        return spf_records.render_spf(self.terms, all=self.qualifier, redirect=self.redirect, exp=self.exp)


class DkimKey(Model):
    selector: DkimSelector
    """The selector the signer puts in ``s=``; the record is ``<selector>._domainkey.<domain>``."""
    key_type: Annotated[Literal["rsa", "ed25519"], _choice(("rsa", "ed25519"), "RFC 6376 3.6.1, RFC 8463")] = "rsa"
    """Key algorithm (``k=``)."""
    public_key: Annotated[str, Rule("RFC 6376 3.6.1")]
    """Base64 public key (``p=``): SubjectPublicKeyInfo for rsa, the raw 32-byte key for ed25519."""
    hash_algorithms: tuple[Annotated[str, _checked(_hash_algorithm)], ...] = ()
    """Optional ``h=`` list; sha1 is refused (RFC 8301)."""
    testing: Flag = False
    """Publish ``t=y``: verifiers treat failures as unsigned (RFC 6376 3.6.1)."""

    @model_validator(mode="after")
    def _key_matches_type(self) -> DkimKey:
        try:
            text, data = dkim_records.public_key_bytes(self.public_key)
            dkim_records.check_public_key(self.key_type, data)
        except RuleError as exc:
            raise RuleError(exc.message, exc.rule, value=self.public_key, path=("public_key",)) from None
        object.__setattr__(self, "public_key", text)
        # Each hash appears once in h= (RFC 6376 3.6.1: a tag-list names no tag or value twice).
        _unique(self.hash_algorithms, lambda h: h, "", "RFC 6376 3.6.1", "a hash algorithm", prefix=("hash_algorithms",))
        return self

    @property
    def text(self) -> str:
        return dkim_records.render_dkim(
            key_type=self.key_type,
            public_key=self.public_key,
            hash_algorithms=self.hash_algorithms,
            flags=("y",) if self.testing else (),
        )


class Ses(Model):
    regions: tuple[AwsRegion, ...]
    """SES regions that send for the domain; each has its own identity and three DKIM tokens."""
    easy_dkim: Flag = True
    """Create the SES DKIM tokens and publish their CNAMEs."""

    @model_validator(mode="after")
    def _regions(self) -> Ses:
        if not self.regions:
            raise RuleError("must list at least one SES region", "AWS SES regions", value=[], path=("regions",))
        _unique(self.regions, lambda r: r, "", "AWS SES regions", "a region", prefix=("regions",))
        return self


class Dmarc(Model):
    p: DmarcPolicy = "reject"
    """Policy for mail that fails DMARC. Default: reject."""
    sp: DmarcPolicy | None = None
    """Policy for subdomains; default: the same as p."""
    pct: Annotated[int | None, _integer(0, 100, "RFC 7489 6.3")] = None
    """Percentage of failing mail the policy applies to (receivers assume 100)."""
    adkim: Alignment | None = None
    """DKIM alignment: r (relaxed, the default) or s (strict)."""
    aspf: Alignment | None = None
    """SPF alignment: r (relaxed, the default) or s (strict)."""
    fo: Annotated[str | None, _checked(dmarc_records.parse_fo)] = None
    """Failure reporting options: colon-separated 0, 1, d, s."""
    rf: Annotated[Literal["afrf"] | None, _choice(("afrf",), "RFC 7489 6.3")] = None
    """Failure report format; afrf is the only one defined."""
    ri: Annotated[int | None, _integer(0, 4294967295, "RFC 7489 6.3")] = None
    """Aggregate report interval in seconds (a 32-bit unsigned integer)."""
    rua: tuple[DmarcUri, ...] = ()
    """Aggregate report addresses: mailto: URIs, optionally with !<size>."""
    ruf: tuple[DmarcUri, ...] = ()
    """Failure (forensic) report addresses: mailto: URIs, optionally with !<size>."""

    @model_validator(mode="after")
    def _uris_once(self) -> Dmarc:
        # A receiver would send the same report twice (RFC 7489 6.2: each URI gets a copy).
        for tag in ("rua", "ruf"):
            _unique(getattr(self, tag), uri.uri_address, "", "RFC 7489 6.2", "a report address", prefix=(tag,), show=lambda u: u)
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
        _unique(self.rua, lambda u: u, "", "RFC 8460 3", "a report URI", prefix=("rua",))
        return self


class MtaSts(Model):
    mode: Annotated[Literal["enforce", "testing", "none"], _choice(("enforce", "testing", "none"), "RFC 8461 3.2")] = "testing"
    """enforce, testing (report only) or none (withdraw a policy)."""
    max_age: Annotated[int, _integer(0, 31557600, "RFC 8461 3.2")] = 604800
    """Seconds senders cache the policy; lower it before an MX change."""
    include_mx: Flag = True
    """List each MX host as its own ``mx:`` pattern; false publishes only ``patterns``."""
    patterns: tuple[Annotated[str, _checked(_sts_pattern)], ...] = ()
    """More ``mx:`` patterns, such as ``*.mail.example.net`` (``*`` stands for exactly one label)."""
    bucket: Annotated[str | None, _checked(_policy_bucket)] = None
    """S3 bucket that holds the policy file; default ``mta-sts-<domain with dots as hyphens>``."""


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


class Backend(Model):
    """Terraform state in S3; without it state is local (``terraform.<stack>.tfstate``)."""

    bucket: Annotated[str, _checked(_bucket)]
    region: AwsRegion
    key: Annotated[str | None, _checked(_state_key)] = None
    """Object key; default ``maildns/<domain>.tfstate``."""
    use_lockfile: Flag | None = None
    """Lock state with an S3 lock file (Terraform 1.10+); default: true unless ``dynamodb_table`` is set."""
    dynamodb_table: Annotated[str | None, _checked(_dynamodb_table)] = None
    """Lock state in this DynamoDB table instead (older Terraform)."""

    @property
    def lockfile(self) -> bool:
        """The effective ``use_lockfile``: as given, else true unless a DynamoDB table locks state."""
        return self.use_lockfile if self.use_lockfile is not None else self.dynamodb_table is None


class Config(Model):
    """One domain: what its mail DNS and MTA-STS hosting must be."""

    domain: DomainName
    """The mail domain, e.g. login.gov (lower-cased, trailing dot removed, IDN as A-label)."""
    zone: DomainName | None = None
    """Route53 hosted zone name to look up; default: the domain."""
    zone_id: Annotated[str | None, _checked(_zone_id)] = None
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
    apex_txt: tuple[Annotated[str, _checked(_apex_txt)], ...] = ()
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
    backend: Backend | None = None
    """Where Terraform keeps this domain's state."""
    profile: Annotated[Literal["bod-18-01"] | None, _choice(("bod-18-01",), BOD_18_01)] = None
    """Stricter rules on top of the RFCs: ``bod-18-01`` (US federal Binding Operational Directive 18-01)."""

    _source: str = PrivateAttr(default="<config>")

    @model_validator(mode="after")
    def _cross_field_rules(self) -> Config:
        if self.zone is not None and self.zone_id is not None:
            raise RuleError("must not be set with zone: give the zone by name or by id", SCHEMA_RULE, value=self.zone_id, path=("zone_id",))
        if self.zone is not None and not is_subdomain(self.domain, self.zone):
            raise RuleError(f"must contain the domain {self.domain}", "RFC 1034 4.2", value=self.zone, path=("zone",))
        # include or redirect of the domain's own record evaluates it again and again until the
        # lookup limit turns it into a permerror (RFC 7208 4.6.4, 5.2).
        for i, term in enumerate(self.spf.terms):
            if term.mechanism == "include" and term.argument == self.domain:
                raise RuleError("includes the domain's own record, a loop that ends in permerror", "RFC 7208 5.2", value=str(term), path=("spf", "terms", i))
        if self.spf.redirect == self.domain:
            raise RuleError("points to the domain's own record, a loop that ends in permerror", "RFC 7208 6.1", value=self.spf.redirect, path=("spf", "redirect"))
        _unique(self.mx, lambda m: m.host, "host", "RFC 5321 5.1", "an MX host", prefix=("mx",))
        if any(m.host == "." for m in self.mx):
            if len(self.mx) != 1 or self.mx[0].preference != 0:
                raise RuleError("must be the only MX, with preference 0, when it is a null MX", "RFC 7505 3", value=[f"{m.preference} {m.host}" for m in self.mx], path=("mx",))
            if self.spf.terms or self.spf.qualifier != "fail":
                raise RuleError("must be v=spf1 -all on a domain with a null MX", "RFC 7505 4", value=self.spf.text, path=("spf",))
        _unique(self.dkim, lambda k: k.selector, "selector", "RFC 6376 3.6.2.1", "a selector", prefix=("dkim",))
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
        _unique(self.apex_txt, lambda v: v, "", "Route53 ChangeResourceRecordSets", "a value", prefix=("apex_txt",))
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
                raise RuleError(f"makes the record name {len(name)} octets long; a name is at most {MAX_NAME}", "RFC 1035 2.3.4", value=name, path=path)
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
    def _profile(self) -> Config:
        """``bod-18-01``: every requirement that fails, one error each (BOD 18-01, required actions)."""
        if self.profile != "bod-18-01":
            return self
        dmarc = self.dmarc
        failed: list[RuleError] = []
        if dmarc.p != "reject":
            failed.append(RuleError("must be reject under profile bod-18-01", BOD_18_01, value=dmarc.p, path=("dmarc", "p")))
        if dmarc.pct is not None and dmarc.pct < 100:
            failed.append(RuleError("must be 100 (or unset) under profile bod-18-01", BOD_18_01, value=dmarc.pct, path=("dmarc", "pct")))
        if dmarc.sp is not None and dmarc.sp != "reject":
            failed.append(RuleError("must be reject (or unset) under profile bod-18-01", BOD_18_01, value=dmarc.sp, path=("dmarc", "sp")))
        if BOD_18_01_RUA not in (uri.uri_address(u).lower() for u in dmarc.rua):
            failed.append(RuleError(f"must include {BOD_18_01_RUA} under profile bod-18-01", BOD_18_01, value=list(dmarc.rua), path=("dmarc", "rua")))
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
        hosts = [m.host for m in self.mx if m.host != mta_sts_records.NULL_MX_HOST]
        if not hosts:
            raise RuleError(f"must be none on a domain that receives no mail: {sts.mode} mode needs MX hosts to list", "RFC 8461 3.2", value=sts.mode, path=("mta_sts", "mode"))
        patterns = mta_sts_records.config_patterns(self)
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
    def stack_name(self) -> str:
        """Terraform stack name: login.gov -> login-gov."""
        return self.domain.replace(".", "-")

    def ttl_for(self, record: str) -> int:
        override = getattr(self.ttl_overrides, record)
        return self.ttl if override is None else override


# --- loading ------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that refuses a key given twice (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "a key must be text, not a list or mapping", key_node.start_mark) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _field_of(model: type[BaseModel], loc: tuple[str | int, ...]) -> FieldInfo | None:
    """The FieldInfo at ``loc`` below ``model``, or None if the path leaves the schema."""
    info: FieldInfo | None = None
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        info = current.model_fields[part]
        current = _inner_model(info.annotation)
    return info


def _inner_model(annotation: Any) -> Any:
    """The model class inside ``Model``, ``Model | None`` or ``tuple[Model, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None if get_origin(annotation) is None else None


def _rule_of(loc: tuple[str | int, ...]) -> str:
    info = _field_of(Config, loc)
    for meta in info.metadata if info else ():
        if isinstance(meta, Rule):
            return meta.text
    return SCHEMA_RULE


def _allowed_keys(loc: tuple[str | int, ...]) -> list[str]:
    info = _field_of(Config, loc) if loc else None
    model = Config if not loc else (_inner_model(info.annotation) if info else None)
    return list(model.model_fields) if model else []


def _lines(file: str, exc: ValidationError) -> list[str]:
    """Turn pydantic's errors into maildns problem lines."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, RuleErrors):
            lines.extend(problem(file, loc + e.path, e.message, e.value, e.rule) for e in cause.errors)
        elif isinstance(cause, RuleError):
            value = err.get("input", _UNSET) if cause.value is _UNSET else cause.value
            lines.append(problem(file, loc + cause.path, cause.message, value, cause.rule))
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            lines.append(problem(file, loc, "unknown key", loc[-1], f"{hint}allowed: {', '.join(allowed)}"))
        elif kind == "missing":
            lines.append(problem(file, loc, "is required", _UNSET, _rule_of(loc)))
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            lines.append(problem(file, loc, "must be a mapping of settings", err.get("input"), SCHEMA_RULE))
        elif kind in ("tuple_type", "list_type"):
            lines.append(problem(file, loc, "must be a list", err.get("input"), _rule_of(loc)))
        elif kind in ("string_type",):
            lines.append(problem(file, loc, "must be text", err.get("input"), _rule_of(loc)))
        else:
            message = err["msg"][:1].lower() + err["msg"][1:]
            lines.append(problem(file, loc, message, err.get("input"), _rule_of(loc)))
    return lines


def parse_config(data: Any, source: str = "<config>") -> Config:
    """Validate already-parsed YAML data; raise ConfigError with one line per problem."""
    if not isinstance(data, dict):
        raise ConfigError([problem(source, (), "must be a mapping of settings", data, SCHEMA_RULE)])
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_lines(source, exc)) from None
    config._source = source
    return config


def load_config(path: str | Path) -> Config:
    """Read and validate one ``<domain>.yaml`` file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError([problem(source, ("file",), f"cannot be read: {reason}", source, "a readable UTF-8 YAML file")]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        what = " ".join((getattr(exc, "problem", None) or str(exc)).split())  # one line, whatever PyYAML says
        snippet = text.splitlines()[mark.line].strip() if mark and mark.line < len(text.splitlines()) else ""
        raise ConfigError([problem(source, (where,), f"is not valid YAML: {what}", snippet, "YAML 1.1")]) from None
    except RecursionError:
        raise ConfigError([problem(source, ("file",), "is not valid YAML: nested too deeply", _UNSET, "YAML 1.1")]) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML's constructors raise these for scalars that parse but do not convert
        # (a timestamp such as 2020-13-01); they are still bad input, not a crash.
        raise ConfigError([problem(source, ("file",), f"is not valid YAML: {' '.join(str(exc).split())}", _UNSET, "YAML 1.1")]) from None
    return parse_config(data, source)


def config_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to their ``*.yaml``/``*.yml`` files, in name order; keep files as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            files.append(path)
    return files


def duplicate_domains(configs: Sequence[Config]) -> list[str]:
    """Problem lines for a domain (or its stack name) configured in more than one file."""
    lines: list[str] = []
    owners: dict[str, Config] = {}
    for config in configs:
        first = owners.setdefault(config.stack_name, config)
        if first is not config:
            lines.append(problem(config.source, ("domain",), f"is configured twice (also in {first.source})", config.domain, "one file and one stack per domain"))
    return lines


def load_configs(paths: Iterable[str | Path]) -> tuple[Config, ...]:
    """Load every file, collect every problem of every file, then check names across domains."""
    lines: list[str] = []
    configs: list[Config] = []
    for file in config_files(paths):
        try:
            configs.append(load_config(file))
        except ConfigError as exc:
            lines.extend(exc.lines)
    lines.extend(duplicate_domains(configs))
    if lines:
        raise ConfigError(lines)
    return tuple(configs)
