"""Terraform values as the stand-in provider sees them: msgpack in and out, walked along a schema block."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import msgpack
from tf.gen import tfplugin_pb2 as pb


class _Unknown:
    """A value Terraform will know only after apply."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()
# cty writes an unknown as msgpack extension 0; Terraform 1.6+ may send a refined unknown
# (extension 12, carrying facts such as "not null") in configurations and proposals.
_UNKNOWN_CODES = (0, 12)

Path = tuple[str | int, ...]


def _ext_hook(code: int, data: bytes) -> Any:
    if code in _UNKNOWN_CODES:
        return UNKNOWN
    raise ValueError(f"msgpack extension {code} is not a Terraform value")


def _default(value: Any) -> Any:
    if value is UNKNOWN:
        return msgpack.ExtType(0, b"\x00")
    raise TypeError(f"{value!r} is not a Terraform value")


def decode(value: pb.DynamicValue) -> Any:
    if value.msgpack:
        return msgpack.unpackb(value.msgpack, ext_hook=_ext_hook, strict_map_key=False)
    if value.json:
        return json.loads(value.json)
    return None


def encode(value: Any) -> pb.DynamicValue:
    return pb.DynamicValue(msgpack=msgpack.packb(value, default=_default))


def attribute_path(path: Path) -> pb.AttributePath:
    return pb.AttributePath(
        steps=[
            pb.AttributePath.Step(element_key_int=step) if isinstance(step, int) else pb.AttributePath.Step(attribute_name=step)
            for step in path
        ]
    )


def error(summary: str, detail: str = "", path: Path = ()) -> pb.Diagnostic:
    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail, attribute=attribute_path(path) if path else None)


def items(nested: dict[str, Any], value: Any) -> Iterator[tuple[int | str | None, Any]]:
    """The objects of a nested block value: one for single, each element for list/set/map."""
    if value is None or value is UNKNOWN:
        return
    mode = nested["nesting_mode"]
    if mode in ("single", "group"):
        yield None, value
    elif mode == "map":
        yield from value.items()
    else:
        yield from enumerate(value)


def transform(
    block: dict[str, Any], value: dict[str, Any], leaf: Callable[[str, dict[str, Any], Any, Path], Any], path: Path = ()
) -> dict[str, Any]:
    """A copy of ``value`` with each attribute replaced by ``leaf(name, spec, value, path)``, in every nested block."""
    out = dict(value)
    for name, spec in block.get("attributes", {}).items():
        out[name] = leaf(name, spec, value.get(name), (*path, name))
    for name, nested in block.get("block_types", {}).items():
        current = value.get(name)
        if current is None or current is UNKNOWN:
            continue
        walked = {
            key: transform(nested["block"], item, leaf, (*path, name, *(() if key is None else (key,))))
            for key, item in items(nested, current)
        }
        out[name] = (
            walked[None]
            if nested["nesting_mode"] in ("single", "group")
            else (walked if nested["nesting_mode"] == "map" else [walked[i] for i in range(len(current))])
        )
    return out


def complete(block: dict[str, Any], value: dict[str, Any] | None) -> dict[str, Any]:
    """``value`` with every attribute and block of the schema present (null or empty when absent)."""
    value = dict(value or {})
    out: dict[str, Any] = {name: value.get(name) for name in block.get("attributes", {})}
    for name, nested in block.get("block_types", {}).items():
        current = value.get(name)
        mode = nested["nesting_mode"]
        if mode in ("single", "group"):
            out[name] = None if current is None else complete(nested["block"], current)
        elif mode == "map":
            out[name] = {k: complete(nested["block"], v) for k, v in (current or {}).items()}
        else:
            out[name] = [complete(nested["block"], v) for v in (current or [])]
    return out
