"""Profiles: stricter rules on top of the RFCs that an organisation opts into with ``profile``."""

from __future__ import annotations

from collections.abc import Callable

from maildns.config.fields import PROFILE_RULE
from maildns.config.models import ConfigFields
from maildns.errors import RuleError
from maildns.records.uri import uri_address

BOD_18_01 = PROFILE_RULE
BOD_18_01_RUA = "mailto:reports@dmarc.cyber.dhs.gov"  # the CISA aggregate report address BOD 18-01 requires


def bod_18_01(config: ConfigFields) -> list[RuleError]:
    """US federal Binding Operational Directive 18-01, required actions: DMARC ``p=reject`` at
    100 percent, no weaker ``sp``, and aggregate reports to CISA. One error per failed requirement."""
    dmarc = config.dmarc
    failed: list[RuleError] = []
    if dmarc.cname is not None:
        return failed  # a vendor's record holds the policy: maildns.lint warns, check reads it
    if dmarc.p != "reject":
        failed.append(RuleError("must be reject under profile bod-18-01", BOD_18_01, value=dmarc.p, path=("dmarc", "p")))
    if dmarc.pct is not None and dmarc.pct < 100:
        failed.append(RuleError("must be 100 (or unset) under profile bod-18-01", BOD_18_01, value=dmarc.pct, path=("dmarc", "pct")))
    if dmarc.sp is not None and dmarc.sp != "reject":
        failed.append(RuleError("must be reject (or unset) under profile bod-18-01", BOD_18_01, value=dmarc.sp, path=("dmarc", "sp")))
    if BOD_18_01_RUA not in (uri_address(u).lower() for u in dmarc.rua):
        failed.append(
            RuleError(f"must include {BOD_18_01_RUA} under profile bod-18-01", BOD_18_01, value=list(dmarc.rua), path=("dmarc", "rua"))
        )
    return failed


PROFILES: dict[str, Callable[[ConfigFields], list[RuleError]]] = {"bod-18-01": bod_18_01}


def profile_rules(config: ConfigFields) -> list[RuleError]:
    """The requirements of the config's profile, every failed one its own error."""
    return PROFILES[config.profile](config) if config.profile is not None else []
