"""maildns runs on cdktf 0.21 (the default) or its maintained fork CDK Terrain (``MAILDNS_CDK=cdktn``).

Both must write the same stacks for the shipped config: the same JSON, apart from the library's
version in the metadata (and the fork's layout of empty lists, which JSON does not see).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures import CONFIG
from tests.synth.helpers import ROOT


def _synth(library: str, out: Path) -> None:
    env = {**os.environ, "MAILDNS_CDK": library, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    subprocess.run(
        [sys.executable, "-m", "maildns", "synth", "--out", str(out), str(CONFIG)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def _without_version(doc: Any) -> Any:
    """The document with every cdktf ``version`` under metadata (``//``) and the manifest's removed."""
    if isinstance(doc, dict):
        return {k: _without_version(v) for k, v in doc.items() if k != "version" or not isinstance(v, str)}
    if isinstance(doc, list):
        return [_without_version(v) for v in doc]
    return doc


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """The shipped config synthesized under each library, in ``<tmp>/<library>/``."""
    root = tmp_path_factory.mktemp("cdk")
    for library in ("cdktf", "cdktn"):
        _synth(library, root / library)
    return root


def test_cdktf_and_cdktn_write_the_same_stacks(outputs):
    tmp_path = outputs
    files = sorted(p.relative_to(tmp_path / "cdktf") for p in (tmp_path / "cdktf").rglob("*.json"))
    assert files == sorted(p.relative_to(tmp_path / "cdktn") for p in (tmp_path / "cdktn").rglob("*.json"))
    assert Path("stacks/login-gov/cdk.tf.json") in files
    for file in files:
        ours, theirs = (json.loads((tmp_path / lib / file).read_text()) for lib in ("cdktf", "cdktn"))
        assert _without_version(ours) == _without_version(theirs), file


def test_an_unknown_library_is_a_usage_error():
    env = {**os.environ, "MAILDNS_CDK": "pulumi"}
    result = subprocess.run([sys.executable, "-c", "import maildns.cdk"], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr == "maildns: MAILDNS_CDK is 'pulumi'; it is one of cdktf, cdktn\n"


@pytest.mark.parametrize("library", ["cdktf", "cdktn"])
def test_the_metadata_names_the_library_in_use(outputs, library):
    doc = json.loads((outputs / library / "stacks" / "login-gov" / "cdk.tf.json").read_text())
    assert doc["//"]["metadata"]["version"] == {"cdktf": "0.21.0", "cdktn": "0.24.0"}[library]
