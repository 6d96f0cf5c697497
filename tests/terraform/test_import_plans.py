"""``maildns import`` -> synth -> Terraform (the stand-in): the plan imports exactly the record sets
the domain publishes, none that only a wildcard answers (Terraform cannot import what does not
exist, RFC 4592), and creates the rest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from maildns.cli import main
from maildns.config import load_config
from tests.live.domains import DOMAINS, ELSEWHERE, serve
from tests.synth.helpers import synth
from tests.terraform.harness import Workspace, prepare
from tests.terraform.schema import PROVIDER_ADDRESS
from tests.terraform.test_stacks import clean, expected_actions, imports

pytestmark = [pytest.mark.terraform, pytest.mark.live]

ZONE_REF = "${data.aws_route53_zone.zone.zone_id}_"
# Record sets a domain publishes that its imported config does not manage: the trap's wildcards
# and the host its MX names.
UNMANAGED = {("*._domainkey.trap.example", "TXT"), ("*.trap.example", "TXT"), ("mx.trap.example", "A")}


def imported_sets(doc: dict[str, Any]) -> set[tuple[str, str]]:
    """(name, type) of each import block: the id is ``<zone id>_<name>_<type>`` (Route53 import)."""
    found = set()
    for block in doc.get("import", []):
        name, type_ = block["id"].removeprefix(ZONE_REF).rsplit("_", 1)
        found.add((name, type_))
    return found


@pytest.fixture
def stack_workspace(
    terraform: str, terraform_env: dict[str, str], schema: tuple[Path, dict[str, Any]], tmp_path: Path
) -> Callable[[dict[str, Any]], Workspace]:
    """A Terraform workspace of one synthesized stack document, against the stand-in."""

    def make(doc: dict[str, Any]) -> Workspace:
        source = tmp_path / "cdk.tf.json"
        source.write_text(json.dumps(doc), encoding="utf-8")
        return prepare(source, tmp_path / "stack", terraform_env, terraform, schema[1]["provider_versions"][PROVIDER_ADDRESS])

    return make


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each domain of tests/live/domains.py imported from NSD: domain -> written config file."""
    folder = tmp_path_factory.mktemp("imported")
    server = serve(tmp_path_factory.mktemp("nsd"), (*DOMAINS.values(), *ELSEWHERE))
    try:
        for zone in DOMAINS.values():
            args = [zone.origin, "--selector", "s2024", "--nameserver", server.nameserver, "--out", str(folder), "--timeout", "2"]
            assert main(["import", *args]) == 0
    finally:
        server.server.stop()
    return {key: folder / f"{zone.origin}.yaml" for key, zone in DOMAINS.items()}


@pytest.mark.parametrize("key", list(DOMAINS))
def test_the_plan_imports_only_record_sets_that_exist(
    key: str, imported: dict[str, Path], stack_workspace: Callable[[dict[str, Any]], Workspace]
) -> None:
    doc = synth(load_config(imported[key]))
    published = {k for k in DOMAINS[key].rrs if k not in UNMANAGED}
    # Every import block names a record set the domain publishes itself, and every one it publishes is adopted.
    assert imported_sets(doc) == published
    workspace = stack_workspace(doc)
    clean(workspace.init(), "init")
    plan = workspace.plan()
    clean(plan, "plan")
    expected_actions(doc, plan)
    planned = {m["change"]["resource"]["addr"] for m in plan.messages if m.get("type") == "planned_change" and "importing" in m["change"]}
    assert planned == imports(doc)
