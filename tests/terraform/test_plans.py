"""Terraform's JSON plans of changed configs against a deployed state: replace, update, delete and import as the real provider plans them.

A base config is applied (by the stand-in), then a changed copy is planned against that state
with ``harness.Plans``; the assertions read ``terraform show -json`` as plan review will.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.terraform.harness import Plans, actions, imported, replaced_by

pytestmark = pytest.mark.terraform

STACK = "example-gov"
BASE: dict[str, Any] = {
    "domain": "example.gov",
    "zone": "example.gov",
    "region": "us-east-1",
    "mx": [{"host": "mx1.example.gov", "preference": 10}],
    "spf": {"terms": ["ip4:192.0.2.0/24"], "all": "fail"},
    "dmarc": {"p": "none", "rua": ["mailto:dmarc@example.gov"]},
    "tls_rpt": {"rua": ["mailto:tlsrpt@example.gov"]},
    "mta_sts": {"mode": "enforce"},
}
# The policy site's regional part: the bucket, its five settings and the policy object.
SITE = {
    "aws_s3_bucket.mta_sts",
    "aws_s3_bucket_ownership_controls.mta_sts",
    "aws_s3_bucket_policy.mta_sts",
    "aws_s3_bucket_public_access_block.mta_sts",
    "aws_s3_bucket_server_side_encryption_configuration.mta_sts",
    "aws_s3_bucket_versioning.mta_sts",
    "aws_s3_object.mta_sts_policy",
}
REPLACE = {("delete", "create"), ("create", "delete")}


def changed(**fields: Any) -> dict[str, Any]:
    """BASE with top-level fields replaced (a value of None removes the field)."""
    config = copy.deepcopy(BASE)
    for key, value in fields.items():
        if value is None:
            config.pop(key)
        else:
            config[key] = value
    return config


@pytest.fixture(scope="module")
def deployed(plans: Plans) -> dict[str, Any]:
    """The state of BASE after apply."""
    return plans.apply(plans.synth(BASE)[STACK])


def plan_of(plans: Plans, config: dict[str, Any], prior: dict[str, Any] | None) -> dict[str, Any]:
    return plans.plan(plans.synth(config)[STACK], prior_state=prior)


def changes(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {address: act for address, act in actions(plan).items() if act != ("no-op",)}


def test_an_unchanged_config_plans_no_change(plans: Plans, deployed: dict[str, Any]) -> None:
    """The baseline the other cases rely on: the applied state and its own config agree."""
    assert changes(plan_of(plans, BASE, deployed)) == {}


def test_a_region_change_replaces_the_policy_bucket_its_settings_and_object(plans: Plans, deployed: dict[str, Any]) -> None:
    """Provider 6 forces replacement when a regional resource's region changes
    (internal/provider/sdkv2/region.go): the bucket moves, and everything naming it follows."""
    plan = plan_of(plans, changed(region="us-west-2"), deployed)
    found = changes(plan)
    assert {address for address, act in found.items() if act in REPLACE} == SITE
    assert replaced_by(plan)["aws_s3_bucket.mta_sts"] == [["region"]]
    assert ["bucket"] in replaced_by(plan)["aws_s3_object.mta_sts_policy"]
    # The distribution follows the bucket's new regional name in place; nothing else moves.
    assert {address: act for address, act in found.items() if address not in SITE} == {"aws_cloudfront_distribution.mta_sts": ("update",)}


def test_a_changed_txt_value_is_an_update_in_place(plans: Plans, deployed: dict[str, Any]) -> None:
    """A record set's values change by UPSERT; only its name and zone force a new one (route53/record.go)."""
    plan = plan_of(plans, changed(dmarc={"p": "quarantine", "rua": ["mailto:dmarc@example.gov"]}), deployed)
    assert changes(plan) == {"aws_route53_record.dmarc": ("update",)}
    assert replaced_by(plan) == {}
    (dmarc,) = [c for c in plan["resource_changes"] if c["address"] == "aws_route53_record.dmarc"]
    assert dmarc["change"]["before"]["records"] != dmarc["change"]["after"]["records"]
    assert "p=quarantine" in dmarc["change"]["after"]["records"][0]


def test_a_removed_resource_block_plans_a_delete(plans: Plans, deployed: dict[str, Any]) -> None:
    """Dropping tls_rpt removes its record set from the stack: Terraform deletes what state still holds."""
    plan = plan_of(plans, changed(tls_rpt=None), deployed)
    assert changes(plan) == {"aws_route53_record.tls_rpt": ("delete",)}


def test_an_import_block_plans_an_import(plans: Plans) -> None:
    """``adopt: [mx]`` writes an import block: the plan imports the live MX set by its record ID
    (ZONEID_NAME_TYPE) instead of creating it, and creates the rest."""
    plan = plan_of(plans, changed(adopt=["mx"]), None)
    ((address, record_id),) = imported(plan).items()
    assert address == "aws_route53_record.mx"
    assert record_id.endswith("_example.gov_MX")
    found = changes(plan)
    assert found.pop("aws_route53_record.mx") in (("update",), ("no-op",))
    assert set(found.values()) == {("create",)}
