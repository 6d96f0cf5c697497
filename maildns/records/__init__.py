"""DNS records as plain values: a leaf of pure functions per protocol, with no config model and no cdktf."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from maildns.records.dkim import ses_dkim_cname

SES_TOKENS = 3  # SES Easy DKIM always issues three tokens
RecordType = Literal["A", "AAAA", "CNAME", "DS", "MX", "TXT"]


@dataclass(frozen=True)
class Record:
    """One Route53 record set.

    ``id`` is the stable logical name of the record in Terraform (renaming it replaces the
    record). TXT ``values`` are full, unsplit texts. ``computed`` records have values known only
    after apply (SES tokens); their names and values hold a readable placeholder.
    """

    id: str
    name: str
    type: RecordType
    ttl: int
    values: tuple[str, ...]
    computed: bool = field(default=False)


def ses_token_placeholder(region: str, index: int) -> str:
    """What ``maildns records`` shows for a token SES issues only at apply time."""
    return f"<ses-{region}-token-{index}>"


def ses_dkim_record(domain: str, region: str, index: int, token: str, ttl: int) -> Record:
    """The CNAME for SES DKIM token ``index`` (1-3) of ``region``; ``token`` may be a Terraform reference."""
    name, target = ses_dkim_cname(domain, token)
    return Record(f"ses-dkim-{region}-{index}", name, "CNAME", ttl, (target,), computed=True)


def ses_verification_record(domain: str, tokens: Sequence[str], ttl: int) -> Record:
    """``_amazonses.<domain>`` TXT with each region's verification token: without Easy DKIM it is
    how SES verifies the domain (one record set, a value per region).

    @see https://docs.aws.amazon.com/ses/latest/APIReference/API_VerifyDomainIdentity.html
    """
    return Record("ses-verification", f"_amazonses.{domain}", "TXT", ttl, tuple(tokens), computed=True)
