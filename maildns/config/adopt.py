"""The ``adopt`` setting: which record sets it can name, how a name is checked, and that each names a published set.

A stack imports an adopted record set into Terraform state (an import block) instead of creating
it; ``maildns import`` fills the list in (README: Adopting a live domain). Every record set whose
value maildns renders has a name: a plain one (``mx``) or a kind and a key (``dkim:google``).
The SES DKIM CNAMEs and the ACM validation CNAME need none: their first apply is an upsert.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

from maildns.config.fields import _aws_region, checked, did_you_mean, repeats
from maildns.errors import RuleError
from maildns.records import bimi as bimi_records
from maildns.records import dkim as dkim_records
from maildns.records import mail_from as mail_from_records
from maildns.records.dnssec import ds_record_id
from maildns.records.names import domain_name

ADOPT_RULE = "see README: Adopting a live domain"
# Record sets `adopt` names without a key; ses_verification is the _amazonses TXT (SES without Easy DKIM).
ADOPTABLE = ("mx", "spf", "dmarc", "tls_rpt", "mta_sts", "mta_sts_a", "mta_sts_aaaa", "ses_verification")
WILDCARD = "*"  # dkim:* is a parked domain's *._domainkey revocation (RFC 6376 3.6.1)


def _dkim_selector(key: str) -> str:
    return key if key == WILDCARD else dkim_records.parse_selector(key)


def _domain(key: str) -> str:
    return domain_name(key)


# Kind -> (its key as shown, what the key is, how it is checked, the record id of the set it names).
KEYED: dict[str, tuple[str, str, Callable[[str], str], Callable[[str], str]]] = {
    "dkim": ("selector", "a DKIM selector", _dkim_selector, dkim_records.record_id),
    "bimi": ("selector", "a BIMI selector", bimi_records.selector, bimi_records.record_id),
    "mail_from_mx": ("region", "an SES region", _aws_region, lambda region: mail_from_records.record_id(region, "mx")),
    "mail_from_spf": ("region", "an SES region", _aws_region, lambda region: mail_from_records.record_id(region, "spf")),
    "ds": ("child", "a signed child domain", _domain, ds_record_id),
    "dmarc_report_auth": ("domain", "a domain", _domain, lambda sender: f"dmarc-report-auth-{sender.replace('.', '-')}"),
}
# Sets published for another config loaded beside this one (its DS, its report authorisation):
# a name of these kinds is imported when that config is synthesized with it.
CROSS_DOMAIN = ("ds", "dmarc_report_auth")
SHAPES = (*ADOPTABLE, *(f"{kind}:<{shown}>" for kind, (shown, *_) in KEYED.items()))


def set_name(kind: str, key: str | None = None) -> str:
    """The ``adopt`` name of a record set: ``mx``, or ``dkim:google`` for a kind with a key.
    ``maildns records --format json`` and ``maildns import`` write names made here."""
    return kind if key is None else f"{kind}:{key}"


def adopt_name(value: Any) -> str:
    """One ``adopt`` entry: a name of ADOPTABLE or ``<kind>:<key>`` of KEYED, lower-cased."""
    text = value.strip().lower() if isinstance(value, str) else value
    kind, colon, key = text.partition(":") if isinstance(text, str) else ("", "", "")
    if colon and kind == "dkim" and WILDCARD in key and key != WILDCARD:
        raise RuleError(
            "names a DKIM selector with *: a selector is letters, digits and hyphens, and dkim:* alone names the wildcard"
            " *._domainkey of a parked domain",
            "RFC 6376 3.1",
        )
    if colon and kind in KEYED:
        _, what, check, _ = KEYED[kind]
        try:
            return set_name(kind, check(key))
        except RuleError as exc:
            raise RuleError(f"names {what} that is not valid: it {exc.message}", exc.rule) from None
    if text not in ADOPTABLE:
        hint = did_you_mean(text, ADOPTABLE) if isinstance(text, str) else ""
        if text in KEYED:
            hint = f"a {text} set is named with its {KEYED[text][0]}, {text}:<{KEYED[text][0]}>; "
        raise RuleError(f"must be one of {', '.join(SHAPES[:-1])} or {SHAPES[-1]}", hint + ADOPT_RULE)
    return str(text)


AdoptName = Annotated[str, checked(adopt_name)]


def published(
    *,
    mx: bool,
    tls_rpt: bool,
    mta_sts: bool,
    dkim_selectors: Iterable[str],
    bimi_selector: str | None = None,
    mail_from_regions: Iterable[str] = (),
    ses_verification: bool = False,
) -> set[str]:
    """The ``adopt`` names of the record sets a config publishes (SPF and DMARC always)."""
    names = {"spf", "dmarc"}
    names |= {"mx"} if mx else set()
    names |= {"tls_rpt"} if tls_rpt else set()
    names |= {"mta_sts", "mta_sts_a", "mta_sts_aaaa"} if mta_sts else set()
    names |= {"ses_verification"} if ses_verification else set()
    names |= {set_name("bimi", bimi_selector)} if bimi_selector is not None else set()
    names |= {set_name(kind, region) for region in mail_from_regions for kind in ("mail_from_mx", "mail_from_spf")}
    return names | {set_name("dkim", s) for s in dkim_selectors}


def adopt_problems(adopt: Sequence[str], publishes: set[str]) -> list[RuleError]:
    """Each name given twice, and each that names a set the config does not publish: Terraform
    refuses an import block without its resource ("Configuration for import target does not exist")."""
    found = repeats(adopt, lambda a: a, "", ADOPT_RULE, "a record set", prefix=("adopt",))
    found += [
        RuleError(
            "names a record set this config does not publish; remove it or add its section", ADOPT_RULE, value=name, path=("adopt", i)
        )
        for i, name in enumerate(adopt)
        if name not in publishes and name.partition(":")[0] not in CROSS_DOMAIN
    ]
    return found


def adopted_record_id(name: str) -> str:
    """The record id of an ``adopt`` name: ``tls_rpt`` -> ``tls-rpt``, ``dkim:google`` -> ``dkim-google``."""
    kind, colon, key = name.partition(":")
    if colon:
        return KEYED[kind][3](key)
    return name.replace("_", "-")
