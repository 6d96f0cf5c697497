"""The config package's shape: no import circle (type-only imports included), one home per cross-cutting rule."""

from __future__ import annotations

import ast
from pathlib import Path

import maildns.config
from maildns.config import adopt, defaults, fields, parked

PACKAGE = Path(maildns.config.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")


def _imports(module: str) -> set[str]:
    """The config modules ``module`` imports anywhere in its text, under TYPE_CHECKING too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse((PACKAGE / f"{module}.py").read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "maildns.config":
            found |= {a.name for a in node.names if a.name in MODULES}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("maildns.config."):
            found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("maildns.config.")}
    return found - {module}


def _circle() -> list[str]:
    graph = {m: _imports(m) for m in MODULES}
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> list[str]:
        if module in trail:
            return [*trail[trail.index(module) :], module]
        if module in done:
            return []
        for other in sorted(graph[module]):
            circle = visit(other, [*trail, module])
            if circle:
                return circle
        done.add(module)
        return []

    for module in MODULES:
        circle = visit(module, [])
        if circle:
            return circle
    return []


def test_the_import_reader_sees_the_imports():
    """The reader must find real edges, or the circle check below could never fail."""
    assert {"models", "parked", "adopt", "features", "profiles"} <= _imports("domain")
    assert "models" in _imports("parked")


def test_no_import_circle_inside_config():
    assert _circle() == []


def test_no_type_only_imports_are_needed():
    """Field types live in fields.py and rules take ConfigFields from models.py: nothing is hidden under TYPE_CHECKING."""
    for module in MODULES:
        assert "TYPE_CHECKING" not in (PACKAGE / f"{module}.py").read_text(), module


def test_each_parked_and_adopt_rule_has_one_home():
    """The lists of a parked domain live in parked.py and the adopt vocabulary in adopt.py, nowhere else."""
    assert parked.DMARC_TAGS == ("rua",)
    assert parked.LOCKDOWN_SETS == ("mx", "spf", "dmarc", "dkim:*")
    assert all(adopt.adopt_name(name) == name for name in parked.LOCKDOWN_SETS)
    for module in (defaults, fields):
        names = set(vars(module))
        assert not {n for n in names if n.startswith("PARKED_") or n in ("ADOPTABLE", "DKIM_ADOPT_PREFIX")}, module.__name__
    texts = {m: (PACKAGE / f"{m}.py").read_text() for m in MODULES}
    assert [m for m, t in texts.items() if "ADOPTABLE = " in t] == ["adopt"]
    assert [m for m, t in texts.items() if "IGNORED_DEFAULTS = " in t] == ["parked"]
    assert [m for m, t in texts.items() if "def for_parked" in t] == ["parked"]
