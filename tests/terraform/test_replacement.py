"""The stand-in's replacement table and defaults against the schema it serves, and the rules they drive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.terraform.harness import maildns_types
from tests.terraform.provider import import_id
from tests.terraform.replacement import DEFAULTS, PROVIDER_SOURCE, REPLACED_BY, plan_defaults, requires_replace
from tests.terraform.schema import PROVIDER_ADDRESS
from tests.terraform.values import UNKNOWN

Schema = tuple[Path, dict[str, Any]]


def resources(schema: Schema) -> dict[str, Any]:
    return dict(schema[1]["provider_schemas"][PROVIDER_ADDRESS]["resource_schemas"])


def test_every_resource_type_maildns_emits_has_a_row() -> None:
    """A new resource class without a row would plan every change in place: the table follows the code."""
    assert set(REPLACED_BY) == maildns_types()[0]


def test_every_row_names_arguments_of_the_served_schema(schema: tuple[Path, dict[str, Any]]) -> None:
    block_of = {name: doc["block"] for name, doc in resources(schema).items()}
    missing = [
        f"{type_name}.{name}"
        for type_name, rule in REPLACED_BY.items()
        for name in rule.attributes
        if name not in block_of[type_name].get("attributes", {}) and name not in block_of[type_name].get("block_types", {})
    ]
    assert missing == []
    assert all(rule.source.startswith("internal/service/") and rule.source.endswith(".go") for rule in REPLACED_BY.values())
    assert PROVIDER_SOURCE.startswith("https://github.com/hashicorp/terraform-provider-aws/")


def test_every_default_is_an_optional_argument_the_config_may_leave_out(schema: tuple[Path, dict[str, Any]]) -> None:
    """A default of a computed attribute would hide the unknown the real plan shows; of a required one it could never apply."""
    attributes = {name: doc["block"].get("attributes", {}) for name, doc in resources(schema).items()}
    wrong = [
        (owner, name)
        for (owner, name) in DEFAULTS
        if attributes[owner].get(name, {}).get("optional") is not True or attributes[owner][name].get("computed")
    ]
    assert wrong == []


BUCKET: dict[str, Any] = {
    "attributes": {
        "bucket": {"type": "string", "optional": True, "computed": True},
        "bucket_prefix": {"type": "string", "optional": True},
        "force_destroy": {"type": "bool", "optional": True},
        "region": {"type": "string", "optional": True, "computed": True},
    }
}
RECORD: dict[str, Any] = {
    "attributes": {"name": {"type": "string", "required": True}, "records": {"type": ["set", "string"], "optional": True}}
}


@pytest.mark.parametrize(
    ("resource", "prior", "planned", "provider_region", "expected"),
    [
        pytest.param(
            ("aws_s3_bucket", BUCKET),
            {"bucket": "b", "region": "us-east-1"},
            {"bucket": "b", "region": "us-west-2"},
            "us-west-2",
            [("region",)],
            id="the provider's region moved: the bucket is replaced (forceNewIfRegionChanges)",
        ),
        pytest.param(
            ("aws_s3_bucket", BUCKET),
            {"bucket": "b", "region": ""},
            {"bucket": "b", "region": "us-east-1"},
            "us-east-1",
            [],
            id="a region left out becoming the provider's own is no change",
        ),
        pytest.param(
            ("aws_s3_bucket", BUCKET),
            {"bucket": "b", "region": "us-east-1"},
            {"bucket": UNKNOWN, "region": "us-east-1"},
            "us-east-1",
            [("bucket",)],
            id="an unknown new value of a ForceNew argument replaces",
        ),
        pytest.param(
            ("aws_route53_record", RECORD),
            {"name": "a.example.gov", "records": ["x"]},
            {"name": "a.example.gov", "records": ["y"]},
            None,
            [],
            id="a record's values change in place",
        ),
        pytest.param(
            ("aws_route53_record", RECORD),
            {"name": "a.example.gov", "records": ["x"]},
            {"name": "b.example.gov", "records": ["x"]},
            None,
            [("name",)],
            id="a record's name replaces it",
        ),
    ],
)
def test_requires_replace(
    resource: tuple[str, dict[str, Any]], prior: dict[str, Any], planned: dict[str, Any], provider_region: str | None, expected: Any
) -> None:
    assert requires_replace(*resource, prior, planned, provider_region) == expected


def test_defaults_fill_only_what_the_config_leaves_out() -> None:
    """SDK schemas plan their Default: (s3/bucket.go force_destroy) and provider 6 its region (region.go defaultRegion)."""
    planned: dict[str, Any] = {"bucket": UNKNOWN, "force_destroy": None, "region": UNKNOWN, "bucket_prefix": "p-"}
    assert plan_defaults("aws_s3_bucket", BUCKET, {"bucket_prefix": "p-"}, planned, "eu-west-1") is True
    assert planned == {"bucket": UNKNOWN, "force_destroy": False, "region": "eu-west-1", "bucket_prefix": "p-"}
    kept: dict[str, Any] = {"force_destroy": True, "region": "us-east-2"}
    plan_defaults("aws_s3_bucket", BUCKET, {"force_destroy": True, "region": "us-east-2"}, kept, "eu-west-1")
    assert kept == {"force_destroy": True, "region": "us-east-2"}


@pytest.mark.parametrize(
    ("type_name", "id_", "expected"),
    [
        pytest.param(
            "aws_route53_record",
            "Z123__dmarc.example.gov_TXT",
            {"zone_id": "Z123", "name": "_dmarc.example.gov", "type": "TXT", "set_identifier": None},
            id="a record name with an underscore ends at the first record type",
        ),
        pytest.param(
            "aws_route53_record",
            "Z123_Example.GOV._MX_primary",
            {"zone_id": "Z123", "name": "example.gov", "type": "MX", "set_identifier": "primary"},
            id="the name lower-cased without its dot; a set identifier after the type",
        ),
        pytest.param(
            "aws_s3_bucket",
            "mta-sts-example-gov-20261202111500000000000001",
            {"bucket": "mta-sts-example-gov-20261202111500000000000001", "bucket_prefix": "mta-sts-example-gov-"},
            id="a generated bucket name gives back its prefix",
        ),
        pytest.param("aws_s3_bucket", "policy", {"bucket": "policy", "bucket_prefix": None}, id="a short bucket name has no prefix"),
        pytest.param("aws_kms_key", "1234abcd", {}, id="other types carry nothing in their ID"),
    ],
)
def test_import_ids(type_name: str, id_: str, expected: Any) -> None:
    """What the provider's Read fills in from an import ID (route53/record.go parseRecordID; s3/bucket.go NamePrefixFromName)."""
    assert import_id(type_name, id_) == expected
