"""Session fixtures: the generated schema, one stand-in provider process, the synthesized stacks."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.harness import (
    SKIP_SWITCH,
    Plans,
    Workspace,
    environment,
    prepare,
    stand_in,
    terraform_binary,
    write_schema,
)
from tests.terraform.matrix import groups, synthesize
from tests.terraform.schema import PROVIDER_ADDRESS


@pytest.fixture(scope="session")
def terraform() -> str:
    if os.environ.get(SKIP_SWITCH) == "1":
        pytest.skip(f"{SKIP_SWITCH}=1: Terraform checks skipped")
    try:
        return terraform_binary()
    except RuntimeError as exc:
        missing = str(exc)
    pytest.fail(missing, pytrace=False)  # outside the except: one line, no chained traceback


@pytest.fixture(scope="session")
def schema(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("aws-schema") / "schema.json"
    return path, write_schema(path)


@pytest.fixture(scope="session")
def terraform_env(
    terraform: str, schema: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """Terraform's environment, attached to the one stand-in process of the session."""
    home = tmp_path_factory.mktemp("terraform-home")
    with stand_in(schema[0], home / "stand-in.log") as (_pid, reattach):
        yield environment(home, reattach)


@pytest.fixture(scope="session")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Stack name -> cdk.tf.json of every stack of the test matrix."""
    found: dict[str, Path] = {}
    for name, configs in groups().items():
        found |= synthesize(configs, tmp_path_factory.mktemp(f"synth-{name}"))
    return found


@pytest.fixture(scope="session")
def workspace(
    terraform: str,
    terraform_env: dict[str, str],
    schema: tuple[Path, dict[str, Any]],
    stacks: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., Workspace]:
    """Make a workspace of one stack, from its synthesized JSON or from ``document`` (a changed copy)."""
    served = schema[1]["provider_versions"][PROVIDER_ADDRESS]

    def make(stack: str, document: dict[str, Any] | None = None, folder: Path | None = None) -> Workspace:
        """``folder`` holds stacks side by side, as cdktf.out/stacks does, for stacks that read each other's state."""
        folder = folder or tmp_path_factory.mktemp(f"tf-{stack}")
        source = stacks[stack]
        if document is not None:
            source = folder / "source.json"
            source.write_text(json.dumps(document), encoding="utf-8")
        return prepare(source, folder / stack, terraform_env, terraform, served)

    return make


@pytest.fixture(scope="session")
def plans(
    terraform: str, terraform_env: dict[str, str], schema: tuple[Path, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> Plans:
    """Synthesize configs, apply stacks and take Terraform's JSON plans, on the session's stand-in (harness.Plans)."""
    return Plans(terraform_env, terraform, schema[1]["provider_versions"][PROVIDER_ADDRESS], tmp_path_factory.mktemp)
