"""MTA-STS (RFC 8461): the policy file as bytes, its id, the ``_mta-sts`` TXT and MX pattern matching."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from maildns.errors import RuleError
from maildns.records.mx import NULL_MX_HOST
from maildns.records.names import domain_name, to_a_label
from maildns.records.tags import Finding, TagList, has_version, parse_tags

PREFIX = "_mta-sts"
POLICY_HOST = "mta-sts"
POLICY_PATH = ".well-known/mta-sts.txt"  # fixed by RFC 8461 3.2
CONTENT_TYPE = "text/plain"  # RFC 8461 3.2: the policy is served as text/plain
ID_LENGTH = 32  # the id is 1-32 letters or digits (RFC 8461 3.1)
MAX_AGE = 31557600  # about one year, the largest max_age allowed (RFC 8461 3.2)
# Route53 takes no TTL on an alias record: it answers with the target's, 60 s for CloudFront.
# @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html
ALIAS_TTL = 60
_CRLF = "\r\n"


def txt_name(domain: str) -> str:
    """``_mta-sts.<domain>`` (RFC 8461 3.1)."""
    return f"{PREFIX}.{domain}"


def policy_host(domain: str) -> str:
    """``mta-sts.<domain>``, the host that serves the policy over HTTPS (RFC 8461 3.3)."""
    return f"{POLICY_HOST}.{domain}"


def policy_url(domain: str) -> str:
    return f"https://{policy_host(domain)}/{POLICY_PATH}"


def _a_labels(name: str) -> str:
    return ".".join(to_a_label(label) for label in name.strip().rstrip(".").split("."))


def policy_patterns(mx_hosts: Iterable[str], extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The ``mx:`` patterns: the MX hosts (a null MX has none) and the extra patterns.

    Lower-case A-labels without a trailing dot (RFC 8461 4.1), each once, sorted so that
    reordering the config never changes the policy bytes nor its id.
    """
    names = {_a_labels(name) for name in (*mx_hosts, *extra) if name != NULL_MX_HOST}
    return tuple(sorted(names))


def render_policy(*, mode: str, max_age: int, patterns: Iterable[str]) -> bytes:
    """The policy file exactly as served (RFC 8461 3.2).

    ``version`` first, then ``mode``, one ``mx:`` line per pattern, then ``max_age``; every line
    ends in CRLF. The bytes are rendered once: the S3 object and the id are made from them.
    """
    lines = ["version: STSv1", f"mode: {mode}", *(f"mx: {pattern}" for pattern in patterns), f"max_age: {max_age}"]
    return "".join(line + _CRLF for line in lines).encode("ascii")


def policy_id(policy: bytes) -> str:
    """The first 32 hex digits of the SHA-256 of the policy bytes: 1-32 letters or digits (RFC 8461 3.1).

    Any change of the policy changes the id, which is what makes senders fetch it again.
    """
    return hashlib.sha256(policy).hexdigest()[:ID_LENGTH]


def render_txt(policy: bytes) -> str:
    """``v=STSv1; id=<id>`` (RFC 8461 3.1)."""
    return f"v=STSv1; id={policy_id(policy)}"


def pattern_matches(pattern: str, host: str) -> bool:
    """RFC 8461 4.1: a pattern matches the host name itself, and ``*.example.net`` matches a
    host with exactly one more label on the left (``mx1.example.net``, not ``a.b.example.net``
    nor ``example.net``). Names are compared without case and without a trailing dot.
    """
    pattern = pattern.lower().rstrip(".")
    host = host.lower().rstrip(".")
    if pattern.startswith("*."):
        first, dot, rest = host.partition(".")
        return bool(first) and bool(dot) and rest == pattern[2:]
    return host == pattern


def site_name(domain: str) -> str:
    """``mta-sts-<domain with dots as hyphens>``, the name of the site's per-account resources
    (the CloudFront origin access control); a name over 63 characters is cut and ends in 8 hex
    digits of the domain's SHA-256, so it stays unique and stable."""
    name = f"{POLICY_HOST}-{domain.replace('.', '-')}"
    if len(name) <= 63:
        return name
    return name[:54].rstrip("-") + "-" + hashlib.sha256(domain.encode("ascii")).hexdigest()[:8]


# Terraform appends a 26-character unique suffix to a bucket_prefix, so a prefix is at most
# 63 - 26 characters (terraform-provider-aws aws_s3_bucket: bucket_prefix).
MAX_BUCKET_PREFIX = 37


def bucket_prefix(domain: str) -> str:
    """``mta-sts-<domain with dots as hyphens>-``, cut to fit; S3 bucket names are global, so the
    default bucket gets Terraform's unique suffix rather than a name anyone could take first."""
    return f"{POLICY_HOST}-{domain.replace('.', '-')}"[: MAX_BUCKET_PREFIX - 1].rstrip("-") + "-"


def distribution_placeholder(domain: str) -> str:
    """What ``maildns records`` shows for the CloudFront name known only after apply."""
    return f"<cloudfront distribution of {policy_host(domain)}>"


def certificate_validation_placeholders(domain: str) -> tuple[str, str]:
    """What ``maildns records`` shows for the ACM validation CNAME: name and target, both chosen by ACM.

    @see https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
    """
    host = policy_host(domain)
    return f"<acm validation name for {host}>", f"<acm validation target for {host}>"


def parse_pattern(value: object) -> str:
    """An ``mx:`` pattern (RFC 8461 4.1): a host name, or ``*.`` and a name, the wildcard standing
    for exactly one left-most label."""
    if isinstance(value, str) and "*" in value.strip()[2 if value.strip().startswith("*.") else 0 :]:
        raise RuleError("may have * only as the whole left-most label: a wildcard stands for exactly one label", "RFC 8461 4.1")
    name = domain_name(value, wildcard=True)
    if name.startswith("*.") and name.count(".") < 2:
        raise RuleError("must not be a wildcard directly below a top-level domain: it would match any host there", "RFC 8461 4.1")
    return name


MODES = ("enforce", "testing", "none")


def is_sts_txt(text: str) -> bool:
    return has_version(text, "STSv1")


def parse_txt(text: str) -> TagList:
    """A published ``_mta-sts`` record (RFC 8461 3.1): ``v=STSv1`` first and an ``id`` of 1-32
    letters or digits; senders ignore the record otherwise."""
    record = parse_tags(text, "RFC 8461 3.1")
    found: list[Finding] = []
    if record.version != "STSv1":
        found.append(Finding("must start with v=STSv1", "RFC 8461 3.1"))
    if not re.fullmatch(rf"[A-Za-z0-9]{{1,{ID_LENGTH}}}", record.get("id") or ""):
        found.append(Finding(f"must have an id of 1-{ID_LENGTH} letters or digits", "RFC 8461 3.1"))
    return record.with_problems(*found)


@dataclass(frozen=True)
class Policy:
    """A policy file as served (RFC 8461 3.2): the first value of each field, every ``mx``."""

    text: str
    version: str | None
    mode: str | None
    max_age: int | None
    mx: tuple[str, ...]
    problems: tuple[Finding, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(line for line in self.text.replace("\r\n", "\n").split("\n") if line)


def parse_policy(text: str) -> Policy:
    """``key: value`` lines ending in CRLF, LF tolerated (RFC 8461 3.2); keys without case, values
    stripped. Problems: a missing or other version, a mode outside enforce/testing/none, a
    max_age that is not 0-31557600, a line that is not ``key: value``."""
    fields: dict[str, list[str]] = {}
    found: list[Finding] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        key, colon, value = line.partition(":")
        if colon:
            fields.setdefault(key.strip().lower(), []).append(value.strip())
        elif line.strip():
            found.append(Finding(f"{line.strip()!r} is not key: value", "RFC 8461 3.2"))
    version, mode, age = (fields.get(key, [None])[0] for key in ("version", "mode", "max_age"))
    if version != "STSv1":
        found.append(Finding("must have version: STSv1", "RFC 8461 3.2"))
    if mode not in MODES:
        found.append(Finding(f"has mode {mode!r}; it is enforce, testing or none", "RFC 8461 3.2"))
    max_age = int(age) if age is not None and age.isascii() and age.isdigit() and len(age) <= 10 else None
    if max_age is None or max_age > MAX_AGE:
        found.append(Finding(f"has max_age {age!r}; it is 0-{MAX_AGE} seconds", "RFC 8461 3.2"))
    return Policy(text, version, mode, max_age, tuple(fields.get("mx", [])), tuple(found))
