"""``maildns import``: write a config that publishes what a domain publishes today, and adopts it.

``live`` reads the domain over DNS and HTTPS, ``convert`` turns that into config data with a note
for each value maildns cannot publish as it is; here the data is checked against the config
rules and the rendered records, and written as YAML with the notes as comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from maildns.config import Config, ConfigError, Problem, parse_config
from maildns.errors import format_path, show
from maildns.importer.convert import KEYS, Imported, Note, convert
from maildns.importer.live import Live
from maildns.plan import plan_one

# Which config section a rendered record comes from, by record id (maildns.plan).
SECTIONS = {"mx": "mx", "spf": "spf", "dmarc": "dmarc", "tls-rpt": "tls_rpt", "mta-sts": "mta_sts"}
HEADER = """\
# {domain}: written by `maildns import` from what the domain publishes today.
# Review it: each `note:` says what maildns cannot publish as it is, or publishes differently.
# Then `maildns validate`, `make synth` and `cdktf deploy`: the plan imports the record sets
# listed in adopt (no hand-typed terraform import) and shows every difference before applying.
"""


@dataclass(frozen=True)
class Written:
    """The YAML text for one domain, its notes (warnings) and the rules it still breaks (errors)."""

    text: str
    notes: tuple[Problem, ...]
    errors: tuple[Problem, ...]
    adopt: tuple[str, ...]


def import_live(live: Live, file: str) -> Written:
    """The config file for ``live``, to be written at ``file`` (the name used in messages)."""
    imported = convert(live)
    errors: tuple[Problem, ...] = ()
    try:
        config = parse_config(imported.data, file)
    except ConfigError as exc:
        if _drop_unpublishable_apex_txt(imported, exc.problems):
            try:
                config = parse_config(imported.data, file)
            except ConfigError as again:
                errors = again.problems
        else:
            errors = exc.problems
    if not errors:
        _compare(imported, live, plan_one(config).all_records)
    elif (partial := _without_refused(imported, errors, file)) is not None:
        # The refused values are named by their errors; every other section is still compared.
        config, refused = partial
        _compare(imported, live, [r for r in plan_one(config).all_records if not refused & _sections(r.id)])
    return Written(
        _render(imported),
        tuple(n.problem(file) for n in imported.notes),
        errors,
        tuple(imported.data.get("adopt", ())),
    )


def _drop_unpublishable_apex_txt(imported: Imported, problems: tuple[Problem, ...]) -> bool:
    """Apex TXT values the config refuses (quotes, non-ASCII) become notes: there is no way to
    publish them through maildns, and a config that keeps them could not be used at all."""
    values = imported.data.get("apex_txt", [])
    bad = {p.path[1]: p for p in problems if p.path[:1] == ("apex_txt",) and len(p.path) == 2 and isinstance(p.path[1], int)}
    for index in sorted(bad, reverse=True):
        problem = bad[index]
        imported.note(
            ("apex_txt",),
            f"cannot be published through maildns ({problem.message}); the first deploy deletes it",
            values.pop(index),
            problem.rule,
        )
    if "apex_txt" in imported.data and not values:
        del imported.data["apex_txt"]
    return bool(bad)


def _sections(record_id: str) -> set[str]:
    """The config sections that make the record set ``record_id`` (the apex TXT set: SPF and apex_txt)."""
    section = SECTIONS.get(record_id, "dkim" if record_id.startswith("dkim-") else record_id)
    return {section, "apex_txt"} if section == "spf" else {section}


def _without_refused(imported: Imported, problems: tuple[Problem, ...], file: str) -> tuple[Config, set[str]] | None:
    """The config with each section that has a problem left to its default, and those sections;
    None when a problem is not in a section (or the domain itself is refused)."""
    data = dict(imported.data)
    refused: set[str] = set()
    for _ in KEYS:
        if any(not p.path or not isinstance(p.path[0], str) or p.path[0] == "domain" for p in problems):
            return None
        sections = {str(p.path[0]) for p in problems}
        refused |= sections
        for key in sections:
            data.pop(key, None)
        try:
            return parse_config(data, file), refused
        except ConfigError as exc:
            problems = exc.problems
    return None


def _compare(imported: Imported, live: Live, records: Any) -> None:
    """A note for each record set the config renders differently from what is published."""
    for record in records:
        found = live.get(record.name, record.type)
        if record.computed or found is None:
            continue
        rendered = tuple(sorted(record.values))
        if rendered != found.values:
            section = SECTIONS.get(record.id, "dkim" if record.id.startswith("dkim-") else record.id)
            imported.note(
                (section,),
                f"{record.name} {record.type} is published differently; the first deploy writes {list(rendered)}",
                list(found.values),
                "the config's rendering",
            )


def _comment(note: Note) -> str:
    got = "nothing" if note.value is None else show(note.value, limit=10**6)
    return f"# note: {format_path(note.path)}: {note.message} (got {got}; {note.rule})\n"


def _render(imported: Imported) -> str:
    out = [HEADER.format(domain=imported.domain)]
    for key in KEYS:
        notes = [n for n in imported.notes if n.path[:1] == (key,)]
        if not notes and key not in imported.data:
            continue
        out.append("\n")
        out.extend(_comment(n) for n in notes)
        if key in imported.data:
            value = imported.data[key]
            # Short lists and mappings of plain values on one line each, as config/login.gov.yaml has them.
            flow = None if isinstance(value, (list, dict)) else False
            out.append(yaml.safe_dump({key: value}, sort_keys=False, default_flow_style=flow, width=1 << 20))
    return "".join(out)
