"""Answers that exist only through a wildcard (RFC 4592): noted, never converted or adopted."""

from __future__ import annotations

from maildns.importer.imported import KEYS, Imported
from maildns.importer.live import Live
from maildns.records import mta_sts as sts
from maildns.records.dmarc import dmarc_name
from maildns.records.tls_rpt import tls_rpt_name

WILDCARD_RULE = "RFC 4592 2.1.1"


def wildcards(out: Imported, live: Live) -> None:
    """One note per wildcard and section for the probed names that answer only through it: nothing
    is published at those names, so nothing there is imported or adopted (Terraform cannot import
    a record set that does not exist); the wildcard itself is left as it is."""
    domain = live.domain
    found: dict[tuple[str, str], list[str]] = {}
    for (name, _), through in live.wildcards.items():
        if name != sts.policy_host(domain):  # the policy host's addresses are noted beside mta_sts
            found.setdefault((_section(name, domain), through.owner), []).append(name)
    for (section, owner), names in sorted(found.items(), key=lambda item: KEYS.index(item[0][0])):
        through = live.wildcards[(names[0], "TXT")]
        if section == "dkim":
            selectors = ", ".join(n.split("._domainkey.")[0] for n in names)
            message = (
                f"no key is published at the selectors {selectors}: they answer only through the wildcard {owner} (a random"
                " selector gets the same answer), so none is imported or adopted; the wildcard is left as it is, not managed"
            )
        elif section == "dmarc":
            message = (
                f"no DMARC record is published at {names[0]}: it answers only through the wildcard {owner}; the config's"
                " default v=DMARC1; p=reject will be created there, and the wildcard is left as it is, not managed"
            )
        else:
            message = (
                f"nothing is published at {names[0]}: it answers only through the wildcard {owner}, so nothing there is"
                " imported or adopted; the wildcard is left as it is, not managed"
            )
        out.note((section,), message, through.shown, WILDCARD_RULE)


def _section(name: str, domain: str) -> str:
    """The config section a probed name belongs to."""
    if name.endswith("._domainkey." + domain):
        return "dkim"
    return {dmarc_name(domain): "dmarc", tls_rpt_name(domain): "tls_rpt"}.get(name, "mta_sts")
