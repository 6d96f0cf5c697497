"""The blocks of ``maildns.aws`` are written by one element per stack, in Python; a block that cdktf
has to see (a number or list attribute) becomes an element of its own and writes the same JSON.
``tests/synth/test_conformance.py`` compares both with the prebuilt provider bindings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from maildns.aws.base import AwsProvider, unique_id
from maildns.aws.route53 import Route53Record
from maildns.aws.route53_dnssec import Route53KeySigningKey
from maildns.cdk import Construct, TerraformResourceLifecycle, TerraformStack
from maildns.cdk import Testing as CdktfTesting


def synth(build: Callable[[TerraformStack], None]) -> dict[str, Any]:
    stack = TerraformStack(CdktfTesting.app(), "stack")
    AwsProvider(stack, "aws", region="us-east-1")
    build(stack)
    return json.loads(CdktfTesting.synth(stack))  # type: ignore[no-any-return]


def signing_key(stack: TerraformStack, *, read_key_tag: bool) -> None:
    group = Construct(stack, "group")
    west = AwsProvider(stack, "aws-west", region="us-west-2", alias="us-west-2")
    key = Route53KeySigningKey(
        group,
        "ksk",
        hosted_zone_id="Z0123456789ABC",
        key_management_service_arn="arn:aws:kms:us-east-1:1:key/k",
        name="ksk",
        provider=west,
        lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
    )
    record = Route53Record(group, "r", zone_id="Z0123456789ABC", name="example.gov", type="TXT", ttl=60, records=["x"])
    record.depends_on = [key]
    record.import_from("Z0123456789ABC_example.gov_TXT")
    if read_key_tag:
        # Both blocks' JSON then comes from cdktf's own elements; the record, without a provider,
        # first: cdktf checks that the stack's providers are elements then too.
        record.get_list_attribute("records")
        key.get_number_attribute("key_tag")


def test_a_block_with_an_element_of_its_own_synthesizes_the_same_json() -> None:
    assert synth(lambda stack: signing_key(stack, read_key_tag=True)) == synth(lambda stack: signing_key(stack, read_key_tag=False))


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        (["mx"], "mx"),  # a block at the top of its stack keeps its id, less the characters Terraform refuses
        (["mta-sts.site"], "mta-stssite"),
        (["group", "ksk"], None),
        (["Default", "ksk"], "ksk"),  # "Default" is left out, as constructs leaves it out
        (["site", "site-bucket", "Resource"], None),
    ],
)
def test_unique_id_is_the_name_cdktf_gives(components: list[str], expected: str | None) -> None:
    def build(stack: TerraformStack) -> None:
        scope: Construct = stack
        for component in components[:-1]:
            scope = Construct(scope, component)
        record = Route53Record(scope, components[-1], zone_id="Z1", name="example.gov", type="TXT", records=["x"])
        record.get_list_attribute("records")  # cdktf's own element, which cdktf names

    names = list(synth(build)["resource"]["aws_route53_record"])
    assert names == [unique_id(components)]
    if expected is not None:
        assert names == [expected]


def test_renaming_a_block_after_a_reference_to_it_is_refused() -> None:
    stack = TerraformStack(CdktfTesting.app(), "stack")
    record = Route53Record(stack, "mx", zone_id="Z1", name="example.gov", type="MX", records=["10 mx.example.gov"])
    assert record.string_attribute("fqdn") == "${aws_route53_record.mx.fqdn}"
    with pytest.raises(ValueError, match=r"^stack/mx: renamed to 'other' after a reference to it was taken$"):
        record.override_logical_id("other")


def test_two_blocks_at_one_path_are_refused() -> None:
    stack = TerraformStack(CdktfTesting.app(), "stack")
    Route53Record(stack, "mx", zone_id="Z1", name="example.gov", type="MX", records=["10 mx.example.gov"])
    with pytest.raises(ValueError, match=r"^stack/mx: there is already a construct with this path$"):
        Route53Record(stack, "mx", zone_id="Z1", name="example.gov", type="MX", records=["10 mx.example.gov"])
