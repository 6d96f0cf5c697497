"""Planted faults in the login.gov stack, each caught by Terraform at the stage named: the checks are not vacuous.

Each fault is a change to the synthesized JSON of the kind a construct bug would make. The
stages run in order (init, validate, plan, apply); every stage before the named one must pass,
and the named one must fail with the expected diagnostic.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.terraform.harness import Workspace

pytestmark = pytest.mark.terraform

STAGES = ("init", "validate", "plan", "apply")
WORKERS = 4
# login.gov reads its SES identities (ses.identity: existing): the tokens come from a data source.
TOKENS = "data.aws_sesv2_email_identity.ses_identity_us_west_2.dkim_signing_attributes[0].tokens"
OPTIONS = "aws_acm_certificate.mta_sts.domain_validation_options"


@dataclass(frozen=True)
class Fault:
    stage: str
    message: str  # a regex the stage's error diagnostics must match
    plant: Callable[[dict[str, Any]], None]


def record(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["resource"]["aws_route53_record"][name]
    return found


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def plant(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return plant


def _drop(path: tuple[str, ...]) -> Callable[[dict[str, Any]], None]:
    def plant(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return plant


def _cycle(doc: dict[str, Any]) -> None:
    # the bucket now waits for its policy, which names the bucket
    doc["resource"]["aws_s3_bucket"]["mta_sts"]["depends_on"] = ["aws_s3_bucket_policy.mta_sts"]


def _two_aliases(doc: dict[str, Any]) -> None:
    # a dynamic block hides the count until plan, when core counts the expanded blocks (max 1)
    alias = record(doc, "mta_sts_a").pop("alias")
    record(doc, "mta_sts_a")["dynamic"] = {"alias": {"for_each": "${var.twice}", "content": alias}}
    doc["variable"] = {"twice": {"default": [1, 2]}}


def _null_zone(doc: dict[str, Any]) -> None:
    # a required argument that is set, but evaluates to null only at plan
    record(doc, "mx")["zone_id"] = "${var.zone}"
    doc["variable"] = {"zone": {"default": None, "nullable": True}}


R = ("resource", "aws_route53_record")
CF = ("resource", "aws_cloudfront_distribution", "mta_sts")
FAULTS: dict[str, Fault] = {
    "an unknown backend type": Fault("init", r'There is no backend type named "s4"', _set(("terraform", "backend"), {"s4": {}})),
    "a module that is not there": Fault("init", r"Unreadable module directory", _set(("module",), {"missing": {"source": "./missing"}})),
    "a reference to an attribute the type lacks": Fault(
        "validate",
        r"Unsupported attribute",
        _set((*R, "spf", "records"), ["${data.aws_sesv2_email_identity.ses_identity_us_west_2.dkim_token}"]),
    ),
    "a string where the TTL is a number": Fault("validate", r"Incorrect attribute value type", _set((*R, "mx", "ttl"), "abc")),
    "a set indexed without tolist": Fault(
        "validate",
        r"Elements of a set are identified only by their value",
        _set((*R, "mta_sts_certificate_validation", "name"), f"${{{OPTIONS}[0].resource_record_name}}"),
    ),
    "a dependency cycle": Fault("validate", r"Cycle", _cycle),
    "a missing nested required argument": Fault(
        "validate", r"Missing required argument", _drop((*CF, "default_cache_behavior", "viewer_protocol_policy"))
    ),
    "a typo in a function name": Fault(
        "validate",
        r"Call to unknown function",
        _set((*R, "ses_dkim_us_west_2_1", "name"), f"${{elemnt({TOKENS}, 0)}}._domainkey.login.gov"),
    ),
    "an import block whose target does not exist": Fault(
        "plan", r"Configuration for import target does not exist", _set(("import",), [{"to": "aws_s3_bucket.nope", "id": "b"}])
    ),
    "a moved block whose source is still declared": Fault(
        "plan", r"Moved object still exists", _set(("moved",), [{"from": "aws_route53_record.mx", "to": "aws_route53_record.mx2"}])
    ),
    "a computed-only attribute set": Fault("validate", r'"fqdn": computed attributes cannot be set', _set((*R, "mx", "fqdn"), "login.gov")),
    "a record type Route53 does not have": Fault("validate", r"expected type to be one of", _set((*R, "spf", "type"), "SFP")),
    "alias together with ttl": Fault("validate", r"conflicts with ttl", _set((*R, "mta_sts_a", "ttl"), 300)),
    "a TLS policy CloudFront does not have": Fault(
        "validate", r"minimum_protocol_version to be one of", _set((*CF, "viewer_certificate", "minimum_protocol_version"), "TLSv1.2_2020")
    ),
    "a required argument that is null": Fault("plan", r'The argument "zone_id" is required', _null_zone),
    "two alias blocks from a dynamic block": Fault("plan", r'No more than 1 "alias" blocks', _two_aliases),
    # A data source is read while planning, so its tokens are known then.
    "a fourth DKIM token": Fault(
        "plan", r"Invalid index", _set((*R, "ses_dkim_us_west_2_3", "name"), f"${{{TOKENS}[3]}}._domainkey.login.gov")
    ),
    "a second validation option": Fault(
        "apply",
        r"Invalid index",
        _set((*R, "mta_sts_certificate_validation", "records"), [f"${{tolist({OPTIONS})[1].resource_record_value}}"]),
    ),
}


def run(ws: Workspace) -> tuple[str, list[str]]:
    """(the stage that failed or "none", its errors), running the stages in order."""
    for stage in STAGES:
        result = getattr(ws, stage)()
        if result.returncode != 0 or result.errors():
            return stage, result.errors()
    return "none", []


@pytest.fixture(scope="module")
def outcomes(stacks: dict[str, Path], workspace: Callable[..., Workspace]) -> dict[str, tuple[str, list[str]]]:
    """Every fault's outcome; the runs are independent, so a few go at once (Terraform waits on I/O)."""
    login_gov = json.loads(stacks["login-gov"].read_text())
    spaces = {}
    for name, fault in FAULTS.items():
        doc = copy.deepcopy(login_gov)
        fault.plant(doc)
        spaces[name] = workspace("login-gov", document=doc)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {name: pool.submit(run, ws) for name, ws in spaces.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_planted_fault_is_caught_at_its_stage(fault: str, outcomes: dict[str, tuple[str, list[str]]]) -> None:
    stage, errors = outcomes[fault]
    expected = FAULTS[fault]
    assert stage == expected.stage, f"caught at {stage}, not {expected.stage}: {errors}"
    assert any(re.search(expected.message, e) for e in errors), f"{stage} failed otherwise: {errors}"
