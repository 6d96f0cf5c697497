"""The resource blocks of two stacks compared: every Terraform block added, removed or changed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from maildns.records import ses_token_placeholder
from maildns.records.mta_sts import POLICY_HOST, certificate_validation_placeholders, distribution_placeholder
from maildns.records.txt import character_strings
from maildns.review.reading import Stacks

ChangeKind = Literal["+", "-", "~"]


@dataclass(frozen=True)
class Change:
    """One block that differs: ``kind`` is ``+`` (added), ``-`` (removed) or ``~`` (changed)."""

    stack: str
    kind: ChangeKind
    address: str  # resource.aws_route53_record.dmarc, data.aws_route53_zone.zone, provider.aws, ...
    summary: str
    lines: tuple[str, ...]


def blocks(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Every addressable block of a stack, without cdktf's ``//`` metadata."""
    found: dict[str, Any] = {}
    for section in ("resource", "data"):
        for type_, named in doc.get(section, {}).items():
            for name, body in named.items():
                address = f"{type_}.{name}" if section == "resource" else f"data.{type_}.{name}"
                found[address] = {k: v for k, v in body.items() if k != "//"}
    for name, configs in doc.get("provider", {}).items():
        for config in configs:
            found[f"provider.{name}" + (f".{config['alias']}" if "alias" in config else "")] = config
    for key, value in doc.get("terraform", {}).items():
        found[f"terraform.{key}"] = value
    # Import blocks: adopting a live resource changes what Terraform manages even when the
    # resource's own block is unchanged (https://developer.hashicorp.com/terraform/language/import).
    imports = doc.get("import", [])
    for entry in imports if isinstance(imports, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("to"), str):
            found[f"{IMPORT}{entry['to']}"] = {k: v for k, v in entry.items() if k != "to"}
    return found


IMPORT = "import."  # the address prefix of an import block in the resource list


# An SES DKIM token as the stacks write it: ``${element(<identity or dkim>.<attribute>, <index>)}``,
# where the logical name ends in the region (``ses_identity_us_east_1``, ``ses_dkim_us_east_1``).
_SES_TOKEN = re.compile(r"\$\{element\([^,{}]*?\.ses_(?:identity|dkim)_([a-z0-9_]+?)\.[^,{}]*,\s*(\d)\)\}")


# The ACM validation CNAME as the stacks write it: name, type and value are each
# ``${tolist(aws_acm_certificate.<name>.domain_validation_options).<i>.resource_record_<part>}``.
# ACM chooses the name and the target; the type is always CNAME.
# @see https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
_ACM = re.compile(
    r"\$\{tolist\(aws_acm_certificate\.([A-Za-z0-9_-]+)\.domain_validation_options\)\.\d+\.resource_record_(name|type|value)\}"
)

# The CloudFront distribution's host name, known after apply: ``${aws_cloudfront_distribution.<name>.domain_name}``.
_DISTRIBUTION = re.compile(r"\$\{aws_cloudfront_distribution\.([A-Za-z0-9_-]+)\.domain_name\}")

ZONE_ID = "${data.aws_route53_zone.zone.zone_id}"

Hosts = Mapping[str, str]  # a stack's certificates and distributions: address -> the host they serve


def hosts(doc: Mapping[str, Any]) -> dict[str, str]:
    """The ACM certificates and CloudFront distributions of a stack, by address, with the host each
    serves: the names ``maildns records`` gives their computed values are made from it."""
    resources = doc.get("resource", {})
    found = {
        f"aws_acm_certificate.{name}": body["domain_name"]
        for name, body in resources.get("aws_acm_certificate", {}).items()
        if isinstance(body, Mapping) and isinstance(body.get("domain_name"), str)
    }
    for name, body in resources.get("aws_cloudfront_distribution", {}).items():
        aliases = body.get("aliases") if isinstance(body, Mapping) else None
        if isinstance(aliases, list) and aliases and isinstance(aliases[0], str):
            found[f"aws_cloudfront_distribution.{name}"] = aliases[0]
    return found


def _domain(host: str) -> str:
    """The domain whose policy host (``mta-sts.<domain>``) ``host`` is: records names placeholders by it."""
    return host.removeprefix(f"{POLICY_HOST}.")


def _acm(match: re.Match[str], known: Hosts) -> str:
    host = known.get(f"aws_acm_certificate.{match[1]}")
    if host is None:
        return match[0]  # a certificate this stack does not hold: nothing to name it by
    if match[2] == "type":
        return "CNAME"
    name, target = certificate_validation_placeholders(_domain(host))
    return name if match[2] == "name" else target


def _distribution(match: re.Match[str], known: Hosts) -> str:
    host = known.get(f"aws_cloudfront_distribution.{match[1]}")
    return match[0] if host is None else distribution_placeholder(_domain(host))


def readable(text: str, known: Hosts | None = None) -> str:
    """A name or value with SES tokens shown as ``maildns records`` shows them (``<ses-us-east-1-token-1>``),
    given the stack's ``known`` hosts the ACM validation CNAME (``<acm validation name for mta-sts.login.gov>``,
    its target and type likewise) and the CloudFront host (``<cloudfront distribution of mta-sts.login.gov>``),
    and the hosted zone's ID, known only to Terraform, as ``<zone-id>``."""
    text = _SES_TOKEN.sub(lambda m: ses_token_placeholder(m[1].replace("_", "-"), int(m[2]) + 1), text)
    if known:
        text = _ACM.sub(lambda m: _acm(m, known), text)
        text = _DISTRIBUTION.sub(lambda m: _distribution(m, known), text)
    return text.replace(ZONE_ID, "<zone-id>")


def is_computed(name: str) -> bool:
    """Whether a record name holds a value known only after apply (an SES token, ACM's validation name)."""
    return "<ses-" in name or "<acm validation" in name or "${" in name


def values(body: Mapping[str, Any], known: Hosts | None = None) -> list[str]:
    """Record values as resolvers will see them: TXT pieces joined again, an alias as its target."""
    if isinstance(body.get("alias"), Mapping) and "records" not in body:
        return [f"ALIAS {readable(str(body['alias'].get('name')), known)}"]
    found = body.get("records", [])
    if body.get("type") == "TXT":
        return [_joined(v) for v in found]
    return [readable(str(v), known) for v in found]


def _joined(value: str) -> str:
    try:
        return "".join(character_strings(value))
    except ValueError:
        return value  # not in the provider's split form: show it as written


def _summary(address: str, body: Any, certs: Hosts) -> str:
    if address.startswith("aws_route53_record.") and isinstance(body, Mapping):
        return f"{readable(str(body.get('name')), certs)} {readable(str(body.get('type')), certs)}"
    if address.startswith(IMPORT) and isinstance(body, Mapping):
        return f"adopts {readable(str(body.get('id')))}"
    return ""


def _flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, Mapping):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: json.dumps(value, sort_keys=True)}


def _lines(address: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, certs: Hosts) -> tuple[str, ...]:
    if address.startswith("aws_route53_record.") and "records" in (old or new or {}):
        before, after = values(old or {}, certs), values(new or {}, certs)
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
        yield from stack_changes(stack, old.get(stack, {}), new.get(stack, {}))


def stack_changes(stack: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    before, after = blocks(old), blocks(new)
    certs = {**hosts(old), **hosts(new)}
    for address in sorted(before.keys() | after.keys()):
        a, b = before.get(address), after.get(address)
        if a == b:
            continue
        kind: ChangeKind = "+" if a is None else "-" if b is None else "~"
        yield Change(stack, kind, address, _summary(address, b or a, certs), _lines(address, a, b, certs))
