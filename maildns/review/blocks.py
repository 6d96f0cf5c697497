"""The resource blocks of two stacks compared: every Terraform block added, removed or changed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from maildns.records import ses_token_placeholder
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


ZONE_ID = "${data.aws_route53_zone.zone.zone_id}"


def readable(text: str) -> str:
    """A name or value with SES tokens shown as ``maildns records`` shows them (``<ses-us-east-1-token-1>``),
    and the hosted zone's ID, known only to Terraform, as ``<zone-id>``."""
    return _SES_TOKEN.sub(lambda m: ses_token_placeholder(m[1].replace("_", "-"), int(m[2]) + 1), text).replace(ZONE_ID, "<zone-id>")


def is_computed(name: str) -> bool:
    """Whether a record name holds a value known only after apply (an SES token)."""
    return "<ses-" in name or "${" in name


def values(body: Mapping[str, Any]) -> list[str]:
    """Record values as resolvers will see them: TXT pieces joined again, an alias as its target."""
    if isinstance(body.get("alias"), Mapping) and "records" not in body:
        return [f"ALIAS {body['alias'].get('name')}"]
    found = body.get("records", [])
    if body.get("type") == "TXT":
        return [_joined(v) for v in found]
    return [readable(str(v)) for v in found]


def _joined(value: str) -> str:
    try:
        return "".join(character_strings(value))
    except ValueError:
        return value  # not in the provider's split form: show it as written


def _summary(address: str, body: Any) -> str:
    if address.startswith("aws_route53_record.") and isinstance(body, Mapping):
        return f"{readable(str(body.get('name')))} {body.get('type')}"
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


def _lines(address: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> tuple[str, ...]:
    if address.startswith("aws_route53_record.") and "records" in (old or new or {}):
        before, after = values(old or {}), values(new or {})
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
    for address in sorted(before.keys() | after.keys()):
        a, b = before.get(address), after.get(address)
        if a == b:
            continue
        kind: ChangeKind = "+" if a is None else "-" if b is None else "~"
        yield Change(stack, kind, address, _summary(address, b or a), _lines(address, a, b))
