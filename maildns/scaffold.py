"""``maildns init``: the files of an organisation's own repository, from maildns/templates/.

The templates are package data and the single source of these files: this repository's own
``.github/workflows/`` and ``.ci/review_gate.py`` are rendered from them too (a test keeps them equal).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from maildns.errors import RuleError
from maildns.records.names import domain_name

# cdktf-cli is pinned to the release of the cdktf Python library maildns requires (the two
# speak one protocol through jsii): package.json of the new repository asks for exactly this.
CDKTF_CLI_VERSION = "0.21.0"

# Template (under maildns/templates/) -> the path it is written to. Names that start with a dot
# are stored without it: setuptools' package data globs skip hidden files and folders.
FILES: tuple[tuple[str, str], ...] = (
    ("README.md", "README.md"),
    ("Makefile", "Makefile"),
    ("cdktf.json", "cdktf.json"),
    ("requirements.txt", "requirements.txt"),
    ("package.json", "package.json"),
    ("gitignore", ".gitignore"),
    ("config/README.md", "config/README.md"),
    ("config/_defaults.yaml", "config/_defaults.yaml"),
    ("github/workflows/review.yml", ".github/workflows/review.yml"),
    ("github/workflows/review-gate.yml", ".github/workflows/review-gate.yml"),
    ("github/workflows/deploy.yml", ".github/workflows/deploy.yml"),
    ("ci/review_gate.py", ".ci/review_gate.py"),
)
# The files this repository itself keeps equal to their templates.
PROJECT_FILES = (".github/workflows/review.yml", ".github/workflows/review-gate.yml", ".github/workflows/deploy.yml", ".ci/review_gate.py")
DOMAIN_TEMPLATE = "config/domain.yaml"
# Files earlier releases wrote that this one replaces: ``init --force`` (the upgrade) removes them,
# or the old review-comment workflow would keep posting beside the gate.
RETIRED = (".github/workflows/review-comment.yml", ".ci/has_label.py")


class InitError(Exception):
    """``init`` would overwrite files: one line per file, nothing written."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = tuple(lines)


@dataclass(frozen=True)
class Plan:
    """What ``init`` writes: relative path -> text."""

    files: dict[str, str]


def version() -> str:
    """The installed maildns version (what the dependency files pin)."""
    try:
        return metadata.version("maildns")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def template(name: str) -> str:
    return resources.files("maildns").joinpath("templates", *name.split("/")).read_text(encoding="utf-8")


def render(name: str, *, maildns_version: str, domain: str = "") -> str:
    """A template with its placeholders filled: ``@maildns_version@``, ``@cdktf_cli_version@``, ``@domain@``.

    ``@name@`` rather than ``{name}`` or ``${name}``: the workflows are full of ``${{ ... }}``.
    """
    text = template(name)
    return text.replace("@maildns_version@", maildns_version).replace("@cdktf_cli_version@", CDKTF_CLI_VERSION).replace("@domain@", domain)


def domain_argument(text: str) -> str:
    """``--domain``: a domain name, normalised as config files are (lower case, A-labels)."""
    try:
        return domain_name(text)
    except RuleError as exc:
        raise ValueError(f"{text}: {exc.message} ({exc.rule})") from None


def plan(domains: Sequence[str], *, maildns_version: str | None = None) -> Plan:
    """Every file of a new repository, plus ``config/<domain>.yaml`` per domain."""
    release = maildns_version or version()
    files = {target: render(source, maildns_version=release) for source, target in FILES}
    for domain in domains:
        files[f"config/{domain}.yaml"] = render(DOMAIN_TEMPLATE, maildns_version=release, domain=domain)
    json.loads(files["package.json"])  # a template edit that breaks JSON fails here, not in npm
    return Plan(files)


def write(root: Path, plan_: Plan, *, force: bool = False) -> list[Path]:
    """Write ``plan_`` under ``root``; without ``force`` an existing file refuses the whole run."""
    targets = {name: root / name for name in plan_.files}
    if not force:
        existing = [name for name, path in targets.items() if path.exists() or path.is_symlink()]
        if existing:
            raise InitError([f"{targets[name]}: exists; maildns init never replaces a file (use --force)" for name in existing])
    written: list[Path] = []
    for name, path in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(plan_.files[name], encoding="utf-8")
        written.append(path)
    return written


def retire(root: Path) -> list[Path]:
    """Remove the files of earlier releases that this release replaced (``RETIRED``)."""
    removed = []
    for name in RETIRED:
        path = root / name
        if path.is_file() or path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed


def project_files(maildns_version: str | None = None) -> dict[str, str]:
    """This repository's own copies of the templates, as they must read."""
    release = maildns_version or version()
    return {target: render(source, maildns_version=release) for source, target in FILES if target in PROJECT_FILES}


def init(root: Path, domains: Sequence[str], *, force: bool = False) -> int:
    """The ``init`` command: write the repository, print each file written; exit 1 when it would
    overwrite a file without ``force`` (one line per file, nothing written). With ``force`` (an
    upgrade), the files of earlier releases that this one replaced are removed, each printed.

    ``domains`` are checked first: a bad one raises ``ValueError`` (a usage error, exit 2).
    """
    names = [domain_argument(domain) for domain in domains]
    try:
        written = write(root, plan(names), force=force)
    except InitError as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        return 1
    for path in written:
        print(path)
    for path in retire(root) if force else ():
        print(f"removed {path}")
    return 0
