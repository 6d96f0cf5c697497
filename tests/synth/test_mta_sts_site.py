"""Synth assertions on the MTA-STS site: private bucket, OAC, TLS, us-east-1 certificate, and the
policy object whose bytes hash to the id published in DNS."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from maildns.config import load_config
from maildns.records.txt import character_strings
from tests.fixtures import LOGIN_GOV as FIXTURE_LOGIN_GOV
from tests.synth.helpers import (
    config,
    resource,
    resources,
    synth,
    without_metadata,
)

LOGIN_GOV = load_config(FIXTURE_LOGIN_GOV)
NAME = "mta_sts"


@pytest.fixture(scope="module")
def login_gov() -> dict:
    return synth(LOGIN_GOV)


def published_id(doc: dict) -> str:
    """The id in the ``_mta-sts`` TXT of the synthesized JSON, read the way resolvers will."""
    txt = resource(doc, "aws_route53_record", NAME)
    assert txt["name"] == "_mta-sts.login.gov" and txt["type"] == "TXT"
    (element,) = txt["records"]
    match = re.fullmatch(r"v=STSv1; id=([A-Za-z0-9]{1,32})", "".join(character_strings(element)))
    assert match, element
    return match[1]


def test_the_served_bytes_hash_to_the_published_id(login_gov):
    """RFC 8461 3.1: the id changes with the policy. Both sides come from the JSON Terraform applies:
    the S3 object's content and the TXT record, not from the Python objects that made them."""
    content = resource(login_gov, "aws_s3_object", "mta_sts_policy")["content"].encode("ascii")
    assert hashlib.sha256(content).hexdigest()[:32] == published_id(login_gov)


def test_policy_object_is_text_plain_at_the_well_known_path_with_crlf(login_gov):
    """RFC 8461 3.2: ``/.well-known/mta-sts.txt``, ``text/plain``, CRLF line ends."""
    obj = resource(login_gov, "aws_s3_object", "mta_sts_policy")
    assert obj["key"] == ".well-known/mta-sts.txt"
    assert obj["content_type"] == "text/plain"
    assert obj["cache_control"] == "max-age=300"
    assert obj["bucket"] == "${aws_s3_bucket.mta_sts.id}"
    lines = obj["content"].split("\r\n")
    assert lines[:2] == ["version: STSv1", "mode: enforce"] and lines[-2:] == ["max_age: 604800", ""]
    assert "\n" not in "".join(lines)
    assert [line for line in lines if line.startswith("mx: ")] == [f"mx: {h}" for h in sorted(m.host for m in LOGIN_GOV.mx)]


def test_bucket_is_private_owner_enforced_encrypted_and_versioned(login_gov):
    assert resource(login_gov, "aws_s3_bucket", NAME) == {"bucket_prefix": "mta-sts-login-gov-"}
    bucket = "${aws_s3_bucket.mta_sts.id}"
    assert resource(login_gov, "aws_s3_bucket_public_access_block", NAME) == {
        "bucket": bucket,
        "block_public_acls": True,
        "block_public_policy": True,
        "ignore_public_acls": True,
        "restrict_public_buckets": True,
    }
    assert resource(login_gov, "aws_s3_bucket_ownership_controls", NAME) == {
        "bucket": bucket,
        "rule": {"object_ownership": "BucketOwnerEnforced"},
    }
    assert resource(login_gov, "aws_s3_bucket_server_side_encryption_configuration", NAME)["rule"] == [
        {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
    ]
    assert resource(login_gov, "aws_s3_bucket_versioning", NAME)["versioning_configuration"] == {"status": "Enabled"}


def test_only_the_distribution_may_read_and_only_over_tls(login_gov):
    """OAC: the CloudFront service principal, limited by ``AWS:SourceArn`` to this distribution."""
    policy = json.loads(resource(login_gov, "aws_s3_bucket_policy", NAME)["policy"])
    allow, deny = policy["Statement"]
    assert allow == {
        "Sid": "CloudFrontReadsThePolicy",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": "${aws_s3_bucket.mta_sts.arn}/.well-known/mta-sts.txt",
        "Condition": {"StringEquals": {"AWS:SourceArn": "${aws_cloudfront_distribution.mta_sts.arn}"}},
    }
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_cloudfront_uses_origin_access_control_not_an_identity(login_gov):
    assert resource(login_gov, "aws_cloudfront_origin_access_control", NAME) == {
        "name": "mta-sts-login-gov",
        "description": "MTA-STS policy of login.gov",
        "origin_access_control_origin_type": "s3",
        "signing_behavior": "always",
        "signing_protocol": "sigv4",
    }
    (origin,) = resource(login_gov, "aws_cloudfront_distribution", NAME)["origin"]
    assert origin == {
        "domain_name": "${aws_s3_bucket.mta_sts.bucket_regional_domain_name}",
        "origin_id": "mta-sts-policy",
        "origin_access_control_id": "${aws_cloudfront_origin_access_control.mta_sts.id}",
    }
    assert "aws_cloudfront_origin_access_identity" not in login_gov["resource"]


def test_cloudfront_serves_https_only_tls12_sni_get_and_head(login_gov):
    """RFC 8461 3.3: HTTPS with a certificate valid for mta-sts.<domain>; no redirects are followed."""
    distribution = resource(login_gov, "aws_cloudfront_distribution", NAME)
    assert distribution["aliases"] == ["mta-sts.login.gov"]
    assert distribution["enabled"] is True and distribution["is_ipv6_enabled"] is True
    assert distribution["viewer_certificate"] == {
        "acm_certificate_arn": "${aws_acm_certificate_validation.mta_sts.certificate_arn}",
        "minimum_protocol_version": "TLSv1.2_2021",
        "ssl_support_method": "sni-only",
    }
    behavior = distribution["default_cache_behavior"]
    assert behavior["viewer_protocol_policy"] in ("https-only", "redirect-to-https")
    assert behavior["allowed_methods"] == behavior["cached_methods"] == ["GET", "HEAD"]


def test_managed_cloudfront_policies_are_looked_up_by_name(login_gov):
    """CachingDisabled (every fetch reads the current object, RFC 8461 3.3) and SecurityHeadersPolicy,
    found by their AWS-managed names rather than ids copied into the code."""
    behavior = resource(login_gov, "aws_cloudfront_distribution", NAME)["default_cache_behavior"]
    assert behavior["cache_policy_id"] == "${data.aws_cloudfront_cache_policy.mta_sts.id}"
    assert behavior["response_headers_policy_id"] == "${data.aws_cloudfront_response_headers_policy.mta_sts.id}"
    data = login_gov["data"]
    assert without_metadata(data["aws_cloudfront_cache_policy"][NAME]) == {"name": "Managed-CachingDisabled"}
    assert without_metadata(data["aws_cloudfront_response_headers_policy"][NAME]) == {"name": "Managed-SecurityHeadersPolicy"}


def test_the_policy_object_is_written_after_versioning_is_enabled(login_gov):
    """S3 asks for writes to wait until versioning, once first enabled, has taken effect."""
    assert resource(login_gov, "aws_s3_object", "mta_sts_policy")["depends_on"] == ["aws_s3_bucket_versioning.mta_sts"]


def test_certificate_is_issued_in_us_east_1_and_validated_through_dns(login_gov):
    """CloudFront only takes ACM certificates from us-east-1."""
    providers = {p.get("alias"): p["region"] for p in login_gov["provider"]["aws"]}
    assert providers["us-east-1"] == "us-east-1"
    assert resource(login_gov, "aws_acm_certificate", NAME) == {
        "domain_name": "mta-sts.login.gov",
        "validation_method": "DNS",
        "provider": "aws.us-east-1",
        "lifecycle": {"create_before_destroy": True},
    }
    option = "tolist(aws_acm_certificate.mta_sts.domain_validation_options).0"
    assert resource(login_gov, "aws_route53_record", "mta_sts_certificate_validation") == {
        "zone_id": "${data.aws_route53_zone.zone.zone_id}",
        "name": f"${{{option}.resource_record_name}}",
        "type": f"${{{option}.resource_record_type}}",
        "records": [f"${{{option}.resource_record_value}}"],
        "ttl": 3600,
        "allow_overwrite": True,
    }
    assert resource(login_gov, "aws_acm_certificate_validation", NAME) == {
        "certificate_arn": "${aws_acm_certificate.mta_sts.arn}",
        "validation_record_fqdns": ["${aws_route53_record.mta_sts_certificate_validation.fqdn}"],
        "provider": "aws.us-east-1",
    }


@pytest.mark.parametrize("type_", ["A", "AAAA"])
def test_policy_host_is_an_alias_to_the_distribution(login_gov, type_):
    assert resource(login_gov, "aws_route53_record", f"mta_sts_{type_.lower()}") == {
        "zone_id": "${data.aws_route53_zone.zone.zone_id}",
        "name": "mta-sts.login.gov",
        "type": type_,
        "alias": {
            "name": "${aws_cloudfront_distribution.mta_sts.domain_name}",
            "zone_id": "Z2FDTNDATAQYW2",
            "evaluate_target_health": False,
        },
    }


def test_the_id_is_published_only_after_the_policy_is_served(login_gov):
    """A sender that sees a new id fetches the policy at once and keeps it for max_age (RFC 8461 3.3);
    the policy host must resolve by then, or the sender caches the negative answer."""
    assert set(resource(login_gov, "aws_route53_record", NAME)["depends_on"]) == {
        "aws_s3_object.mta_sts_policy",
        "aws_s3_bucket_policy.mta_sts",
        "aws_cloudfront_distribution.mta_sts",
        "aws_route53_record.mta_sts_a",
        "aws_route53_record.mta_sts_aaaa",
    }


def test_mode_none_is_still_served_with_a_new_id():
    """RFC 8461 8.3: a policy is withdrawn by serving mode none under a new id until caches expire."""
    enforce = synth(config(mta_sts={"mode": "enforce"}))
    withdrawn = synth(config(mta_sts={"mode": "none", "max_age": 86400}))
    content = resource(withdrawn, "aws_s3_object", "mta_sts_policy")["content"]
    assert "mode: none\r\n" in content

    def txt(doc):
        return resource(doc, "aws_route53_record", NAME)["records"]

    assert txt(withdrawn) != txt(enforce)
    assert txt(withdrawn) == [f"v=STSv1; id={hashlib.sha256(content.encode('ascii')).hexdigest()[:32]}"]


def test_configured_bucket_and_ttl():
    doc = synth(config(mta_sts={"bucket": "policy-bucket-1"}, ttl_overrides={"mta_sts": 300}))
    assert resource(doc, "aws_s3_bucket", NAME) == {"bucket": "policy-bucket-1"}
    assert resource(doc, "aws_route53_record", NAME)["ttl"] == 300
    # The origin access control is named after the domain either way (unique in the account).
    assert resource(doc, "aws_cloudfront_origin_access_control", NAME)["name"] == "mta-sts-example-gov"


def test_default_bucket_gets_a_unique_name_from_terraform():
    """S3 bucket names are global: a guessable default could already be taken, so Terraform
    completes a prefix with a unique suffix (at most 37 characters of prefix)."""
    doc = synth(config(domain="a-very-long-agency-domain-name.example.gov", mx=[{"host": "mx.example.net", "preference": 10}], mta_sts={}))
    assert resource(doc, "aws_s3_bucket", NAME) == {"bucket_prefix": "mta-sts-a-very-long-agency-domain-na-"}


def test_no_mta_sts_section_no_site():
    doc = synth(config())
    assert not any(t.startswith(("aws_s3", "aws_cloudfront", "aws_acm")) for t in doc["resource"])
    assert NAME not in resources(doc, "aws_route53_record")
