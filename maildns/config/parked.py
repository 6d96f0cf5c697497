"""Parked domains (``mail: none``): what they keep of the shared defaults, and the settings they refuse.

A parked domain sends and receives no mail and publishes only the lockdown set (``records.parked``):
null MX (RFC 7505 3), ``v=spf1 -all`` (RFC 7208 5.1), DMARC ``p=reject; sp=reject`` with the
organisation's rua (RFC 7489 6.3) and every DKIM key revoked (RFC 6376 3.6.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from maildns.config.fields import MAIL_RULE
from maildns.config.models import ConfigFields
from maildns.errors import Problem, RuleError
from maildns.records.mx import NULL_MX_HOST

PARKED_RULE = MAIL_RULE
# The mail settings of the shared defaults describe domains that send and receive mail: a parked
# domain takes none of them.
IGNORED_DEFAULTS = ("mx", "spf", "dkim", "ses", "mta_sts", "tls_rpt", "bimi", "provider")
# The one DMARC tag a parked domain chooses (p and sp are reject): kept from the defaults, allowed in its file.
DMARC_TAGS = ("rua",)
# The record sets of the lockdown set, the only ones an ``adopt`` list of a parked domain can name.
LOCKDOWN_SETS = ("mx", "spf", "dmarc", "dkim:*")


REFUSED = "must not be set when mail is none"


def for_parked(defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The defaults a parked domain takes: no mail settings, DMARC reduced to its rua, adopt
    reduced to the record sets of the lockdown set."""
    kept = {k: v for k, v in defaults.items() if k not in IGNORED_DEFAULTS}
    if isinstance(kept.get("dmarc"), Mapping):
        kept["dmarc"] = {k: v for k, v in kept["dmarc"].items() if k in DMARC_TAGS}
    if isinstance(kept.get("adopt"), list):
        # An organisation-wide adopt list names the mail records too; a parked domain has only these.
        kept["adopt"] = [name for name in kept["adopt"] if isinstance(name, str) and name.strip().lower() in LOCKDOWN_SETS]
    return kept


def parked_problems(config: ConfigFields) -> list[RuleError]:
    """Every setting of a ``mail: none`` domain that the lockdown set leaves no room for, one error each."""
    if config.mail != "none":
        return []
    spf, dmarc = config.spf, config.dmarc
    dmarc_tags = sorted(t for t in dmarc.model_fields_set - set(DMARC_TAGS) if not (t in ("p", "sp") and getattr(dmarc, t) == "reject"))
    # (field path, whether it is set, the value shown, why the lockdown set has no room for it, rule)
    checks: list[tuple[tuple[str, ...], bool, object, str, str]] = [
        (
            ("mx",),
            bool(config.mx) and [(m.preference, m.host) for m in config.mx] != [(0, NULL_MX_HOST)],
            [f"{m.preference} {m.host}" for m in config.mx],
            "publishes only the null MX 0 .",
            "RFC 7505 3",
        ),
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
        (
            ("provider",),
            config.provider is not None,
            config.provider and config.provider.name,
            "has no mailbox provider",
            PARKED_RULE,
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
        RuleError(f"{REFUSED}: a parked domain {why}", rule, value=value, path=path) for path, is_set, value, why, rule in checks if is_set
    ]


def explain_inherited(problems: Sequence[Problem], mail_source: str | None) -> list[Problem]:
    """Each refusal caused by a ``mail: none`` the domain inherited names the file it came from and the way out."""
    if mail_source is None:
        return list(problems)
    why = f"{REFUSED}, which {Path(mail_source).name} sets (mail: full in the domain file overrides it)"
    return [replace(p, message=p.message.replace(REFUSED, why, 1)) if p.message.startswith(REFUSED) else p for p in problems]
