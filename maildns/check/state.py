"""Values that exist only after ``terraform apply``, read from a Terraform state file (format version 4)."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from maildns.errors import FieldPath, format_path, show
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


# A Terraform state of many stacks is a few megabytes; reading no more than this keeps a wrong
# file (a disk image given by mistake) from costing the memory of the whole machine.
MAX_STATE = 256 * 1024 * 1024
RULE = "Terraform state format 4"


class _Reader:
    """Typed access to one state file's JSON: a value of the wrong shape raises StateError naming
    the file and the JSON path of the value, as ``<file>: <path>: <what> (got <value>; <rule>)``."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, where: FieldPath, what: str, value: object) -> StateError:
        return StateError(f"--state {self.path}: {format_path(where)}: {what} (got {show(value)}; {RULE})")

    def field(self, obj: dict[str, Any], where: FieldPath, key: str, kind: type, *, required: bool = True) -> Any:
        """``obj[key]``, which must be a ``kind`` (absent: None, unless ``required``)."""
        if key not in obj or (obj[key] is None and not required):
            if required:
                raise StateError(f"--state {self.path}: {format_path(where)}: has no {key} ({RULE})")
            return None
        value = obj[key]
        # bool is an int in Python, and never what a state holds where a number or text belongs.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail((*where, key), f"must be {KINDS[kind]}", value)
        return value

    def objects(self, values: list[Any], where: FieldPath) -> list[tuple[FieldPath, dict[str, Any]]]:
        """Each element of ``values`` with its path; each must be an object."""
        out = []
        for i, value in enumerate(values):
            if not isinstance(value, dict):
                raise self.fail((*where, i), "must be an object", value)
            out.append(((*where, i), value))
        return out

    def texts(self, values: list[Any], where: FieldPath) -> tuple[str, ...]:
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise self.fail((*where, i), "must be text", value)
        return tuple(values)

    def name(self, obj: dict[str, Any], where: FieldPath, key: str) -> str:
        """A domain name attribute: text, without the trailing dot, lower-cased."""
        return str(self.field(obj, where, key, str)).rstrip(".").lower()


def _read_by_maildns(mode: str, type_: str, name: str) -> bool:
    """Whether the resource is one whose attributes ``check`` reads (the stacks' logical names)."""
    if (mode, type_) == ("data", "aws_sesv2_email_identity"):
        return name.startswith(SES_IDENTITY_PREFIX)
    if (mode, type_) == ("managed", "aws_ses_domain_dkim"):
        return name.startswith(SES_DKIM_PREFIX)
    return mode == "managed" and type_ in ("aws_cloudfront_distribution", "aws_acm_certificate") and name == MTA_STS


KINDS: dict[type, str] = {str: "text", int: "a whole number", list: "a list", dict: "an object", bool: "true or false"}


def _load(path: str) -> Any:
    try:
        with Path(path).open("rb") as handle:
            # A regular file is refused by its size, before a byte is read; a pipe by what it sends.
            stated = os.fstat(handle.fileno()).st_size
            raw = b"" if stated > MAX_STATE else handle.read(MAX_STATE + 1)
    except OSError as exc:
        raise StateError(f"--state {path}: {exc.strerror or exc}") from None
    if max(stated, len(raw)) > MAX_STATE:
        raise StateError(f"--state {path}: over {MAX_STATE // (1024 * 1024)} MiB, larger than any Terraform state maildns reads")
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError as exc:  # not UTF-8, not JSON, or a number of more digits than Python converts
        raise StateError(f"--state {path}: not a Terraform state file ({exc})") from None
    except RecursionError:
        raise StateError(f"--state {path}: not a Terraform state file (nested too deep to read)") from None


def read_state(paths: Sequence[str]) -> dict[str, Applied]:
    """The applied values of every domain found in the state files, keyed by domain.

    Resources are matched by type and logical name, and attributed to a domain by their own
    attributes (the SES domain, the distribution's alias, the certificate's name), so state
    files of several stacks can be given together. Every value read must have the shape the
    format gives it: anything else is a StateError naming the file and the value's path.
    """
    found: dict[str, Applied] = {}
    for path in paths:
        state = _load(path)
        read = _Reader(path)
        if not isinstance(state, dict) or state.get("version") != 4 or not isinstance(state.get("resources"), list):
            raise StateError(f"--state {path}: not a Terraform state file (expected JSON with version 4 and resources)")
        for where, resource in read.objects(state["resources"], ("resources",)):
            mode = read.field(resource, where, "mode", str)
            type_ = read.field(resource, where, "type", str)
            name = read.field(resource, where, "name", str)
            if not _read_by_maildns(mode, type_, name):
                continue  # another resource's attributes are its provider's business, and never read
            instances = read.field(resource, where, "instances", list)
            for at, instance in read.objects(instances, (*where, "instances")):
                attributes = read.field(instance, at, "attributes", dict)
                _read_instance(read, found, kind=(type_, name), attributes=attributes, at=(*at, "attributes"))
    return found


def _read_instance(read: _Reader, found: dict[str, Applied], *, kind: tuple[str, str], attributes: dict[str, Any], at: FieldPath) -> None:
    """What one instance of a resource maildns reads (``kind``: type and logical name) adds to ``found``."""
    type_, name = kind
    if type_ == "aws_sesv2_email_identity" and name.startswith(SES_IDENTITY_PREFIX):
        # An identity another owner keeps (ses.identity: existing): its tokens are read.
        region = name.removeprefix(SES_IDENTITY_PREFIX).replace("_", "-")
        domain = read.name(attributes, at, "email_identity")
        signing = read.objects(
            read.field(attributes, at, "dkim_signing_attributes", list, required=False) or [], (*at, "dkim_signing_attributes")
        )
        tokens: tuple[str, ...] = ()
        for where, block in signing[:1]:
            tokens = read.texts(read.field(block, where, "tokens", list, required=False) or [], (*where, "tokens"))
        found.setdefault(domain, Applied()).dkim_tokens[region] = tokens
    elif type_ == "aws_ses_domain_dkim" and name.startswith(SES_DKIM_PREFIX):
        region = name.removeprefix(SES_DKIM_PREFIX).replace("_", "-")
        domain = read.name(attributes, at, "domain")
        tokens = read.texts(read.field(attributes, at, "dkim_tokens", list, required=False) or [], (*at, "dkim_tokens"))
        found.setdefault(domain, Applied()).dkim_tokens[region] = tokens
    elif type_ == "aws_cloudfront_distribution" and name == MTA_STS:
        distribution = read.name(attributes, at, "domain_name")
        for alias in read.texts(read.field(attributes, at, "aliases", list, required=False) or [], (*at, "aliases")):
            host = alias.rstrip(".").lower()
            if host.startswith("mta-sts."):
                found.setdefault(host.removeprefix("mta-sts."), Applied()).distribution = distribution
    elif type_ == "aws_acm_certificate" and name == MTA_STS:
        host = read.name(attributes, at, "domain_name")
        options = read.field(attributes, at, "domain_validation_options", list, required=False) or []
        for where, option in read.objects(options, (*at, "domain_validation_options")):
            if host.startswith("mta-sts.") and read.name(option, where, "domain_name") == host:
                # ACM's DNS validation record is always a CNAME (resource_record_type).
                value = (read.name(option, where, "resource_record_name"), read.name(option, where, "resource_record_value"))
                found.setdefault(host.removeprefix("mta-sts."), Applied()).validation = value


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
