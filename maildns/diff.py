"""Review two synthesized outputs: what each stack adds, removes and changes, in DNS terms."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maildns.records.txt import character_strings

Stacks = dict[str, dict[str, Any]]


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
    """One stack's JSON; ValueError names the file when it is not a Terraform JSON object."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: is not Terraform JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: is not Terraform JSON (a {type(doc).__name__}, not an object)")
    return doc


@dataclass(frozen=True)
class Change:
    """One block that differs: ``kind`` is ``+`` (added), ``-`` (removed) or ``~`` (changed)."""

    stack: str
    kind: str
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
    """Record values as resolvers will see them: TXT pieces joined again."""
    values = body.get("records", [])
    if body.get("type") == "TXT":
        return [_joined(v) for v in values]
    return [str(v) for v in values]


def _joined(value: str) -> str:
    try:
        return "".join(character_strings(value))
    except ValueError:
        return value  # not in the provider's split form: show it as written


def _summary(address: str, body: Mapping[str, Any]) -> str:
    if address.startswith("aws_route53_record."):
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
        before, after = _blocks(old.get(stack, {})), _blocks(new.get(stack, {}))
        for address in sorted(before.keys() | after.keys()):
            a, b = before.get(address), after.get(address)
            if a == b:
                continue
            kind = "+" if a is None else "-" if b is None else "~"
            yield Change(stack, kind, address, _summary(address, b or a), _lines(address, a, b))


def render(changes: list[Change]) -> str:
    """The review text: a heading per stack, a line per block, indented details."""
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
