"""The review gate: decide a pull request's required status ``maildns review`` from data alone.

Run by ``.github/workflows/review-gate.yml`` on ``workflow_run``, from the default branch's copy of
this file, after the review workflow of a pull request finished. It runs no code of the pull
request: it reads that run's artifact (``pr-number``, ``review.json``, ``review.md``, all made by
the pull request's side and treated as data) and asks GitHub's API for the rest, then sets the
commit status and writes the comment.

A report is only as trustworthy as the code that wrote it. When the pull request changes nothing
but data (``config/`` and Markdown), the review ran the default branch's workflows, Makefile and
maildns on it, and its flags decide. When it changes anything else (a workflow, ``.ci/``, the
Makefile, the maildns pin, any code), the report was written by code under review, so the accept
label is needed whatever the report says. The accept label counts only when it was added after
the pull request's newest commit was pushed: a later commit needs a new look.

Usage: ``review_gate.py ARTIFACT_DIR``, with ``GH_TOKEN``, ``REPOSITORY``, ``HEAD_SHA``,
``RUN_CONCLUSION``, ``RUN_URL`` and ``ACCEPT_LABEL`` in the environment (and ``GITHUB_OUTPUT``).
Exit 0 whatever the verdict (the status carries it); 1 only when the status cannot be set.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONTEXT = "maildns review"  # the status branch protection requires
COMMENT_LIMIT = 65_000  # characters; GitHub refuses a comment body over 65,536
REPORT_LIMIT = 8 * 1024 * 1024  # bytes of review.json read: a larger one is refused, not parsed
DATA_PREFIXES = ("config/",)  # read by maildns as data, never run
DATA_SUFFIXES = (".md",)  # documentation: nothing runs it
NAMED = 3  # changed code files named in the status description
SHA = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class Facts:
    """What the verdict is made from: the review run, its report, and the pull request now."""

    conclusion: str  # of the review run: success, failure, ...
    high: int | None  # high flags in the report; None: no readable report
    code_changed: tuple[str, ...]  # files the pull request changes that are not data
    labelled: bool  # the accept label is on the pull request
    label_current: bool  # ... and was added after the newest commit was pushed


@dataclass(frozen=True)
class Verdict:
    state: str  # success or failure
    description: str  # at most 140 characters, as the status API allows


def code_files(files: list[dict[str, Any]], complete: bool) -> tuple[str, ...]:
    """Changed paths (old and new names of a rename) that are not data; a list GitHub cut short
    counts as changing code, since the rest is unknown."""
    paths = []
    for item in files:
        paths += [p for p in (item.get("filename"), item.get("previous_filename")) if isinstance(p, str) and p]
    code = tuple(sorted({p for p in paths if not p.startswith(DATA_PREFIXES) and not p.endswith(DATA_SUFFIXES)}))
    return code if complete else (*code, "(more files than GitHub lists)")


def high_flags(text: str) -> int | None:
    """The number of high flags of a ``maildns diff --format json`` report; None when it is not one."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    flags = doc.get("flags") if isinstance(doc, dict) else None
    if not isinstance(flags, list) or not all(isinstance(f, dict) for f in flags):
        return None
    return sum(1 for f in flags if f.get("severity") == "high")


def verdict(facts: Facts, label: str) -> Verdict:
    """The gate. Failure unless the review finished, and the label (added since the newest commit)
    accepts what needs accepting: high flags, or a report written by code the pull request changes."""
    if facts.conclusion != "success" or facts.high is None:
        return Verdict("failure", "the review did not finish: read its log, fix and push again")
    needs = []
    if facts.high:
        needs.append(f"{facts.high} high-risk flag{'s' if facts.high > 1 else ''}")
    if facts.code_changed:
        shown = ", ".join(facts.code_changed[:NAMED]) + (", ..." if len(facts.code_changed) > NAMED else "")
        needs.append(f"changes code that runs the review ({shown})")
    if not needs:
        return Verdict("success", "no high-risk flag")
    what = "; ".join(needs)
    if facts.labelled and facts.label_current:
        return Verdict("success", _cut(f"accepted by the label: {what}"))
    if facts.labelled:
        return Verdict("failure", _cut(f"label added before the newest commit: review again, then re-add it; {what}"))
    return Verdict("failure", _cut(f"needs review and the label '{label}': {what}"))


def _cut(text: str) -> str:
    return text if len(text) <= 140 else text[:139] + "…"


def gh(*args: str) -> str:
    """``gh api ...``: GitHub's API with the job's token, JSON out."""
    return subprocess.run(["gh", "api", *args], capture_output=True, text=True, check=True).stdout


def json_lines(text: str) -> list[Any]:
    """``gh api --paginate --jq '.[] | @json'`` output: one JSON value per line (``@json`` makes each
    one line of text, whether or not gh would pretty-print)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def pull_request_facts(repo: str, number: str, head: str) -> tuple[bool, bool, tuple[str, ...]] | None:
    """(labelled, label_current, code_changed) of pull request ``number``; None unless ``head`` is its head."""
    label = os.environ["ACCEPT_LABEL"]
    pull = json.loads(gh(f"repos/{repo}/pulls/{number}"))
    if pull.get("head", {}).get("sha") != head:
        return None
    labelled = label in [item.get("name") for item in pull.get("labels", [])]
    files = json_lines(gh("--paginate", f"repos/{repo}/pulls/{number}/files?per_page=100", "--jq", ".[] | @json"))
    code = code_files(files, complete=len(files) >= int(pull.get("changed_files", 0)))
    current = False
    if labelled:
        added = [
            e.get("created_at", "")
            for e in json_lines(gh("--paginate", f"repos/{repo}/issues/{number}/events?per_page=100", "--jq", ".[] | @json"))
            if e.get("event") == "labeled" and e.get("label", {}).get("name") == label
        ]
        pushed = [
            r.get("created_at", "")
            for r in json_lines(
                gh("--paginate", f"repos/{repo}/actions/runs?head_sha={head}&per_page=100", "--jq", ".workflow_runs[] | @json")
            )
        ]
        # ISO 8601 UTC times from one API compare as text. The first run GitHub made for the commit
        # is when it was pushed; the label must come after it.
        current = bool(added and pushed) and max(added) > min(pushed)
    return labelled, current, code


def read_capped(path: Path, limit: int, *, cut: bool = False) -> str | None:
    """A file of the artifact as text; None when it is missing, or over ``limit`` bytes unless ``cut``."""
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError:
        return None
    if len(data) > limit and not cut:
        return None
    return data[:limit].decode("utf-8", errors="replace")


def judge(artifact: Path, repo: str, head: str) -> tuple[Verdict, str | None]:
    """The verdict on ``head`` and the pull request's number, when the artifact is its review's."""
    env = os.environ
    text = read_capped(artifact / "pr-number", 20)
    if text is None:
        return Verdict("failure", "the review did not finish: read its log, fix and push again"), None
    number = text.strip()
    found = pull_request_facts(repo, number, head) if re.fullmatch(r"[0-9]{1,10}", number) else None
    if found is None:
        return Verdict("failure", "the review's artifact does not belong to this commit"), None
    labelled, current, code = found
    report = read_capped(artifact / "review.json", REPORT_LIMIT)
    facts = Facts(env["RUN_CONCLUSION"], None if report is None else high_flags(report), code, labelled, current)
    return verdict(facts, env["ACCEPT_LABEL"]), number


def main(artifact: Path) -> int:
    env = os.environ
    repo, head = env["REPOSITORY"], env["HEAD_SHA"]
    if not SHA.fullmatch(head):
        print(f"not a commit: {head!r}", file=sys.stderr)
        return 1
    try:
        result, number = judge(artifact, repo, head)
        status = {"state": result.state, "context": CONTEXT, "description": result.description, "target_url": env["RUN_URL"]}
        gh(f"repos/{repo}/statuses/{head}", *(arg for key, value in status.items() for arg in ("-f", f"{key}={value}")))
    except subprocess.CalledProcessError as exc:
        # No status is set: the required one stays missing and the pull request cannot merge.
        last = (exc.stderr or "").strip().splitlines()[-1:] or [f"exit {exc.returncode}"]
        endpoint = next(arg for arg in exc.cmd[2:] if not arg.startswith("-"))
        print(f"review gate: GitHub's API refused {endpoint}: {last[0]}", file=sys.stderr)
        return 1
    print(f"{CONTEXT}: {result.state}: {result.description}")
    if number is None:
        return 0
    body = read_capped(artifact / "review.md", COMMENT_LIMIT * 4, cut=True) or "_The review wrote no report: read the review run's log._\n"
    gate = f"\n\n**Gate ({CONTEXT}): {result.state}**: {result.description}\n"
    if len(body) + len(gate) > COMMENT_LIMIT:
        body = body[: COMMENT_LIMIT - len(gate) - 100] + "\n\n_Cut to fit one comment: read the review run's log for the full report._"
    Path("comment.md").write_text(body + gate, encoding="utf-8")
    with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
        out.write(f"number={number}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
