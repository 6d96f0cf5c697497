"""The architecture's direction: records <- config <- plan <- constructs <- stacks <- main.py / cli.

Every module has a row saying what it may import from maildns; a module without one fails, so a
new module is placed in the architecture when it is added. Only ``maildns/cdk.py`` imports the
CDK library, the modules that only read configs (validate, records, check, diff) never load it,
and no modules import each other in a circle, not even for type hints.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.synth.helpers import ROOT

PACKAGE = ROOT / "maildns"
CDK_LIBRARIES = {"cdktf", "cdktn", "constructs", "jsii"}

# What each part of maildns may import from maildns, typing-only imports included. A row is a
# package (every module in it, which may also import each other) or one module, named as from
# maildns/ with dots; ``<package>.__init__`` is the package's own ``__init__.py``. An entry allows
# that package or module and everything inside it. The cli has one row per module: a command
# imports the shared cli modules and the layers it runs, not another command.
ROWS: dict[str, set[str]] = {
    "__init__": set(),
    "__main__": {"cli.__init__"},
    "errors": set(),
    "records": {"errors"},
    # Published SPF as receivers read it: the grammar the config's checks build on, never the reverse.
    "records.spf_published": {"errors", "records.spf_macros", "records.tags"},
    "config": {"errors", "records"},
    "lint": {"errors", "records", "config"},
    "plan": {"errors", "records", "config"},
    "check": {"errors", "records", "config", "plan"},
    "review": {"errors", "records", "revision"},
    # Finds the package's folder (``import maildns``) to synthesize a revision with its own code.
    "revision": {"errors", "__init__"},
    # Reads live DNS and HTTPS through check's resolver and fetch, writes config data.
    "importer": {"errors", "records", "config", "plan", "check"},
    "cdk": set(),
    "aws": {"cdk"},
    # The element that writes a stack's blocks and its providers knows a block only by what it writes.
    "aws.blocks": {"cdk"},
    # Constructs take records and narrow values, never the config model.
    "constructs": {"cdk", "aws", "records", "errors"},
    "stacks": {"cdk", "aws", "constructs", "records", "errors", "config", "plan"},
    # Synthesizes many stacks in processes; the only module outside stacks/ that builds an app.
    # It reuses cached stacks and ends its children as the staging rules say.
    "fanout": {"config", "plan", "stacks", "synthesis.cache", "synthesis.staging"},
    "changes": {"config", "revision", "fanout"},
    # The deploy pipeline: stack hashes, what each state records as applied, batches of components.
    "pipeline": {"plan", "fanout"},
    # Stages a synth into --out and publishes it (``__init__``); the synth cache, keyed on
    # maildns's own code (``cache``); staging folders and signals (``staging``).
    "synthesis.__init__": {"config", "progress", "synthesis.staging", "fanout"},
    "synthesis.cache": {"__init__", "plan"},
    "synthesis.configs": {"config", "synthesis.cache"},
    "synthesis.staging": set(),
    # The cdktf app: config/ in, one stack per domain out.
    "app": {"config", "fanout", "synthesis", "synthesis.cache", "synthesis.configs"},
    # The files of an organisation's repository, from the package's templates.
    "scaffold": {"errors", "records"},
    # Reads each selector's lifecycle from git history and applies the rotation rules.
    "rotation": {"errors", "config"},
    "progress": set(),
    "streams": set(),
    "cli.__init__": {"config", "streams", "cli"},
    "cli.base": {"config"},
    "cli.options": {"cli.base"},
    "cli.validate": {"cli.base", "cli.options", "config", "lint", "progress", "rotation"},
    "cli.records": {"cli.base", "cli.options", "config", "plan", "records", "errors"},
    "cli.policy": {"cli.base", "plan", "records"},
    "cli.stacks": {"cli.base", "cli.options", "changes", "fanout", "revision", "config", "pipeline", "plan"},
    "cli.synth": {"cli.base", "cli.options", "fanout", "synthesis", "synthesis.cache", "synthesis.configs"},
    "cli.check": {"cli.base", "cli.options", "plan", "check"},
    "cli.import_": {"cli.base", "cli.options", "errors", "check", "importer", "records"},
    "cli.diff": {"cli.base", "cli.options", "review", "revision", "rotation"},
    "cli.init": {"cli.base", "scaffold"},
    "cli.dkim": {"cli.base", "config", "errors", "records", "rotation"},
}
PURE_MODULES = [
    "maildns.config",
    "maildns.records",
    "maildns.plan",
    "maildns.lint",
    "maildns.cli",
    "maildns.check",
    "maildns.review",
    "maildns.revision",
    "maildns.rotation",
    "maildns.importer",
]


def _name(path: Path) -> str:
    """``maildns/cli/check.py`` -> ``cli.check``; ``maildns/config/__init__.py`` -> ``config.__init__``."""
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def _row(name: str) -> str | None:
    """The row of a module: its own, or its top-level package's (a package row covers all it holds)."""
    if name in ROWS:
        return name
    top = name.split(".", maxsplit=1)[0]
    return top if top in ROWS and top != name else None


def _module(dotted: str) -> str:
    """An imported ``maildns.x.y`` as a module name of this package (``x.y``, or ``x.__init__`` for a package)."""
    parts = dotted.split(".")[1:]
    if not parts or (PACKAGE.joinpath(*parts) / "__init__.py").exists():
        return ".".join([*parts, "__init__"])
    return ".".join(parts)


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """The maildns modules a file imports (as ``_module`` names) and the other top-level packages,
    wherever the import stands: at the top, in a function, or under ``if TYPE_CHECKING:``."""
    inside: set[str] = set()
    outside: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # ``from maildns.cli import check`` imports the module maildns.cli.check.
            module = node.module
            names = [
                f"{module}.{alias.name}" if module.split(".")[0] == "maildns" and _is_module(f"{module}.{alias.name}") else module
                for alias in node.names
            ]
        else:
            assert not isinstance(node, ast.ImportFrom), "maildns imports by absolute name"
            continue
        for name in names:
            if name.split(".")[0] == "maildns":
                inside.add(_module(name))
            else:
                outside.add(name.split(".")[0])
    return inside, outside


def _is_module(dotted: str) -> bool:
    parts = dotted.split(".")[1:]
    return PACKAGE.joinpath(*parts).with_suffix(".py").exists() or (PACKAGE.joinpath(*parts) / "__init__.py").exists()


def _allows(entry: str, module: str) -> bool:
    """``config`` allows ``config.__init__`` and ``config.fields``; ``cli.base`` allows only itself."""
    return module == entry or module.startswith(entry + ".")


# maildns/templates/ holds files maildns init writes into another repository, not modules of maildns.
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "templates" not in p.relative_to(PACKAGE).parts)
NAMES = [_name(path) for path in SOURCES]


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_each_module_imports_only_what_its_row_allows(path):
    name = _name(path)
    row = _row(name)
    assert row is not None, f"maildns/{path.relative_to(PACKAGE)} has no row in ROWS: add one saying what it may import"
    inside, outside = _imports(path)
    own = {m for m in inside if row != name and _allows(row, m)}  # a package's modules import each other
    refused = sorted(m for m in inside - own if m != name and not any(_allows(entry, m) for entry in ROWS[row]))
    assert not refused, f"{name} imports {refused}; its row allows {sorted(ROWS[row])}"
    if row != "cdk":
        assert not (outside & CDK_LIBRARIES), "only maildns/cdk.py imports the CDK library"


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("cli.check", "cli.check"),
        ("cli.publish", None),
        ("records.spf", "records"),
        ("records.__init__", "records"),
        ("newmodule", None),
        ("__init__", "__init__"),
    ],
    ids=[
        "a cli module has its own row",
        "a new cli module has none until one is added",
        "a package row covers its modules",
        "and its __init__",
        "a new top-level module has none",
        "the package's own __init__ has a row",
    ],
)
def test_row_lookup(name, row):
    assert _row(name) == row


def test_every_row_names_a_module_that_exists():
    """A row left behind by a move (diff.py into a package) would check nothing."""
    stale = sorted(row for row in ROWS if not any(_row(name) == row for name in NAMES))
    assert not stale, f"rows without a module: {stale}"


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


@pytest.mark.parametrize(
    ("edges", "circles"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"a"}}, []),
    ],
    ids=["a chain is no circle", "two modules", "three modules, and one outside", "a module and itself"],
)
def test_circle_finder(edges, circles):
    assert _circles(edges) == circles


PACKAGES = sorted({name.rpartition(".")[0] for name in NAMES})
# A package listed here is known to hold a circle (with the reason); strict, so the mark must go
# once the circle does. None today.
KNOWN_CIRCLES: dict[str, str] = {}


@pytest.mark.parametrize(
    "package",
    [
        pytest.param(package, marks=pytest.mark.xfail(strict=True, reason=KNOWN_CIRCLES[package])) if package in KNOWN_CIRCLES else package
        for package in PACKAGES
    ],
    ids=[f"maildns/{package}" if package else "maildns" for package in PACKAGES],
)
def test_no_import_circle_inside_a_package(package):
    """Two modules of one package that import each other, even only ``if TYPE_CHECKING:``, are one
    module in two files: neither can be read, tested or moved alone. (Between packages, ROWS rules
    circles out: see test_rows_have_no_circle.)"""
    edges = {
        name: {m for m in _imports(path)[0] if m.rpartition(".")[0] == package and m != name}
        for path, name in zip(SOURCES, NAMES, strict=True)
        if name.rpartition(".")[0] == package
    }
    circles = _circles(edges)
    assert not circles, "import circles: " + "; ".join(" <-> ".join(c) for c in circles)


def test_rows_have_no_circle():
    """The rows form layers: no row may import, through others, a row that may import it."""
    edges = {
        row: {other for other in ROWS if other != row and any(_allows(e, other) or _allows(other, e) for e in allowed)}
        for row, allowed in ROWS.items()
    }
    assert _circles(edges) == []


def test_config_records_plan_and_cli_do_not_load_cdktf():
    code = (
        "import sys, importlib, pkgutil, maildns.records, maildns.cli\n"
        f"for m in {PURE_MODULES!r}: importlib.import_module(m)\n"
        "for package in (maildns.records, maildns.cli):\n"
        "    for info in pkgutil.iter_modules(package.__path__): importlib.import_module(package.__name__ + '.' + info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'cdktn', 'constructs', 'jsii'))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"pure modules pulled in: {out.stdout.strip()}"
