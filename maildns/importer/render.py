"""The written file: the config data as YAML, each note a comment beside the field it concerns."""

from __future__ import annotations

from typing import Any

import yaml

from maildns.errors import format_path, show
from maildns.importer.imported import KEYS, Imported, Note

HEADER = """\
# {domain}: written by `maildns import` from what the domain publishes today.
# Review it: each `note:` is a decision (what the first deploy changes, what is left out); each
# `spelling:` a record written in other words that say the same.
# Then `maildns validate`, `make synth` and `cdktf deploy`: the plan imports the record sets
# listed in adopt (no hand-typed terraform import) and shows every difference before applying.
"""


def comment(note: Note, indent: str = "") -> str:
    got = "nothing" if note.value is None else show(note.value, limit=10**6)
    return f"{indent}# note: {format_path(note.path)}: {note.message} (got {got}; {note.rule})\n"


def _spelling(note: Note) -> str:
    return f"# spelling: {format_path(note.path)}: {note.message}\n"


def _dump(key: str, value: Any) -> str:
    # Short lists and mappings of plain values on one line each, as config/login.gov.yaml has them.
    flow = None if isinstance(value, (list, dict)) else False
    return yaml.safe_dump({key: value}, sort_keys=False, default_flow_style=flow, width=1 << 20)


def _keys(imported: Imported, notes: list[Note]) -> str:
    """The ``dkim`` list, each key with the notes about its selector just above it."""
    out = ["dkim:\n"]
    for key in imported.data["dkim"]:
        out.extend(comment(n, "  ") for n in notes if n.anchor == key["selector"])
        item = yaml.safe_dump([key], sort_keys=False, default_flow_style=None, width=1 << 20)
        out.extend("  " + line + "\n" for line in item.splitlines())
    return "".join(out)


def render(imported: Imported) -> str:
    out = [HEADER.format(domain=imported.domain)]
    for key in KEYS:
        notes = [n for n in imported.notes if n.path[:1] == (key,)]
        spellings = [n for n in imported.spellings if n.path[:1] == (key,)]
        if not notes and not spellings and key not in imported.data:
            continue
        out.append("\n")
        anchored = {k["selector"] for k in imported.data.get("dkim", [])} if key == "dkim" else set()
        out.extend(comment(n) for n in notes if n.anchor not in anchored)
        out.extend(_spelling(n) for n in spellings)
        if key == "dkim" and key in imported.data:
            out.append(_keys(imported, notes))
        elif key in imported.data:
            out.append(_dump(key, imported.data[key]))
    return "".join(out)
