"""The plan: each resolved config turned into its record set and MTA-STS policy, once, for every consumer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from maildns.config import Config, Resolved, resolve
from maildns.config.adopt import set_name
from maildns.records import SES_TOKENS, Record, ses_dkim_record, ses_token_placeholder, ses_verification_record
from maildns.records import mta_sts as sts
from maildns.records.bimi import bimi_name
from maildns.records.bimi import record_id as bimi_record_id
from maildns.records.dkim import dkim_name
from maildns.records.dkim import record_id as dkim_record_id
from maildns.records.dmarc import dmarc_name, external_destinations, report_authorization_name
from maildns.records.dnssec import ds_record, ds_record_id, parent_zone
from maildns.records.mail_from import mail_from_records
from maildns.records.mail_from import record_id as mail_from_record_id
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
    dnssec: tuple[Record, ...] = ()
    """The DS records of signed child domains whose delegation is in this domain's zone (values known after apply)."""
    adopt_names: tuple[tuple[str, str], ...] = ()
    """(record id, ``adopt`` name) of every record set an import block can adopt."""

    @property
    def domain(self) -> str:
        return self.config.domain

    @property
    def stack_name(self) -> str:
        return self.config.stack_name

    @property
    def all_records(self) -> tuple[Record, ...]:
        """What ``maildns records`` lists: the rendered records, the MTA-STS ones, then SES's."""
        return self.records + self.mta_sts + self.ses + self.dnssec

    def adopt_name(self, record: Record) -> str | None:
        """The ``adopt`` name of ``record``; None for the SES DKIM and ACM validation CNAMEs,
        whose first apply is an upsert."""
        return dict(self.adopt_names).get(record.id)

    @property
    def mta_sts_txt(self) -> Record | None:
        """``_mta-sts.<domain>`` TXT with the id of the policy bytes (RFC 8461 3.1)."""
        return self.mta_sts[0] if self.mta_sts else None


def plan(configs: Sequence[Config]) -> tuple[DomainPlan, ...]:
    """One plan per config, in order. Configs loaded together see each other: a domain that sends
    DMARC reports to another gets its authorisation record in that domain's zone (RFC 7489 7.1)."""
    resolved = [resolve(c) for c in configs]
    senders = _report_senders(resolved)
    children = _signed_children(resolved)
    return tuple(_plan_one(r, senders.get(r.domain, {}), children.get(r.domain, ())) for r in resolved)


def plan_one(config: Config, others: Sequence[Config] = ()) -> DomainPlan:
    """The plan of ``config`` among ``others`` (which may include it)."""
    resolved = resolve(config)
    everyone = [resolve(o) for o in others]
    senders = _report_senders(everyone)
    if all(o.domain != resolved.domain for o in everyone):
        everyone.append(resolved)
    children = _signed_children(everyone)
    return _plan_one(resolved, senders.get(resolved.domain, {}), children.get(resolved.domain, ()))


def _report_senders(resolved: Sequence[Resolved]) -> dict[str, dict[str, Resolved]]:
    """Destination domain -> the policy domains (by name) that send it DMARC reports from outside.

    One pass over every config, so a thousand domains cost a thousand look-ups, not a million.
    """
    senders: dict[str, dict[str, Resolved]] = defaultdict(dict)
    for r in resolved:
        if r.retire is not None:
            continue  # a retiring domain's DMARC record goes (or is no longer ours)
        for destination in external_destinations(r.domain, r.report_uris):
            senders[destination].setdefault(r.domain, r)
    return senders


def _signed_children(resolved: Sequence[Resolved]) -> dict[str, tuple[str, ...]]:
    """Domain -> the signed domains (publish_ds on) whose DS belongs in that domain's zone, sorted.

    The DS of a signed zone lives in the closest enclosing zone among the configs (RFC 4035 2.4);
    of the domains in that zone, the one whose domain is the zone publishes it, else the first by name.
    """
    by_zone: dict[str, list[str]] = defaultdict(list)
    for r in resolved:
        by_zone[r.zone_name].append(r.domain)
    children: dict[str, list[str]] = defaultdict(list)
    for r in resolved:
        if r.dnssec is None or not r.dnssec.publish_ds or r.retire is not None:
            continue
        zone = parent_zone(r.domain, by_zone)
        if zone is None:
            continue
        owners = by_zone[zone]
        children[zone if zone in owners else min(owners)].append(r.domain)
    return {domain: tuple(sorted(names)) for domain, names in children.items()}


def _plan_one(config: Resolved, senders: dict[str, Resolved], children: Sequence[str] = ()) -> DomainPlan:
    domain, ttl = config.domain, config.ttl
    records: list[Record] = []
    if config.mx:
        records.append(Record("mx", domain, "MX", ttl.mx, render_mx(config.mx)))
    records.append(Record("spf", domain, "TXT", ttl.spf, (config.spf, *config.apex_txt)))
    for key in config.dkim:
        records.append(Record(dkim_record_id(key.selector), dkim_name(key.selector, domain), key.type, ttl.dkim, (key.text,)))
    # A delegated DMARC or TLS-RPT record is a CNAME to the vendor's record: same name, same id.
    records.append(Record("dmarc", dmarc_name(domain), "CNAME" if config.dmarc_cname else "TXT", ttl.dmarc, (config.dmarc,)))
    if config.tls_rpt is not None:
        records.append(Record("tls-rpt", tls_rpt_name(domain), "CNAME" if config.tls_rpt_cname else "TXT", ttl.tls_rpt, (config.tls_rpt,)))
    if config.bimi is not None:
        records.append(
            Record(bimi_record_id(config.bimi.selector), bimi_name(config.bimi.selector, domain), "TXT", ttl.bimi, (config.bimi.text,))
        )
    if config.ses is not None and config.ses.mail_from is not None:
        records.extend(mail_from_records(domain, config.ses.mail_from, config.ses.regions, mx_ttl=ttl.mx, spf_ttl=ttl.spf))
    records.extend(_report_authorizations(config, senders))

    policy: bytes | None = None
    site: tuple[Record, ...] = ()
    if config.mta_sts is not None:
        policy = sts.render_policy(mode=config.mta_sts.mode, max_age=config.mta_sts.max_age, patterns=config.mta_sts.patterns)
        host, target = sts.policy_host(domain), sts.distribution_placeholder(domain)
        validation = sts.certificate_validation_placeholders(domain)
        site = (
            Record("mta-sts", sts.txt_name(domain), "TXT", ttl.mta_sts, (sts.render_txt(policy),)),
            Record("mta-sts-a", host, "A", sts.ALIAS_TTL, (target,), computed=True),
            Record("mta-sts-aaaa", host, "AAAA", sts.ALIAS_TTL, (target,), computed=True),
            # ACM validates the certificate of the policy host through a CNAME it names itself.
            Record("mta-sts-certificate-validation", validation[0], "CNAME", ttl.mta_sts, (validation[1],), computed=True),
        )
    dnssec = tuple(ds_record(child, ttl.ds) for child in children)
    ses = _ses_records(config)
    names = _adopt_names(config, senders, children)
    adoptable = tuple((r.id, names[r.id]) for r in (*records, *site, *ses, *dnssec) if r.id in names)
    return DomainPlan(config, tuple(records), policy, site, ses, dnssec, adoptable)


def _adopt_names(config: Resolved, senders: dict[str, Resolved], children: Sequence[str]) -> dict[str, str]:
    """Record id -> ``adopt`` name of every set this plan can hold (config.adopt.adopted_record_id
    is the way back; a test holds the two together)."""
    names = {r: set_name(r.replace("-", "_")) for r in ("mx", "spf", "dmarc", "tls-rpt", "mta-sts", "mta-sts-a", "mta-sts-aaaa")}
    names["ses-verification"] = set_name("ses_verification")
    names |= {dkim_record_id(key.selector): set_name("dkim", key.selector) for key in config.dkim}
    if config.bimi is not None:
        names[bimi_record_id(config.bimi.selector)] = set_name("bimi", config.bimi.selector)
    for region in config.ses.regions if config.ses is not None else ():
        names |= {mail_from_record_id(region, kind): set_name(f"mail_from_{kind}", region) for kind in ("mx", "spf")}
    names |= {ds_record_id(child): set_name("ds", child) for child in children}
    names |= {f"dmarc-report-auth-{sender.replace('.', '-')}": set_name("dmarc_report_auth", sender) for sender in senders}
    return names


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
