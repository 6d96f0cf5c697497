"""Our raw AWS classes synthesize byte-for-byte what the prebuilt provider bindings synthesize.

The prebuilt ``cdktf-cdktf-provider-aws`` (a dev dependency) is the reference: each case builds
the same constructs twice, once with ``maildns.aws`` classes and once with the prebuilt ones,
runs a full cdktf synth of each and compares the files. Importing the prebuilt package takes
15-17 s, once for the whole module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from cdktf import Fn, TerraformStack
from cdktf import Testing as CdktfTesting

from maildns.aws import base, route53, ses

pytestmark = pytest.mark.conformance

# Our class name -> (prebuilt module, prebuilt class name)
PREBUILT = {
    "AwsProvider": ("provider", "AwsProvider"),
    "DataAwsRoute53Zone": ("data_aws_route53_zone", "DataAwsRoute53Zone"),
    "Route53Record": ("route53_record", "Route53Record"),
    "SesDomainIdentity": ("ses_domain_identity", "SesDomainIdentity"),
    "SesDomainDkim": ("ses_domain_dkim", "SesDomainDkim"),
}
OURS = SimpleNamespace(**{name: getattr(module, name) for module in (base, route53, ses) for name in PREBUILT if hasattr(module, name)})


@pytest.fixture(scope="module")
def prebuilt() -> SimpleNamespace:
    return SimpleNamespace(
        **{
            name: getattr(importlib.import_module(f"cdktf_cdktf_provider_aws.{module}"), cls)
            for name, (module, cls) in PREBUILT.items()
        }
    )


def providers(stack, aws):
    default = aws.AwsProvider(stack, "aws", region="us-east-1")
    west = aws.AwsProvider(stack, "aws-west", region="us-west-2", alias="us-west-2")
    return default, west


def case_route53(stack, aws):
    providers(stack, aws)
    zone = aws.DataAwsRoute53Zone(stack, "zone", name="example.gov")
    aws.Route53Record(stack, "mx", zone_id=zone.zone_id, name="example.gov", type="MX", ttl=3600, records=["10 mx.example.net", "20 mx2.example.net"])
    aws.Route53Record(stack, "txt", zone_id=zone.zone_id, name="k._domainkey.example.gov", type="TXT", ttl=300, records=["a" * 255 + '""' + "b" * 10])
    aws.Route53Record(
        stack, "alias", zone_id="Z0123456789ABC", name="mta-sts.example.gov", type="A",
        alias={"name": "d111111abcdef8.cloudfront.net", "zone_id": "Z2FDTNDATAQYW2", "evaluate_target_health": False},
    )


def case_ses(stack, aws):
    _, west = providers(stack, aws)
    identity = aws.SesDomainIdentity(stack, "identity", domain="example.gov", provider=west)
    dkim = aws.SesDomainDkim(stack, "dkim", domain=identity.domain, provider=west, depends_on=[identity])
    for i in range(3):
        token = Fn.element(dkim.dkim_tokens, i)
        aws.Route53Record(stack, f"cname-{i}", zone_id="Z0123456789ABC", name=f"{token}._domainkey.example.gov", type="CNAME", ttl=600, records=[f"{token}.dkim.amazonses.com"])


CASES: dict[str, Callable] = {"route53": case_route53, "ses": case_ses}


def synth_file(build: Callable, aws: SimpleNamespace) -> str:
    app = CdktfTesting.app()
    stack = TerraformStack(app, "conformance")
    build(stack, aws)
    outdir = Path(CdktfTesting.full_synth(stack))
    return (outdir / "stacks" / "conformance" / "cdk.tf.json").read_text()


def test_every_class_is_covered():
    covered = {name for name in PREBUILT}
    ours = {
        name
        for module in (base, route53, ses)
        for name, value in vars(module).items()
        if isinstance(value, type) and getattr(value, "TYPE", None) or name == "AwsProvider"
    }
    assert ours <= covered, f"classes without a conformance case: {sorted(ours - covered)}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_synthesized_json_is_byte_identical(case, prebuilt):
    ours = synth_file(CASES[case], OURS)
    reference = synth_file(CASES[case], prebuilt)
    assert ours == reference
