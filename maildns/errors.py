"""The two exceptions maildns raises for bad input, and how a problem is worded."""

from __future__ import annotations

import json
import re
from typing import Any

_UNSET: Any = object()
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+|line \d+|\(top level\)")


class RuleError(ValueError):
    """One broken rule inside a value: what is wrong, and the rule (an RFC section) that says so.

    ``path`` locates the problem below the field being validated (a model validator raising
    for one of its fields) and ``value`` overrides the value shown in the message.
    """

    def __init__(self, message: str, rule: str, *, value: Any = _UNSET, path: tuple[str | int, ...] = ()):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.value = value
        self.path = path


class ConfigError(Exception):
    """Bad input: one line per problem, in the form ``<file>: <field.path>: <problem> (got <value>; <rule>)``.

    The CLI catches it, prints ``lines``, exits 1 and writes nothing.
    """

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def show(value: Any, limit: int = 80) -> str:
    """A value as a person reads it in a message: strings bare unless blank or padded, others as JSON."""
    # A control character or line separator would break the one-line-per-problem output.
    if isinstance(value, str) and value and value == value.strip() and value.isprintable():
        text = value
    else:
        try:
            text = json.dumps(value, default=str)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_path(loc: tuple[str | int, ...]) -> str:
    """``('mx', 1, 'preference')`` -> ``mx[1].preference``."""
    out = ""
    for part in loc:
        if isinstance(part, str) and not _PLAIN_KEY.fullmatch(part):
            part = json.dumps(part)  # an odd key from the input: quoted, escaped, on one line
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def problem(file: str, loc: tuple[str | int, ...], message: str, value: Any, rule: str) -> str:
    """One problem line, the only shape of error maildns prints."""
    got = "nothing" if value is _UNSET else show(value)
    return f"{file}: {format_path(loc)}: {message} (got {got}; {rule})"
