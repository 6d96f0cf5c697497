"""What hashicorp/aws 6.x plans beyond its schema: the attributes that force replacement, and its defaults.

``terraform providers schema -json`` says nothing of ``ForceNew``: a provider answers it per plan,
as ``requires_replace`` in PlanResourceChange. The rows below are the ``ForceNew: true`` marks of
the provider's source (``internal/service/...`` of github.com/hashicorp/terraform-provider-aws),
one row per resource type maildns emits; a test checks that every type has a row and every
attribute named exists in the schema the stand-in serves.

Provider 6 adds ``region`` to every regional type (website/docs/guides/enhanced-region-support):
left out, it plans the provider configuration's region, and a change of it forces replacement
unless it only moves between "left out" and the provider's own region
(internal/provider/sdkv2/region.go: ``defaultRegion``, ``forceNewIfRegionChanges``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.terraform.values import UNKNOWN, Path

PROVIDER_SOURCE = "https://github.com/hashicorp/terraform-provider-aws/blob/main/"
REGION_SOURCE = "internal/provider/sdkv2/region.go"


@dataclass(frozen=True)
class Rule:
    """The top-level attributes (or blocks) of one type whose change replaces the resource, and where the provider says so."""

    attributes: tuple[str, ...]
    source: str


REPLACED_BY: dict[str, Rule] = {
    "aws_acm_certificate": Rule(
        (
            "certificate_authority_arn",
            "domain_name",
            "key_algorithm",
            "subject_alternative_names",
            "validation_method",
            "validation_option",
        ),
        "internal/service/acm/certificate.go",
    ),
    "aws_acm_certificate_validation": Rule(
        ("certificate_arn", "validation_record_fqdns"), "internal/service/acm/certificate_validation.go"
    ),
    # A distribution's and an origin access control's other arguments change in place
    # (UpdateDistribution, UpdateOriginAccessControl); a staging distribution is another resource.
    "aws_cloudfront_distribution": Rule(("staging",), "internal/service/cloudfront/distribution.go"),
    "aws_cloudfront_origin_access_control": Rule((), "internal/service/cloudfront/origin_access_control.go"),
    "aws_cloudwatch_metric_alarm": Rule(("alarm_name",), "internal/service/cloudwatch/metric_alarm.go"),
    "aws_kms_key": Rule(
        ("custom_key_store_id", "customer_master_key_spec", "key_usage", "multi_region", "xks_key_id"), "internal/service/kms/key.go"
    ),
    "aws_route53_hosted_zone_dnssec": Rule(("hosted_zone_id",), "internal/service/route53/hosted_zone_dnssec.go"),
    "aws_route53_key_signing_key": Rule(("hosted_zone_id", "name"), "internal/service/route53/key_signing_key.go"),
    # type and set_identifier change in place (a DELETE and CREATE in one change batch); name and zone do not.
    "aws_route53_record": Rule(("name", "zone_id"), "internal/service/route53/record.go"),
    "aws_s3_bucket": Rule(("bucket", "bucket_prefix", "object_lock_enabled"), "internal/service/s3/bucket.go"),
    "aws_s3_bucket_ownership_controls": Rule(("bucket",), "internal/service/s3/bucket_ownership_controls.go"),
    "aws_s3_bucket_policy": Rule(("bucket",), "internal/service/s3/bucket_policy.go"),
    "aws_s3_bucket_public_access_block": Rule(("bucket",), "internal/service/s3/bucket_public_access_block.go"),
    "aws_s3_bucket_server_side_encryption_configuration": Rule(
        ("bucket", "expected_bucket_owner"), "internal/service/s3/bucket_server_side_encryption_configuration.go"
    ),
    "aws_s3_bucket_versioning": Rule(("bucket", "expected_bucket_owner"), "internal/service/s3/bucket_versioning.go"),
    "aws_s3_object": Rule(("bucket", "key"), "internal/service/s3/object.go"),
    "aws_ses_domain_dkim": Rule(("domain",), "internal/service/ses/domain_dkim.go"),
    "aws_ses_domain_identity": Rule(("domain",), "internal/service/ses/domain_identity.go"),
    "aws_ses_domain_mail_from": Rule(("domain",), "internal/service/ses/domain_mail_from.go"),
}


@dataclass(frozen=True)
class Default:
    """A ``Default:`` of the provider's schema: planned when the configuration leaves the attribute out."""

    value: Any
    source: str


# Only top-level arguments the stacks can leave out; the SDK plans these values on create and on
# every update, so the real plan shows them (``+ force_destroy = false``) where a bare schema
# would leave them null.
DEFAULTS: dict[tuple[str, str], Default] = {
    ("aws_cloudfront_distribution", "http_version"): Default("http2", "internal/service/cloudfront/distribution.go"),
    ("aws_cloudfront_distribution", "price_class"): Default("PriceClass_All", "internal/service/cloudfront/distribution.go"),
    ("aws_cloudfront_distribution", "retain_on_delete"): Default(False, "internal/service/cloudfront/distribution.go"),
    ("aws_cloudfront_distribution", "staging"): Default(False, "internal/service/cloudfront/distribution.go"),
    ("aws_cloudfront_distribution", "wait_for_deployment"): Default(True, "internal/service/cloudfront/distribution.go"),
    ("aws_cloudfront_origin_access_control", "description"): Default(
        "Managed by Terraform", "internal/service/cloudfront/origin_access_control.go"
    ),
    ("aws_cloudwatch_metric_alarm", "actions_enabled"): Default(True, "internal/service/cloudwatch/metric_alarm.go"),
    ("aws_cloudwatch_metric_alarm", "treat_missing_data"): Default("missing", "internal/service/cloudwatch/metric_alarm.go"),
    ("aws_kms_key", "bypass_policy_lockout_safety_check"): Default(False, "internal/service/kms/key.go"),
    ("aws_kms_key", "customer_master_key_spec"): Default("SYMMETRIC_DEFAULT", "internal/service/kms/key.go"),
    ("aws_kms_key", "enable_key_rotation"): Default(False, "internal/service/kms/key.go"),
    ("aws_kms_key", "is_enabled"): Default(True, "internal/service/kms/key.go"),
    ("aws_kms_key", "key_usage"): Default("ENCRYPT_DECRYPT", "internal/service/kms/key.go"),
    ("aws_route53_hosted_zone_dnssec", "signing_status"): Default("SIGNING", "internal/service/route53/hosted_zone_dnssec.go"),
    ("aws_route53_key_signing_key", "status"): Default("ACTIVE", "internal/service/route53/key_signing_key.go"),
    ("aws_s3_bucket", "force_destroy"): Default(False, "internal/service/s3/bucket.go"),
    ("aws_s3_bucket_public_access_block", "block_public_acls"): Default(False, "internal/service/s3/bucket_public_access_block.go"),
    ("aws_s3_bucket_public_access_block", "block_public_policy"): Default(False, "internal/service/s3/bucket_public_access_block.go"),
    ("aws_s3_bucket_public_access_block", "ignore_public_acls"): Default(False, "internal/service/s3/bucket_public_access_block.go"),
    ("aws_s3_bucket_public_access_block", "restrict_public_buckets"): Default(False, "internal/service/s3/bucket_public_access_block.go"),
    ("aws_s3_object", "force_destroy"): Default(False, "internal/service/s3/object.go"),
    ("aws_ses_domain_mail_from", "behavior_on_mx_failure"): Default("UseDefaultValue", "internal/service/ses/domain_mail_from.go"),
}


def regional(block: dict[str, Any]) -> bool:
    """Whether a type is region-aware (provider 6 gave it a top-level ``region``)."""
    return "region" in block.get("attributes", {})


def plan_defaults(type_name: str, block: dict[str, Any], config: dict[str, Any], planned: dict[str, Any], region: str | None) -> bool:
    """Fill in what the provider plans for arguments the configuration leaves out, in place.

    Returns whether a non-computed argument was set: the SDK's plans do that under the legacy type
    system, and the response must say so or Terraform refuses the plan.
    """
    if region is not None and regional(block) and config.get("region") is None:
        planned["region"] = region  # defaultRegion: the provider configuration's region, known at plan time
    legacy = False
    for (owner, name), default in DEFAULTS.items():
        if owner == type_name and name in block.get("attributes", {}) and config.get(name) is None:
            planned[name] = default.value
            legacy = True
    return legacy


def requires_replace(
    type_name: str, block: dict[str, Any], prior: dict[str, Any], planned: dict[str, Any], region: str | None
) -> list[Path]:
    """The attribute paths whose planned change replaces the resource (an unknown new value counts as a change)."""
    paths: list[Path] = [
        (name,)
        for name in REPLACED_BY[type_name].attributes
        if name in planned and (planned[name] is UNKNOWN or planned[name] != prior.get(name))
    ]
    if regional(block) and planned.get("region") != prior.get("region"):
        old, new = prior.get("region") or "", planned.get("region") or ""
        if not ((old == "" and new == region) or (old == region and new == "")):
            paths.append(("region",))
    return paths
