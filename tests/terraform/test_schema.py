"""The generated schema covers what maildns emits, reads the bindings right, and its curated table is live."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf import Testing as CdktfTesting

from tests.synth.test_conformance import CASES, OURS
from tests.terraform.harness import maildns_types
from tests.terraform.schema import CURATED, PROVIDER_ADDRESS

META = {"provider", "depends_on", "lifecycle", "count", "for_each", "//"}


@pytest.fixture(scope="module")
def aws(schema: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return dict(schema[1]["provider_schemas"][PROVIDER_ADDRESS])


def emitted() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (kind, document) the maildns.aws classes synthesize in the conformance cases."""
    for build in CASES.values():
        stack = TerraformStack(CdktfTesting.app(), "schema")
        build(stack, OURS)
        yield "conformance", json.loads(CdktfTesting.synth(stack))


def unknown_keys(block: dict[str, Any], body: dict[str, Any], where: str) -> list[str]:
    """Keys of ``body`` that ``block`` has neither as an attribute nor as a nested block."""
    found: list[str] = []
    for key, value in body.items():
        if key in META:
            continue
        if key in block.get("attributes", {}):
            continue
        nested = block.get("block_types", {}).get(key)
        if nested is None:
            found.append(f"{where}.{key}")
            continue
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            found += unknown_keys(nested["block"], item, f"{where}.{key}[{i}]")
    return found


def documents(stacks: dict[str, Path]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, json.loads(path.read_text())) for name, path in sorted(stacks.items())] + list(emitted())


def test_every_argument_maildns_synthesizes_is_in_the_schema(aws: dict[str, Any], stacks: dict[str, Path]) -> None:
    missing: list[str] = []
    for name, doc in documents(stacks):
        for kind, schemas in (("resource", aws["resource_schemas"]), ("data", aws["data_source_schemas"])):
            for type_, blocks in doc.get(kind, {}).items():
                if type_ == "terraform_remote_state":
                    continue  # Terraform's built-in provider (terraform.io/builtin/terraform), not AWS
                assert type_ in schemas, f"{name}: {kind} {type_} is not in the schema (add its class to maildns.aws)"
                for logical, body in blocks.items():
                    missing += unknown_keys(schemas[type_]["block"], body, f"{name}: {type_}.{logical}")
        for provider in doc["provider"]["aws"]:
            missing += unknown_keys(aws["provider"]["block"], {k: v for k, v in provider.items() if k != "alias"}, f"{name}: provider")
    assert not missing, "arguments the AWS schema does not have:\n" + "\n".join(missing)


def test_the_schema_has_exactly_the_types_of_maildns_aws(aws: dict[str, Any]) -> None:
    resources, data_sources = maildns_types()
    assert set(aws["resource_schemas"]) == resources
    assert set(aws["data_source_schemas"]) == data_sources


@pytest.mark.parametrize(
    ("type_", "attribute", "spec"),
    [
        ("aws_route53_record", "name", {"type": "string", "required": True}),
        ("aws_route53_record", "records", {"type": ["set", "string"], "optional": True}),
        ("aws_route53_record", "ttl", {"type": "number", "optional": True}),
        ("aws_route53_record", "fqdn", {"type": "string", "computed": True}),
        ("aws_ses_domain_dkim", "dkim_tokens", {"type": ["list", "string"], "computed": True}),
        ("aws_acm_certificate", "subject_alternative_names", {"type": ["set", "string"], "optional": True}),
        (
            "aws_acm_certificate",
            "domain_validation_options",
            {
                "type": [
                    "set",
                    [
                        "object",
                        {
                            "domain_name": "string",
                            "resource_record_name": "string",
                            "resource_record_type": "string",
                            "resource_record_value": "string",
                        },
                    ],
                ],
                "computed": True,
            },
        ),
        ("aws_s3_bucket", "bucket", {"type": "string", "optional": True, "computed": True}),
        ("aws_cloudfront_distribution", "enabled", {"type": "bool", "required": True}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_attributes_read_from_the_bindings(aws: dict[str, Any], type_: str, attribute: str, spec: dict[str, Any]) -> None:
    """Facts of the provider's own schema (terraform-provider-aws 6.25), as the bindings carry them."""
    assert aws["resource_schemas"][type_]["block"]["attributes"][attribute] == spec


def test_blocks_read_from_the_bindings(aws: dict[str, Any]) -> None:
    record = aws["resource_schemas"]["aws_route53_record"]["block"]["block_types"]
    assert {k: v for k, v in record["alias"].items() if k != "block"} == {"nesting_mode": "list", "max_items": 1}
    assert set(record["alias"]["block"]["attributes"]) == {"evaluate_target_health", "name", "zone_id"}
    distribution = aws["resource_schemas"]["aws_cloudfront_distribution"]["block"]["block_types"]
    assert (distribution["origin"]["nesting_mode"], distribution["origin"].get("min_items")) == ("set", 1)
    assert distribution["default_cache_behavior"]["max_items"] == 1 == distribution["default_cache_behavior"]["min_items"]


def test_every_curated_entry_names_an_attribute_and_says_why(aws: dict[str, Any]) -> None:
    schemas = {**aws["resource_schemas"], **{f"data.{k}": v for k, v in aws["data_source_schemas"].items()}}
    for (owner, attribute), (flags, reason) in CURATED.items():
        owners = list(schemas) if owner == "*" else [owner]
        assert any(attribute in schemas[o]["block"]["attributes"] for o in owners), f"{owner}.{attribute}: no such attribute"
        assert flags and len(reason) > 20, f"{owner}.{attribute}: say why"
