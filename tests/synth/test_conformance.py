"""Our raw AWS classes synthesize byte-for-byte what the prebuilt provider bindings synthesize.

The prebuilt ``cdktf-cdktf-provider-aws`` (a dev dependency) is the reference: each case builds
the same constructs twice, once with ``maildns.aws`` classes and once with the prebuilt ones,
runs a full cdktf synth of each and compares the files. Importing the prebuilt package takes
15-17 s, once for the whole module.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from cdktf import Fn, TerraformResourceLifecycle, TerraformStack
from cdktf import Testing as CdktfTesting

from maildns.aws import acm, base, cloudfront, cloudwatch, kms, route53, route53_dnssec, s3, ses, ses_mail_from, sts
from tests.synth.prebuilt import PREBUILT, STRUCTS, load_prebuilt

MODULES = (base, route53, ses, s3, cloudfront, acm, ses_mail_from, kms, sts, route53_dnssec, cloudwatch)

pytestmark = pytest.mark.conformance

OURS = SimpleNamespace(**{name: getattr(module, name) for module in MODULES for name in (*PREBUILT, *STRUCTS) if hasattr(module, name)})


@pytest.fixture(scope="module")
def prebuilt() -> SimpleNamespace:
    return load_prebuilt()


def providers(stack, aws):
    default = aws.AwsProvider(stack, "aws", region="us-east-1")
    west = aws.AwsProvider(stack, "aws-west", region="us-west-2", alias="us-west-2")
    return default, west


def case_route53(stack, aws):
    providers(stack, aws)
    zone = aws.DataAwsRoute53Zone(stack, "zone", name="example.gov")
    mx = aws.Route53Record(
        stack, "mx", zone_id=zone.zone_id, name="example.gov", type="MX", ttl=3600, records=["10 mx.example.net", "20 mx2.example.net"]
    )
    mx.import_from(route53.import_id(zone.zone_id, "example.gov", "MX"))
    aws.Route53Record(
        stack, "txt", zone_id=zone.zone_id, name="k._domainkey.example.gov", type="TXT", ttl=300, records=["a" * 255 + '""' + "b" * 10]
    )
    aws.Route53Record(
        stack,
        "alias",
        zone_id="Z0123456789ABC",
        name="mta-sts.example.gov",
        type="A",
        alias={"name": "d111111abcdef8.cloudfront.net", "zone_id": "Z2FDTNDATAQYW2", "evaluate_target_health": False},
    )


def case_ses(stack, aws):
    _, west = providers(stack, aws)
    identity = aws.SesDomainIdentity(stack, "identity", domain="example.gov", provider=west)
    dkim = aws.SesDomainDkim(stack, "dkim", domain=identity.domain, provider=west, depends_on=[identity])
    for i in range(3):
        token = Fn.element(dkim.dkim_tokens, i)
        aws.Route53Record(
            stack,
            f"cname-{i}",
            zone_id="Z0123456789ABC",
            name=f"{token}._domainkey.example.gov",
            type="CNAME",
            ttl=600,
            records=[f"{token}.dkim.amazonses.com"],
        )
    managed = aws.SesDomainIdentity(stack, "managed", domain="example.org", lifecycle=TerraformResourceLifecycle(prevent_destroy=True))
    aws.SesDomainDkim(stack, "managed-dkim", domain=managed.domain)


def case_existing_ses_identity(stack, aws):
    _, west = providers(stack, aws)
    existing = aws.DataAwsSesv2EmailIdentity(stack, "existing", email_identity="example.gov", provider=west)
    tokens = existing.dkim_signing_attributes.get(0).tokens
    for i in range(3):
        token = Fn.element(tokens, i)
        aws.Route53Record(
            stack,
            f"cname-{i}",
            zone_id="Z0123456789ABC",
            name=f"{token}._domainkey.example.gov",
            type="CNAME",
            ttl=600,
            records=[f"{token}.dkim.amazonses.com"],
            allow_overwrite=True,
        )


def case_s3(stack, aws):
    providers(stack, aws)
    bucket = aws.S3Bucket(stack, "bucket", bucket="mta-sts-example-gov", force_destroy=False, tags={"app": "maildns"})
    block = aws.S3BucketPublicAccessBlock(
        stack,
        "block",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    aws.S3BucketOwnershipControls(stack, "ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"})
    aws.S3BucketServerSideEncryptionConfiguration(
        stack,
        "sse",
        bucket=bucket.id,
        rule=[
            aws.S3BucketServerSideEncryptionRule(
                apply_server_side_encryption_by_default={"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/k"},
                bucket_key_enabled=True,
            )
        ],
    )
    aws.S3BucketVersioning(stack, "versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    aws.S3BucketPolicy(
        stack, "policy", bucket=bucket.id, policy='{"Statement": [{"Resource": "' + bucket.arn + '/*"}]}', depends_on=[block]
    )
    aws.S3Object(
        stack,
        "object",
        bucket=bucket.id,
        key=".well-known/mta-sts.txt",
        content="version: STSv1\r\nmode: testing\r\n",
        content_type="text/plain",
        cache_control="max-age=300",
        etag="0123",
        server_side_encryption="AES256",
    )
    aws.S3Object(stack, "regional", bucket=bucket.bucket_regional_domain_name, key="k")
    prefixed = aws.S3Bucket(stack, "prefixed", bucket_prefix="mta-sts-example-gov-")
    versioning = aws.S3BucketVersioning(stack, "prefixed-versioning", bucket=prefixed.id, versioning_configuration={"status": "Enabled"})
    aws.S3Object(stack, "after-versioning", bucket=prefixed.bucket, key="k", content="x", depends_on=[versioning])


def case_cloudfront_and_acm(stack, aws):
    _, east = providers(stack, aws)
    cert = aws.AcmCertificate(
        stack,
        "cert",
        domain_name="mta-sts.example.gov",
        validation_method="DNS",
        subject_alternative_names=["a.example.gov"],
        key_algorithm="EC_prime256v1",
        provider=east,
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
    )
    option = cert.domain_validation_options.get(0)
    record = aws.Route53Record(
        stack,
        "validation",
        zone_id="Z0123456789ABC",
        name=option.resource_record_name,
        type=option.resource_record_type,
        ttl=60,
        records=[option.resource_record_value],
        allow_overwrite=True,
    )
    aws.Route53Record(stack, "domain", zone_id="Z0123456789ABC", name=option.domain_name, type="TXT", ttl=60, records=["x"])
    validation = aws.AcmCertificateValidation(
        stack, "validated", certificate_arn=cert.arn, validation_record_fqdns=[record.fqdn], provider=east
    )
    oac = aws.CloudfrontOriginAccessControl(
        stack,
        "oac",
        name="mta-sts-example-gov",
        description="d",
        origin_access_control_origin_type="s3",
        signing_behavior="always",
        signing_protocol="sigv4",
    )
    cache = aws.DataAwsCloudfrontCachePolicy(stack, "cache", name="Managed-CachingDisabled")
    headers = aws.DataAwsCloudfrontResponseHeadersPolicy(stack, "headers", name="Managed-SecurityHeadersPolicy")
    aws.DataAwsCloudfrontCachePolicy(stack, "cache-by-id", id="4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
    aws.DataAwsCloudfrontResponseHeadersPolicy(stack, "headers-by-id", id="67f7725c-6f97-4210-82d7-5512b31e9d03")
    distribution = aws.CloudfrontDistribution(
        stack,
        "distribution",
        enabled=True,
        aliases=["mta-sts.example.gov"],
        comment="c",
        default_root_object="index.txt",
        http_version="http2and3",
        is_ipv6_enabled=True,
        price_class="PriceClass_100",
        web_acl_id="arn:aws:wafv2:us-east-1:1:global/webacl/x/y",
        origin=[
            aws.CloudfrontOrigin(
                domain_name="b.s3.us-east-1.amazonaws.com", origin_id="o", origin_access_control_id=oac.id, origin_path="/p"
            )
        ],
        default_cache_behavior={
            "target_origin_id": "o",
            "viewer_protocol_policy": "https-only",
            "allowed_methods": ["GET", "HEAD"],
            "cached_methods": ["GET", "HEAD"],
            "cache_policy_id": cache.id,
            "response_headers_policy_id": headers.id,
            "compress": True,
        },
        restrictions={"geo_restriction": {"restriction_type": "whitelist", "locations": ["US", "CA"]}},
        viewer_certificate={
            "acm_certificate_arn": validation.certificate_arn,
            "ssl_support_method": "sni-only",
            "minimum_protocol_version": "TLSv1.2_2021",
        },
        logging_config={"bucket": "logs.s3.amazonaws.com", "include_cookies": False, "prefix": "cf/"},
    )
    aws.Route53Record(
        stack,
        "alias",
        zone_id="Z0123456789ABC",
        name="mta-sts.example.gov",
        type="AAAA",
        alias={"name": distribution.domain_name, "zone_id": distribution.hosted_zone_id, "evaluate_target_health": False},
    )
    aws.Route53Record(stack, "arn", zone_id="Z0123456789ABC", name="x.example.gov", type="TXT", ttl=60, records=[distribution.arn])


def case_ses_mail_from(stack, aws):
    _, west = providers(stack, aws)
    identity = aws.SesDomainIdentity(stack, "identity", domain="example.gov", provider=west)
    mx = aws.Route53Record(
        stack,
        "mx",
        zone_id="Z0123456789ABC",
        name="bounce-us-west-2.example.gov",
        type="MX",
        ttl=600,
        records=["10 feedback-smtp.us-west-2.amazonses.com"],
    )
    mail_from = aws.SesDomainMailFrom(
        stack,
        "mail-from",
        domain=identity.domain,
        mail_from_domain="bounce-us-west-2.example.gov",
        behavior_on_mx_failure="UseDefaultValue",
        provider=west,
        depends_on=[mx],
    )
    aws.SesDomainMailFrom(stack, "bare", domain="example.org", mail_from_domain="m.example.org")
    aws.Route53Record(
        stack,
        "txt",
        zone_id="Z0123456789ABC",
        name=mail_from.mail_from_domain,
        type="TXT",
        ttl=600,
        records=["v=spf1 include:amazonses.com -all"],
    )


def case_dnssec(stack, aws):
    providers(stack, aws)
    east = aws.AwsProvider(stack, "aws-east", region="us-east-1", alias="us-east-1")
    account = aws.DataAwsCallerIdentity(stack, "account", provider=east)
    aws.DataAwsCallerIdentity(stack, "default-account")
    key = aws.KmsKey(
        stack,
        "key",
        description="DNSSEC example.gov",
        customer_master_key_spec="ECC_NIST_P256",
        key_usage="SIGN_VERIFY",
        policy='{"Statement": [{"Condition": {"StringEquals": {"aws:SourceAccount": "' + account.account_id + '"}}}]}',
        deletion_window_in_days=30,
        enable_key_rotation=False,
        is_enabled=True,
        tags={"app": "maildns"},
        provider=east,
        lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
    )
    aws.KmsKey(stack, "bare-key")
    ksk = aws.Route53KeySigningKey(
        stack,
        "ksk",
        hosted_zone_id="Z0123456789ABC",
        key_management_service_arn=key.arn,
        name="maildns",
        status="ACTIVE",
        depends_on=[key],
    )
    aws.Route53KeySigningKey(stack, "ksk-default", hosted_zone_id="Z0123456789ABC", key_management_service_arn=key.key_id, name="k2")
    aws.Route53HostedZoneDnssec(stack, "signing", hosted_zone_id=ksk.hosted_zone_id, signing_status="SIGNING", depends_on=[ksk])
    aws.Route53HostedZoneDnssec(stack, "default-signing", hosted_zone_id="Z0123456789ABD")
    aws.Route53Record(
        stack, "ds", zone_id="Z0123456789ABE", name="example.gov", type="DS", ttl=3600, records=[ksk.ds_record, ksk.dnskey_record]
    )
    aws.Route53Record(
        stack, "tag", zone_id="Z0123456789ABE", name="t.example.gov", type="TXT", ttl=3600, records=[Fn.tostring(ksk.key_tag)]
    )
    alarm = aws.CloudwatchMetricAlarm(
        stack,
        "alarm",
        alarm_name="example.gov DNSSECInternalFailure",
        alarm_description="d",
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        namespace="AWS/Route53",
        metric_name="DNSSECInternalFailure",
        dimensions={"HostedZoneId": "Z0123456789ABC"},
        statistic="Maximum",
        period=300,
        threshold=0,
        treat_missing_data="notBreaching",
        actions_enabled=True,
        alarm_actions=["arn:aws:sns:us-east-1:123456789012:dns"],
        ok_actions=["arn:aws:sns:us-east-1:123456789012:dns"],
        provider=east,
    )
    aws.CloudwatchMetricAlarm(
        stack, "bare-alarm", alarm_name="b", comparison_operator="LessThanThreshold", evaluation_periods=2, threshold=0.5
    )
    aws.Route53Record(stack, "alarm-arn", zone_id="Z0123456789ABE", name="a.example.gov", type="TXT", ttl=60, records=[alarm.arn])


CASES: dict[str, Callable] = {
    "route53": case_route53,
    "ses": case_ses,
    "existing ses identity": case_existing_ses_identity,
    "s3": case_s3,
    "cloudfront and acm": case_cloudfront_and_acm,
    "ses mail from": case_ses_mail_from,
    "dnssec, kms and alarms": case_dnssec,
}


def synth_file(build: Callable, aws: SimpleNamespace) -> str:
    app = CdktfTesting.app()
    stack = TerraformStack(app, "conformance")
    build(stack, aws)
    outdir = Path(CdktfTesting.full_synth(stack))
    return (outdir / "stacks" / "conformance" / "cdk.tf.json").read_text()


def test_every_class_is_covered():
    covered = set(PREBUILT)
    ours = {
        name
        for module in MODULES
        for name, value in vars(module).items()
        if (isinstance(value, type) and getattr(value, "TYPE", None)) or name == "AwsProvider"
    }
    assert ours <= covered, f"classes without a conformance case: {sorted(ours - covered)}"


@pytest.mark.parametrize("case", sorted(CASES))
def test_synthesized_json_is_byte_identical(case, prebuilt):
    ours = synth_file(CASES[case], OURS)
    reference = synth_file(CASES[case], prebuilt)
    assert ours == reference
