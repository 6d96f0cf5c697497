"""SES custom MAIL FROM domains: one subdomain per SES region, with its MX and SPF records.

A custom MAIL FROM domain is the envelope sender (RFC 5321 MAIL FROM) SES uses instead of
``amazonses.com``, so SPF is checked against a name below the domain and aligns for DMARC
(RFC 7489 3.1.2). Each region bounces to its own feedback endpoint, so each region needs its own
subdomain: ``<label>-<region>.<domain>``.

@see https://docs.aws.amazon.com/ses/latest/dg/mail-from.html
"""

from __future__ import annotations

from collections.abc import Sequence

from maildns.errors import RuleError
from maildns.records import Record
from maildns.records.names import domain_name

SES_MAIL_FROM = "AWS SES custom MAIL FROM"
FEEDBACK_PREFERENCE = 10
# The SPF record SES documents for the MAIL FROM domain: only SES sends with it.
SPF = "v=spf1 include:amazonses.com -all"
SES_SPF_INCLUDE = "amazonses.com"
# What SES does when it cannot find the MX: send with its own MAIL FROM domain rather than
# refuse the message (RejectMessage), so a DNS mistake costs SPF alignment, not mail.
ON_MX_FAILURE = "UseDefaultValue"
MAX_LABEL = 63  # octets (RFC 1035 2.3.4)


def label(value: object) -> str:
    """The ``mail_from`` label: one LDH label, to which maildns appends ``-<region>`` and the domain."""
    if isinstance(value, str) and "." in value.strip().rstrip("."):
        raise RuleError("must be one label such as bounce; maildns adds -<region> and the domain", SES_MAIL_FROM)
    if isinstance(value, str) and "_" in value:
        raise RuleError("must be letters, digits and hyphens, no underscore: it is a host name mail is sent from", "RFC 1123 2.1")
    return domain_name(value, min_labels=1, top_level=False)


def mail_from_name(label: str, region: str, domain: str) -> str:
    """``<label>-<region>.<domain>``: distinct per region, always below the domain."""
    return f"{label}-{region}.{domain}"


def feedback_host(region: str) -> str:
    """The SES endpoint that takes bounces and complaints for ``region``."""
    return f"feedback-smtp.{region}.amazonses.com"


def check_name(label: str, region: str, domain: str) -> str:
    """The MAIL FROM name of ``region``, refused when a label or the name is too long (RFC 1035 2.3.4)."""
    first = f"{label}-{region}"
    if len(first) > MAX_LABEL:
        raise RuleError(f"makes the label {first} {len(first)} octets long; a label is at most {MAX_LABEL}", "RFC 1035 2.3.4", value=label)
    name = mail_from_name(label, region, domain)
    if len(name) > 253:
        raise RuleError(f"makes the MAIL FROM name {len(name)} octets long; a name is at most 253", "RFC 1035 2.3.4", value=name)
    return name


def record_id(region: str, kind: str) -> str:
    """``ses-mail-from-<region>-mx`` / ``-spf``: stable Terraform names, one per region."""
    return f"ses-mail-from-{region}-{kind}"


def mail_from_records(domain: str, label: str, regions: Sequence[str], *, mx_ttl: int, spf_ttl: int) -> tuple[Record, ...]:
    """Per region, the MX SES checks before it uses the name and the TXT receivers check SPF against."""
    records: list[Record] = []
    for region in regions:
        name = mail_from_name(label, region, domain)
        records.append(Record(record_id(region, "mx"), name, "MX", mx_ttl, (f"{FEEDBACK_PREFERENCE} {feedback_host(region)}",)))
        records.append(Record(record_id(region, "spf"), name, "TXT", spf_ttl, (SPF,)))
    return tuple(records)
