"""Security scan: checkov finds no unexplained failure in any synthesized stack.

Every stack of the shipped config/ is synthesized, plus one exercising the other branches (S3
state backend, mode testing with extra patterns, an existing SES identity, adopted record sets,
explicit zone id) and one with BIMI, SES custom MAIL FROM and DNSSEC signing. Skipped checks live
in .checkov.yaml, each with its reason. checkov runs offline: no platform download, no policy
mapping, no package scan, no update check, and a timeout so it can never hang the suite.

checkov's terraform_json parser stops at any top-level setting that is not a block of blocks
(bridgecrewio/checkov issue 7454: ``terraform.required_version``; the ``import`` and ``removed``
lists the same way) and then scans nothing in the file. Neither is a resource any check applies to, so the
scanned copy leaves exactly those out, and the test fails on any parsing error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from maildns.config import load_configs, parse_config
from maildns.stacks import build_app
from tests.fixtures import CONFIG
from tests.synth.helpers import ROOT

CHECKOV = Path(sys.executable).with_name("checkov")
CONFIG_FILE = ROOT / ".checkov.yaml"
OFFLINE = {
    "BC_SKIP_MAPPING": "TRUE",
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "LOG_LEVEL": "WARNING",
}
TIMEOUT = 180  # seconds; a scan of these stacks takes a few


def parseable(path: Path) -> None:
    """Rewrite a synthesized stack without the settings checkov 3's terraform_json parser cannot read."""
    doc = json.loads(path.read_text())
    doc.pop("import", None)
    doc.pop("removed", None)
    doc.get("terraform", {}).pop("required_version", None)
    path.write_text(json.dumps(doc))


OTHER = parse_config(
    {
        "domain": "example.gov",
        "zone_id": "Z0123456789ABCDEFGHIJ",
        "mx": [{"host": "mx1.mail.example.net", "preference": 10}, {"host": "mx2.mail.example.net", "preference": 20}],
        "ses": {"regions": ["us-west-2"], "identity": "existing"},
        "mta_sts": {"mode": "testing", "include_mx": False, "patterns": ["*.mail.example.net"], "bucket": "example-gov-policy"},
        "backend": {"bucket": "tf-state-example", "region": "us-gov-west-1"},
        "adopt": ["mx", "spf", "dmarc"],
    },
    "checkov-example.yaml",
)
# BIMI, SES custom MAIL FROM and DNSSEC signing (KMS key, key policy, alarms).
FEATURES = parse_config(
    {
        "domain": "features.example.gov",
        "mx": [{"host": "mx1.mail.example.net", "preference": 10}],
        "ses": {"regions": ["us-west-2"], "mail_from": "bounce"},
        "bimi": {"logo": "https://features.example.gov/logo.svg", "authority": "https://features.example.gov/vmc.pem"},
        "dnssec": {"signing": True, "publish_ds": True, "alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:dns-alarms"},
    },
    "checkov-features.yaml",
)


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> dict:
    outdir = tmp_path_factory.mktemp("cdktf.out")
    configs = (*load_configs([CONFIG]), OTHER, FEATURES)
    build_app(configs, outdir=str(outdir)).synth()
    files = sorted(outdir.glob("stacks/*/cdk.tf.json"))
    assert sorted(p.parent.name for p in files) == sorted(c.stack_name for c in configs)
    assert any("import" in json.loads(p.read_text()) for p in files), "no stack with import blocks was scanned"
    for path in files:
        parseable(path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_API", "PRISMA_"))} | OFFLINE
    done = subprocess.run(
        [
            str(CHECKOV),
            "--config-file",
            str(CONFIG_FILE),
            "-d",
            str(outdir),
            "--framework",
            "terraform_json",
            "--skip-download",
            "--output",
            "json",
        ],
        cwd=outdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode in (0, 1), f"checkov did not run (exit {done.returncode}):\n{done.stderr[-3000:]}"
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    return report[0] if isinstance(report, list) else report


def test_every_stack_was_parsed(scan):
    assert scan.get("summary", {}).get("parsing_errors", 0) == 0, scan.get("results", {}).get("parsing_errors")


def test_no_failed_check(scan):
    failed = scan.get("results", {}).get("failed_checks", [])
    lines = [f"{c['check_id']} {c['check_name']}: {c['file_path']} {c['resource']}" for c in failed]
    assert not lines, "checkov failures (fix the construct, or skip in .checkov.yaml with a reason):\n" + "\n".join(lines)


def test_the_scan_saw_the_site(scan):
    """A scan that parsed nothing also reports no failure: make sure the site's resources were checked."""
    passed = {c["resource"].split(".")[0] for c in scan.get("results", {}).get("passed_checks", [])}
    assert {"aws_s3_bucket", "aws_cloudfront_distribution", "aws_acm_certificate", "aws_kms_key"} <= passed


def test_every_skip_says_why():
    skips = re.findall(r"^\s*-\s*(CKV\S*)(.*)$", CONFIG_FILE.read_text(), re.MULTILINE)
    assert skips, "no skip-check entries found"
    unexplained = [check for check, rest in skips if not re.match(r"\s*#\s*\S.{15,}", rest)]
    assert unexplained == [], f"skipped without a one-line reason: {unexplained}"
