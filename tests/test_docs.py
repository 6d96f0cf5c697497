"""The documentation in docs/ covers the code: every command and option in docs/commands.md,
every config field in docs/configuration.md (found by walking the pydantic models), and every
row of the validation-rule tables names a field that exists. The README links each docs/ file.
"""

from __future__ import annotations

import argparse
import re
import types
import typing

import pytest
from pydantic import BaseModel

from maildns.cli import parser
from maildns.config.models import Config
from tests.synth.helpers import ROOT

DOCS = ROOT / "docs"
COMMANDS = (DOCS / "commands.md").read_text()
CONFIGURATION = (DOCS / "configuration.md").read_text()


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def options() -> list[tuple[str, str]]:
    return [
        (name, option)
        for name, sub in subcommands().items()
        for action in sub._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    ]


def models(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every field path of ``model``: ``dmarc.rua``, ``dkim.selector`` (a list item's field under its list)."""
    found: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        found.append(path)
        for inner in _models_in(field.annotation):
            found += models(inner, f"{path}.")
    return found


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        args = args[:1]
    return [m for arg in args for m in _models_in(arg)] if args or isinstance(annotation, types.UnionType) else []


FIELDS = models(Config)


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_command_is_documented(command):
    assert f"`maildns {command}" in COMMANDS, f"docs/commands.md has no entry `maildns {command} ...`"


@pytest.mark.parametrize(("command", "option"), options(), ids=[f"{c} {o}" for c, o in options()])
def test_every_option_is_documented(command, option):
    (entry,) = [e for e in COMMANDS.split("\n- ") if e.startswith(f"`maildns {command}")]
    assert option in entry, f"docs/commands.md: the `maildns {command}` entry does not mention {option}"


def test_the_walk_finds_nested_and_list_item_fields():
    """The check below is only as good as the walk: it reaches into sections and list items."""
    assert {"domain", "dmarc.rua", "mx.preference", "dkim.selector", "backend.dynamodb_table", "ttl_overrides.ds"} <= set(FIELDS)


def documented(path: str) -> bool:
    """``a.b`` is documented as `a.b`, in a row such as `dmarc.adkim`, `dmarc.aspf`, or as ``b``
    in the row of its section or list (`dkim` ... `{selector, key_type, ...}`)."""
    if f"`{path}`" in CONFIGURATION or f"`{path}." in CONFIGURATION:
        return True
    parent, _, leaf = path.rpartition(".")
    rows = [line for line in CONFIGURATION.splitlines() if line.startswith((f"| `{parent}`", f"| `{parent}."))]
    return bool(parent) and any(re.search(rf"\b{re.escape(leaf)}\b", row) for row in rows)


@pytest.mark.parametrize("path", FIELDS)
def test_every_config_field_is_documented(path):
    assert documented(path), f"docs/configuration.md does not document {path}"


def message_rows() -> list[str]:
    rules = CONFIGURATION.split("## Validation rules", 1)[1]
    return re.findall(r"^\|[^|\n]*\|[^|\n]*\| `([^`]+)`", rules, re.MULTILINE)


def test_every_message_row_names_a_field_that_exists():
    """The message tables (one row per rule, its exact message) name real field paths."""
    rows = message_rows()
    assert len(rows) > 100, "the message tables were not found"
    known = {path.split(".")[0] for path in FIELDS}
    wrong = []
    for message in rows:
        # The location: a field path, or the YAML line / the whole file where there is no field yet.
        head = re.sub(r"^(warning: )?(<file>: )?", "", message).split(":", 1)[0]
        first = re.sub(r"\[\d+\]", "", head).split(".")[0]
        if first not in known and not re.fullmatch(r"line \d+|file|config/.*|\(top level\)", head):
            wrong.append(message)
    assert not wrong, wrong


@pytest.mark.parametrize("name", sorted(p.name for p in DOCS.glob("*.md")))
def test_the_readme_links_every_docs_file(name):
    assert f"](docs/{name})" in (ROOT / "README.md").read_text()


def test_links_between_docs_files_point_at_files_and_headings_that_exist():
    def anchors(text: str) -> set[str]:
        return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}

    broken = []
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        text = page.read_text()
        for target, anchor in re.findall(r"\]\(((?:docs/)?[\w-]*(?:\.md)?)(?:#([\w-]+))?\)", text):
            if not target and not anchor:
                continue
            file = page if not target else (page.parent / target)
            if not file.exists() or (anchor and anchor not in anchors(file.read_text())):
                broken.append(f"{page.relative_to(ROOT)}: {target}#{anchor}")
    assert not broken, broken


def test_the_readme_stays_short():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 300
