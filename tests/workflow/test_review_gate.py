"""``.ci/review_gate.py``: the verdict of the required status ``maildns review``, from data alone.

The verdict is a pure function, tested as a table; the script is then run as review-gate.yml
runs it, with a ``gh`` on PATH that answers GitHub's API from a table and records what is posted.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "review_gate.py"
WORKFLOW: dict[Any, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / "review-gate.yml").read_text())
(GATE_JOB,) = WORKFLOW["jobs"].values()
LABEL = "maildns: accept risk"
HEAD = "a" * 40


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("review_gate", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["review_gate"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


gate = load()
CODE = ("Makefile",)


@pytest.mark.parametrize(
    ("conclusion", "high", "code", "labelled", "current", "state", "description"),
    [
        ("success", 0, (), False, False, "success", "no high-risk flag"),
        ("success", 1, (), False, False, "failure", f"needs review and the label '{LABEL}': 1 high-risk flag"),
        ("success", 2, (), True, True, "success", "accepted by the label: 2 high-risk flags"),
        # A label from before the newest commit accepted an older change, not this one.
        ("success", 1, (), True, False, "failure", "label added before the newest commit: review again, then re-add it; 1 high-risk flag"),
        # The report was written by code the pull request changes: it cannot clear its own change.
        (
            "success",
            0,
            CODE,
            False,
            False,
            "failure",
            f"needs review and the label '{LABEL}': changes code that runs the review (Makefile)",
        ),
        ("success", 0, CODE, True, True, "success", "accepted by the label: changes code that runs the review (Makefile)"),
        (
            "success",
            0,
            ("a.py", "b.py", "c.py", "d.py"),
            False,
            False,
            "failure",
            f"needs review and the label '{LABEL}': changes code that runs the review (a.py, b.py, c.py, ...)",
        ),
        # No label passes a review that did not finish: there is nothing to accept.
        ("failure", 0, (), True, True, "failure", "the review did not finish: read its log, fix and push again"),
        ("success", None, (), True, True, "failure", "the review did not finish: read its log, fix and push again"),
    ],
)
def test_the_verdict(conclusion, high, code, labelled, current, *, state, description):
    result = gate.verdict(gate.Facts(conclusion, high, code, labelled, current), LABEL)
    assert (result.state, result.description) == (state, description)
    assert len(result.description) <= 140  # the status API's limit


def test_a_long_description_is_cut_to_the_status_limit():
    result = gate.verdict(gate.Facts("success", 3, ("x" * 200,), False, False), LABEL)
    assert len(result.description) == 140 and result.description.endswith("…")


@pytest.mark.parametrize(
    ("files", "complete", "code"),
    [
        ([{"filename": "config/login.gov.yaml"}, {"filename": "config/_defaults.yaml"}], True, ()),
        ([{"filename": "README.md"}, {"filename": "docs/deploying.md"}], True, ()),
        ([{"filename": "Makefile"}, {"filename": "config/a.yaml"}], True, ("Makefile",)),
        (
            [{"filename": "Pipfile.lock"}, {"filename": ".github/workflows/review.yml"}],
            True,
            (".github/workflows/review.yml", "Pipfile.lock"),
        ),
        # A rename out of the code changes the code: both names count.
        ([{"filename": "config/Makefile", "previous_filename": "Makefile"}], True, ("Makefile",)),
        # A file named like a folder of data elsewhere is code.
        ([{"filename": "tools/config/run.py"}, {"filename": "configx/a.py"}], True, ("configx/a.py", "tools/config/run.py")),
        # GitHub lists at most 3,000 files: the rest are unknown, so counted as code.
        ([{"filename": "config/a.yaml"}], False, ("(more files than GitHub lists)",)),
    ],
)
def test_which_changed_files_are_code(files, complete, code):
    assert gate.code_files(files, complete) == code


@pytest.mark.parametrize(
    ("text", "high"),
    [
        ('{"flags": []}', 0),
        ('{"flags": [{"severity": "high"}, {"severity": "medium"}, {"severity": "high"}]}', 2),
        ("not json", None),
        ("[]", None),
        ('{"flags": "high"}', None),
        ('{"flags": ["high"]}', None),
        ("{}", None),
    ],
)
def test_high_flags_of_a_report(text, high):
    assert gate.high_flags(text) == high


FAKE_GH = r"""#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
assert args[0] == "api", args
api = json.load(open(os.environ["FAKE_API"]))
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(args[1:]) + "\n")
path = [a for a in args[1:] if a != "--paginate"][0]
if "-f" in args:
    sys.exit(0)
answer = api[path.split("?")[0]]
if "--jq" in args:
    expression = args[args.index("--jq") + 1]
    assert expression.endswith("[] | @json"), expression
    items = answer if expression == ".[] | @json" else answer[expression[1:-len("[] | @json")]]
    print("\n".join(json.dumps(item) for item in items))
else:
    print(json.dumps(answer))
"""


def pull(number: int, *, labels: list[str], files: list[str], label_at: str = "2026-12-02T10:05:00Z") -> dict[str, Any]:
    """GitHub's answers about pull request ``number`` whose head, HEAD, was pushed at 10:00."""
    repo = "repos/o/r"
    return {
        f"{repo}/pulls/{number}": {"head": {"sha": HEAD}, "labels": [{"name": n} for n in labels], "changed_files": len(files)},
        f"{repo}/pulls/{number}/files": [{"filename": f} for f in files],
        f"{repo}/issues/{number}/events": [{"event": "labeled", "label": {"name": n}, "created_at": label_at} for n in labels],
        f"{repo}/actions/runs": {"workflow_runs": [{"created_at": "2026-12-02T10:20:00Z"}, {"created_at": "2026-12-02T10:00:00Z"}]},
    }


REPORT_HIGH = json.dumps({"flags": [{"severity": "high", "code": "dmarc-weakened"}]})
REPORT_CLEAN = json.dumps({"flags": [{"severity": "low", "code": "dkim-key-added"}]})


def run_gate(tmp_path: Path, api: dict[str, Any], artifact: dict[str, str] | None, conclusion: str = "success"):
    """The Gate step of review-gate.yml, run as GitHub runs it; returns (result, statuses posted, comment)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "api.json").write_text(json.dumps(api))
    work = tmp_path / "work"
    (work / ".ci").mkdir(parents=True)
    (work / ".ci" / "review_gate.py").write_text(SCRIPT.read_text())
    if artifact is not None:
        (work / "artifact").mkdir()
        for name, text in artifact.items():
            (work / "artifact" / name).write_text(text)
    (step,) = [s for s in GATE_JOB["steps"] if s.get("name") == "Gate"]
    env = {k: v for k, v in step["env"].items() if "${{" not in v}
    env |= {
        "GH_TOKEN": "x",
        "REPOSITORY": "o/r",
        "HEAD_SHA": HEAD,
        "RUN_CONCLUSION": conclusion,
        "RUN_URL": "https://github.com/o/r/actions/runs/1",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "FAKE_API": str(tmp_path / "api.json"),
        "FAKE_LOG": str(tmp_path / "log"),
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=work,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    calls = [json.loads(line) for line in (tmp_path / "log").read_text().splitlines()] if (tmp_path / "log").exists() else []
    statuses = [dict(a.split("=", 1) for a in call[2::2]) | {"path": call[0]} for call in calls if "-f" in call]
    comment = (work / "comment.md").read_text() if (work / "comment.md").exists() else None
    output = (tmp_path / "output").read_text() if (tmp_path / "output").exists() else ""
    return result, statuses, comment, output


def artifact(report: str, number: str = "7\n", body: str = "**maildns diff: 1 domain changed: 1 high**\n") -> dict[str, str]:
    return {"pr-number": number, "review.json": report, "review.md": body}


@pytest.mark.parametrize(
    ("api", "art", "conclusion", "state", "description"),
    [
        (pull(7, labels=[], files=["config/login.gov.yaml"]), artifact(REPORT_CLEAN), "success", "success", "no high-risk flag"),
        (
            pull(7, labels=[], files=["config/login.gov.yaml"]),
            artifact(REPORT_HIGH),
            "success",
            "failure",
            f"needs review and the label '{LABEL}': 1 high-risk flag",
        ),
        (
            pull(7, labels=[LABEL, "dns"], files=["config/login.gov.yaml"]),
            artifact(REPORT_HIGH),
            "success",
            "success",
            "accepted by the label: 1 high-risk flag",
        ),
        (
            pull(7, labels=[LABEL], files=["config/login.gov.yaml"], label_at="2026-12-02T09:59:59Z"),
            artifact(REPORT_HIGH),
            "success",
            "failure",
            "label added before the newest commit: review again, then re-add it; 1 high-risk flag",
        ),
        (
            pull(7, labels=["accept risk"], files=["config/login.gov.yaml"]),
            artifact(REPORT_HIGH),
            "success",
            "failure",
            f"needs review and the label '{LABEL}': 1 high-risk flag",
        ),
        # The pull request edits the gate's own inputs: its clean report cannot clear it.
        (
            pull(7, labels=[], files=[".github/workflows/review.yml", ".ci/review_gate.py"]),
            artifact(REPORT_CLEAN),
            "success",
            "failure",
            f"needs review and the label '{LABEL}': changes code that runs the review (.ci/review_gate.py, .github/workflows/review.yml)",
        ),
        (
            pull(7, labels=[LABEL], files=["config/a.yaml"]),
            artifact(REPORT_HIGH),
            "failure",
            "failure",
            "the review did not finish: read its log, fix and push again",
        ),
        (
            pull(7, labels=[], files=["config/a.yaml"]),
            None,
            "failure",
            "failure",
            "the review did not finish: read its log, fix and push again",
        ),
        (
            pull(7, labels=[], files=["config/a.yaml"]),
            artifact(REPORT_CLEAN, number="7; touch pwned\n"),
            "success",
            "failure",
            "the review's artifact does not belong to this commit",
        ),
        # Another pull request's number: its head is not the commit this run reviewed.
        (
            pull(7, labels=[], files=["config/a.yaml"]) | {"repos/o/r/pulls/8": {"head": {"sha": "b" * 40}, "labels": []}},
            artifact(REPORT_CLEAN, number="8\n"),
            "success",
            "failure",
            "the review's artifact does not belong to this commit",
        ),
    ],
    ids=[
        "clean config change passes",
        "high flag without the label fails",
        "high flag with the label passes",
        "a label older than the newest commit does not count",
        "a similar label does not count",
        "a change to the review's code needs the label",
        "a failed review fails",
        "no artifact fails",
        "a number that is not digits fails",
        "another pull request's number fails",
    ],
)
def test_the_gate_step_sets_the_status(tmp_path, api, art, conclusion, *, state, description):
    result, statuses, comment, output = run_gate(tmp_path, api, art, conclusion)
    assert result.returncode == 0, result.stderr
    (status,) = statuses
    assert status == {
        "path": f"repos/o/r/statuses/{HEAD}",
        "state": state,
        "context": "maildns review",
        "description": description,
        "target_url": "https://github.com/o/r/actions/runs/1",
    }
    assert not (tmp_path / "work" / "pwned").exists()
    if "belong" in description or art is None:
        assert comment is None and output == ""  # no comment where the pull request is not known
    else:
        assert output == "number=7\n"
        assert comment is not None and comment.endswith(f"**Gate (maildns review): {state}**: {description}\n")


def test_the_comment_is_the_report_and_the_verdict_cut_to_one_comment(tmp_path):
    body = "$(touch pwned)" + "y" * 300_000
    result, _, comment, _ = run_gate(tmp_path, pull(7, labels=[], files=["config/a.yaml"]), artifact(REPORT_CLEAN, body=body))
    assert result.returncode == 0, result.stderr
    assert comment is not None and len(comment) <= gate.COMMENT_LIMIT
    assert comment.startswith("$(touch pwned)yyy") and "Cut to fit one comment" in comment
    assert comment.endswith("**Gate (maildns review): success**: no high-risk flag\n")
    assert not (tmp_path / "work" / "pwned").exists()


def test_an_oversized_report_is_not_read(tmp_path):
    report = json.dumps({"flags": [], "pad": "x" * (gate.REPORT_LIMIT + 1)})
    _, statuses, _, _ = run_gate(tmp_path, pull(7, labels=[], files=["config/a.yaml"]), artifact(report))
    assert [s["state"] for s in statuses] == ["failure"]


def test_a_head_that_is_not_a_commit_sets_no_status(tmp_path, monkeypatch):
    monkeypatch.setenv("HEAD_SHA", "main")
    monkeypatch.setenv("REPOSITORY", "o/r")
    assert gate.main(tmp_path) == 1


def test_an_api_failure_sets_no_status_and_says_so_in_one_line(tmp_path):
    """GitHub did not answer: the job fails with one line, and the required status stays missing."""
    api = pull(7, labels=[], files=["config/a.yaml"])
    del api["repos/o/r/pulls/7/files"]
    result, statuses, comment, _ = run_gate(tmp_path, api, artifact(REPORT_CLEAN))
    assert result.returncode == 1 and statuses == [] and comment is None
    (line,) = result.stderr.splitlines()
    assert line == "review gate: GitHub's API refused repos/o/r/pulls/7/files?per_page=100: KeyError: 'repos/o/r/pulls/7/files'"
