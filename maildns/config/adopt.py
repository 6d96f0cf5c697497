"""The ``adopt`` setting: which record sets it can name, how a name is checked, and that each names a published set.

A stack imports an adopted record set into Terraform state (an import block) instead of creating
it; ``maildns import`` fills the list in (README: Adopting a live domain).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from maildns.config.fields import checked, did_you_mean, repeats
from maildns.errors import RuleError
from maildns.records import dkim as dkim_records
from maildns.records.parked import DKIM_SELECTOR

ADOPT_RULE = "see README: Adopting a live domain"
# Record sets `adopt` can name: the ones `maildns import` finds live.
ADOPTABLE = ("mx", "spf", "dmarc", "tls_rpt", "mta_sts", "mta_sts_a", "mta_sts_aaaa")
DKIM_ADOPT_PREFIX = "dkim:"
# A parked domain's revocation of every key, ``*._domainkey`` (records.parked): adoptable as ``dkim:*``.
DKIM_WILDCARD = DKIM_ADOPT_PREFIX + DKIM_SELECTOR


def adopt_name(value: Any) -> str:
    """One ``adopt`` entry: a name of ADOPTABLE, ``dkim:<selector>`` or ``dkim:*`` (the wildcard
    a parked domain revokes every key with), lower-cased."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text == DKIM_WILDCARD:
        return DKIM_WILDCARD
    if isinstance(text, str) and text.startswith(DKIM_ADOPT_PREFIX):
        if "*" in text:
            raise RuleError(
                "names a DKIM selector with *: a selector is letters, digits and hyphens, and dkim:* alone names the wildcard"
                " *._domainkey of a parked domain",
                "RFC 6376 3.1",
            )
        try:
            return DKIM_ADOPT_PREFIX + dkim_records.parse_selector(text.removeprefix(DKIM_ADOPT_PREFIX))
        except RuleError as exc:
            raise RuleError(f"names a DKIM selector that is not valid: it {exc.message}", exc.rule) from None
    if text not in ADOPTABLE:
        hint = did_you_mean(text, ADOPTABLE) if isinstance(text, str) else ""
        raise RuleError(f"must be one of {', '.join(ADOPTABLE)} or dkim:<selector>", hint + ADOPT_RULE)
    return str(text)


AdoptName = Annotated[str, checked(adopt_name)]


def published(*, mx: bool, tls_rpt: bool, mta_sts: bool, dkim_selectors: Iterable[str]) -> set[str]:
    """The ``adopt`` names of the record sets a config publishes (SPF and DMARC always)."""
    names = {"spf", "dmarc"}
    names |= {"mx"} if mx else set()
    names |= {"tls_rpt"} if tls_rpt else set()
    names |= {"mta_sts", "mta_sts_a", "mta_sts_aaaa"} if mta_sts else set()
    return names | {DKIM_ADOPT_PREFIX + s for s in dkim_selectors}


def adopt_problems(adopt: Sequence[str], publishes: set[str]) -> list[RuleError]:
    """Each name given twice, and each that names a set the config does not publish: Terraform
    refuses an import block without its resource ("Configuration for import target does not exist")."""
    found = repeats(adopt, lambda a: a, "", ADOPT_RULE, "a record set", prefix=("adopt",))
    found += [
        RuleError(
            "names a record set this config does not publish; remove it or add its section", ADOPT_RULE, value=name, path=("adopt", i)
        )
        for i, name in enumerate(adopt)
        if name not in publishes
    ]
    return found


def adopted_record_id(name: str) -> str:
    """The record id of an ``adopt`` name: ``tls_rpt`` -> ``tls-rpt``, ``dkim:google`` -> ``dkim-google``."""
    if name.startswith(DKIM_ADOPT_PREFIX):
        return dkim_records.record_id(name.removeprefix(DKIM_ADOPT_PREFIX))
    return name.replace("_", "-")
