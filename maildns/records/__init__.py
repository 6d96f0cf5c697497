"""Every DNS record a domain's config asks for, rendered as plain values (no cdktf here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from maildns.records.dkim import dkim_name, ses_dkim_cname, record_id as dkim_record_id
from maildns.records.dmarc import dmarc_name, external_destinations, report_authorization_name
from maildns.records.mx import render_mx
from maildns.records.names import MAX_NAME
from maildns.records.tls_rpt import render_tls_rpt, tls_rpt_name

if TYPE_CHECKING:
    from maildns.config import Config

SES_TOKENS = 3  # SES Easy DKIM always issues three tokens


@dataclass(frozen=True)
class Record:
    """One Route53 record set.

    ``id`` is the stable logical name of the record in Terraform (renaming it replaces the
    record). TXT ``values`` are full, unsplit texts. ``computed`` records have values known only
    after apply (SES tokens); their names and values hold a readable placeholder.
    """

    id: str
    name: str
    type: str
    ttl: int
    values: tuple[str, ...]
    computed: bool = field(default=False)


def ses_token_placeholder(region: str, index: int) -> str:
    """What ``maildns records`` shows for a token SES issues only at apply time."""
    return f"<ses-{region}-token-{index}>"


def ses_dkim_record(domain: str, region: str, index: int, token: str, ttl: int) -> Record:
    """The CNAME for SES DKIM token ``index`` (1-3) of ``region``; ``token`` may be a Terraform reference."""
    name, target = ses_dkim_cname(domain, token)
    return Record(f"ses-dkim-{region}-{index}", name, "CNAME", ttl, (target,), computed=True)


def ses_verification_record(domain: str, tokens: Sequence[str], ttl: int) -> Record:
    """``_amazonses.<domain>`` TXT with each region's verification token: without Easy DKIM it is
    how SES verifies the domain (one record set, a value per region).

    @see https://docs.aws.amazon.com/ses/latest/APIReference/API_VerifyDomainIdentity.html
    """
    return Record("ses-verification", f"_amazonses.{domain}", "TXT", ttl, tuple(tokens), computed=True)


def ses_dkim_records(config: Config) -> tuple[Record, ...]:
    """The SES Easy DKIM CNAMEs, three per region, with placeholders for the tokens; without
    Easy DKIM, the verification TXT instead."""
    if config.ses is None:
        return ()
    ttl = config.ttl_for("ses_dkim")
    if not config.ses.easy_dkim:
        tokens = [f"<ses-{region}-verification-token>" for region in config.ses.regions]
        return (ses_verification_record(config.domain, tokens, ttl),)
    return tuple(
        ses_dkim_record(config.domain, region, index, ses_token_placeholder(region, index), ttl)
        for region in config.ses.regions
        for index in range(1, SES_TOKENS + 1)
    )


def render_records(config: Config, others: Sequence[Config] = ()) -> tuple[Record, ...]:
    """The records whose values maildns knows before apply, in a fixed order.

    ``others`` are all the configs loaded together (``config`` may be among them): a domain
    among them that sends DMARC reports to ``config.domain`` needs its authorisation record
    in this domain's zone (RFC 7489 7.1); those come last, sorted by name.
    """
    domain = config.domain
    records: list[Record] = []
    if config.mx:
        records.append(Record("mx", domain, "MX", config.ttl_for("mx"), render_mx((m.preference, m.host) for m in config.mx)))
    records.append(Record("spf", domain, "TXT", config.ttl_for("spf"), (config.spf.text, *config.apex_txt)))
    for key in config.dkim:
        records.append(Record(dkim_record_id(key.selector), dkim_name(key.selector, domain), "TXT", config.ttl_for("dkim"), (key.text,)))
    records.append(Record("dmarc", dmarc_name(domain), "TXT", config.ttl_for("dmarc"), (config.dmarc.text,)))
    if config.tls_rpt is not None:
        records.append(Record("tls-rpt", tls_rpt_name(domain), "TXT", config.ttl_for("tls_rpt"), (render_tls_rpt(config.tls_rpt.rua),)))
    return tuple(records) + report_authorizations(config, others)


def report_authorizations(config: Config, others: Sequence[Config]) -> tuple[Record, ...]:
    """``<policy-domain>._report._dmarc.<config.domain>`` TXT ``v=DMARC1`` for each other domain
    whose rua or ruf sends reports here from outside (RFC 7489 7.1), sorted by name.

    A name longer than 253 octets cannot exist; ``maildns validate`` warns about it instead.
    """
    records: list[Record] = []
    for other in {o.domain: o for o in others if o.domain != config.domain}.values():
        if config.domain in external_destinations(other.domain, other.dmarc.rua + other.dmarc.ruf):
            name = report_authorization_name(other.domain, config.domain)
            if len(name) <= MAX_NAME:
                records.append(Record(f"dmarc-report-auth-{other.domain.replace('.', '-')}", name, "TXT", config.ttl_for("dmarc"), ("v=DMARC1",)))
    return tuple(sorted(records, key=lambda r: r.name))
