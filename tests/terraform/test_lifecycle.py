"""A domain's life after its first deploy, applied with Terraform and the stand-in provider:
retiring it (destroy, or forget for a new owner) and handing its SES identity over.

Each test applies a stack, changes the config the way a reviewed pull request would, synthesizes
again into the same workspace (same state) and checks what Terraform plans and applies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest

from maildns.config import Config
from maildns.config.adopt import adopted_record_id
from tests.terraform.harness import Result, Workspace
from tests.terraform.matrix import groups, options, synthesize
from tests.terraform.test_stacks import addresses, clean

pytestmark = pytest.mark.terraform

# example.gov: a managed SES identity with Easy DKIM, MTA-STS site, records; an S3 backend.
STACK = "example-gov"
IDENTITY = "aws_ses_domain_identity.ses_identity_us_west_2"
DKIM = "aws_ses_domain_dkim.ses_dkim_us_west_2"


def example() -> Config:
    return next(c for c in options() if c.stack_name == STACK)


def document(config: Config, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / f"synth-{len(list(tmp_path.glob('synth-*')))}"
    return cast(dict[str, Any], json.loads(synthesize([config], out)[STACK].read_text()))


def state_addresses(ws: Workspace) -> set[str]:
    listed = ws.run("state", "list")
    assert listed.returncode == 0, listed.stderr
    return {line for line in listed.stdout.splitlines() if line and not line.startswith("data.")}


Deployed = tuple[Callable[[dict[str, Any]], Workspace], set[str]]  # (a workspace of a document, applied addresses)


@pytest.fixture
def deployed(workspace: Callable[..., Workspace], tmp_path: Path) -> Deployed:
    """example.gov applied from its full config: (make a workspace of a document in the same folder, applied addresses)."""
    folder = tmp_path / "stacks"
    folder.mkdir()

    def again(doc: dict[str, Any]) -> Workspace:
        ws = workspace(STACK, document=doc, folder=folder)
        clean(ws.init(), "init")
        return ws

    full = document(example(), tmp_path)
    ws = again(full)
    clean(ws.apply(), "apply")
    assert state_addresses(ws) == addresses(full)
    return again, addresses(full)


FORGET_WARNING = "Some objects will no longer be managed by Terraform"


def forgotten(plan: Result) -> set[str]:
    """The plan succeeded, and its one warning is Terraform's list of the objects it stops
    tracking without deleting them (removed blocks with destroy = false)."""
    assert plan.returncode == 0 and not plan.errors(), "plan failed:\n" + "\n".join(plan.errors())
    (warning,) = plan.diagnostics("warning")
    assert warning.startswith(FORGET_WARNING) and "it will not delete them" in warning, warning
    return {line.removeprefix(" - ") for line in warning.splitlines() if line.startswith(" - ")}


def summary(plan: Result) -> dict[str, Any]:
    (changes,) = [m["changes"] for m in plan.messages if m.get("type") == "change_summary"]
    return cast(dict[str, Any], changes)


def test_retire_destroy_applies_as_deletions(deployed: Deployed, tmp_path: Path) -> None:
    """retire: destroy keeps the backend and providers and no resources: the next apply deletes
    everything in state, prevent_destroy on the SES identity included (it guards only resources
    in the configuration)."""
    again, applied = deployed
    doc = document(example().model_copy(update={"retire": "destroy"}), tmp_path)
    assert not doc.get("resource") and "removed" not in doc
    assert {p.get("alias", "") for p in doc["provider"]["aws"]} >= {"", "us-west-2", "us-east-1"}
    ws = again(doc)
    plan = ws.plan()
    clean(plan, "plan")
    assert plan.actions() == dict.fromkeys(applied, "delete")
    clean(ws.apply(), "apply")
    assert state_addresses(ws) == set()


def test_retire_forget_removes_from_state_and_destroys_nothing(deployed: Deployed, tmp_path: Path) -> None:
    """retire: forget emits a removed block (destroy = false) per resource: the apply empties the
    state and deletes nothing, so the new owner finds everything live."""
    again, applied = deployed
    doc = document(example().model_copy(update={"retire": "forget"}), tmp_path)
    assert not doc.get("resource")
    assert {r["from"] for r in doc["removed"]} == applied
    assert all(r["lifecycle"] == {"destroy": False} for r in doc["removed"])
    ws = again(doc)
    plan = ws.plan()
    assert forgotten(plan) == applied
    assert plan.actions() == dict.fromkeys(applied, "remove")
    assert summary(plan)["remove"] == 0, summary(plan)
    apply = ws.apply()
    assert apply.returncode == 0 and not apply.errors(), apply.errors()
    assert not [m for m in apply.messages if m.get("type") == "apply_start" and m["hook"]["action"] == "delete"]
    assert state_addresses(ws) == set()


def test_handing_the_ses_identity_over_forgets_it(deployed: Deployed, tmp_path: Path) -> None:
    """ses.identity managed -> existing: the identity and its DKIM leave state (removed blocks,
    destroy = false) and stay live; the stack reads the tokens from the identity instead, and
    nothing is destroyed (SES: deleting the identity stops sending from the region)."""
    again, applied = deployed
    config = example()
    assert config.ses is not None
    handed = config.model_copy(update={"ses": config.ses.model_copy(update={"identity": "existing"})})
    doc = document(handed, tmp_path)
    assert {IDENTITY, DKIM} <= {r["from"] for r in doc["removed"]}
    ws = again(doc)
    plan = ws.plan()
    assert forgotten(plan) == {IDENTITY, DKIM}
    actions = plan.actions()
    assert {a: actions[a] for a in (IDENTITY, DKIM)} == {IDENTITY: "remove", DKIM: "remove"}
    # The stand-in invents the existing identity's tokens, so the CNAMEs it names may be replaced
    # here; SES gives the same identity the same tokens. Nothing is deleted.
    assert "delete" not in actions.values(), actions
    replaced = {a for a, act in actions.items() if act == "replace"}
    assert replaced <= {f"aws_route53_record.ses_dkim_us_west_2_{i}" for i in (1, 2, 3)}
    assert summary(plan)["remove"] == len(replaced), summary(plan)  # the forgotten identity and DKIM are not counted
    apply = ws.apply()
    assert apply.returncode == 0 and not apply.errors(), apply.errors()
    assert state_addresses(ws) == applied - {IDENTITY, DKIM}


def test_every_adopted_name_has_its_import_block(stacks: dict[str, Path]) -> None:
    """Each name in a matrix config's adopt list (BIMI, MAIL FROM MX and TXT, _amazonses, report
    authorisations, the DS in the parent, a parked *._domainkey among them) is one import block,
    which test_stacks plans as an import."""
    for config in (c for configs in groups().values() for c in configs):
        doc = json.loads(stacks[config.stack_name].read_text())
        adopted = {block["to"] for block in doc.get("import", [])}
        expected = {f"aws_route53_record.{adopted_record_id(name).replace('-', '_')}" for name in config.adopt}
        assert adopted == expected, config.domain
