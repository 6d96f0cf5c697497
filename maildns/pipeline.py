"""The deploy pipeline's view of a synth output: which stacks to deploy, in which batches, and what
each stack last applied.

What a stack last applied successfully is recorded in its own state, so it moves with the state:
before an apply, ``write_record`` puts ``maildns-applied.tf.json`` beside the stack's
``cdk.tf.json``: a ``terraform_data.maildns_applied`` resource holding the SHA-256 of that
``cdk.tf.json`` that depends on every resource of the stack. Terraform applies it only when every
resource it depends on applied, so the state holds the new hash only after a successful apply;
a failed or cancelled apply leaves the previous one. ``pending`` lists the stacks whose
``cdk.tf.json`` hash differs from the one their state records (new stacks, changed stacks, and
stacks whose last apply failed), however many runs happened in between.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maildns.plan import DomainPlan

STACK_FILE = "cdk.tf.json"
RECORD_FILE = "maildns-applied.tf.json"
RECORD_TYPE, RECORD_NAME = "terraform_data", "maildns_applied"
TIMEOUT = 300  # seconds for one terraform command reading a state


class PipelineError(Exception):
    """The pipeline must stop: one line per problem, exit 1."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = tuple(lines)


def stack_hash(folder: Path) -> str:
    """SHA-256 of a stack folder's ``cdk.tf.json``: what an apply of this folder deploys."""
    return hashlib.sha256((folder / STACK_FILE).read_bytes()).hexdigest()


def read_stack(folder: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((folder / STACK_FILE).read_text(encoding="utf-8"))
    return doc


def backend_of(doc: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The stack's backend (kind, settings); no backend block is Terraform's default, local."""
    for kind, settings in doc.get("terraform", {}).get("backend", {}).items():
        return kind, dict(settings)
    return "local", {}


def where(doc: Mapping[str, Any]) -> str:
    """Where a stack's state is, in one word: ``s3://bucket/key`` or ``local <path>``."""
    kind, settings = backend_of(doc)
    if kind == "s3":
        return f"s3://{settings.get('bucket')}/{settings.get('key')}"
    return f"{kind} {settings.get('path', 'terraform.tfstate')}"


def local_state(out: Path, names: Sequence[str]) -> list[str]:
    """The stacks of ``names`` (folders of ``out/stacks``) that keep their state in a local file."""
    return [name for name in names if backend_of(read_stack(out / "stacks" / name))[0] == "local"]


def local_state_problem(stacks: Sequence[str]) -> str:
    """The one line that stops a CI deploy of stacks with local state."""
    return (
        f"maildns stacks: {', '.join(stacks)} keep{'s' if len(stacks) == 1 else ''} Terraform state in a local file, "
        "which a CI runner deletes after the job: set backend: (an S3 bucket) in config/_defaults.yaml, "
        "then move the state there (docs/deploying.md, Moving state)"
    )


def record_document(folder: Path) -> dict[str, Any]:
    """The resource that records, in the stack's state, the hash of the ``cdk.tf.json`` applied.

    A ``terraform_data`` resource (Terraform's own provider), applied after every resource of the
    stack: when one of them fails, Terraform skips it and the state keeps the previous hash. (A
    root output would not do: Terraform writes an output known at plan time even when the apply
    fails.)"""
    doc = read_stack(folder)
    resources = sorted(f"{type_}.{name}" for type_, bodies in doc.get("resource", {}).items() for name in bodies)
    record: dict[str, Any] = {"input": stack_hash(folder)}
    if resources:
        record["depends_on"] = resources
    return {"resource": {RECORD_TYPE: {RECORD_NAME: record}}}


def write_record(folder: Path) -> None:
    (folder / RECORD_FILE).write_text(json.dumps(record_document(folder), indent=2) + "\n", encoding="utf-8")


def state_backend(folder: Path) -> dict[str, Any]:
    """A Terraform configuration holding only the stack's backend (a local path made absolute), to
    read its state without installing the stack's providers."""
    kind, settings = backend_of(read_stack(folder))
    if kind == "local":
        settings["path"] = str((folder / settings.get("path", "terraform.tfstate")).resolve())
    return {"terraform": {"backend": {kind: settings}}}


def terraform_binary() -> str:
    return os.environ.get("MAILDNS_TERRAFORM", "terraform")


def pull_state(folder: Path) -> dict[str, Any] | None:
    """The state of the stack in ``folder``, from its backend (``terraform state pull``); None when
    it has none yet."""
    with tempfile.TemporaryDirectory(prefix="maildns-state-") as tmp:
        Path(tmp, "backend.tf.json").write_text(json.dumps(state_backend(folder)), encoding="utf-8")
        env = os.environ | {"TF_INPUT": "0", "TF_IN_AUTOMATION": "1"}
        run = [terraform_binary(), f"-chdir={tmp}"]
        try:
            init = subprocess.run(
                [*run, "init", "-input=false", "-no-color"], capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False
            )
            if init.returncode != 0:
                raise PipelineError(
                    [f"maildns stacks: {folder.name}: cannot read its state at {where(read_stack(folder))}: {_last(init.stderr)}"]
                )
            pulled = subprocess.run([*run, "state", "pull"], capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False)
        except FileNotFoundError:
            raise PipelineError([f"maildns stacks: {terraform_binary()} is not installed: the states are read with terraform"]) from None
        if pulled.returncode != 0:
            raise PipelineError(
                [f"maildns stacks: {folder.name}: cannot read its state at {where(read_stack(folder))}: {_last(pulled.stderr)}"]
            )
    text = pulled.stdout.strip()
    state: dict[str, Any] | None = json.loads(text) if text else None
    return state


def _last(text: str) -> str:
    """Terraform's first error line, else its last line."""
    lines = [line.strip("│ \t") for line in text.splitlines() if line.strip("│ \t")]
    errors = [line for line in lines if line.startswith("Error:")]
    return (errors or lines or ["terraform failed"])[0 if errors else -1]


def recorded(state: Mapping[str, Any] | None) -> str | None:
    """The hash a state records as last applied; None for no state, or a state maildns never applied."""
    for resource in (state or {}).get("resources", []):
        if resource.get("mode") == "managed" and resource.get("type") == RECORD_TYPE and resource.get("name") == RECORD_NAME:
            for instance in resource.get("instances", []):
                value = instance.get("attributes", {}).get("input")
                if isinstance(value, dict):  # a dynamic attribute: stored with its type
                    value = value.get("value")
                if isinstance(value, str):
                    return value
    return None


@dataclass(frozen=True)
class Status:
    stack: str
    applied: str | None
    """The hash the stack's state records (None: never applied in full)."""
    current: str
    """The hash of the synthesized ``cdk.tf.json``."""
    has_state: bool

    @property
    def pending(self) -> bool:
        return self.applied != self.current


def statuses(out: Path, names: Sequence[str], jobs: int) -> list[Status]:
    """Each stack's recorded and current hash, its state read from its backend (``jobs`` at a time)."""

    def one(name: str) -> Status:
        folder = out / "stacks" / name
        state = pull_state(folder)
        return Status(name, recorded(state), stack_hash(folder), bool(state and state.get("resources")))

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, names))


def dependencies(plans: Sequence[DomainPlan]) -> dict[str, list[str]]:
    """Stack name -> the stacks it depends on: a parent publishing a signed child's DS reads the
    child's state (``link_delegations`` in ``maildns/stacks/domain.py``), so the child comes first."""
    by_domain = {p.domain: p.stack_name for p in plans}
    found: dict[str, list[str]] = {p.stack_name: [] for p in plans}
    for p in plans:
        for record in p.dnssec:  # found by its domain, as link_delegations finds it
            child = by_domain.get(record.name)
            if child is not None and child != p.stack_name:
                found[p.stack_name].append(child)
    return found


def deploy_order(component: Sequence[DomainPlan]) -> list[str]:
    """The stacks of one component, each after every stack it depends on (config order otherwise)."""
    needs = dependencies(component)
    done: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        for child in needs[name]:
            visit(child)
        done.append(name)

    for p in component:
        visit(p.stack_name)
    return done


def batches(plans: Sequence[DomainPlan], selected: Sequence[str] | None, count: int) -> list[str]:
    """At most ``count`` batches (each a space-separated list of stack names in deploy order) of
    the ``selected`` stacks (None: all). A stack's component (its DS parent and signed children)
    is deployed with it, in one batch, dependencies first; components keep config order and
    are dealt to batches of about the same size."""
    from maildns.fanout import components

    wanted = None if selected is None else set(selected)
    chosen = [deploy_order(c) for c in components(plans) if wanted is None or wanted & {p.stack_name for p in c}]
    if not chosen:
        return []
    total = sum(len(c) for c in chosen)
    size = max(1, -(-total // max(1, count)))  # ceiling: stacks per batch
    found: list[list[str]] = [[]]
    for component in chosen:
        if found[-1] and len(found[-1]) + len(component) > size and len(found) < count:
            found.append([])
        found[-1].extend(component)
    return [" ".join(batch) for batch in found]
