"""Running Terraform offline on synthesized stacks, against one stand-in AWS provider process."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import maildns.aws
from maildns.aws import base
from maildns.config import Config, parse_config
from tests.conftest import child_env, with_default_signals
from tests.terraform.matrix import synthesize
from tests.terraform.schema import PROVIDER_ADDRESS, provider_schema

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM_VERSION = "1.11.4"
SKIP_SWITCH = "MAILDNS_SKIP_TERRAFORM"
TIMEOUT = 120  # seconds for one terraform command; these stacks take about one
STARTUP_TIMEOUT = 30  # seconds for the stand-in to listen; it takes about half a second


def maildns_types() -> tuple[set[str], set[str]]:
    """(resource types, data source types) of the ``maildns.aws`` classes, every module of it, so
    the schema follows the code."""
    resources: set[str] = set()
    data_sources: set[str] = set()
    modules = [importlib.import_module(f"maildns.aws.{info.name}") for info in pkgutil.iter_modules(maildns.aws.__path__)]
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base.AwsResource) and value is not base.AwsResource:
                resources.add(value.TYPE)
            elif isinstance(value, type) and issubclass(value, base.AwsDataSource) and value is not base.AwsDataSource:
                data_sources.add(value.TYPE)
    return resources, data_sources


def write_schema(path: Path) -> dict[str, Any]:
    """The schema of every type maildns can emit, written where the stand-in reads it."""
    schema = provider_schema(*maildns_types())
    path.write_text(json.dumps(schema, indent=1, sort_keys=True), encoding="utf-8")
    return schema


def terraform_binary() -> str:
    """terraform on PATH; fails with one line when it is missing (unless the skip switch is set)."""
    found = shutil.which("terraform")
    if found is None:
        raise RuntimeError(f"terraform {TERRAFORM_VERSION} is not on PATH: install it, or set {SKIP_SWITCH}=1 to skip the Terraform tests")
    return found


@contextmanager
def stand_in(schema_path: Path, log: Path) -> Iterator[tuple[int, str]]:
    """The stand-in provider, started once: yields (pid, TF_REATTACH_PROVIDERS value); stopped by its pid.

    Its stderr goes to ``log`` (a pipe nobody reads could fill up and stall it).
    """
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            with_default_signals([sys.executable, "-m", "tests.terraform.provider", str(schema_path)]),
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_TIMEOUT)
        line = process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"the stand-in provider did not start: {log.read_text(encoding='utf-8')[-2000:]}")
        reattach = json.loads(line)
        assert reattach[PROVIDER_ADDRESS]["Pid"] == process.pid
        yield process.pid, line.strip()
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def environment(home: Path, reattach: str) -> dict[str, str]:
    """Terraform's environment: no registry, no update check, a home of its own, the stand-in attached."""
    cli_config = home / "terraformrc"
    cli_config.write_text("", encoding="utf-8")  # this machine presets TF_CLI_CONFIG_FILE to a missing file
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_"))}
    return keep | {
        "HOME": str(home),
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "TF_REATTACH_PROVIDERS": reattach,
    }


@dataclass(frozen=True)
class Result:
    """One terraform command: exit code, JSON messages (for -json commands) and raw output."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def messages(self) -> list[dict[str, Any]]:
        try:  # validate -json writes one document; init, plan and apply one message per line
            return [json.loads(self.stdout)]
        except json.JSONDecodeError:
            return [json.loads(line) for line in self.stdout.splitlines() if line.startswith("{")]

    def diagnostics(self, severity: str) -> list[str]:
        """Diagnostics of one severity, one line each, from -json streams or validate's document."""
        found: list[str] = []
        for message in self.messages:
            diagnostics = [message["diagnostic"]] if "diagnostic" in message else message.get("diagnostics", [])
            found += [f"{d.get('summary')}: {d.get('detail', '')}" for d in diagnostics if d.get("severity") == severity]
        return found

    def errors(self) -> list[str]:
        """Every error diagnostic; a failure without one is reported by its output."""
        found = self.diagnostics("error")
        if self.returncode and not found:
            found.append(self.stderr.strip() or self.stdout.strip())
        return found

    def actions(self) -> dict[str, str]:
        """Resource address -> planned action, from ``plan -json``'s planned_change messages."""
        return {m["change"]["resource"]["addr"]: m["change"]["action"] for m in self.messages if m.get("type") == "planned_change"}


@dataclass(frozen=True)
class Workspace:
    """One stack's directory, ready for terraform."""

    path: Path
    env: dict[str, str]
    binary: str

    def run(self, *args: str) -> Result:
        done = subprocess.run(
            [self.binary, *args], check=False, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=TIMEOUT
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def init(self) -> Result:
        return self.run("init", "-input=false", "-no-color", "-json")

    def validate(self) -> Result:
        return self.run("validate", "-json", "-no-color")

    def plan(self, *extra: str) -> Result:
        return self.run("plan", "-json", "-input=false", "-lock=false", "-no-color", *extra)

    def apply(self) -> Result:
        return self.run("apply", "-json", "-input=false", "-lock=false", "-auto-approve", "-no-color")

    def state(self) -> dict[str, Any]:
        """The state this workspace holds (its local ``terraform.tfstate``)."""
        return json.loads((self.path / STATE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def json_plan(self, prior_state: dict[str, Any] | None = None) -> dict[str, Any]:
        """Terraform's JSON plan of this workspace (``terraform show -json <planfile>``), planned
        against ``prior_state`` (a state document, as ``state()`` returns; None keeps the
        workspace's own). Raises TerraformFailed with Terraform's errors when it cannot plan."""
        if prior_state is not None:
            (self.path / STATE).write_text(json.dumps(prior_state), encoding="utf-8")
        planned = self.plan(f"-out={PLAN_FILE}")
        if planned.returncode != 0 or planned.errors():
            raise TerraformFailed("plan", planned.errors())
        shown = self.run("show", "-json", "-no-color", PLAN_FILE)
        if shown.returncode != 0:
            raise TerraformFailed("show", shown.errors())
        return json.loads(shown.stdout)  # type: ignore[no-any-return]


STATE = "terraform.tfstate"  # where backend_override.tf.json keeps a workspace's state
PLAN_FILE = "maildns.tfplan"


class TerraformFailed(RuntimeError):
    """A terraform command failed: its name and its error diagnostics."""

    def __init__(self, command: str, errors: list[str]) -> None:
        super().__init__(f"terraform {command} failed:\n" + "\n".join(errors))
        self.errors = errors


def actions(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Resource address -> Terraform's actions from a JSON plan's ``resource_changes``: ``("create",)``,
    ``("update",)``, ``("delete",)``, ``("no-op",)``, a replace as ``("delete", "create")`` (or
    ``("create", "delete")`` under create_before_destroy); an import keeps its action and carries
    ``importing`` (see ``imported``). Data sources are left out."""
    return {
        change["address"]: tuple(change["change"]["actions"])
        for change in plan.get("resource_changes", [])
        if change.get("mode") == "managed"
    }


def replaced_by(plan: dict[str, Any]) -> dict[str, list[list[str | int]]]:
    """Resource address -> the attribute paths Terraform says force its replacement (``replace_paths``)."""
    return {
        change["address"]: change["change"]["replace_paths"]
        for change in plan.get("resource_changes", [])
        if change["change"].get("replace_paths")
    }


def imported(plan: dict[str, Any]) -> dict[str, str]:
    """Resource address -> import ID, for each resource the plan imports."""
    return {
        change["address"]: change["change"]["importing"]["id"]
        for change in plan.get("resource_changes", [])
        if "importing" in change["change"]
    }


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def satisfies(version: str, constraint: str) -> bool:
    """Terraform's version constraints, for the forms the stacks use: ``1.2.3``, ``= 1.2.3``,
    ``>= 1.2`` and the pessimistic ``~> 1.2`` (at least 1.2, below 2.0) or ``~> 1.2.3`` (below 1.3).
    @see https://developer.hashicorp.com/terraform/language/expressions/version-constraints"""
    have = _version(version)
    for part in constraint.split(","):
        operator, _, number = part.strip().rpartition(" ")
        want = _version(number)
        if operator in ("", "="):
            ok = have[: len(want)] == want and len(want) == len(have)
        elif operator == ">=":
            ok = have >= want
        elif operator == "~>":
            upper = (*want[:-2], want[-2] + 1) if len(want) > 1 else (want[0] + 1,)
            ok = have >= want and have[: len(upper)] < upper
        else:
            raise AssertionError(f"constraint {constraint!r}: operator {operator!r} is not handled here")
        if not ok:
            return False
    return True


def prepare(stack_json: Path, into: Path, env: dict[str, str], binary: str, served_version: str) -> Workspace:
    """Copy one synthesized stack to ``into``, with its state local to ``into``."""
    doc = json.loads(stack_json.read_text(encoding="utf-8"))
    wanted = doc["terraform"]["required_providers"]["aws"]["version"]
    # Reattach mode skips Terraform's version check: make it here.
    assert satisfies(served_version, wanted), f"the stack asks for aws {wanted}, the stand-in serves {served_version}"
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(stack_json, into / "cdk.tf.json")
    # An override file's backend replaces the original's (Terraform: override files): an S3
    # backend becomes local, and a local one keeps its state in this workspace, not in the
    # project root its relative path points to (resolved.LOCAL_STATE_DIR).
    if set(doc["terraform"].get("backend", {})) <= {"s3", "local"}:
        (into / "backend_override.tf.json").write_text(
            json.dumps({"terraform": {"backend": {"local": {"path": "terraform.tfstate"}}}}), encoding="utf-8"
        )
    return Workspace(into, env, binary)


@dataclass(frozen=True)
class Plans:
    """Terraform's own plans of synthesized stacks, for tests of plan review (the ``plans`` fixture).

    ``synth`` makes stacks from configs, ``apply`` gives a stack's state after a (stand-in)
    deploy, ``plan`` gives Terraform's JSON plan of a stack against a prior state::

        base = plans.synth({"domain": "example.gov", ...})["example-gov"]
        head = plans.synth({"domain": "example.gov", "region": "us-west-2", ...})["example-gov"]
        plan = plans.plan(head, prior_state=plans.apply(base))
        actions(plan)["aws_s3_bucket.mta_sts"] == ("delete", "create")
    """

    env: dict[str, str]
    binary: str
    served_version: str
    folder: Callable[[str], Path]  # a new empty folder, named after its argument

    def synth(self, *configs: Config | dict[str, Any]) -> dict[str, Path]:
        """Stack name -> cdk.tf.json of ``configs`` (Config objects or config documents), synthesized together."""
        parsed = [c if isinstance(c, Config) else parse_config(c, f"tests/terraform/{c['domain']}.yaml") for c in configs]
        return synthesize(parsed, self.folder("synth"))

    def workspace(self, stack_json: Path) -> Workspace:
        """An initialised workspace of one synthesized stack, in a folder of its own."""
        ws = prepare(stack_json, self.folder("tf") / stack_json.parent.name, self.env, self.binary, self.served_version)
        done = ws.init()
        if done.returncode != 0:
            raise TerraformFailed("init", done.errors())
        return ws

    def apply(self, stack_json: Path) -> dict[str, Any]:
        """The state of ``stack_json`` applied from nothing."""
        ws = self.workspace(stack_json)
        done = ws.apply()
        if done.returncode != 0 or done.errors():
            raise TerraformFailed("apply", done.errors())
        return ws.state()

    def plan(self, stack_json: Path, prior_state: dict[str, Any] | None = None) -> dict[str, Any]:
        """Terraform's JSON plan of ``stack_json`` against ``prior_state`` (None: nothing deployed yet)."""
        return self.workspace(stack_json).json_plan(prior_state)
