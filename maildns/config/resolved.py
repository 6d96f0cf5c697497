"""One resolved view of a config: every default applied, so synth, records and check read the same values."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from maildns.config.adopt import adopted_record_id
from maildns.config.domain import Config
from maildns.config.fields import SpfAll, StsMode
from maildns.records import bimi as bimi_records
from maildns.records import mta_sts as mta_sts_records
from maildns.records import parked
from maildns.records.tls_rpt import render_tls_rpt

DEFAULT_STATE_PREFIX = "maildns"  # S3 state key: maildns/<domain>.tfstate
# cdktf writes each stack to <outdir>/stacks/<stack>/ and runs Terraform there, and Terraform
# resolves a relative local-backend path against that working directory. Three levels up from
# cdktf.out/stacks/<stack>/ is the project root, which `make clean` and a fresh synth leave alone.
# @see https://developer.hashicorp.com/terraform/language/backend/local
LOCAL_STATE_DIR = "../../.."


@dataclass(frozen=True)
class Ttls:
    """The TTL of each record set: its override, else the domain's ``ttl``."""

    mx: int
    spf: int
    dkim: int
    ses_dkim: int
    dmarc: int
    tls_rpt: int
    mta_sts: int
    bimi: int
    ds: int


@dataclass(frozen=True)
class DkimRecord:
    selector: str
    text: str
    """The key record, or the target of a key delegated by CNAME."""
    type: Literal["TXT", "CNAME"] = "TXT"
    state: str = "active"
    """Its place in a rotation (``DkimKey.state``); the record is the same in every state but revoked."""


@dataclass(frozen=True)
class SesSettings:
    regions: tuple[str, ...]
    easy_dkim: bool
    managed: bool
    """The stack owns the identities (creates them, refuses to destroy them); else it reads them."""
    mail_from: str | None = None
    """The MAIL FROM label; each region's MAIL FROM domain is ``<label>-<region>.<domain>``."""


@dataclass(frozen=True)
class BimiSettings:
    selector: str
    text: str
    """The rendered Assertion Record."""


@dataclass(frozen=True)
class DnssecSettings:
    """DNSSEC signing of the domain's own zone (only present when signing)."""

    publish_ds: bool
    alarm_topic_arn: str | None


@dataclass(frozen=True)
class MtaStsSettings:
    mode: StsMode
    max_age: int
    patterns: tuple[str, ...]
    """The ``mx:`` patterns, normalised and sorted (RFC 8461 4.1)."""
    bucket: str | None
    """The S3 bucket that holds the policy file, when the config names one."""
    bucket_prefix: str | None
    """Otherwise the start of its name, which Terraform completes to a globally unique one."""
    name: str
    """The name of the site's other per-account resources (the CloudFront origin access control)."""


@dataclass(frozen=True)
class S3State:
    """Terraform state in S3, locked by an S3 lock file or a DynamoDB table."""

    bucket: str
    key: str
    region: str
    use_lockfile: bool
    dynamodb_table: str | None


@dataclass(frozen=True)
class LocalState:
    """Terraform state in a local file."""

    path: str
    """Relative to the stack folder Terraform runs in: ``../../../terraform.<stack>.tfstate``."""


@dataclass(frozen=True)
class Resolved:
    """What a config means, with nothing left to default."""

    source: str
    domain: str
    stack_name: str
    zone_name: str
    """The hosted zone's name (looked up unless ``zone_id`` is given)."""
    zone_id: str | None
    region: str
    ttl: Ttls
    mx: tuple[tuple[int, str], ...]
    spf: str
    spf_all: SpfAll | None
    apex_txt: tuple[str, ...]
    dkim: tuple[DkimRecord, ...]
    dmarc: str
    """The policy record, or the target of ``_dmarc`` delegated by CNAME (``dmarc_cname``)."""
    report_uris: tuple[str, ...]
    """DMARC ``rua`` then ``ruf`` URIs, for report authorisations (RFC 7489 7.1)."""
    tls_rpt: str | None
    """The TLS-RPT record, or the target of ``_smtp._tls`` delegated by CNAME (``tls_rpt_cname``)."""
    ses: SesSettings | None
    mta_sts: MtaStsSettings | None
    state: S3State | LocalState
    bimi: BimiSettings | None = None
    dnssec: DnssecSettings | None = None
    mail: str = "full"
    """``full``, or ``none`` for a parked domain whose records are the lockdown set."""
    dmarc_cname: bool = False
    """``_dmarc`` is a CNAME to ``dmarc`` (a vendor's record), not a policy of its own."""
    tls_rpt_cname: bool = False
    """``_smtp._tls`` is a CNAME to ``tls_rpt``."""
    adopt: tuple[str, ...] = ()
    """Record ids (``Record.id``) of the record sets that exist already: imported, not created."""
    retire: str | None = None
    """``destroy`` or ``forget``: the stack lets go of everything it manages (``config.retire``)."""


def resolve(config: Config) -> Resolved:
    """The resolved view of a validated config."""
    base = config.ttl
    over = config.ttl_overrides

    def ttl(value: int | None) -> int:
        return base if value is None else value

    sts = config.mta_sts
    backend = config.backend
    state: S3State | LocalState
    if backend is None:
        state = LocalState(f"{LOCAL_STATE_DIR}/terraform.{config.stack_name}.tfstate")
    else:
        state = S3State(
            bucket=backend.bucket,
            key=backend.key or f"{DEFAULT_STATE_PREFIX}/{config.domain}.tfstate",
            region=backend.region,
            use_lockfile=backend.lockfile,
            dynamodb_table=backend.dynamodb_table,
        )
    resolved = Resolved(
        source=config.source,
        domain=config.domain,
        stack_name=config.stack_name,
        zone_name=config.zone or config.domain,
        zone_id=config.zone_id,
        region=config.region,
        ttl=Ttls(
            mx=ttl(over.mx),
            spf=ttl(over.spf),
            dkim=ttl(over.dkim),
            ses_dkim=ttl(over.ses_dkim),
            dmarc=ttl(over.dmarc),
            tls_rpt=ttl(over.tls_rpt),
            mta_sts=ttl(over.mta_sts),
            bimi=ttl(over.bimi),
            ds=ttl(over.ds),
        ),
        mx=tuple((m.preference, m.host) for m in config.mx),
        spf=config.spf.text,
        spf_all=config.spf.qualifier,
        apex_txt=config.apex_txt,
        dkim=tuple(DkimRecord(k.selector, k.text, "TXT" if k.cname is None else "CNAME", k.state) for k in config.dkim),
        dmarc=config.dmarc.cname or config.dmarc.text,
        report_uris=config.dmarc.rua + config.dmarc.ruf,
        tls_rpt=None if config.tls_rpt is None else config.tls_rpt.cname or render_tls_rpt(config.tls_rpt.rua),
        ses=SesSettings(config.ses.regions, config.ses.easy_dkim, config.ses.identity == "managed", config.ses.mail_from)
        if config.ses is not None
        else None,
        mta_sts=None
        if sts is None
        else MtaStsSettings(
            mode=sts.mode,
            max_age=sts.max_age,
            patterns=config.mta_sts_patterns,
            bucket=sts.bucket,
            bucket_prefix=None if sts.bucket else mta_sts_records.bucket_prefix(config.domain),
            name=mta_sts_records.site_name(config.domain),
        ),
        state=state,
        bimi=None
        if config.bimi is None
        else BimiSettings(config.bimi.selector, bimi_records.render_bimi(config.bimi.logo, config.bimi.authority)),
        dnssec=DnssecSettings(config.dnssec.publish_ds, config.dnssec.alarm_topic_arn)
        if config.dnssec is not None and config.dnssec.signing
        else None,
        mail=config.mail,
        dmarc_cname=config.dmarc.cname is not None,
        tls_rpt_cname=config.tls_rpt is not None and config.tls_rpt.cname is not None,
        adopt=tuple(adopted_record_id(name) for name in config.adopt),
        retire=config.retire,
    )
    return lockdown(resolved) if config.mail == "none" else resolved


def lockdown(resolved: Resolved) -> Resolved:
    """A parked domain's records: null MX, ``v=spf1 -all``, DMARC reject with the configured rua,
    every DKIM selector revoked, and no SES, TLS-RPT or MTA-STS (the config refuses those)."""
    rua = resolved.report_uris  # only rua: the config refuses ruf on a parked domain
    return replace(
        resolved,
        mx=(parked.NULL_MX,),
        spf=parked.SPF,
        spf_all="fail",
        dkim=(DkimRecord(parked.DKIM_SELECTOR, parked.DKIM_REVOKED),),
        dmarc=parked.render_dmarc_lockdown(rua),
        tls_rpt=None,
        dmarc_cname=False,
        tls_rpt_cname=False,
        ses=None,
        mta_sts=None,
        bimi=None,
    )
