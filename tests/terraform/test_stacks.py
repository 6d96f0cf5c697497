"""Terraform itself checks every synthesized stack: init, validate, plan; apply and a no-change plan on login.gov.

Terraform core parses each expression, resolves each reference, builds the graph and checks
every value's type against the AWS provider's schema (served by the stand-in, see provider.py).
Only actions and diagnostics are asserted: the stand-in applies no defaults, so plan text would
differ from the real provider's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.harness import Result, Workspace
from tests.terraform.matrix import groups
from tests.terraform.schema import PROVIDER_ADDRESS

STACKS = sorted(config.stack_name for configs in groups().values() for config in configs)
# A parent that publishes its signed child's DS record reads the child's state: it plans once the
# child is applied (``cdktf deploy`` orders them), see test_a_parent_plans_after_its_child.
DEPENDENT = {"brand-gov": "mail-brand-gov"}

pytestmark = pytest.mark.terraform


def addresses(doc: dict[str, Any]) -> set[str]:
    return {f"{type_}.{name}" for type_, blocks in doc.get("resource", {}).items() for name in blocks}


def imports(doc: dict[str, Any]) -> set[str]:
    """The addresses the stack's import blocks adopt (``adopt`` in the config)."""
    return {block["to"] for block in doc.get("import", [])}


def expected_actions(doc: dict[str, Any], plan: Result) -> None:
    """Every resource is created, except adopted ones: imported, and updated where the live
    record differs from the config (the stand-in's imported records hold only their ids)."""
    adopted = imports(doc)
    actions = plan.actions()
    assert {a: act for a, act in actions.items() if a not in adopted} == dict.fromkeys(addresses(doc) - adopted, "create")
    assert all(actions[a] in ("import", "update") for a in adopted), {a: actions.get(a) for a in adopted}
    (summary,) = [m["changes"] for m in plan.messages if m.get("type") == "change_summary"]
    assert summary["import"] == len(adopted)


def clean(result: Result, what: str) -> None:
    assert result.returncode == 0 and not result.errors(), f"{what} failed:\n" + "\n".join(result.errors())
    assert not result.diagnostics("warning"), f"{what} warned: {result.diagnostics('warning')}"


@pytest.mark.parametrize("stack", [s for s in STACKS if s not in DEPENDENT])
def test_init_validate_and_plan_create_every_resource(stack: str, workspace: Callable[..., Workspace], stacks: dict[str, Path]) -> None:
    doc = json.loads(stacks[stack].read_text())
    ws = workspace(stack)
    clean(ws.init(), "init")
    validate = ws.validate()
    clean(validate, "validate")
    assert validate.messages[0]["valid"] is True
    plan = ws.plan()
    clean(plan, "plan")
    expected_actions(doc, plan)


@pytest.mark.parametrize(("parent", "child"), DEPENDENT.items())
def test_a_parent_plans_after_its_child(
    parent: str, child: str, workspace: Callable[..., Workspace], stacks: dict[str, Path], tmp_path: Path
) -> None:
    """The parent's DS record comes from the child's state (RFC 4034 5): before the child is
    applied the parent cannot plan; after, it plans every resource, the DS record included."""
    (tmp_path / "stacks").mkdir()
    upper = workspace(parent, folder=tmp_path / "stacks")
    clean(upper.init(), "init")
    clean(upper.validate(), "validate")
    early = upper.plan()
    assert early.returncode == 1
    assert any("Unable to find remote state" in e for e in early.errors()), early.errors()
    lower = workspace(child, folder=tmp_path / "stacks")
    clean(lower.init(), "init")
    clean(lower.apply(), "apply")
    # The workspaces keep state in their own folder; put the child's where the parent reads it.
    doc = json.loads(stacks[parent].read_text())
    (remote,) = doc["data"]["terraform_remote_state"].values()
    (upper.path / remote["config"]["path"]).resolve().write_bytes((lower.path / "terraform.tfstate").read_bytes())
    plan = upper.plan()
    clean(plan, "plan")
    expected_actions(doc, plan)
    assert any(a.startswith("aws_route53_record.") and "ds" in a for a in plan.actions()), plan.actions()


@pytest.fixture(scope="module")
def applied(workspace: Callable[..., Workspace], stacks: dict[str, Path]) -> tuple[Workspace, Result]:
    """login.gov applied once: (its workspace, the apply result)."""
    ws = workspace("login-gov")
    clean(ws.init(), "init")
    return ws, ws.apply()


def test_apply_creates_every_resource(applied: tuple[Workspace, Result], stacks: dict[str, Path]) -> None:
    """Apply fills in every computed value, so index and type errors that need them show here."""
    _, apply = applied
    clean(apply, "apply")
    done = {
        m["hook"]["resource"]["addr"]
        for m in apply.messages
        if m.get("type") == "apply_complete" and not m["hook"]["resource"]["addr"].startswith("data.")
    }
    assert done == addresses(json.loads(stacks["login-gov"].read_text()))


def test_plan_after_apply_reports_no_changes(applied: tuple[Workspace, Result]) -> None:
    ws, apply = applied
    assert apply.returncode == 0
    again = ws.plan("-detailed-exitcode")
    assert again.returncode == 0, "the second plan found changes:\n" + "\n".join(again.errors() or again.actions())
    summary = [m["changes"] for m in again.messages if m.get("type") == "change_summary"]
    assert summary == [{"add": 0, "change": 0, "import": 0, "remove": 0, "operation": "plan"}]


def test_applied_dkim_cnames_carry_the_tokens(applied: tuple[Workspace, Result]) -> None:
    """The three SES tokens per region, read from the existing identity, reach the record names
    through element() (SES Easy DKIM)."""
    ws, apply = applied
    assert apply.returncode == 0
    state = json.loads(ws.run("show", "-json", "-no-color").stdout)
    resources = {r["address"]: r["values"] for r in state["values"]["root_module"]["resources"]}
    for region in ("us_west_2", "us_east_1"):
        (attributes,) = resources[f"data.aws_sesv2_email_identity.ses_identity_{region}"]["dkim_signing_attributes"]
        tokens = attributes["tokens"]
        assert len(tokens) == 3
        names = [resources[f"aws_route53_record.ses_dkim_{region}_{i}"]["name"] for i in (1, 2, 3)]
        assert names == [f"{token}._domainkey.login.gov" for token in tokens]
    validation = resources["aws_route53_record.mta_sts_certificate_validation"]
    (option,) = resources["aws_acm_certificate.mta_sts"]["domain_validation_options"]
    assert validation["name"] == option["resource_record_name"] and validation["type"] == "CNAME"
    assert re.fullmatch(r"d[0-9a-f]{13}\.cloudfront\.net", resources["aws_route53_record.mta_sts_a"]["alias"][0]["name"])


def test_an_imported_bucket_is_adopted_and_the_rest_created(workspace: Callable[..., Workspace], stacks: dict[str, Path]) -> None:
    """An import block (Terraform 1.5+) brings an existing policy bucket under the stack instead of
    creating it. Its name is one the stack's ``bucket_prefix`` generates (prefix, then a 26-digit
    suffix): a bucket whose name does not start with the prefix would be replaced."""
    ws = workspace("login-gov")
    name = "mta-sts-login-gov-" + "20261202111500" + "000000000001"
    (ws.path / "import.tf.json").write_text(json.dumps({"import": [{"to": "aws_s3_bucket.mta_sts", "id": name}]}))
    clean(ws.init(), "init")
    plan = ws.plan()
    clean(plan, "plan")
    imported = {m["change"]["resource"]["addr"] for m in plan.messages if m.get("type") == "planned_change" and "importing" in m["change"]}
    doc = json.loads(stacks["login-gov"].read_text())
    assert imported == {"aws_s3_bucket.mta_sts"} | imports(doc)
    assert plan.actions()["aws_s3_bucket.mta_sts"] in ("import", "update")


def strip(value: Any) -> Any:
    """A schema document without the description kinds Terraform adds to every block and attribute."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != "description_kind"}
    return value


def test_terraform_reads_back_the_schema_the_stand_in_serves(
    workspace: Callable[..., Workspace], schema: tuple[Path, dict[str, Any]]
) -> None:
    """``terraform providers schema -json`` of the stand-in is the generated document: the protocol loses nothing."""
    ws = workspace("login-gov")
    clean(ws.init(), "init")
    shown = ws.run("providers", "schema", "-json")
    assert shown.returncode == 0, shown.stderr
    served = strip(json.loads(shown.stdout))["provider_schemas"][PROVIDER_ADDRESS]
    assert served == schema[1]["provider_schemas"][PROVIDER_ADDRESS]
