"""``maildns diff --plan``: Terraform's own JSON plan in the review, taken from the stand-in provider
(which replaces what hashicorp/aws 6.x replaces, tests/terraform/replacement.py), and plans as
untrusted input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from maildns.cli import main
from maildns.review import render_json, render_markdown, review
from maildns.review.planned import load_plans
from maildns.review.reading import MAX_BYTES
from tests.cli.test_diff_golden import BASE, STACK, changed, check_golden
from tests.terraform.conftest import plans, schema, terraform, terraform_env  # noqa: F401  (the session's stand-in)
from tests.terraform.harness import Plans

CRITICAL_REPLACED = "plan-replace"


def write(folder: Path, name: str, doc: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.terraform
def test_a_region_change_with_its_plan_flags_the_bucket_replaced(plans: Plans, tmp_path: Path, capsys, request) -> None:  # noqa: F811
    """Provider 6 replaces the bucket when its region changes: the plan says so, and the review
    names the resource and the attribute forcing it (high), beside the synth-only site-replaced."""
    base_json = plans.synth(BASE)[STACK]
    head_json = plans.synth(changed(region="us-west-2"))[STACK]
    plan = plans.plan(head_json, prior_state=plans.apply(base_json))
    plan_file = write(tmp_path, f"plans/{STACK}.json", plan)
    report = review({STACK: json.loads(base_json.read_text())}, {STACK: json.loads(head_json.read_text())}, load_plans([plan_file]))
    (domain,) = report.domains
    replaced = {p.address: p.forced_by for p in domain.planned if p.action == "replace"}
    assert replaced["aws_s3_bucket.mta_sts"] == ("region",)
    assert "bucket" in replaced["aws_s3_object.mta_sts_policy"]
    codes = {(f.severity, f.code) for f in report.flags}
    assert ("high", CRITICAL_REPLACED) in codes and ("high", "site-replaced") in codes
    assert any("aws_s3_bucket.mta_sts replaced: Terraform replaces it because region changed" in f.reason for f in report.flags)
    markdown = render_markdown(report)
    assert "replace aws_s3_bucket.mta_sts (forced by region)" in markdown and "plan not run" not in markdown
    check_golden("diff-region-plan.md", markdown, request)
    check_golden("diff-region-plan.json", render_json(report), request)
    # The command line: the plan named after its stack, and the gate.
    old, new = (
        write(tmp_path, f"a/stacks/{STACK}/cdk.tf.json", json.loads(base_json.read_text())),
        write(tmp_path, f"b/stacks/{STACK}/cdk.tf.json", json.loads(head_json.read_text())),
    )
    args = ["diff", str(old.parents[2]), str(new.parents[2]), "--plan", str(plan_file), "--fail-on", "high"]
    assert main(args) == 3
    assert "replace aws_s3_bucket.mta_sts (forced by region)" in capsys.readouterr().out


PLAN = {"format_version": "1.2", "resource_changes": []}


def change(address: str, actions: list[str], **extra: Any) -> dict[str, Any]:
    type_, name = address.split(".")
    return {"address": address, "mode": "managed", "type": type_, "name": name, "change": {"actions": actions, **extra}}


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        (change("aws_ses_domain_identity.ses_identity_us_east_1", ["delete"]), "plan-delete"),
        (change("aws_ses_domain_dkim.ses_dkim_us_east_1", ["delete", "create"], replace_paths=[["domain"]]), "plan-replace"),
        (change("aws_cloudfront_distribution.mta_sts", ["create", "delete"]), "plan-replace"),
        (change("aws_acm_certificate.mta_sts", ["delete", "create"], replace_paths=[["key_algorithm"]]), "plan-replace"),
        (change("aws_kms_key.dnssec", ["delete"]), "plan-delete"),
        (change("aws_route53_key_signing_key.ksk", ["delete", "create"]), "plan-replace"),
        (change("aws_route53_hosted_zone_dnssec.zone", ["delete"]), "plan-delete"),
        (change("aws_route53_record.mx", ["delete", "create"], replace_paths=[["name"]]), "plan-replace"),
        (change("aws_s3_object.mta_sts_policy", ["forget"]), "plan-forget"),
        (change("aws_cloudwatch_metric_alarm.x", ["delete"]), None),
        (change("aws_route53_record.mx", ["update"]), None),
    ],
    ids=[
        "SES identity deleted",
        "SES DKIM replaced",
        "distribution replaced create-before-destroy",
        "certificate replaced",
        "KMS key deleted",
        "key-signing key replaced",
        "zone signing deleted",
        "record set replaced",
        "policy object forgotten",
        "an alarm deleted is no mail flag",
        "an update in place is no flag",
    ],
)
def test_a_mail_critical_resource_replaced_deleted_or_forgotten_is_flagged(tmp_path, entry, code):
    path = write(tmp_path, f"{STACK}.json", {**PLAN, "resource_changes": [entry]})
    doc = {"resource": {"aws_route53_record": {}}}
    report = review({STACK: doc}, {STACK: doc}, load_plans([path]))
    found = [f.code for f in report.flags]
    assert found == ([code] if code else [])
    if code:
        assert entry["address"] in report.flags[0].reason


def test_an_import_is_adoption_with_the_live_values(tmp_path):
    entry = change("aws_route53_record.mx", ["update"], importing={"id": "Z1_example.gov_MX"}, before={"records": ["10 old.example.net"]})
    path = write(tmp_path, f"{STACK}.json", {**PLAN, "resource_changes": [entry]})
    ((planned,),) = load_plans([path]).values()
    assert planned.line() == "import aws_route53_record.mx (adopts the live resource Z1_example.gov_MX); live: 10 old.example.net"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "{path}: is not a Terraform JSON plan (a list, not an object)"),
        ("{", "{path}: is not a Terraform JSON plan (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        (
            '{"resource_changes": []}',
            "{path}: resource_changes: must be a list of resource changes (got no format_version; Terraform JSON plan format)",
        ),
        (
            '{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "change": {"actions": ["explode"]}}]}',
            "{path}: resource_changes[0].change.actions: must be one of Terraform's action lists (got ['explode']; Terraform JSON plan format)",
        ),
        (
            '{"format_version": "1.2", "resource_changes": [{"address": 1, "type": "a", "change": {"actions": ["delete"]}}]}',
            "{path}: resource_changes[0].address: must be a string (got a number; Terraform JSON plan format)",
        ),
        ('{"a":' * 100 + "1" + "}" * 100, "{path}: nests objects and lists too deep (got over 64 levels; maildns diff reads at most 64)"),
    ],
    ids=["not an object", "not JSON", "not a plan", "an unknown action", "an address that is not text", "too deep"],
)
def test_a_malformed_plan_is_one_usage_line(tmp_path, capsys, content, message):
    plan = tmp_path / f"{STACK}.json"
    plan.write_text(content)
    doc = {"resource": {"aws_route53_record": {}}}
    old = write(tmp_path, f"a/stacks/{STACK}/cdk.tf.json", doc).parents[2]
    assert main(["diff", str(old), str(old), "--plan", str(plan)]) == 2
    assert capsys.readouterr() == ("", f"maildns diff: {message.format(path=plan)}\n")


def test_a_plan_over_the_size_limit_is_one_usage_line(tmp_path, capsys):
    plan = write(tmp_path, f"{STACK}.json", {**PLAN, "pad": "x" * MAX_BYTES})
    doc = {"resource": {"aws_route53_record": {}}}
    old = write(tmp_path, f"a/stacks/{STACK}/cdk.tf.json", doc).parents[2]
    assert main(["diff", str(old), str(old), "--plan", str(plan)]) == 2
    size = plan.stat().st_size
    assert (
        capsys.readouterr().err
        == f"maildns diff: {plan}: is too large (got {size} bytes; maildns diff reads plans up to {MAX_BYTES} bytes)\n"
    )
