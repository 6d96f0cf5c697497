"""Values that exist only after ``terraform apply``, read from a Terraform state file (format version 4)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maildns.records import Record, ses_dkim_record

# Logical names that the stacks give these resources (see tests/golden/*.json).
SES_DKIM_PREFIX = "ses_dkim_"  # aws_ses_domain_dkim.ses_dkim_<region with underscores>
SES_IDENTITY_PREFIX = "ses_identity_"  # data.aws_sesv2_email_identity.ses_identity_<region with underscores>
MTA_STS = "mta_sts"  # aws_cloudfront_distribution.mta_sts, aws_acm_certificate.mta_sts


class StateError(Exception):
    """The state file cannot be used; the message names the file."""


@dataclass
class Applied:
    """What apply created for one domain."""

    dkim_tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)  # region -> tokens
    distribution: str | None = None  # the CloudFront domain name, d123.cloudfront.net
    validation: tuple[str, str] | None = None  # the name and value of ACM's validation CNAME


def _instances(resource: dict[str, Any]) -> list[dict[str, Any]]:
    return [i.get("attributes") or {} for i in resource.get("instances") or [] if isinstance(i, dict)]


def _name(value: object) -> str:
    return str(value).rstrip(".").lower()


def read_state(paths: Sequence[str]) -> dict[str, Applied]:
    """The applied values of every domain found in the state files, keyed by domain.

    Resources are matched by type and logical name, and attributed to a domain by their own
    attributes (the SES domain, the distribution's alias, the certificate's name), so state
    files of several stacks can be given together.
    """
    found: dict[str, Applied] = {}
    for path in paths:
        try:
            state = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise StateError(f"--state {path}: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StateError(f"--state {path}: not a Terraform state file ({exc})") from None
        if not isinstance(state, dict) or state.get("version") != 4 or not isinstance(state.get("resources"), list):
            raise StateError(f"--state {path}: not a Terraform state file (expected JSON with version 4 and resources)")
        for resource in state["resources"]:
            if not isinstance(resource, dict) or resource.get("mode") not in ("managed", "data"):
                continue
            type_, name = resource.get("type"), str(resource.get("name", ""))
            if resource["mode"] == "data" and type_ != "aws_sesv2_email_identity":
                continue
            for attributes in _instances(resource):
                if type_ == "aws_sesv2_email_identity" and name.startswith(SES_IDENTITY_PREFIX):
                    # An identity another owner keeps (ses.identity: existing): its tokens are read.
                    region = name.removeprefix(SES_IDENTITY_PREFIX).replace("_", "-")
                    signing = attributes.get("dkim_signing_attributes") or [{}]
                    applied = found.setdefault(_name(attributes.get("email_identity", "")), Applied())
                    applied.dkim_tokens[region] = tuple(str(t) for t in (signing[0] or {}).get("tokens") or ())
                elif type_ == "aws_ses_domain_dkim" and name.startswith(SES_DKIM_PREFIX):
                    region = name.removeprefix(SES_DKIM_PREFIX).replace("_", "-")
                    applied = found.setdefault(_name(attributes.get("domain", "")), Applied())
                    applied.dkim_tokens[region] = tuple(str(t) for t in attributes.get("dkim_tokens") or ())
                elif type_ == "aws_cloudfront_distribution" and name == MTA_STS:
                    for alias in attributes.get("aliases") or ():
                        if _name(alias).startswith("mta-sts."):
                            found.setdefault(_name(alias).removeprefix("mta-sts."), Applied()).distribution = _name(
                                attributes.get("domain_name", "")
                            )
                elif type_ == "aws_acm_certificate" and name == MTA_STS:
                    host = _name(attributes.get("domain_name", ""))
                    for option in attributes.get("domain_validation_options") or ():
                        if host.startswith("mta-sts.") and _name(option.get("domain_name", "")) == host:
                            # ACM's DNS validation record is always a CNAME (resource_record_type).
                            value = (
                                _name(option.get("resource_record_name", "")),
                                _name(option.get("resource_record_value", "")),
                            )
                            found.setdefault(host.removeprefix("mta-sts."), Applied()).validation = value
    return found


def apply_state(domain: str, records: Sequence[Record], applied: Applied | None) -> tuple[Record, ...]:
    """``records`` with the SES tokens and the ACM validation record filled in from the state;
    records the state does not cover stay as they are (and are skipped by the check)."""
    if applied is None:
        return tuple(records)
    out = []
    for record in records:
        region, _, index = record.id.removeprefix("ses-dkim-").rpartition("-")
        tokens = applied.dkim_tokens.get(region, ()) if record.id.startswith("ses-dkim-") else ()
        if tokens and index.isdigit() and int(index) <= len(tokens):
            out.append(dataclasses.replace(ses_dkim_record(domain, region, int(index), tokens[int(index) - 1], record.ttl), computed=False))
        elif record.id == "mta-sts-certificate-validation" and applied.validation is not None:
            name, value = applied.validation
            out.append(dataclasses.replace(record, name=name, values=(value,), computed=False))
        else:
            out.append(record)
    return tuple(out)
