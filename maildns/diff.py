"""Review two synthesized outputs: email-level changes per domain, risk flags, then the resource blocks."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from maildns.records.dkim import is_dkim_name
from maildns.records.dmarc import dmarc_domain, dmarc_name, is_dmarc, parse_dmarc, report_uris
from maildns.records.mta_sts import POLICY_PATH, Policy, is_sts_txt, parse_policy, pattern_matches
from maildns.records.mta_sts import parse_txt as parse_sts_txt
from maildns.records.mta_sts import txt_name as sts_txt_name
from maildns.records.mx import NULL_MX_HOST, parse_mx
from maildns.records.spf import SpfRecord, is_spf, parse_spf
from maildns.records.tls_rpt import is_tls_rpt, parse_tls_rpt, tls_rpt_name
from maildns.records.txt import character_strings
from maildns.records.uri import split_size

Stacks = dict[str, dict[str, Any]]

SEVERITIES = ("high", "medium", "low")
# OctoDNS refuses a plan that updates or deletes more than 30% of a zone's existing records, and
# only checks zones with at least 10 (octodns/provider/plan.py: MAX_SAFE_*_PCENT, MIN_EXISTING_RECORDS).
CHANGE_SHARE = 0.3
CHANGE_SHARE_MIN_RECORDS = 10
# GitHub refuses a comment body over 65,536 characters; the sticky-comment action adds a hidden
# marker line to the body, so the review keeps a margin below the limit.
COMMENT_LIMIT = 65_000
SHORTEN_ABOVE = 100  # values longer than this are shown around their change in text and Markdown
CONTEXT = 24  # characters kept either side of a change when shortened

# Attributes whose change makes Terraform replace the resource (terraform-provider-aws marks them
# ForceNew): a replaced bucket, distribution or certificate takes the policy site down meanwhile.
_FORCE_NEW = {
    "aws_s3_bucket": ("bucket", "bucket_prefix", "object_lock_enabled", "provider"),
    "aws_cloudfront_distribution": ("provider",),
    "aws_acm_certificate": (
        "domain_name",
        "subject_alternative_names",
        "validation_method",
        "key_algorithm",
        "certificate_authority_arn",
        "private_key",
        "certificate_body",
        "provider",
    ),
}
_SITE = {"aws_s3_bucket": "S3 bucket", "aws_cloudfront_distribution": "CloudFront distribution", "aws_acm_certificate": "certificate"}


class InputError(ValueError):
    """A synth output that is not what ``diff`` can read; the message names the file."""


# --- reading ---------------------------------------------------------------------------------


def load_stacks(path: str | Path) -> Stacks:
    """Stack name -> Terraform JSON, from a cdktf output folder (``cdktf.out``) or one stack file.

    A missing folder is an empty output, so a first synth diffs against nothing.
    """
    path = Path(path)
    if path.is_file():
        return {path.parent.name: _read(path)}
    folder = path / "stacks" if (path / "stacks").is_dir() else path
    if not folder.is_dir():
        return {}
    return {p.parent.name: _read(p) for p in sorted(folder.glob("*/cdk.tf.json"))}


def _read(path: Path) -> dict[str, Any]:
    """One stack's JSON; InputError names the file and the place when it is not Terraform JSON."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: is not Terraform JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise InputError(f"{path}: is not Terraform JSON (a {type(doc).__name__}, not an object)")
    problem = _shape_problem(doc)
    if problem:
        raise InputError(f"{path}: {problem}")
    return doc


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")


def _shape_problem(doc: Mapping[str, Any]) -> str | None:
    """Where ``doc`` departs from the Terraform JSON syntax that ``diff`` reads, or None.

    @see https://developer.hashicorp.com/terraform/language/syntax/json (resource and data are
    objects of type -> name -> body; provider is an object of name -> list of bodies).
    """
    rule = "Terraform JSON syntax"
    for section in ("resource", "data"):
        types = doc.get(section, {})
        if not isinstance(types, dict):
            return f"{section}: must be an object of resource types (got {_kind(types)}; {rule})"
        for type_, named in types.items():
            if not isinstance(named, dict):
                return f"{section}.{type_}: must be an object of named blocks (got {_kind(named)}; {rule})"
            for name, body in named.items():
                if not isinstance(body, dict):
                    return f"{section}.{type_}.{name}: must be an object (got {_kind(body)}; {rule})"
                if type_ == "aws_route53_record":
                    problem = _record_problem(body)
                    if problem:
                        return f"{section}.{type_}.{name}.{problem}"
    providers = doc.get("provider", {})
    if not isinstance(providers, dict):
        return f"provider: must be an object of provider names (got {_kind(providers)}; {rule})"
    for name, configs in providers.items():
        if not isinstance(configs, list) or not all(isinstance(c, dict) for c in configs):
            return f"provider.{name}: must be a list of objects (got {_kind(configs)}; {rule})"
    if not isinstance(doc.get("terraform", {}), dict):
        return f"terraform: must be an object (got {_kind(doc['terraform'])}; {rule})"
    return None


def _record_problem(body: Mapping[str, Any]) -> str | None:
    """The aws_route53_record arguments the review reads, checked against the provider's schema."""
    rule = "aws_route53_record schema"
    for key in ("name", "type"):
        if key in body and not isinstance(body[key], str):
            return f"{key}: must be a string (got {_kind(body[key])}; {rule})"
    records = body.get("records", [])
    if not isinstance(records, list) or not all(isinstance(v, str) for v in records):
        return f"records: must be a list of strings (got {_kind(records)}; {rule})"
    if "ttl" in body and (isinstance(body["ttl"], bool) or not isinstance(body["ttl"], (int, float, str))):
        return f"ttl: must be a number (got {_kind(body['ttl'])}; {rule})"
    if "alias" in body and not isinstance(body["alias"], dict):
        return f"alias: must be an object (got {_kind(body['alias'])}; {rule})"
    return None


# --- resource blocks (the list that follows the email-level view) ----------------------------


ChangeKind = Literal["+", "-", "~"]
Severity = Literal["high", "medium", "low"]
FlagSpec = tuple[Severity, str, str]  # severity, code, reason


@dataclass(frozen=True)
class Change:
    """One block that differs: ``kind`` is ``+`` (added), ``-`` (removed) or ``~`` (changed)."""

    stack: str
    kind: ChangeKind
    address: str  # resource.aws_route53_record.dmarc, data.aws_route53_zone.zone, provider.aws, ...
    summary: str
    lines: tuple[str, ...]


def _blocks(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Every addressable block of a stack, without cdktf's ``//`` metadata."""
    blocks: dict[str, Any] = {}
    for section in ("resource", "data"):
        for type_, named in doc.get(section, {}).items():
            for name, body in named.items():
                address = f"{type_}.{name}" if section == "resource" else f"data.{type_}.{name}"
                blocks[address] = {k: v for k, v in body.items() if k != "//"}
    for name, configs in doc.get("provider", {}).items():
        for config in configs:
            blocks[f"provider.{name}" + (f".{config['alias']}" if "alias" in config else "")] = config
    for key, value in doc.get("terraform", {}).items():
        blocks[f"terraform.{key}"] = value
    return blocks


def _values(body: Mapping[str, Any]) -> list[str]:
    """Record values as resolvers will see them: TXT pieces joined again, an alias as its target."""
    if isinstance(body.get("alias"), Mapping) and "records" not in body:
        return [f"ALIAS {body['alias'].get('name')}"]
    values = body.get("records", [])
    if body.get("type") == "TXT":
        return [_joined(v) for v in values]
    return [str(v) for v in values]


def _joined(value: str) -> str:
    try:
        return "".join(character_strings(value))
    except ValueError:
        return value  # not in the provider's split form: show it as written


def _summary(address: str, body: Any) -> str:
    if address.startswith("aws_route53_record.") and isinstance(body, Mapping):
        return f"{body.get('name')} {body.get('type')}"
    return ""


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: json.dumps(value, sort_keys=True)}


def _lines(address: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> tuple[str, ...]:
    if address.startswith("aws_route53_record.") and "records" in (old or new or {}):
        before, after = _values(old or {}), _values(new or {})
        lines = [f"- {v}" for v in before if v not in after] + [f"+ {v}" for v in after if v not in before]
        rest_old = {k: v for k, v in (old or {}).items() if k != "records"}
        rest_new = {k: v for k, v in (new or {}).items() if k != "records"}
        if old is not None and new is not None:
            return tuple(lines) + _attribute_lines(rest_old, rest_new)
        return tuple(lines)
    return _attribute_lines(old or {}, new or {}) if old is not None and new is not None else ()


def _attribute_lines(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    before, after = _flatten(old), _flatten(new)
    lines = []
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            lines.append(f"{key}: {before.get(key, '(unset)')} -> {after.get(key, '(unset)')}")
    return tuple(lines)


def diff(old: Stacks, new: Stacks) -> Iterator[Change]:
    """Changes from ``old`` to ``new``, stack by stack, block by block, in name order."""
    for stack in sorted(old.keys() | new.keys()):
        yield from _stack_changes(stack, old.get(stack, {}), new.get(stack, {}))


def _stack_changes(stack: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    before, after = _blocks(old), _blocks(new)
    for address in sorted(before.keys() | after.keys()):
        a, b = before.get(address), after.get(address)
        if a == b:
            continue
        kind: ChangeKind = "+" if a is None else "-" if b is None else "~"
        yield Change(stack, kind, address, _summary(address, b or a), _lines(address, a, b))


def render(changes: list[Change]) -> str:
    """The resource list: a heading per stack, a line per block, indented details."""
    out: list[str] = []
    stack = None
    for change in changes:
        if change.stack != stack:
            stack = change.stack
            out.append(stack)
        out.append(f"  {change.kind} {change.address}" + (f"  {change.summary}" if change.summary else ""))
        out.extend(f"      {line}" for line in change.lines)
    counts = {kind: sum(c.kind == kind for c in changes) for kind in "+~-"}
    out.append(f"{counts['+']} to add, {counts['~']} to change, {counts['-']} to remove")
    return "\n".join(out)


# --- the email view of one stack -------------------------------------------------------------


@dataclass(frozen=True)
class RecordSet:
    """One name and type as resolvers see it."""

    name: str
    type: str
    ttl: str | None
    values: tuple[str, ...]


@dataclass(frozen=True)
class Mail:
    """What one stack publishes for email: its record sets and its MTA-STS policy."""

    domain: str
    records: dict[tuple[str, str], RecordSet]
    policy: Policy | None


def _mail(stack: str, doc: Mapping[str, Any]) -> Mail:
    resources = doc.get("resource", {})
    records: dict[tuple[str, str], RecordSet] = {}
    for body in resources.get("aws_route53_record", {}).values():
        name, type_ = str(body.get("name", "")).rstrip("."), str(body.get("type", ""))
        key = (name.lower(), type_)
        earlier = records.get(key)
        ttl = None if body.get("ttl") is None else str(body["ttl"])
        values = (earlier.values if earlier else ()) + tuple(_values(body))
        records[key] = RecordSet(name, type_, ttl, values)
    policy = None
    for body in resources.get("aws_s3_object", {}).values():
        if str(body.get("key", "")).lstrip("/") == POLICY_PATH and isinstance(body.get("content"), str):
            policy = parse_policy(body["content"])
    return Mail(_domain(stack, doc, records), records, policy)


def _domain(stack: str, doc: Mapping[str, Any], records: Mapping[tuple[str, str], RecordSet]) -> str:
    """The mail domain of a stack: where its DMARC record sits, else its zone, else the stack name."""
    for name, type_ in records:
        if type_ in ("TXT", "CNAME") and (domain := dmarc_domain(name)) is not None:
            return domain
    for body in doc.get("data", {}).get("aws_route53_zone", {}).values():
        if isinstance(body.get("name"), str):
            return str(body["name"]).rstrip(".")
    return stack


def _find(mail: Mail, kind: Callable[[str], bool], name: str | None = None) -> str | None:
    """The TXT value at ``name`` (default: the domain) that ``kind`` recognises."""
    rs = mail.records.get(((name or mail.domain).lower(), "TXT"))
    for value in rs.values if rs else ():
        if kind(value):
            return value
    return None


def _cname(mail: Mail, name: str) -> str | None:
    """The target of the CNAME at ``name`` (a record delegated to a vendor), or None."""
    rs = mail.records.get((name.lower(), "CNAME"))
    return rs.values[0].rstrip(".").lower() if rs and rs.values else None


def _delegation_flags(
    what: str, name: str, before: str | None, after: str | None, *, published: bool, removed: Severity = "high"
) -> Iterator[FlagSpec]:
    """A record delegated by CNAME (``before``/``after`` its targets): removed is ``removed``, a
    changed target or a change of form (CNAME to own record or back, ``published`` true when the
    name still has a record) is medium: what receivers read is then what another zone publishes."""
    kind = what.lower()
    if before is not None and after is None and not published:
        yield removed, f"{kind}-removed", f"{what} record {name} (a CNAME to {before}) removed: receivers find no {what} record"
    elif before is not None and after is None:
        yield "medium", f"{kind}-delegation-ended", f"{what} record {name} no longer a CNAME to {before}: it is published here now"
    elif before is None and after is not None and published:
        yield "medium", f"{kind}-delegated", f"{what} record {name} becomes a CNAME to {after}: receivers read whatever that name publishes"
    elif before is not None and after is not None and before != after:
        yield (
            "medium",
            f"{kind}-target-changed",
            f"{what} record {name} CNAME target changed {before} -> {after}: receivers read the new target's record",
        )


def _uris(value: str | None) -> set[str]:
    """Report URIs of a ``rua``/``ruf`` tag, without the ``!size`` suffix (RFC 7489 6.2)."""
    return {split_size(uri)[0] for uri in report_uris(value)}


def _mx_hosts(mail: Mail) -> set[str]:
    rs = mail.records.get((mail.domain.lower(), "MX"))
    parsed = [parse_mx(v) for v in rs.values] if rs else []
    return {mx[1] for mx in parsed if isinstance(mx, tuple) and mx[1] != NULL_MX_HOST}


def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{seconds} s, {n} {unit}{'s' * (n != 1)}"
    return f"{seconds} s"


# --- risk flags ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    """A change a reviewer must look at: its severity, what it is, and why it matters, in one line."""

    severity: Severity
    stack: str
    domain: str
    code: str
    reason: str

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity)


_DMARC_RANK = {"none": 0, "quarantine": 1, "reject": 2}
_MODE_RANK = {"none": 0, "testing": 1, "enforce": 2}
# SPF ``all`` from weakest to strongest; no ``all`` and no ``redirect`` ends neutral (RFC 7208 4.7).
_ALL_RANK = {"+": 0, "?": 1, "~": 2, "-": 3}
_ALL_NAME = {"+": "+all (pass)", "?": "?all (neutral)", "~": "~all (softfail)", "-": "-all (fail)"}


def _dmarc_flags(old: Mail, new: Mail) -> Iterator[FlagSpec]:
    name = dmarc_name(old.domain)
    before, after = _find(old, is_dmarc, name), _find(new, is_dmarc, name)
    was_cname, now_cname = _cname(old, name), _cname(new, name)
    if was_cname is not None or now_cname is not None:
        yield from _delegation_flags("DMARC", name, was_cname, now_cname, published=(after if was_cname else before) is not None)
        return
    if before is None:
        return
    if after is None:
        yield "high", "dmarc-removed", f"DMARC record {name} removed: receivers apply no policy to mail that fails SPF and DKIM"
        return
    a, b = parse_dmarc(before).tags, parse_dmarc(after).tags
    for tag, fallback in (("p", None), ("sp", "p")):
        if tag == "sp" and "sp" not in a and "sp" not in b:
            continue  # sp follows p on both sides: the p flag says it (RFC 7489 6.3)
        was = a.get(tag, a.get(fallback or "", "none")).lower()
        now = b.get(tag, b.get(fallback or "", "none")).lower()
        if _DMARC_RANK.get(now, 0) < _DMARC_RANK.get(was, 0):
            what = "policy" if tag == "p" else "subdomain policy"
            yield (
                "high",
                f"dmarc-{tag}-weakened",
                f"DMARC {tag} weakened {was} -> {now}: the {what} no longer {'rejects' if was == 'reject' else 'quarantines'} failing mail (RFC 7489 6.3)",
            )
    was_pct, now_pct = a.get("pct", "100"), b.get("pct", "100")
    if was_pct.isdigit() and now_pct.isdigit() and int(now_pct) < int(was_pct):
        yield (
            "high",
            "dmarc-pct-lowered",
            f"DMARC pct lowered {was_pct} -> {now_pct}: the policy applies to fewer failing messages (RFC 7489 6.3)",
        )
    for tag in ("rua", "ruf"):
        for uri in sorted(_uris(a.get(tag)) - _uris(b.get(tag))):
            yield (
                "medium",
                "report-address-removed",
                f"DMARC {tag} address {uri} removed: its owner stops receiving {'aggregate' if tag == 'rua' else 'failure'} reports",
            )


def _spf_all(record: SpfRecord) -> str | None:
    """The ``all`` qualifier, ``?`` when there is neither ``all`` nor ``redirect`` (RFC 7208 4.7)."""
    if record.all is not None:
        return record.all
    return None if any(t.name == "redirect" for t in record.terms) else "?"


def _spf_flags(old: Mail, new: Mail) -> Iterator[FlagSpec]:
    names = sorted({n for n, t in old.records if t == "TXT"} | {n for n, t in new.records if t == "TXT"})
    for name in names:
        before, after = _find(old, is_spf, name), _find(new, is_spf, name)
        if before is None:
            continue
        if after is None:
            yield (
                "high",
                "spf-removed",
                f"SPF record of {name} removed: receivers can no longer tell authorised senders from forgers (RFC 7208 2.6.1 none)",
            )
            continue
        a, b = parse_spf(before), parse_spf(after)
        was, now = _spf_all(a), _spf_all(b)
        if was is not None and now is not None and _ALL_RANK[now] < _ALL_RANK[was]:
            yield (
                "high",
                "spf-all-loosened",
                f"SPF of {name} loosened {_ALL_NAME[was]} -> {_ALL_NAME[now]}: mail from unlisted hosts is rejected less (RFC 7208 4.7, 8)",
            )

        def includes(record: SpfRecord) -> set[str]:
            return {t.text.lstrip("+-~?").lower() for t in record.terms if t.name == "include"}

        for term in sorted(includes(b) - includes(a)):
            yield "medium", "spf-include-added", f"SPF of {name} adds {term}: everyone that domain authorises may now send as {name}"
        for term in sorted(includes(a) - includes(b)):
            yield "medium", "spf-include-removed", f"SPF of {name} drops {term}: mail sent through it fails SPF"


def _mx_flags(old: Mail, new: Mail) -> Iterator[FlagSpec]:
    before_mode = old.policy.mode if old.policy else None
    after_mode = new.policy.mode if new.policy else None
    if "enforce" in (before_mode, after_mode):
        listed = new.policy.mx if new.policy else ()
        for host in sorted(_mx_hosts(old) - _mx_hosts(new)):
            still = any(pattern_matches(p, host) for p in listed)
            yield (
                "high",
                "mx-removed-under-enforce",
                (
                    f"MX host {host} removed while MTA-STS is in enforce mode"
                    + (" and the policy still lists it" if still else "; check the remaining hosts take all the mail")
                ),
            )

    def uncovered(mail: Mail) -> set[str]:
        if not mail.policy or mail.policy.mode != "enforce":
            return set()
        return {h for h in _mx_hosts(mail) if h and not any(pattern_matches(p, h) for p in mail.policy.mx)}

    for host in sorted(uncovered(new) - uncovered(old)):
        yield (
            "high",
            "mx-not-covered",
            f"MX host {host} is not covered by the enforce policy's mx: lines: senders refuse to deliver to it (RFC 8461 4.1)",
        )


def _mta_sts_flags(old: Mail, new: Mail) -> Iterator[FlagSpec]:
    a, b = old.policy, new.policy
    if a is not None and a.mode in _MODE_RANK and (b is None or _MODE_RANK.get(b.mode or "", 0) < _MODE_RANK[a.mode]):
        now = "removed" if b is None else b.mode
        yield (
            "high",
            "mta-sts-mode-lowered",
            f"MTA-STS mode lowered {a.mode} -> {now}: senders stop refusing unauthenticated TLS to the MX hosts (RFC 8461 5)",
        )
    name = sts_txt_name(old.domain)
    id_before = parse_sts_txt(_find(old, is_sts_txt, name) or "").get("id")
    id_after = parse_sts_txt(_find(new, is_sts_txt, name) or "").get("id")
    if id_before and id_after and id_before != id_after:
        keep = (
            f"senders keep the old policy up to its max_age ({_duration(a.max_age)})"
            if a and a.max_age is not None
            else "senders keep the old policy up to its max_age"
        )
        same = "; the policy itself did not change" if a and b and a.text == b.text else ""
        yield "medium", "mta-sts-id-changed", f"MTA-STS id changed {id_before} -> {id_after}: {keep}{same} (RFC 8461 3.3)"
    if a and b and a.max_age is not None and b.max_age is not None and a.max_age != b.max_age:
        how = "lowered" if b.max_age < a.max_age else "raised"
        yield (
            "medium",
            f"mta-sts-max-age-{how}",
            f"MTA-STS max_age {how} {_duration(a.max_age)} -> {_duration(b.max_age)}: senders cache the policy that long (RFC 8461 3.2)",
        )


def _dkim_flags(old: Mail, new: Mail) -> Iterator[FlagSpec]:
    for key, rs in sorted(old.records.items()):
        if not is_dkim_name(key[0]) or key[1] not in ("TXT", "CNAME"):
            continue
        # SES Easy DKIM CNAMEs are named by tokens known after apply; they are keys SES rotates.
        cname = key[1] == "CNAME" and "${" not in key[0]
        after = new.records.get(key)
        other = new.records.get((key[0], "CNAME" if key[1] == "TXT" else "TXT"))
        delegated = f" (a CNAME to {rs.values[0].rstrip('.')})" if cname and rs.values else ""
        if after is None and other is not None and "${" not in key[0]:
            form = f"a CNAME to {other.values[0].rstrip('.')}" if other.type == "CNAME" and other.values else "a key record"
            yield (
                "medium",
                "dkim-key-replaced",
                f"DKIM selector {rs.name} becomes {form}: mail signed with the old key and still in flight fails DKIM",
            )
        elif after is None:
            yield (
                "high",
                "dkim-selector-removed",
                f"DKIM selector {rs.name}{delegated} removed: mail signed with it and still in flight fails DKIM (RFC 6376 3.6.2.2)",
            )
        elif sorted(after.values) != sorted(rs.values) and cname:
            yield (
                "medium",
                "dkim-target-changed",
                f"DKIM selector {rs.name} CNAME target changed {rs.values[0].rstrip('.')} -> {after.values[0].rstrip('.')}: "
                "mail signed with the key at the old target and still in flight fails DKIM unless the new one publishes it",
            )
        elif sorted(after.values) != sorted(rs.values):
            yield (
                "medium",
                "dkim-key-replaced",
                f"DKIM key of {rs.name} replaced: mail signed with the old key and still in flight fails DKIM",
            )


def _tls_rpt_flags(old: Mail, new: Mail) -> Iterator[FlagSpec]:
    name = tls_rpt_name(old.domain)
    was_cname, now_cname = _cname(old, name), _cname(new, name)
    if was_cname is not None or now_cname is not None:
        published = _find(new if was_cname else old, is_tls_rpt, name) is not None
        yield from _delegation_flags("TLS-RPT", name, was_cname, now_cname, published=published, removed="medium")
        return
    before = parse_tls_rpt(_find(old, is_tls_rpt, name) or "").get("rua")
    after = parse_tls_rpt(_find(new, is_tls_rpt, name) or "").get("rua")
    for uri in sorted(_uris(before) - _uris(after)):
        yield "medium", "report-address-removed", f"TLS-RPT rua address {uri} removed: its owner stops receiving TLS reports (RFC 8460 3)"


def _share_flags(old: Mail, new: Mail) -> Iterator[FlagSpec]:
    existing = len(old.records)
    touched = sum(new.records.get(k) != rs for k, rs in old.records.items())
    if existing >= CHANGE_SHARE_MIN_RECORDS and touched > existing * CHANGE_SHARE:
        yield (
            "medium",
            "many-records-changed",
            f"{touched} of {existing} record sets changed or removed at once (over {CHANGE_SHARE:.0%}): check this is one intended change",
        )


def _low_flags(old: Mail, new: Mail, old_doc: Mapping[str, Any], new_doc: Mapping[str, Any]) -> Iterator[FlagSpec]:
    for key, rs in sorted(old.records.items()):
        after = new.records.get(key)
        if after is None:
            continue
        if after.ttl != rs.ttl:
            yield "low", "ttl-changed", f"TTL of {rs.name} {rs.type} {rs.ttl} -> {after.ttl}: caches hold the old answer up to the old TTL"
        if after.values != rs.values and sorted(after.values) == sorted(rs.values):
            yield "low", "values-reordered", f"values of {rs.name} {rs.type} reordered: resolvers see the same set"
    before, after_blocks = _blocks(old_doc), _blocks(new_doc)
    for address in sorted(before.keys() & after_blocks.keys()):
        a, b = before[address], after_blocks[address]
        if not (isinstance(a, Mapping) and isinstance(b, Mapping)):
            continue
        for attr in ("comment", "description"):
            if a.get(attr) != b.get(attr):
                yield "low", "comment-changed", f"{attr} of {address} changed: no effect on mail"


def _site_flags(old_doc: Mapping[str, Any], new_doc: Mapping[str, Any]) -> Iterator[FlagSpec]:
    before, after = old_doc.get("resource", {}), new_doc.get("resource", {})
    for type_, label in sorted(_SITE.items()):
        a, b = before.get(type_, {}), after.get(type_, {})
        added = sorted(set(b) - set(a))
        for name in sorted(a):
            address = f"{type_}.{name}"
            if name not in b:
                if added:
                    yield (
                        "high",
                        "site-replaced",
                        f"{label} {address} replaced by {type_}.{added[0]} (a new logical name): the MTA-STS policy site goes dark until the new one serves",
                    )
                else:
                    yield (
                        "high",
                        "site-removed",
                        f"{label} {address} removed: the MTA-STS policy site goes dark and senders cannot fetch the policy (RFC 8461 3.3)",
                    )
                continue
            forced = [k for k in _FORCE_NEW[type_] if a[name].get(k) != b[name].get(k)]
            if forced:
                yield (
                    "high",
                    "site-replaced",
                    f"{label} {address} replaced ({', '.join(forced)} changed): the MTA-STS policy site goes dark until the new one serves",
                )


def _dnssec_flags(old_doc: Mapping[str, Any], new_doc: Mapping[str, Any]) -> Iterator[FlagSpec]:
    """Signing started, stopped or rekeyed, and DS records at a parent added or removed: each can
    make a zone stop resolving for validating resolvers when done out of order (RFC 4035 5;
    README: DNSSEC signing)."""
    before, after = old_doc.get("resource", {}), new_doc.get("resource", {})
    a, b = before.get("aws_route53_hosted_zone_dnssec", {}), after.get("aws_route53_hosted_zone_dnssec", {})
    for name in sorted(set(b) - set(a)):
        yield (
            "high",
            "dnssec-signing-started",
            f"DNSSEC signing starts (aws_route53_hosted_zone_dnssec.{name}): publish the DS at the parent only once the DNSKEY TTL has passed",
        )
    for name in sorted(set(a) - set(b)):
        yield (
            "high",
            "dnssec-signing-stopped",
            f"DNSSEC signing stops (aws_route53_hosted_zone_dnssec.{name}): while the parent still publishes the DS, validating resolvers "
            "fail every answer; remove the DS first and wait for its TTL",
        )
    for name in sorted(set(a) & set(b)):
        if a[name].get("signing_status") != b[name].get("signing_status"):
            old_status, new_status = a[name].get("signing_status"), b[name].get("signing_status")
            yield "high", "dnssec-signing-changed", f"DNSSEC signing status {old_status} -> {new_status}: the zone's signatures change"
    a, b = before.get("aws_route53_key_signing_key", {}), after.get("aws_route53_key_signing_key", {})
    for name in sorted(set(a) & set(b)):
        if a[name].get("key_management_service_arn") != b[name].get("key_management_service_arn"):
            yield (
                "high",
                "dnssec-key-replaced",
                f"key-signing key aws_route53_key_signing_key.{name} replaced: the DS at the parent no longer matches until it is updated",
            )
    a, b = before.get("aws_route53_record", {}), after.get("aws_route53_record", {})
    for name in sorted(a.keys() | b.keys()):
        old_ds, new_ds = a.get(name, {}).get("type") == "DS", b.get(name, {}).get("type") == "DS"
        if new_ds and name not in a:
            yield "high", "dnssec-ds-added", f"DS record {b[name].get('name')} published: resolvers now require the child zone to be signed"
        elif old_ds and name not in b:
            yield (
                "high",
                "dnssec-ds-removed",
                f"DS record {a[name].get('name')} removed: the child zone is no longer validated; stop its signing only after the DS TTL",
            )


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordChange:
    """A record set added (``+``), removed (``-``) or changed (``~``), values as resolvers see them."""

    kind: ChangeKind
    name: str
    type: str
    old: tuple[str, ...]
    new: tuple[str, ...]
    old_ttl: str | None
    new_ttl: str | None


@dataclass(frozen=True)
class DomainReport:
    """Everything that changes for one stack, email first."""

    stack: str
    domain: str
    status: Literal["added", "removed", "changed"]  # removed: from the synth output
    records: tuple[RecordChange, ...]
    policy: tuple[str, ...]  # "- mx: a", "+ mx: b", ... the policy file line by line
    flags: tuple[Flag, ...]
    resources: tuple[Change, ...]
    note: str = ""


@dataclass(frozen=True)
class Report:
    domains: tuple[DomainReport, ...] = field(default_factory=tuple)

    @property
    def flags(self) -> tuple[Flag, ...]:
        return tuple(sorted((f for d in self.domains for f in d.flags), key=lambda f: (f.rank, f.domain, f.stack, f.code, f.reason)))

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.flags) for s in SEVERITIES}

    def worst(self) -> int | None:
        """Rank of the most severe flag (0 is high), None without flags."""
        return min((f.rank for f in self.flags), default=None)

    @property
    def summary(self) -> str:
        if not self.domains:
            return "no changes"
        n = len(self.domains)
        counts = [f"{c} {s}" for s, c in self.counts().items() if c]
        return f"{n} domain{'s' * (n != 1)} changed: " + (", ".join(counts) if counts else "no risk flags")


def removed_stack_note(stack: str) -> str:
    return (
        f"stack {stack} removed from the synth output: nothing in this output destroys its resources; "
        f"its records stay published until the deploy pipeline runs a destroy for it (cdktf destroy {stack})"
    )


def review(old: Stacks, new: Stacks) -> Report:
    """The email-aware review of ``old`` -> ``new``: one entry per stack that changes."""
    domains = []
    for stack in sorted(old.keys() | new.keys()):
        old_doc, new_doc = old.get(stack), new.get(stack)
        if old_doc == new_doc:
            continue
        if new_doc is None:
            assert old_doc is not None
            mail = _mail(stack, old_doc)
            flag = Flag("high", stack, mail.domain, "stack-removed", removed_stack_note(stack))
            domains.append(DomainReport(stack, mail.domain, "removed", (), (), (flag,), (), flag.reason))
            continue
        a, b = _mail(stack, old_doc or {}), _mail(stack, new_doc)
        domain = b.domain if old_doc is None else a.domain
        a = Mail(domain, a.records, a.policy)
        b = Mail(domain, b.records, b.policy)
        records = _record_changes(a, b)
        policy = _policy_lines(a.policy, b.policy)
        found: list[FlagSpec] = []
        if old_doc is not None:
            for check in (_dmarc_flags, _spf_flags, _mx_flags, _mta_sts_flags, _dkim_flags, _tls_rpt_flags, _share_flags):
                found.extend(check(a, b))
            found.extend(_low_flags(a, b, old_doc, new_doc))
            found.extend(_site_flags(old_doc, new_doc))
            found.extend(_dnssec_flags(old_doc, new_doc))
        flags = tuple(sorted({Flag(s, stack, domain, c, r) for s, c, r in found}, key=lambda f: (f.rank, f.code, f.reason)))
        resources = tuple(_stack_changes(stack, old_doc or {}, new_doc))
        if old_doc is not None and not (records or policy or flags or resources):
            continue  # only cdktf's "//" metadata differs: nothing Terraform or a resolver sees
        domains.append(DomainReport(stack, domain, "added" if old_doc is None else "changed", records, policy, flags, resources))
    return Report(tuple(domains))


def _record_changes(old: Mail, new: Mail) -> tuple[RecordChange, ...]:
    out = []
    for key in sorted(old.records.keys() | new.records.keys()):
        a, b = old.records.get(key), new.records.get(key)
        if a == b:
            continue
        kind: ChangeKind = "+" if a is None else "-" if b is None else "~"
        ref = b or a
        assert ref is not None
        out.append(
            RecordChange(kind, ref.name, ref.type, a.values if a else (), b.values if b else (), a.ttl if a else None, b.ttl if b else None)
        )
    return tuple(out)


def _policy_lines(old: Policy | None, new: Policy | None) -> tuple[str, ...]:
    """The policy file compared line by line: removed lines, then added ones (RFC 8461 3.2 fields)."""
    a, b = old.lines if old else (), new.lines if new else ()
    if a == b:
        return ()
    return tuple(f"- {line}" for line in a if line not in b) + tuple(f"+ {line}" for line in b if line not in a)


# --- rendering -------------------------------------------------------------------------------


def shorten(old: str, new: str, limit: int = SHORTEN_ABOVE) -> tuple[str, str]:
    """Both values cut to the part that differs, with CONTEXT characters either side, when long."""
    if max(len(old), len(new)) <= limit:
        return old, new
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1

    def cut(value: str) -> str:
        left = max(0, start - CONTEXT)
        right = min(len(value), len(value) - end + CONTEXT)
        return ("…" if left else "") + value[left:right] + ("…" if right < len(value) else "")

    return cut(old), cut(new)


def _one(value: str) -> str:
    return value if len(value) <= SHORTEN_ABOVE else value[: SHORTEN_ABOVE - 1] + "…"


def record_lines(change: RecordChange) -> list[str]:
    """``~ name TYPE`` then ``- old`` / ``+ new`` lines, long values shortened around the change."""
    lines = [f"{change.kind} {change.name} {change.type}"]
    removed = [v for v in change.old if v not in change.new]
    added = [v for v in change.new if v not in change.old]
    if len(removed) == 1 and len(added) == 1:
        before, after = shorten(removed[0], added[0])
        lines += [f"    - {before}", f"    + {after}"]
    else:
        lines += [f"    - {_one(v)}" for v in removed] + [f"    + {_one(v)}" for v in added]
    if not removed and not added and change.old != change.new:
        lines += [f"    order: {', '.join(map(_one, change.old))} -> {', '.join(map(_one, change.new))}"]
    if change.kind == "~" and change.old_ttl != change.new_ttl:
        lines.append(f"    ttl: {change.old_ttl} -> {change.new_ttl}")
    return lines


def domain_lines(domain: DomainReport, *, resources: bool = True) -> list[str]:
    """One domain's email-level changes, then (with ``resources``) its resource blocks, as plain text."""
    if domain.status == "removed":
        return [domain.note]
    lines = [f"stack {domain.stack} added to the synth output"] if domain.status == "added" else []
    if domain.records:
        lines.append("records:")
        lines += [f"  {line}" for change in domain.records for line in record_lines(change)]
    if domain.policy:
        lines.append(f"MTA-STS policy (https://mta-sts.{domain.domain}/{POLICY_PATH}):")
        lines += [f"    {line}" for line in domain.policy]
    if resources and domain.resources:
        lines.append("resources:")
        for change in domain.resources:
            lines.append(f"  {change.kind} {change.address}" + (f"  {change.summary}" if change.summary else ""))
            lines.extend(f"      {_one(line)}" for line in change.lines)
    return lines


def render_text(report: Report) -> str:
    """The default output: summary, flags, each domain's email changes, then the resource list."""
    if not report.domains:
        return "no changes"
    out = [report.summary]
    if report.flags:
        out += ["", "flags:"]
        out += [f"  {f.severity:<6}  {f.domain}  {f.reason}" for f in report.flags]
    for domain in report.domains:
        out += ["", f"{domain.domain} (stack {domain.stack})"]
        out += [f"  {line}" for line in domain_lines(domain, resources=False)]
    changes = [c for d in report.domains for c in d.resources]
    out += ["", render(changes)]
    return "\n".join(out)


def _flag_json(flag: Flag) -> dict[str, str]:
    return {"severity": flag.severity, "stack": flag.stack, "domain": flag.domain, "code": flag.code, "reason": flag.reason}


def render_json(report: Report) -> str:
    """The same content for tools: full values, sorted keys, stable order."""
    doc = {
        "summary": report.summary,
        "counts": report.counts(),
        "flags": [_flag_json(f) for f in report.flags],
        "domains": [
            {
                "stack": d.stack,
                "domain": d.domain,
                "status": d.status,
                "note": d.note,
                "flags": [_flag_json(f) for f in d.flags],
                "records": [
                    {
                        "change": r.kind,
                        "name": r.name,
                        "type": r.type,
                        "old": list(r.old),
                        "new": list(r.new),
                        "old_ttl": r.old_ttl,
                        "new_ttl": r.new_ttl,
                    }
                    for r in d.records
                ],
                "policy": list(d.policy),
                "resources": [{"change": c.kind, "address": c.address, "summary": c.summary, "lines": list(c.lines)} for c in d.resources],
            }
            for d in report.domains
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


# Every ASCII punctuation character can be backslash-escaped in CommonMark (spec 2.4), so escaping
# all of them keeps record text from opening emphasis, links, tables, headings or raw HTML.
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")


def md_inline(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, punctuation escaped, HTML impossible."""
    one_line = " ".join(text.split())
    return _MD_PUNCT.sub(r"\\\1", one_line)


def md_code_block(lines: Iterable[str]) -> str:
    """A fenced block whose fence is longer than any backtick run inside (CommonMark 4.5), so no
    value can close it; inside a code block Markdown and HTML are not interpreted.
    """
    body = "\n".join(line.replace("\r", "") for line in lines)
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{body}\n{fence}"


def _md_domain(domain: DomainReport) -> str:
    counts = [f"{c} {s}" for s in SEVERITIES if (c := sum(f.severity == s for f in domain.flags))]
    what = {"added": "added", "removed": "removed from the synth output", "changed": f"{len(domain.records)} record sets changed"}[
        domain.status
    ]
    title = f"{domain.domain} (stack {domain.stack}): {what}" + (f"; {', '.join(counts)}" if counts else "")
    return f"<details><summary>{html.escape(title)}</summary>\n\n{md_code_block(domain_lines(domain))}\n\n</details>"


def render_markdown(report: Report, limit: int = COMMENT_LIMIT) -> str:
    """One pull-request comment: the summary first, a table of flags, a collapsed section per domain.

    Kept under ``limit`` characters by cutting domain sections, then flag rows, from the end, with a
    note saying what was cut.
    """
    head = f"**maildns diff: {report.summary}**"  # our own words and counts: nothing to escape
    if not report.domains:
        return head
    rows = [f"| {f.severity} | {md_inline(f.domain)} | {md_inline(f.reason)} |" for f in report.flags]
    sections = [_md_domain(d) for d in report.domains]

    def build(n_rows: int, n_sections: int) -> str:
        parts = [head]
        if rows:
            parts.append("\n".join(["| severity | domain | reason |", "| --- | --- | --- |", *rows[:n_rows]]))
        parts += sections[:n_sections]
        cut = []
        if n_rows < len(rows):
            cut.append(f"{len(rows) - n_rows} of {len(rows)} flags")
        if n_sections < len(sections):
            cut.append(f"{len(sections) - n_sections} of {len(sections)} domain sections")
        if cut:
            parts.append(
                f"_Truncated to fit one comment: {' and '.join(cut)} cut. Run `maildns diff` locally or read the job log for the full report._"
            )
        return "\n\n".join(parts)

    if len(full := build(len(rows), len(sections))) <= limit:
        return full
    # Count what fits from running lengths (a note of at most NOTE characters follows), so a
    # report of thousands of domains is cut in one pass.
    budget = limit - NOTE - len(head)
    n_rows = _fitting([len(r) + 1 for r in rows], budget - 60)
    budget -= len(build(n_rows, 0)) - len(head)
    n_sections = _fitting([len(s) + 2 for s in sections], budget)
    return build(n_rows, n_sections)


NOTE = 200  # room kept for the truncation note


def _fitting(sizes: Sequence[int], budget: int) -> int:
    """How many leading items of these sizes fit in ``budget`` characters."""
    total = 0
    for i, size in enumerate(sizes):
        total += size
        if total > budget:
            return i
    return len(sizes)
