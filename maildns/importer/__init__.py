"""``maildns import``: write a config that publishes what a domain publishes today, and adopts it.

``live`` reads the domain over DNS and HTTPS, ``convert`` turns that into config data with a note
for each value maildns cannot publish as it is; here the data is checked against the config
rules and the rendered records, and written as YAML with the notes as comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from maildns.config import Config, ConfigError, Problem, parse_config
from maildns.importer.convert import convert
from maildns.importer.imported import KEYS, Imported, Note
from maildns.importer.live import Live
from maildns.importer.presets import with_provider
from maildns.importer.render import render
from maildns.importer.spelling import policy_spelling, spelling_only
from maildns.plan import DomainPlan, plan_one
from maildns.records import mta_sts as sts

# Which config section a rendered record comes from, by record id (maildns.plan).
SECTIONS = {"mx": "mx", "spf": "spf", "dmarc": "dmarc", "tls-rpt": "tls_rpt", "mta-sts": "mta_sts"}


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
    if (short := with_provider(live.domain, imported.data, file)) is not None:
        imported.data = short
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
        _compare(imported, live, plan_one(config))
    elif (partial := _without_refused(imported, errors, file)) is not None:
        # The refused values are named by their errors; every other section is still compared.
        config, refused = partial
        _compare(imported, live, plan_one(config), refused)
    return Written(
        render(imported),
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


def _policy(imported: Imported, live: Live, plan: DomainPlan) -> bool:
    """The policy's spelling line, or a note when it says something else; whether it does."""
    if plan.policy is None or live.policy is None or plan.policy == live.policy:
        return False
    url = sts.policy_url(live.domain)
    reasons = policy_spelling(plan.policy, live.policy)
    if reasons is None:
        imported.note(
            ("mta_sts",),
            f"the policy at {url} says something else; the first deploy serves {plan.policy.decode()!r}",
            live.policy.decode("ascii", errors="backslashreplace"),
            "RFC 8461 3.2",
        )
        return True
    message = (
        f"the policy at {url} is written in maildns's spelling ({', '.join(reasons)}), which gives it a new id"
        f" in {sts.txt_name(live.domain)}; senders read the same policy"
    )
    imported.spellings.append(Note(("mta_sts",), message, None, "RFC 8461 3.2"))
    return False


def _compare(imported: Imported, live: Live, plan: DomainPlan, refused: frozenset[str] | set[str] = frozenset()) -> None:
    """For each record set the config renders differently from what is published: one spelling
    line when receivers read the same, else a note saying what the first deploy writes."""
    policy_changed = "mta_sts" not in refused and _policy(imported, live, plan)
    for record in plan.all_records:
        found = live.get(record.name, record.type)
        if record.computed or found is None or refused & _sections(record.id):
            continue
        rendered = tuple(sorted(record.values))
        if rendered == found.values:
            continue
        section = SECTIONS.get(record.id, "dkim" if record.id.startswith("dkim-") else record.id)
        anchor = record.name.split("._domainkey.")[0] if section == "dkim" else None
        reasons = spelling_only(record.id, rendered, found.values)
        if reasons is not None and not (record.id == "mta-sts" and policy_changed):
            if record.id != "mta-sts":  # the policy's line says why its id changes
                message = f"{record.name} {record.type} is written in maildns's spelling ({', '.join(reasons)}); receivers read the same"
                imported.spellings.append(Note((section,), message, None, "", anchor))
            continue
        imported.note(
            (section,),
            f"{record.name} {record.type} is published differently; the first deploy writes {list(rendered)}",
            list(found.values),
            "the config's rendering",
            anchor,
        )
