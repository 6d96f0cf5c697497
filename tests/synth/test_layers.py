"""The architecture's direction: records <- config <- plan <- constructs <- stacks <- main.py / cli.

Each layer may import only the layers below it; only ``maildns/cdk.py`` imports the CDK library,
and the modules that only read configs (validate, records, check, diff) never load it.
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

# What each part of the package may import from maildns (besides itself). Anything not listed
# (cli, __main__) sits on top and may import everything.
ALLOWED = {
    "errors": set(),
    "records": {"errors"},
    "config": {"errors", "records"},
    "lint": {"errors", "records", "config"},
    "plan": {"errors", "records", "config"},
    "check": {"errors", "records", "config", "plan"},
    "review": {"errors", "records", "revision"},
    "revision": {"errors"},
    # Reads live DNS and HTTPS through check's resolver and fetch, writes config data.
    "importer": {"errors", "records", "config", "plan", "check"},
    "cdk": set(),
    "aws": {"cdk"},
    # Constructs take records and narrow values, never the config model.
    "constructs": {"cdk", "aws", "records", "errors"},
    "stacks": {"cdk", "aws", "constructs", "records", "errors", "config", "plan"},
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
    "maildns.importer",
]


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> set[str]:
    """Top-level module names and maildns sub-packages a file imports (typing-only imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            found.add(f"maildns.{parts[1]}" if parts[0] == "maildns" and len(parts) > 1 else parts[0])
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_each_module_imports_only_layers_below_it(path):
    layer = _layer(path)
    if layer not in ALLOWED:
        return  # the command line sits on top
    imported = {name.split(".")[1] for name in _imports(path) if name.startswith("maildns.")} - {layer}
    assert imported <= ALLOWED[layer], f"{layer} imports {sorted(imported - ALLOWED[layer])}"
    if layer != "cdk":
        assert not (_imports(path) & CDK_LIBRARIES), "only maildns/cdk.py imports the CDK library"


def test_config_records_plan_and_cli_do_not_load_cdktf():
    code = (
        "import sys, importlib, pkgutil, maildns.records\n"
        f"for m in {PURE_MODULES!r}: importlib.import_module(m)\n"
        "for info in pkgutil.iter_modules(maildns.records.__path__): importlib.import_module('maildns.records.' + info.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'cdktn', 'constructs', 'jsii'))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"pure modules pulled in: {out.stdout.strip()}"
