"""The deploy pipeline's life, run offline: the workflow's own shell steps (synth, list the pending
stacks in batches, deploy a batch with Terraform) on a throwaway repository, against the stand-in
AWS provider, with local state (the CI refuses local state; here it stands for the S3 backend).

Deploy everything; change one domain (only it deploys); an apply that fails for one stack
(nothing recorded, the next run deploys it again); a signed parent and its child deployed in one
batch, the child first.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from maildns.pipeline import RECORD_FILE, RECORD_NAME, RECORD_TYPE, recorded, stack_hash
from tests.synth.helpers import ROOT

pytestmark = pytest.mark.terraform

DOMAINS: dict[str, dict[str, Any]] = {
    "a.example.gov": {"mx": [{"host": "mx.a.example.gov", "preference": 10}], "dmarc": {"p": "reject"}},
    "b.example.gov": {"mx": [{"host": "mx.b.example.gov", "preference": 10}], "dmarc": {"p": "quarantine"}},
    "brand.gov": {
        "mx": [{"host": "mx.brand.gov", "preference": 10}],
        "dnssec": {"signing": True, "alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:dnssec-alarms"},
    },
    "mail.brand.gov": {"mx": [{"host": "mx.brand.gov", "preference": 10}], "dnssec": {"signing": True, "publish_ds": True}},
}
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())


def step(job: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in WORKFLOW["jobs"][job]["steps"] if s.get("name") == name)
    return found


SYNTH = step("synth", "Synthesize")["run"]
PENDING = step("synth", "List the pending stacks in batches")["run"]
DEPLOY = step("deploy", "Deploy")["run"]


def write_config(repo: Path, domain: str, extra: dict[str, Any] | None = None) -> None:
    doc = {"domain": domain, "zone": domain, **DOMAINS[domain], **(extra or {})}
    (repo / "config" / f"{domain}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.fixture
def repo(tmp_path: Path, terraform_env: dict[str, str]) -> Path:
    """A repository of four domains; ``.venv/bin/python`` is this project's Python."""
    repo = tmp_path / "agency-dns"
    (repo / "config").mkdir(parents=True)
    for domain in DOMAINS:
        write_config(repo, domain)
    python = repo / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    return repo


def shell(script: str, repo: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    """One ``run:`` of the workflow, as GitHub runs it (``bash -e``, here with pipefail and -u too)."""
    merged = env | {"MAILDNS_NO_CACHE": "1", "MAX_JOBS": "200", "RUNNER_TEMP": str(repo.parent / "runner-temp")} | extra
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=repo, env=merged, capture_output=True, text=True, check=False, timeout=900
    )


def synth_and_list(repo: Path, env: dict[str, str], plant: str | None = None) -> list[str]:
    """The synth job: synthesize, (plant a fault in one stack), record, list the pending stacks in batches."""
    done = shell(SYNTH, repo, env)
    assert done.returncode == 0, done.stderr
    if plant is not None:
        fail_at_apply(repo / "cdktf.out" / "stacks" / plant)
    output = repo / "github-output"
    output.write_text("")
    done = shell(PENDING, repo, env, GITHUB_OUTPUT=str(output))
    assert done.returncode == 0, done.stderr
    key, _, value = output.read_text().strip().partition("=")
    assert key == "batches"
    batches: list[str] = json.loads(value)
    return batches


def deploy(repo: Path, env: dict[str, str], batch: str) -> subprocess.CompletedProcess[str]:
    """One matrix job: the deploy step applies its batch in the stack folders."""
    return shell(DEPLOY, repo, env, STACKS=batch)


def fail_at_apply(folder: Path) -> None:
    """A fault Terraform finds only while applying (a value known only after a create), after the
    stack's records were applied: the stack's apply fails halfway."""
    path = folder / "cdk.tf.json"
    doc = json.loads(path.read_text())
    doc["resource"]["terraform_data"] = {
        "made": {"input": "made"},
        "fault": {"input": "${tonumber(terraform_data.made.id)}"},
    }
    path.write_text(json.dumps(doc))


def state(repo: Path, stack: str) -> dict[str, Any]:
    """The local state file the stack's backend names (``../../../terraform.<stack>.tfstate``)."""
    return json.loads((repo / f"terraform.{stack}.tfstate").read_text())  # type: ignore[no-any-return]


def applied(repo: Path, stack: str) -> str | None:
    return recorded(state(repo, stack))


def test_the_pipeline_deploys_what_differs_from_what_was_last_applied(repo: Path, terraform_env: dict[str, str]) -> None:
    env = terraform_env
    # Run 1: nothing applied yet, every stack is pending; the parent and its child share a batch, child first.
    batches = synth_and_list(repo, env)
    assert sorted(batches) == sorted(["a-example-gov", "b-example-gov", "mail-brand-gov brand-gov"])
    for batch in batches:
        done = deploy(repo, env, batch)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr
        if batch == "mail-brand-gov brand-gov":  # applied in that order: the parent reads the child's state
            assert done.stdout.index("::group::mail-brand-gov") < done.stdout.index("::group::brand-gov")
    for stack in ("a-example-gov", "b-example-gov", "brand-gov", "mail-brand-gov"):
        assert applied(repo, stack) == stack_hash(repo / "cdktf.out" / "stacks" / stack)
    parent = state(repo, "brand-gov")
    types = [i["attributes"].get("type") for r in parent["resources"] if r["type"] == "aws_route53_record" for i in r["instances"]]
    assert "DS" in types, "the parent publishes its child's DS"
    assert synth_and_list(repo, env) == [], "everything applied: nothing pending"

    # Run 2: one domain changed, and its apply fails halfway: nothing recorded.
    write_config(repo, "a.example.gov", {"dmarc": {"p": "quarantine"}})
    before = applied(repo, "a-example-gov")
    assert synth_and_list(repo, env, plant="a-example-gov") == ["a-example-gov"]
    done = deploy(repo, env, "a-example-gov b-example-gov")
    assert done.returncode != 0
    assert "::group::b-example-gov" not in done.stdout, "the batch stops at its first failure"
    assert "tonumber" in done.stdout + done.stderr
    assert applied(repo, "a-example-gov") == before, "a failed apply records nothing"
    assert any(r["name"] == "made" for r in state(repo, "a-example-gov")["resources"]), "the apply got halfway"

    # Run 3 (the fault gone, nothing else changed since run 2): the stack is still pending, and deploys.
    assert synth_and_list(repo, env) == ["a-example-gov"]
    done = deploy(repo, env, "a-example-gov")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert applied(repo, "a-example-gov") == stack_hash(repo / "cdktf.out" / "stacks" / "a-example-gov")
    assert synth_and_list(repo, env) == []

    # A change of the child deploys its parent too (the parent reads the child's DS from its state).
    write_config(repo, "mail.brand.gov", {"ttl": 600})
    assert synth_and_list(repo, env) == ["mail-brand-gov brand-gov"]


def test_the_synth_output_carries_the_record_and_no_init_files(repo: Path, terraform_env: dict[str, str]) -> None:
    """What the synth job uploads: each stack's JSON and the file that records its apply."""
    synth_and_list(repo, terraform_env)
    for folder in sorted((repo / "cdktf.out" / "stacks").iterdir()):
        record = json.loads((folder / RECORD_FILE).read_text())
        body = record["resource"][RECORD_TYPE][RECORD_NAME]
        assert body["input"] == stack_hash(folder)
        doc = json.loads((folder / "cdk.tf.json").read_text())
        every = {f"{t}.{n}" for t, bodies in doc["resource"].items() for n in bodies}
        assert set(body["depends_on"]) == every
