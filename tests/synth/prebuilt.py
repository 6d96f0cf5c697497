"""The prebuilt ``cdktf-cdktf-provider-aws`` binding that each ``maildns.aws`` class mirrors.

Shared by the conformance test and ``bench/synth.py``. Importing the bindings takes 15-17 s.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

# Our class name -> (prebuilt module, prebuilt class name)
PREBUILT = {
    "AwsProvider": ("provider", "AwsProvider"),
    "DataAwsRoute53Zone": ("data_aws_route53_zone", "DataAwsRoute53Zone"),
    "Route53Record": ("route53_record", "Route53Record"),
    "SesDomainIdentity": ("ses_domain_identity", "SesDomainIdentity"),
    "SesDomainDkim": ("ses_domain_dkim", "SesDomainDkim"),
    "DataAwsSesv2EmailIdentity": ("data_aws_sesv2_email_identity", "DataAwsSesv2EmailIdentity"),
    "S3Bucket": ("s3_bucket", "S3Bucket"),
    "S3BucketPublicAccessBlock": ("s3_bucket_public_access_block", "S3BucketPublicAccessBlock"),
    "S3BucketOwnershipControls": ("s3_bucket_ownership_controls", "S3BucketOwnershipControls"),
    "S3BucketServerSideEncryptionConfiguration": (
        "s3_bucket_server_side_encryption_configuration",
        "S3BucketServerSideEncryptionConfigurationA",
    ),
    "S3BucketVersioning": ("s3_bucket_versioning", "S3BucketVersioningA"),
    "S3BucketPolicy": ("s3_bucket_policy", "S3BucketPolicy"),
    "S3Object": ("s3_object", "S3Object"),
    "CloudfrontOriginAccessControl": ("cloudfront_origin_access_control", "CloudfrontOriginAccessControl"),
    "CloudfrontDistribution": ("cloudfront_distribution", "CloudfrontDistribution"),
    "DataAwsCloudfrontCachePolicy": ("data_aws_cloudfront_cache_policy", "DataAwsCloudfrontCachePolicy"),
    "DataAwsCloudfrontResponseHeadersPolicy": ("data_aws_cloudfront_response_headers_policy", "DataAwsCloudfrontResponseHeadersPolicy"),
    "AcmCertificate": ("acm_certificate", "AcmCertificate"),
    "AcmCertificateValidation": ("acm_certificate_validation", "AcmCertificateValidation"),
    "SesDomainMailFrom": ("ses_domain_mail_from", "SesDomainMailFrom"),
    "KmsKey": ("kms_key", "KmsKey"),
    "DataAwsCallerIdentity": ("data_aws_caller_identity", "DataAwsCallerIdentity"),
    "Route53KeySigningKey": ("route53_key_signing_key", "Route53KeySigningKey"),
    "Route53HostedZoneDnssec": ("route53_hosted_zone_dnssec", "Route53HostedZoneDnssec"),
    "CloudwatchMetricAlarm": ("cloudwatch_metric_alarm", "CloudwatchMetricAlarm"),
}
# Blocks inside a list: jsii converts a dict given for a struct argument, not the dicts inside a
# list, so the prebuilt side builds those with its struct classes (ours are TypedDicts).
STRUCTS = {
    "S3BucketServerSideEncryptionRule": (
        "s3_bucket_server_side_encryption_configuration",
        "S3BucketServerSideEncryptionConfigurationRuleA",
    ),
    "CloudfrontOrigin": ("cloudfront_distribution", "CloudfrontDistributionOrigin"),
}
# Arguments that take a list of blocks, and the struct of one block.
LIST_BLOCKS = {
    "CloudfrontDistribution": ("origin", "CloudfrontOrigin"),
    "S3BucketServerSideEncryptionConfiguration": ("rule", "S3BucketServerSideEncryptionRule"),
}


def load_prebuilt() -> SimpleNamespace:
    """Every prebuilt class and struct, under the name of the maildns class it mirrors."""
    return SimpleNamespace(
        **{
            name: getattr(importlib.import_module(f"cdktf_cdktf_provider_aws.{module}"), cls)
            for name, (module, cls) in {**PREBUILT, **STRUCTS}.items()
        }
    )


def drop_in_replacements(prebuilt: SimpleNamespace) -> dict[str, Callable[..., Any]]:
    """Constructors that take maildns' arguments (plain dicts in block lists) and build the prebuilt classes."""

    def adapt(cls: type, argument: str, struct: type) -> Callable[..., Any]:
        def build(*args: Any, **kwargs: Any) -> Any:
            if argument in kwargs:
                kwargs[argument] = [struct(**block) if isinstance(block, dict) else block for block in kwargs[argument]]
            return cls(*args, **kwargs)

        return build

    replacements: dict[str, Callable[..., Any]] = {name: getattr(prebuilt, name) for name in PREBUILT}
    for name, (argument, struct) in LIST_BLOCKS.items():
        replacements[name] = adapt(getattr(prebuilt, name), argument, getattr(prebuilt, struct))
    return replacements
