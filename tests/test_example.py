"""The shipped example, config/login.gov.yaml: the one test that reads config/.

config/ belongs to whoever deploys (a fork replaces it with its own domains and backend), so the
other tests use tests/fixtures/. This test skips when the example has been removed.
"""

from __future__ import annotations

import json

import pytest

from maildns.cli import main
from tests.synth.helpers import ROOT

EXAMPLE = ROOT / "config" / "login.gov.yaml"
pytestmark = pytest.mark.skipif(not EXAMPLE.exists(), reason="config/login.gov.yaml removed (a fork with its own domains)")


def test_the_example_validates_without_a_warning(capsys):
    assert main(["validate", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out == "1 file checked: 0 errors, 0 warnings\n"


def test_the_example_synthesizes_its_stack(tmp_path, capsys):
    assert main(["synth", "--jobs", "1", "--out", str(tmp_path), str(EXAMPLE)]) == 0
    doc = json.loads((tmp_path / "stacks" / "login-gov" / "cdk.tf.json").read_text())
    assert {"aws_route53_record", "aws_s3_bucket", "aws_cloudfront_distribution", "aws_acm_certificate"} <= set(doc["resource"])
