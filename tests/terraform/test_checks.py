"""The stand-in's provider-side checks, on a small block shaped like aws_route53_record's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.terraform.checks import check
from tests.terraform.values import UNKNOWN

BLOCK: dict[str, Any] = {
    "attributes": {
        "name": {"type": "string", "required": True},
        "type": {"type": "string", "required": True},
        "ttl": {"type": "number", "optional": True},
        "records": {"type": ["set", "string"], "optional": True},
        "fqdn": {"type": "string", "computed": True},
        "id": {"type": "string", "optional": True, "computed": True},
    },
    "block_types": {
        "alias": {
            "nesting_mode": "list",
            "max_items": 1,
            "block": {"attributes": {"name": {"type": "string", "required": True}, "zone_id": {"type": "string", "required": True}}},
        },
        "weighted": {"nesting_mode": "list", "min_items": 1, "block": {"attributes": {"weight": {"type": "number", "required": True}}}},
    },
}
GOOD: dict[str, Any] = {
    "name": "a.example.gov",
    "type": "TXT",
    "ttl": 300,
    "records": ["x"],
    "fqdn": None,
    "id": None,
    "alias": [],
    "weighted": [{"weight": 1}],
}
ALIAS = {"name": "d1.cloudfront.net", "zone_id": "Z2FDTNDATAQYW2"}


def problems(**changes: Any) -> list[str]:
    return [f"{d.summary}: {d.detail}" for d in check("aws_route53_record", BLOCK, GOOD | changes)]


def test_a_good_config_passes() -> None:
    assert problems() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"fqdn": "a.example.gov"}, 'Invalid or unknown key: "fqdn": computed attributes cannot be set'),
        ({"name": None}, 'Missing required argument: The argument "name" is required, but no definition was found.'),
        ({"weighted": [{"weight": None}]}, 'Missing required argument: The argument "weight" is required, but no definition was found.'),
        ({"weighted": []}, 'Invalid number of blocks: "weighted": at least 1 block(s) expected, 0 given'),
        (
            {"alias": [ALIAS, ALIAS], "ttl": None, "records": None},
            'Invalid number of blocks: "alias": at most 1 block(s) expected, 2 given',
        ),
        ({"type": "SFP"}, "Invalid value: expected type to be one of"),
        ({"alias": [ALIAS]}, 'Conflicting configuration arguments: "alias": conflicts with records'),
        ({"records": None}, 'Missing required argument: "ttl": all of `ttl,records` must be specified'),
    ],
    ids=[
        "SDK: computed-only set",
        "SDK: required null",
        "SDK: nested required null",
        "SDK: MinItems",
        "SDK: MaxItems",
        "route53 RRType enum",
        "alias ConflictsWith records",
        "ttl RequiredWith records",
    ],
)
def test_the_provider_refuses(changes: dict[str, Any], expected: Any) -> None:
    assert any(p.startswith(expected) for p in problems(**changes)), problems(**changes)


@pytest.mark.parametrize(
    "changes",
    [{"name": UNKNOWN}, {"type": UNKNOWN}, {"weighted": UNKNOWN}, {"records": UNKNOWN}],
    ids=["unknown required", "unknown enum", "unknown block list", "unknown set"],
)
def test_unknown_values_pass_until_known(changes: dict[str, Any]) -> None:
    assert problems(**changes) == []
