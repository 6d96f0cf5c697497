"""One domain's config: the fields of ``models.ConfigFields`` under every rule across its sections.

Each rule returns its failures; ``Config.rules`` lists them all and ``models.Model`` raises them
together, so N independent problems print N lines. The rules that cut across features have one
home each: ``parked`` (mail: none), ``adopt``, ``features`` (BIMI, MAIL FROM, DNSSEC) and
``profiles``; the rules on the domain's own records are here.
"""

from __future__ import annotations

from collections.abc import Callable

from maildns.config import adopt, parked, retire
from maildns.config.features import feature_rules
from maildns.config.fields import SCHEMA_RULE, repeats
from maildns.config.models import ConfigFields
from maildns.config.profiles import profile_rules
from maildns.errors import FieldPath, RuleError
from maildns.records import dkim as dkim_records
from maildns.records import dmarc as dmarc_records
from maildns.records import mta_sts as mta_sts_records
from maildns.records import spf as spf_records
from maildns.records import tls_rpt as tls_rpt_records
from maildns.records.mx import NULL_MX_HOST
from maildns.records.names import MAX_NAME, is_subdomain

MAX_CERTIFICATE_NAME = 64  # ACM RequestCertificate DomainName: 1-64 characters


def zone_rules(config: ConfigFields) -> list[RuleError]:
    """The zone is given once (by name or by id), and its name contains the domain."""
    found: list[RuleError] = []
    if config.zone is not None and config.zone_id is not None:
        found.append(
            RuleError("must not be set with zone: give the zone by name or by id", SCHEMA_RULE, value=config.zone_id, path=("zone_id",))
        )
    if config.zone is not None and not is_subdomain(config.domain, config.zone):
        found.append(RuleError(f"must contain the domain {config.domain}", "RFC 1034 4.2", value=config.zone, path=("zone",)))
    return found


def spf_loops(config: ConfigFields) -> list[RuleError]:
    """include or redirect of the domain's own record, by name or through a %{d} or %{o} macro,
    evaluates it again and again until the lookup limit turns it into a permerror (RFC 7208 4.6.4, 5.2)."""
    return [
        RuleError(loop.message, loop.rule, value=loop.value, path=("spf", *loop.path))
        for loop in spf_records.self_references(config.domain, config.spf.terms, config.spf.redirect)
    ]


def mx_rules(config: ConfigFields) -> list[RuleError]:
    """Each MX host once; a null MX alone, with preference 0, beside v=spf1 -all (RFC 7505 3, 4)."""
    found = repeats(config.mx, lambda m: m.host, "host", "RFC 5321 5.1", "an MX host", prefix=("mx",))
    if any(m.host == NULL_MX_HOST for m in config.mx):
        if len(config.mx) != 1 or config.mx[0].preference != 0:
            found.append(
                RuleError(
                    "must be the only MX, with preference 0, when it is a null MX",
                    "RFC 7505 3",
                    value=[f"{m.preference} {m.host}" for m in config.mx],
                    path=("mx",),
                )
            )
        if config.spf.terms or config.spf.qualifier != "fail":
            found.append(RuleError("must be v=spf1 -all on a domain with a null MX", "RFC 7505 4", value=config.spf.text, path=("spf",)))
    return found


def dkim_rules(config: ConfigFields) -> list[RuleError]:
    """Each selector once, and each gives its own record id."""
    found = repeats(config.dkim, lambda k: k.selector, "selector", "RFC 6376 3.6.2.1", "a selector", prefix=("dkim",))
    # Each key's record is a Terraform resource named after the selector with dots as
    # hyphens (records.render_records), so s1.x and s1-x would claim the same name.
    ids: dict[str, str] = {}
    for i, k in enumerate(config.dkim):
        record_id = dkim_records.record_id(k.selector)
        if record_id in ids and ids[record_id] != k.selector:
            found.append(
                RuleError(
                    f"gives the record id {record_id}, as selector {ids[record_id]} does; rename one",
                    "construct ids are unique in a stack",
                    value=k.selector,
                    path=("dkim", i, "selector"),
                )
            )
        ids.setdefault(record_id, k.selector)
    return found


def apex_txt_rules(config: ConfigFields) -> list[RuleError]:
    """Each apex value once (Route53 refuses a set that lists one twice), and the set fits an answer."""
    found = repeats(config.apex_txt, lambda v: v, "", "Route53 ChangeResourceRecordSets", "a value", prefix=("apex_txt",))
    octets = spf_records.answer_octets((config.spf.text, *config.apex_txt))
    if config.apex_txt and octets > spf_records.MAX_OCTETS:
        found.append(
            RuleError(
                f"make the apex TXT set {octets} octets with the SPF record; at most {spf_records.MAX_OCTETS} fit a DNS answer",
                "RFC 7208 3.4",
                value=list(config.apex_txt),
                path=("apex_txt",),
            )
        )
    return found


def names_fit(config: ConfigFields) -> list[RuleError]:
    """Every name maildns publishes is at most 253 octets (RFC 1035 2.3.4), prefixes included."""
    names: list[tuple[str, FieldPath]] = [(dmarc_records.dmarc_name(config.domain), ("domain",))]
    if config.tls_rpt is not None:
        names.append((tls_rpt_records.tls_rpt_name(config.domain), ("domain",)))
    if config.mta_sts is not None:
        names.append((mta_sts_records.txt_name(config.domain), ("domain",)))
    names += [(dkim_records.dkim_name(k.selector, config.domain), ("dkim", i, "selector")) for i, k in enumerate(config.dkim)]
    found = [
        RuleError(f"makes the record name {len(name)} octets long; a name is at most {MAX_NAME}", "RFC 1035 2.3.4", value=name, path=path)
        for name, path in names
        if len(name) > MAX_NAME
    ]
    # The policy host's ACM certificate names it as its DomainName (the subject CN), which
    # ACM limits to 64 characters.
    if config.mta_sts is not None:
        host = mta_sts_records.policy_host(config.domain)
        if len(host) > MAX_CERTIFICATE_NAME:
            found.append(
                RuleError(
                    f"makes the MTA-STS host name {len(host)} octets long; an ACM certificate names at most {MAX_CERTIFICATE_NAME}",
                    "ACM RequestCertificate DomainName",
                    value=host,
                    path=("domain",),
                )
            )
    return found


def adopted_sets_are_published(config: ConfigFields) -> list[RuleError]:
    """``adopt`` names only record sets this config publishes (``adopt.adopt_problems``)."""
    if config.mail == "none":
        publishes = set(parked.LOCKDOWN_SETS)
    else:
        publishes = adopt.published(
            mx=bool(config.mx),
            tls_rpt=config.tls_rpt is not None,
            mta_sts=config.mta_sts is not None,
            dkim_selectors=(k.selector for k in config.dkim),
            bimi_selector=config.bimi.selector if config.bimi is not None else None,
            mail_from_regions=config.ses.regions if config.ses is not None and config.ses.mail_from is not None else (),
            ses_verification=config.ses is not None and not config.ses.easy_dkim,
        )
    return adopt.adopt_problems(config.adopt, publishes)


def mta_sts_covers_mx(config: ConfigFields) -> list[RuleError]:
    """In testing or enforce mode a sender checks each MX host against the policy before
    delivering (RFC 8461 4.1); mode none is how a policy is withdrawn (RFC 8461 8.3)."""
    sts = config.mta_sts
    if sts is None or sts.mode == "none":
        return []
    if not any(m.host != NULL_MX_HOST for m in config.mx):
        message = f"must be none on a domain that receives no mail: {sts.mode} mode needs MX hosts to list"
        return [RuleError(message, "RFC 8461 3.2", value=sts.mode, path=("mta_sts", "mode"))]
    patterns = config.mta_sts_patterns
    return [
        RuleError(
            f"matches no mta_sts pattern, so senders would not deliver to it in {sts.mode} mode; add a pattern or use mode none",
            "RFC 8461 4.1",
            value=m.host,
            path=("mx", i, "host"),
        )
        for i, m in enumerate(config.mx)
        if not any(mta_sts_records.pattern_matches(pattern, m.host) for pattern in patterns)
    ]


# Every rule across a domain's sections, in the order their problems are listed.
RULES: tuple[Callable[[ConfigFields], list[RuleError]], ...] = (
    zone_rules,
    spf_loops,
    mx_rules,
    dkim_rules,
    apex_txt_rules,
    parked.parked_problems,
    names_fit,
    adopted_sets_are_published,
    profile_rules,
    feature_rules,
    mta_sts_covers_mx,
    retire.retire_problems,
)


class Config(ConfigFields):
    """One domain: what its mail DNS and MTA-STS hosting must be."""

    def rules(self) -> list[RuleError]:
        return [error for rule in RULES for error in rule(self)]
