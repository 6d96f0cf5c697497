"""pydantic's validation errors as maildns problems: location, message, value and the rule to cite."""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from maildns.config.fields import SCHEMA_RULE, TEXT_EXPECTED, Rule, RuleErrors, yaml_reading, yaml_shown
from maildns.config.models import ConfigFields as Config
from maildns.errors import _UNSET, FieldPath, Problem, RuleError


def _field_of(model: type[BaseModel], loc: FieldPath) -> FieldInfo | None:
    """The FieldInfo at ``loc`` below ``model``, or None if the path leaves the schema."""
    info: FieldInfo | None = None
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        info = current.model_fields[part]
        current = _inner_model(info.annotation)
    return info


def _inner_model(annotation: Any) -> Any:
    """The model class inside ``Model``, ``Model | None`` or ``tuple[Model, ...]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _rule_of(loc: FieldPath) -> str:
    info = _field_of(Config, loc)
    for meta in info.metadata if info else ():
        if isinstance(meta, Rule):
            return meta.text
    return SCHEMA_RULE


def _allowed_keys(loc: FieldPath) -> list[str]:
    info = _field_of(Config, loc) if loc else None
    model = Config if not loc else (_inner_model(info.annotation) if info else None)
    return list(model.model_fields) if model else []


def problems(file: str, exc: ValidationError, written: dict[FieldPath, tuple[str, Any]] | None = None) -> list[Problem]:
    """pydantic's errors as maildns problems, in pydantic's order; ``written`` (path -> the text
    written and what YAML made of it) makes each problem about such a value quote what was written."""
    found = _problems(file, exc)
    return [as_written(p, written) for p in found] if written else found


def as_written(problem: Problem, written: dict[FieldPath, tuple[str, Any]]) -> Problem:
    """The problem shown with the value as written, and what YAML made of it (1:20 became 80)."""
    entry = written.get(problem.path)
    if entry is None:
        return problem
    text, value = entry
    shown = problem.value
    if not text or text == yaml_shown(value):
        return problem  # nothing written, or YAML kept it as written (the message already shows it)
    if shown is not _UNSET and not (type(shown) is type(value) and shown == value):
        return problem  # a problem about another value at this path
    # Quoting turns the value into text: the fix where text belongs, not in a number field.
    note = yaml_reading(value, text, quote=not _expects_number(problem.path))
    # checked() already says "must be text, and YAML reads ..." from the value alone: say it from what was written.
    text_expected = problem.message == TEXT_EXPECTED + yaml_reading(value)
    return replace(problem, message=TEXT_EXPECTED + note if text_expected else f"{problem.message}; {note}", value=text)


def _expects_number(loc: FieldPath) -> bool:
    info = _field_of(Config, loc)
    return info is not None and _has_int(info.annotation)


def _has_int(annotation: Any) -> bool:
    return annotation is int or any(_has_int(arg) for arg in get_args(annotation))


def _problems(file: str, exc: ValidationError) -> list[Problem]:
    found: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc: FieldPath = tuple(err["loc"])
        kind = err["type"]
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, RuleErrors):
            found.extend(Problem.of(file, e, prefix=loc) for e in cause.errors)
        elif isinstance(cause, RuleError):
            found.append(Problem.of(file, cause, prefix=loc, value=err.get("input", _UNSET)))
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            # A key in the wrong case (P: for p:) is the most common slip; difflib misses it.
            close = [k for k in allowed if k.lower() == str(loc[-1]).lower()] or difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            found.append(Problem(file, loc, "unknown key", loc[-1], f"{hint}allowed: {', '.join(allowed)}"))
        elif kind == "missing":
            found.append(Problem(file, loc, "is required", _UNSET, _rule_of(loc)))
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            found.append(Problem(file, loc, "must be a mapping of settings", err.get("input"), SCHEMA_RULE))
        elif kind in ("tuple_type", "list_type"):
            found.append(Problem(file, loc, "must be a list", err.get("input"), _rule_of(loc)))
        elif kind == "string_type":
            found.append(Problem(file, loc, "must be text", err.get("input"), _rule_of(loc)))
        else:
            message = err["msg"][:1].lower() + err["msg"][1:]
            found.append(Problem(file, loc, message, err.get("input"), _rule_of(loc)))
    return found
