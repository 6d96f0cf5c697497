"""Whole-stack golden files: the synthesized JSON of every config of tests/fixtures/config/, byte for byte.

A change to any record, resource or logical name shows up here as a diff to review. Rewrite the
files with ``pytest tests/golden --update-golden`` and read ``git diff tests/golden`` before
committing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from maildns.config import load_configs
from maildns.stacks import build_app
from tests.fixtures import CONFIG
from tests.synth.helpers import ROOT

GOLDEN = Path(__file__).parent
CONFIGS = load_configs([CONFIG])


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("cdktf.out")
    build_app(CONFIGS, outdir=str(outdir)).synth()
    return outdir


@pytest.mark.parametrize("stack", [c.stack_name for c in CONFIGS])
def test_stack_matches_golden_file(stack, synthesized, request):
    actual = (synthesized / "stacks" / stack / "cdk.tf.json").read_text()
    golden = GOLDEN / f"{stack}.json"
    if request.config.getoption("--update-golden"):
        golden.write_text(actual)
        pytest.skip(f"rewrote {golden.relative_to(ROOT)}")
    expected = golden.read_text() if golden.exists() else ""
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), f"golden/{stack}.json", "synthesized", n=2))
        pytest.fail(f"{stack} differs from its golden file (rerun with --update-golden if intended):\n{diff}", pytrace=False)


def test_synth_is_deterministic(tmp_path):
    """Same input, same bytes: two synths of the same configs are identical."""
    first, second = tmp_path / "a", tmp_path / "b"
    build_app(CONFIGS, outdir=str(first)).synth()
    build_app(CONFIGS, outdir=str(second)).synth()
    for path in sorted(first.rglob("*.json")):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path
