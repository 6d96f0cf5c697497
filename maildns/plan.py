"""The plan: each resolved config turned into its record set and MTA-STS policy, once, for every consumer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from maildns.config import Config, Resolved, resolve
from maildns.records import SES_TOKENS, Record, ses_dkim_record, ses_token_placeholder, ses_verification_record
from maildns.records import mta_sts as sts
from maildns.records.dkim import dkim_name
from maildns.records.dkim import record_id as dkim_record_id
from maildns.records.dmarc import dmarc_name, external_destinations, report_authorization_name
from maildns.records.mx import render_mx
from maildns.records.names import MAX_NAME
from maildns.records.tls_rpt import tls_rpt_name


@dataclass(frozen=True)
class DomainPlan:
    """Everything one domain publishes, as values.

    ``records`` are the record sets whose values maildns renders (MX, SPF, DKIM, DMARC, TLS-RPT and
    the DMARC report authorisations other domains need here); ``mta_sts`` the ``_mta-sts`` TXT and
    the policy host's aliases; ``ses`` the SES records whose values exist only after apply
    (placeholders here, Terraform references in the stack).
    """

    config: Resolved
    records: tuple[Record, ...]
    policy: bytes | None
    mta_sts: tuple[Record, ...]
    ses: tuple[Record, ...]

    @property
    def domain(self) -> str:
        return self.config.domain

    @property
    def stack_name(self) -> str:
        return self.config.stack_name

    @property
    def all_records(self) -> tuple[Record, ...]:
        """What ``maildns records`` lists: the rendered records, the MTA-STS ones, then SES's."""
        return self.records + self.mta_sts + self.ses

    @property
    def mta_sts_txt(self) -> Record | None:
        """``_mta-sts.<domain>`` TXT with the id of the policy bytes (RFC 8461 3.1)."""
        return self.mta_sts[0] if self.mta_sts else None


def plan(configs: Sequence[Config]) -> tuple[DomainPlan, ...]:
    """One plan per config, in order. Configs loaded together see each other: a domain that sends
    DMARC reports to another gets its authorisation record in that domain's zone (RFC 7489 7.1)."""
    resolved = [resolve(c) for c in configs]
    senders = _report_senders(resolved)
    return tuple(_plan_one(r, senders.get(r.domain, {})) for r in resolved)


def plan_one(config: Config, others: Sequence[Config] = ()) -> DomainPlan:
    """The plan of ``config`` among ``others`` (which may include it)."""
    resolved = resolve(config)
    senders = _report_senders([resolve(o) for o in others])
    return _plan_one(resolved, senders.get(resolved.domain, {}))


def _report_senders(resolved: Sequence[Resolved]) -> dict[str, dict[str, Resolved]]:
    """Destination domain -> the policy domains (by name) that send it DMARC reports from outside.

    One pass over every config, so a thousand domains cost a thousand look-ups, not a million.
    """
    senders: dict[str, dict[str, Resolved]] = defaultdict(dict)
    for r in resolved:
        for destination in external_destinations(r.domain, r.report_uris):
            senders[destination].setdefault(r.domain, r)
    return senders


def _plan_one(config: Resolved, senders: dict[str, Resolved]) -> DomainPlan:
    domain, ttl = config.domain, config.ttl
    records: list[Record] = []
    if config.mx:
        records.append(Record("mx", domain, "MX", ttl.mx, render_mx(config.mx)))
    records.append(Record("spf", domain, "TXT", ttl.spf, (config.spf, *config.apex_txt)))
    for key in config.dkim:
        records.append(Record(dkim_record_id(key.selector), dkim_name(key.selector, domain), "TXT", ttl.dkim, (key.text,)))
    records.append(Record("dmarc", dmarc_name(domain), "TXT", ttl.dmarc, (config.dmarc,)))
    if config.tls_rpt is not None:
        records.append(Record("tls-rpt", tls_rpt_name(domain), "TXT", ttl.tls_rpt, (config.tls_rpt,)))
    records.extend(_report_authorizations(config, senders))

    policy: bytes | None = None
    site: tuple[Record, ...] = ()
    if config.mta_sts is not None:
        policy = sts.render_policy(mode=config.mta_sts.mode, max_age=config.mta_sts.max_age, patterns=config.mta_sts.patterns)
        host, target = sts.policy_host(domain), sts.distribution_placeholder(domain)
        validation_name, validation_value = sts.certificate_validation_placeholder(domain)
        site = (
            Record("mta-sts", sts.txt_name(domain), "TXT", ttl.mta_sts, (sts.render_txt(policy),)),
            Record("mta-sts-a", host, "A", sts.ALIAS_TTL, (target,), computed=True),
            Record("mta-sts-aaaa", host, "AAAA", sts.ALIAS_TTL, (target,), computed=True),
            # The ACM certificate's DNS validation record, which the stack creates as well.
            Record("mta-sts-certificate-validation", validation_name, "CNAME", ttl.mta_sts, (validation_value,), computed=True),
        )
    return DomainPlan(config, tuple(records), policy, site, _ses_records(config))


def _report_authorizations(config: Resolved, senders: dict[str, Resolved]) -> list[Record]:
    """``<policy-domain>._report._dmarc.<domain>`` TXT ``v=DMARC1`` for each other domain whose
    rua or ruf sends reports here from outside (RFC 7489 7.1), sorted by name.

    A name longer than 253 octets cannot exist; ``maildns validate`` warns about it instead.
    """
    records = []
    for sender in senders.values():
        if sender.domain == config.domain:
            continue
        name = report_authorization_name(sender.domain, config.domain)
        if len(name) <= MAX_NAME:
            record_id = f"dmarc-report-auth-{sender.domain.replace('.', '-')}"
            records.append(Record(record_id, name, "TXT", config.ttl.dmarc, ("v=DMARC1",)))
    return sorted(records, key=lambda r: r.name)


def _ses_records(config: Resolved) -> tuple[Record, ...]:
    """The SES Easy DKIM CNAMEs, three per region, with placeholders for the tokens; without
    Easy DKIM, the verification TXT instead."""
    ses = config.ses
    if ses is None:
        return ()
    if not ses.easy_dkim:
        tokens = [f"<ses-{region}-verification-token>" for region in ses.regions]
        return (ses_verification_record(config.domain, tokens, config.ttl.ses_dkim),)
    return tuple(
        ses_dkim_record(config.domain, region, index, ses_token_placeholder(region, index), config.ttl.ses_dkim)
        for region in ses.regions
        for index in range(1, SES_TOKENS + 1)
    )
