"""Problems with input as values (file, field, message, value, rule, severity), and their one-line text."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]
FieldPath = tuple[str | int, ...]

_UNSET: Any = object()
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+|line \d+|\(top level\)")
SHOW_LIMIT = 80  # characters of a value shown in a message


class RuleError(ValueError):
    """One broken rule inside a value: what is wrong, and the rule (an RFC section) that says so.

    ``path`` locates the problem below the field being validated (a model validator raising
    for one of its fields) and ``value`` overrides the value shown in the message.
    """

    def __init__(self, message: str, rule: str, *, value: Any = _UNSET, path: FieldPath = ()):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.value = value
        self.path = path


@dataclass(frozen=True)
class Problem:
    """One problem found in one file. ``str()`` is the only line maildns prints for it:
    ``<file>: <field.path>: <message> (got <value>; <rule>)``."""

    file: str
    path: FieldPath
    message: str
    value: Any = _UNSET
    rule: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        got = "nothing" if self.value is _UNSET else show(self.value)
        return f"{self.file}: {format_path(self.path)}: {self.message} (got {got}; {self.rule})"

    @property
    def field(self) -> str:
        return format_path(self.path)

    def to_json(self) -> dict[str, Any]:
        """The problem's fields for ``--format json``; the value as shown in the line."""
        return {
            "file": self.file,
            "field": self.field,
            "path": list(self.path),
            "message": self.message,
            "value": None if self.value is _UNSET else show(self.value),
            "rule": self.rule,
            "severity": self.severity,
            "text": str(self),
        }

    @classmethod
    def of(cls, file: str, error: RuleError, *, prefix: FieldPath = (), value: Any = _UNSET) -> Problem:
        """The problem a RuleError raised at ``prefix`` in ``file`` describes."""
        shown = value if error.value is _UNSET else error.value
        return cls(file, prefix + error.path, error.message, shown, error.rule)


class ConfigError(Exception):
    """Bad input: the problems found, each printed as one line.

    The CLI catches it, prints ``lines``, exits 1 and writes nothing.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def show(value: Any, limit: int = SHOW_LIMIT) -> str:
    """A value as a person reads it in a message: strings bare unless blank or padded, others as JSON."""
    # A control character or line separator would break the one-line-per-problem output.
    if isinstance(value, str) and value and value == value.strip() and value.isprintable():
        text = value[: limit + 1]
    else:
        text = _json_prefix(value, limit + 1)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Full(Exception):
    """Enough of a value has been rendered."""


def _json_prefix(value: Any, limit: int) -> str:
    """The first ``limit`` characters (or all) of ``json.dumps(value, default=str)``.

    Rendering stops once the limit is reached, so a value of a million elements, or one an
    alias bomb built from shared parts, costs no more than a short one.
    """
    out: list[str] = []
    size = 0

    def emit(text: str) -> None:
        nonlocal size
        out.append(text)
        size += len(text)
        if size >= limit:
            raise _Full

    def walk(item: Any, open_: tuple[int, ...]) -> None:
        if isinstance(item, dict | list | tuple):
            if id(item) in open_:
                emit("[...]")  # a value that contains itself
                return
            inner = (*open_, id(item))
            if isinstance(item, dict):
                emit("{")
                for i, (key, val) in enumerate(item.items()):
                    emit(", " if i else "")
                    emit(json.dumps(key if isinstance(key, str) else json.dumps(key, default=str).strip('"')))
                    emit(": ")
                    walk(val, inner)
                emit("}")
            else:
                emit("[")
                for i, val in enumerate(item):
                    emit(", " if i else "")
                    walk(val, inner)
                emit("]")
        elif isinstance(item, str):
            emit(json.dumps(item[:limit]))
        else:
            try:
                emit(json.dumps(item, default=str))
            except (TypeError, ValueError):
                emit(repr(item)[:limit])

    with contextlib.suppress(_Full):
        walk(value, ())
    return "".join(out)[:limit]


def format_path(loc: FieldPath) -> str:
    """``('mx', 1, 'preference')`` -> ``mx[1].preference``."""
    out = ""
    for part in loc:
        # An odd key from the input is quoted and escaped, so it stays on one line.
        text = json.dumps(part) if isinstance(part, str) and not _PLAIN_KEY.fullmatch(part) else str(part)
        out += f"[{text}]" if isinstance(part, int) else (f".{text}" if out else text)
    return out or "(top level)"
