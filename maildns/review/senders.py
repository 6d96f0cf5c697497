"""Who may send as a domain, for the flag table's checks: the senders an SPF record authorises,
and the SES identities a stack holds or reads."""

from __future__ import annotations

from collections.abc import Iterator

from maildns.records.spf import SpfRecord
from maildns.review.mail import View

Found = tuple[str, str]  # code, reason


# An authorisation wider than these prefixes lets a whole provider's or ISP's network send as the
# domain: 65,536 IPv4 addresses, or a whole IPv6 allocation (RFC 7208 5.6; RFC 6177 /32 per LIR).
WIDE_IPV4 = 16
WIDE_IPV6 = 32


def senders(record: SpfRecord) -> dict[str, int | None]:
    """The directives that pass mail (``+`` or no qualifier), other than ``include`` and ``all``,
    by text -> the width of what they authorise in bits above the widest allowed (None: not wide)."""
    found: dict[str, int | None] = {}
    for t in record.terms:
        term = t.term
        if term is None or term.qualifier not in ("", "+") or term.mechanism in ("all", "include"):
            continue
        found[str(term).lower()] = _width(term.mechanism, term.cidr)
    return found


def _width(mechanism: str, cidr: str) -> int | None:
    """How many bits wider than WIDE_IPV4/WIDE_IPV6 a directive authorises, or None when it is not
    wider. ``ip4``/``ip6`` carry ``/n``; ``a`` and ``mx`` a dual length ``/n//m`` (RFC 7208 5.6)."""
    if mechanism == "ip6":
        v4, v6 = "", cidr.lstrip("/") or "128"
    else:
        v4, _, v6 = cidr.partition("//")
        v4 = v4.lstrip("/") or ("32" if mechanism == "ip4" else "")
    if v4 and int(v4) < WIDE_IPV4:
        return WIDE_IPV4 - int(v4)
    if v6 and int(v6) < WIDE_IPV6:
        return WIDE_IPV6 - int(v6)
    return None


def _ses_identities(view: View) -> dict[str, str]:
    """SES identity logical name -> ``managed`` (a resource of this stack) or ``existing`` (read only)."""
    found = dict.fromkeys(view.doc.get("data", {}).get("aws_sesv2_email_identity", {}), "existing")
    return found | dict.fromkeys(view.resources.get("aws_ses_domain_identity", {}), "managed")


def _region(logical_name: str) -> str:
    return logical_name.removeprefix("ses_identity_").replace("_", "-")


def ses_identity(old: View, new: View) -> Iterator[Found]:
    """One flag per SES identity a change deletes, hands over or stops publishing, in place of a
    DKIM removal per token record (whose names are Terraform expressions, known only after apply)."""
    before, after = _ses_identities(old), _ses_identities(new)
    domain = old.mail.domain
    for name, how in sorted(before.items()):
        now, region = after.get(name), _region(name)
        if how == "managed" and now == "existing":
            yield (
                "ses-identity-removed",
                f"SES identity of {domain} in {region} handed over (managed -> existing): this stack no longer holds it, and Terraform "
                "destroys the live identity and its DKIM keys unless its state forgets them first (terraform state rm)",
            )
        elif how == "managed" and now is None:
            yield (
                "ses-identity-removed",
                f"SES identity of {domain} in {region} deleted with its DKIM keys: mail SES sends there fails DKIM, and a new identity gets new tokens",
            )
        elif how == "existing" and now is None:
            yield (
                "ses-identity-removed",
                f"DKIM records of the SES identity of {domain} in {region} removed: mail SES signs there fails DKIM (RFC 6376 3.6.2.2)",
            )
