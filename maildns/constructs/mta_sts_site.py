"""The MTA-STS policy site: a private S3 bucket behind CloudFront at ``mta-sts.<domain>``, and its DNS."""

from __future__ import annotations

import json
from typing import TypeVar

from maildns.aws.acm import AcmCertificate, AcmCertificateValidation
from maildns.aws.base import AwsDataSource, AwsProvider, AwsResource
from maildns.aws.cloudfront import (
    CloudfrontDistribution,
    CloudfrontOriginAccessControl,
    DataAwsCloudfrontCachePolicy,
    DataAwsCloudfrontResponseHeadersPolicy,
)
from maildns.aws.route53 import Route53Record, Route53RecordAlias
from maildns.aws.s3 import (
    S3Bucket,
    S3BucketOwnershipControls,
    S3BucketPolicy,
    S3BucketPublicAccessBlock,
    S3BucketServerSideEncryptionConfiguration,
    S3BucketVersioning,
    S3Object,
)
from maildns.cdk import Construct, TerraformResourceLifecycle
from maildns.constructs.email_dns import route53_record
from maildns.records import Record
from maildns.records import mta_sts as sts

T = TypeVar("T", bound=AwsResource | AwsDataSource)

# Route53 alias target zone of every CloudFront distribution.
# @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
# AWS managed policies, looked up by name so the plan shows what is attached (and scanners see a
# policy, not an opaque id). CachingDisabled: every request reads S3, so once the new id is in
# DNS no edge can hand a sender the previous policy, which the sender would then keep for
# max_age under the new id (RFC 8461 3.3, 5.1). SecurityHeadersPolicy adds HSTS and nosniff.
# @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
# @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-response-headers-policies.html
CACHING_DISABLED = "Managed-CachingDisabled"
SECURITY_HEADERS = "Managed-SecurityHeadersPolicy"
# Senders never need the file for longer than a fetch; a short max-age bounds any HTTP cache.
CACHE_CONTROL = "max-age=300"
TLS_POLICY = "TLSv1.2_2021"  # TLS 1.2+ with forward-secret ciphers only
ORIGIN_ID = "mta-sts-policy"
# Terraform logical name of every resource of the site (one per type, plus the records').
NAME = "mta_sts"


def _named(resource: T, name: str = NAME) -> T:
    """Give a resource its logical name: a public contract, renaming it replaces the resource."""
    resource.override_logical_id(name)
    return resource


def _address(resource: AwsResource) -> str:
    """``<type>.<logical name>``, as ``depends_on`` takes it (``fqn`` resolves to ``${...}`` there)."""
    return resource.address


def bucket_policy(bucket_arn: str, distribution_arn: str) -> str:
    """Only this distribution may read the policy object (OAC, ``aws:SourceArn``); plain HTTP is refused.

    @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
    """
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudFrontReadsThePolicy",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"{bucket_arn}/{sts.POLICY_PATH}",
                "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
            },
            {
                "Sid": "DenyPlainHttp",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }
    return json.dumps(document, sort_keys=True)


class MtaStsSite(Construct):
    """Serves ``policy`` at ``https://mta-sts.<domain>/.well-known/mta-sts.txt`` (RFC 8461 3.3)
    and publishes ``txt``, the ``_mta-sts.<domain>`` record with the id of those same bytes (RFC 8461 3.1).

    The bucket is private, encrypted (SSE-S3), versioned, owner-enforced and blocks all public
    access; CloudFront reads it through origin access control. The certificate is issued by ACM
    through ``certificate_provider``, which must be in us-east-1 (CloudFront takes no other), and
    validated by a DNS record in the same zone.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        domain: str,
        zone_id: str,
        policy: bytes,
        txt: Record,
        bucket_name: str | None,
        bucket_prefix: str | None,
        name: str,
        ttl: int,
        certificate_provider: AwsProvider,
    ) -> None:
        super().__init__(scope, id_)
        host = sts.policy_host(domain)
        self.policy = policy
        self.policy_url = sts.policy_url(domain)

        # --- the bucket and the policy object
        # One of bucket_name and bucket_prefix: S3 names are global, so without a configured name
        # Terraform completes the prefix to a unique one (anyone could hold a guessable name).
        self.bucket = _named(S3Bucket(self, "bucket", bucket=bucket_name, bucket_prefix=bucket_prefix))
        bucket = self.bucket.id
        self.public_access_block = _named(
            S3BucketPublicAccessBlock(
                self,
                "public-access-block",
                bucket=bucket,
                block_public_acls=True,
                block_public_policy=True,
                ignore_public_acls=True,
                restrict_public_buckets=True,
            )
        )
        # ACLs off: the bucket policy alone decides who reads.
        _named(S3BucketOwnershipControls(self, "ownership", bucket=bucket, rule={"object_ownership": "BucketOwnerEnforced"}))
        # SSE-S3: the policy file is public by design, so a KMS key would protect nothing more,
        # and CloudFront can read SSE-KMS objects only with a customer-managed key granting it decrypt.
        _named(
            S3BucketServerSideEncryptionConfiguration(
                self,
                "encryption",
                bucket=bucket,
                rule=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            )
        )
        # Every published policy stays retrievable: what senders were told, and when.
        versioning = _named(S3BucketVersioning(self, "versioning", bucket=bucket, versioning_configuration={"status": "Enabled"}))
        self.policy_object = _named(
            S3Object(
                self,
                "policy",
                bucket=bucket,
                key=sts.POLICY_PATH,
                # The very bytes that were hashed into the id: ASCII, CRLF included (RFC 8461 3.2).
                content=policy.decode("ascii"),
                content_type=sts.CONTENT_TYPE,
                cache_control=CACHE_CONTROL,
                # S3 asks to wait after first enabling versioning before writing objects; ordering
                # the object after the versioning resource gives it its own step.
                # @see https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_versioning
                depends_on=[versioning],
            ),
            "mta_sts_policy",
        )

        # --- the certificate, in us-east-1, validated through DNS
        self.certificate = _named(
            AcmCertificate(
                self,
                "certificate",
                domain_name=host,
                validation_method="DNS",
                provider=certificate_provider,
                # The new certificate must exist before CloudFront lets go of the old one.
                lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
            )
        )
        option = self.certificate.domain_validation_options.get(0)  # one name, so one option
        validation_record = _named(
            Route53Record(
                self,
                "certificate-validation-record",
                zone_id=zone_id,
                name=option.resource_record_name,
                type=option.resource_record_type,
                ttl=ttl,
                records=[option.resource_record_value],
                allow_overwrite=True,
            ),
            "mta_sts_certificate_validation",
        )
        self.certificate_validation = _named(
            AcmCertificateValidation(
                self,
                "certificate-validation",
                certificate_arn=self.certificate.arn,
                validation_record_fqdns=[validation_record.fqdn],
                provider=certificate_provider,
            )
        )

        # --- CloudFront, reading the bucket through origin access control
        cache_policy = _named(DataAwsCloudfrontCachePolicy(self, "cache-policy", name=CACHING_DISABLED))
        headers_policy = _named(DataAwsCloudfrontResponseHeadersPolicy(self, "response-headers-policy", name=SECURITY_HEADERS))
        self.origin_access_control = _named(
            CloudfrontOriginAccessControl(
                self,
                "origin-access-control",
                name=name,
                description=f"MTA-STS policy of {domain}",
                origin_access_control_origin_type="s3",
                signing_behavior="always",
                signing_protocol="sigv4",
            )
        )
        self.distribution = _named(
            CloudfrontDistribution(
                self,
                "distribution",
                enabled=True,
                aliases=[host],
                comment=f"MTA-STS policy of {domain}",
                http_version="http2and3",
                is_ipv6_enabled=True,
                origin=[
                    {
                        "domain_name": self.bucket.bucket_regional_domain_name,
                        "origin_id": ORIGIN_ID,
                        "origin_access_control_id": self.origin_access_control.id,
                    }
                ],
                default_cache_behavior={
                    "target_origin_id": ORIGIN_ID,
                    # RFC 8461 3.3: the policy is fetched over HTTPS only, and redirects are not followed.
                    "viewer_protocol_policy": "https-only",
                    "allowed_methods": ["GET", "HEAD"],
                    "cached_methods": ["GET", "HEAD"],
                    "cache_policy_id": cache_policy.id,
                    "response_headers_policy_id": headers_policy.id,
                },
                # Senders anywhere must be able to fetch the policy.
                restrictions={"geo_restriction": {"restriction_type": "none"}},
                viewer_certificate={
                    # The validation's ARN, so the distribution waits until the certificate is issued.
                    "acm_certificate_arn": self.certificate_validation.certificate_arn,
                    "ssl_support_method": "sni-only",
                    "minimum_protocol_version": TLS_POLICY,
                },
            )
        )
        self.distribution_domain_name = self.distribution.domain_name
        self.bucket_policy = _named(
            S3BucketPolicy(
                self,
                "bucket-policy",
                bucket=bucket,
                policy=bucket_policy(self.bucket.arn, self.distribution.arn),
                # S3 answers OperationAborted when the block and the policy change at the same time.
                depends_on=[self.public_access_block],
            )
        )

        # --- DNS: mta-sts.<domain> to CloudFront, and the _mta-sts TXT with the id
        alias: Route53RecordAlias = {"name": self.distribution.domain_name, "zone_id": CLOUDFRONT_ZONE_ID, "evaluate_target_health": False}
        aliases = {
            type_: _named(
                Route53Record(self, f"alias-{type_.lower()}", zone_id=zone_id, name=host, type=type_, alias=alias),
                f"mta_sts_{type_.lower()}",
            )
            for type_ in ("A", "AAAA")
        }
        self.aliases = list(aliases.values())
        self.txt = route53_record(self, zone_id, txt)
        # Publish a new id only once its bytes are served at a name that resolves: a sender seeing
        # the id fetches the policy at once (a negative answer would be cached too) and keeps it for max_age (RFC 8461 3.3, 5.1).
        self.txt.depends_on = [_address(r) for r in (self.policy_object, self.bucket_policy, self.distribution, *self.aliases)]
        # The site's record sets by (name, type), for the stack to find one the plan names.
        self.record_sets: dict[tuple[str, str], Route53Record] = {(host, t): r for t, r in aliases.items()} | {(txt.name, "TXT"): self.txt}
