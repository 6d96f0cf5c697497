"""Rules of the optional mail features: BIMI, SES custom MAIL FROM and DNSSEC signing, within a domain and across domains."""

from __future__ import annotations

from collections.abc import Sequence

from maildns.config.fields import SCHEMA_RULE
from maildns.config.models import ConfigFields
from maildns.errors import Problem, RuleError
from maildns.records import bimi as bimi_records
from maildns.records import mail_from as mail_from_records
from maildns.records.names import MAX_NAME

DNSSEC_RULE = "Route53 DNSSEC signs a whole hosted zone"


def feature_rules(config: ConfigFields) -> list[RuleError]:
    """Every broken rule of the bimi, ses.mail_from and dnssec sections, each its own problem."""
    return [*_bimi(config), *_mail_from(config), *_dnssec(config)]


def _bimi(config: ConfigFields) -> list[RuleError]:
    if config.bimi is None:
        return []
    dmarc = config.dmarc
    found = [
        RuleError(e.message, e.rule, value=e.value, path=("dmarc", *e.path))
        for e in bimi_records.enforcement_problems(dmarc.p, dmarc.sp, dmarc.pct)
    ]
    name = bimi_records.bimi_name(config.bimi.selector, config.domain)
    if len(name) > MAX_NAME:
        found.append(
            RuleError(
                f"makes the record name {len(name)} octets long; a name is at most {MAX_NAME}",
                "RFC 1035 2.3.4",
                value=name,
                path=("bimi", "selector"),
            )
        )
    return found


def _mail_from(config: ConfigFields) -> list[RuleError]:
    ses = config.ses
    if ses is None or ses.mail_from is None:
        return []
    found: list[RuleError] = []
    hosts = {m.host for m in config.mx}
    for region in ses.regions:
        try:
            name = mail_from_records.check_name(ses.mail_from, region, config.domain)
        except RuleError as exc:
            found.append(RuleError(exc.message, exc.rule, value=exc.value, path=("ses", "mail_from")))
            continue
        # SES: the MAIL FROM domain must not be one that receives mail; its MX points at SES.
        if name in hosts:
            found.append(
                RuleError(
                    f"makes {name}, which is also an MX host of the domain; a MAIL FROM domain receives no mail",
                    mail_from_records.SES_MAIL_FROM,
                    value=ses.mail_from,
                    path=("ses", "mail_from"),
                )
            )
    return found


def _dnssec(config: ConfigFields) -> list[RuleError]:
    dnssec = config.dnssec
    if dnssec is None:
        return []
    found: list[RuleError] = []
    if not dnssec.signing:
        for key in ("publish_ds", "alarm_topic_arn"):
            value = getattr(dnssec, key)
            if value not in (None, False):
                found.append(RuleError("must not be set without dnssec.signing: true", SCHEMA_RULE, value=value, path=("dnssec", key)))
        return found
    if config.zone_id is not None:
        found.append(
            RuleError(
                "must be false with zone_id: maildns signs only a zone it finds by the domain's name, so the zone is the domain itself",
                DNSSEC_RULE,
                value=True,
                path=("dnssec", "signing"),
            )
        )
    elif config.zone is not None and config.zone != config.domain:
        found.append(
            RuleError(
                f"must be false while the zone is {config.zone}: signing would sign every name in {config.zone}, not only {config.domain}",
                DNSSEC_RULE,
                value=True,
                path=("dnssec", "signing"),
            )
        )
    return found


def cross_domain_problems(configs: Sequence[ConfigFields]) -> list[Problem]:
    """Names one domain's MAIL FROM subdomains would share with another domain loaded in the same run."""
    domains = {config.domain: config for config in configs}
    found: list[Problem] = []
    for config in configs:
        ses = config.ses
        if ses is None or ses.mail_from is None:
            continue
        for region in ses.regions:
            name = mail_from_records.mail_from_name(ses.mail_from, region, config.domain)
            other = domains.get(name)
            if other is not None:
                found.append(
                    Problem(
                        config.source,
                        ("ses", "mail_from"),
                        f"makes {name}, the domain configured in {other.source}; both would publish MX and TXT there",
                        ses.mail_from,
                        "one record set per name and type (RFC 2181 5)",
                    )
                )
    return found
