"""The config data ``maildns import`` writes for one domain, and its notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from maildns.errors import FieldPath, Problem

# Key order of the written file: the order of the configuration reference.
KEYS = ("domain", "mail", "ttl", "ttl_overrides", "provider", "mx", "spf", "apex_txt", "dkim", "dmarc", "tls_rpt", "mta_sts", "adopt")


@dataclass(frozen=True)
class Note:
    """A decision the written config makes about what is published (what the first deploy
    changes, what is left out): a YAML comment beside the field it concerns (beside the DKIM key
    of ``anchor``, a selector, when it concerns one) and a warning."""

    path: FieldPath
    message: str
    value: Any
    rule: str
    anchor: str | None = None

    def problem(self, file: str) -> Problem:
        if self.value is None:  # nothing is published there
            return Problem(file, self.path, self.message, rule=self.rule, severity="warning")
        return Problem(file, self.path, self.message, self.value, self.rule, "warning")


@dataclass
class Imported:
    """The config data of one domain, the notes about it, and the record sets it adopts."""

    domain: str
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    spellings: list[Note] = field(default_factory=list)
    """Record sets the config writes in other words with the same meaning: one line each, a comment only."""

    def note(self, path: FieldPath, message: str, value: Any, rule: str, anchor: str | None = None) -> None:
        self.notes.append(Note(path, message, value, rule, anchor))
