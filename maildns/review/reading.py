"""Reading synth output: stack name -> Terraform JSON, bounded in size and depth, checked in shape."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

Stacks = dict[str, dict[str, Any]]

STACK_FILE = "cdk.tf.json"
# Bounds on what is read, so hostile JSON in a pull request costs one line, not a traceback or the
# runner's memory. A stack of one domain is tens of kilobytes and nests 7 levels deep (the
# CloudFront distribution's cache behaviour); the bounds leave wide room above that.
MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
_KEY_SHOWN = 60  # characters of a JSON key shown in a message


class InputError(ValueError):
    """A synth output that is not what ``diff`` can read; the message names the file, on one line."""


def load_stacks(path: str | Path) -> Stacks:
    """Stack name -> Terraform JSON, from a cdktf output folder (``cdktf.out``) or one stack file.

    A missing folder is an empty output; whether that may stand for a side of the review is the
    caller's decision (``maildns.review.sides``).
    """
    path = Path(path)
    if path.is_file():
        return {path.parent.name: _read(path)}
    folder = path / "stacks" if (path / "stacks").is_dir() else path
    if not folder.is_dir():
        return {}
    return {p.parent.name: _read(p) for p in sorted(folder.glob(f"*/{STACK_FILE}"))}


def _not_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value, RFC 8259 6")


def read_json(path: Path, what: str = "Terraform JSON", limit: int = MAX_BYTES) -> Any:
    """A JSON document from an untrusted file, bounded in size and depth; InputError names the file."""
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{path}: is not {what} ({exc.strerror or exc})") from None
    if len(data) > limit:
        size, kind_of = path.stat().st_size, "stack files" if what == "Terraform JSON" else "plans"
        raise InputError(f"{path}: is too large (got {size} bytes; maildns diff reads {kind_of} up to {limit} bytes)")
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_not_json_constant)
    except RecursionError:
        raise InputError(_too_deep(path)) from None
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError included
        raise InputError(f"{path}: is not {what} ({_one_line(str(exc))})") from None
    if not isinstance(doc, dict):
        raise InputError(f"{path}: is not {what} (a {type(doc).__name__}, not an object)")
    if _depth_over(doc, MAX_DEPTH):
        raise InputError(_too_deep(path))
    return doc


def _read(path: Path) -> dict[str, Any]:
    """One stack's JSON; InputError names the file and the place when it is not Terraform JSON."""
    doc: dict[str, Any] = read_json(path)
    problem = _shape_problem(doc)
    if problem:
        raise InputError(f"{path}: {problem}")
    return doc


def _too_deep(path: Path) -> str:
    return f"{path}: nests objects and lists too deep (got over {MAX_DEPTH} levels; maildns diff reads at most {MAX_DEPTH})"


def _depth_over(doc: object, limit: int) -> bool:
    """Whether objects and lists nest deeper than ``limit``, walked without recursion."""
    pending: list[tuple[object, int]] = [(doc, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth + 1 > limit:
                    return True
                pending.append((child, depth + 1))
    return False


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _key(key: str) -> str:
    """A JSON key as a message shows it: one line, and short."""
    shown = key if key.isprintable() else json.dumps(key)
    return shown if len(shown) <= _KEY_SHOWN else shown[: _KEY_SHOWN - 1] + "…"


def kind(value: object) -> str:
    """A JSON value's type, as messages name it."""
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
            return f"{section}: must be an object of resource types (got {kind(types)}; {rule})"
        for type_, named in types.items():
            if not isinstance(named, dict):
                return f"{section}.{_key(type_)}: must be an object of named blocks (got {kind(named)}; {rule})"
            for name, body in named.items():
                if not isinstance(body, dict):
                    return f"{section}.{_key(type_)}.{_key(name)}: must be an object (got {kind(body)}; {rule})"
                problem = _body_problem(type_, body)
                if problem:
                    return f"{section}.{_key(type_)}.{_key(name)}.{problem}"
    providers = doc.get("provider", {})
    if not isinstance(providers, dict):
        return f"provider: must be an object of provider names (got {kind(providers)}; {rule})"
    for name, configs in providers.items():
        if not isinstance(configs, list) or not all(isinstance(c, dict) for c in configs):
            return f"provider.{_key(name)}: must be a list of objects (got {kind(configs)}; {rule})"
    if not isinstance(doc.get("terraform", {}), dict):
        return f"terraform: must be an object (got {kind(doc['terraform'])}; {rule})"
    return None


# The arguments the review reads, per resource type, with the JSON types the provider's schema
# allows for them (terraform-provider-aws; a number may be written as a string in Terraform JSON).
_STRING, _NUMBER, _OBJECT, _STRINGS = "a string", "a number", "an object", "a list of strings"
_READ: dict[str, dict[str, str]] = {
    "aws_route53_record": {"name": _STRING, "type": _STRING, "records": _STRINGS, "ttl": _NUMBER, "alias": _OBJECT},
    "aws_route53_zone": {"name": _STRING},
    "aws_s3_object": {"key": _STRING, "content": _STRING},
}


def _fits(value: object, expected: str) -> bool:
    if expected == _STRINGS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == _NUMBER:
        return isinstance(value, (int, float, str)) and not isinstance(value, bool)
    return isinstance(value, dict if expected == _OBJECT else str)


def _body_problem(type_: str, body: Mapping[str, Any]) -> str | None:
    """The arguments of a block the review reads, checked against the provider's schema."""
    for key, expected in _READ.get(type_, {}).items():
        if key in body and not _fits(body[key], expected):
            what = "a list of strings" if expected == _STRINGS else expected
            return f"{key}: must be {what} (got {kind(body[key])}; {type_} schema)"
    return None
