"""Terraform state files (format 4) for the tests of ``maildns check --state``."""

from __future__ import annotations

from typing import Any


def login_gov_state() -> dict[str, Any]:
    """A state with every resource ``check`` reads, as the stacks name them (tests/golden/login-gov.json):
    the Easy DKIM tokens in us-east-1, the policy site's distribution and certificate validation
    record, and the tokens of an identity another owner keeps in us-west-2 (``ses.identity: existing``).

    A new dict each call, so a test may change it freely.
    """
    return {
        "version": 4,
        "terraform_version": "1.11.4",
        "resources": [
            {
                "mode": "managed",
                "type": "aws_ses_domain_dkim",
                "name": "ses_dkim_us_east_1",
                "instances": [{"attributes": {"domain": "login.gov", "dkim_tokens": ["t1", "t2", "t3"]}}],
            },
            {
                "mode": "managed",
                "type": "aws_cloudfront_distribution",
                "name": "mta_sts",
                "instances": [{"attributes": {"aliases": ["mta-sts.login.gov"], "domain_name": "d1.cloudfront.net"}}],
            },
            {
                "mode": "managed",
                "type": "aws_acm_certificate",
                "name": "mta_sts",
                "instances": [
                    {
                        "attributes": {
                            "domain_name": "mta-sts.login.gov",
                            "domain_validation_options": [
                                {
                                    "domain_name": "mta-sts.login.gov",
                                    "resource_record_name": "_a.mta-sts.login.gov.",
                                    "resource_record_type": "CNAME",
                                    "resource_record_value": "_b.acm-validations.aws.",
                                }
                            ],
                        }
                    }
                ],
            },
            {
                "mode": "data",
                "type": "aws_sesv2_email_identity",
                "name": "ses_identity_us_west_2",
                "instances": [{"attributes": {"email_identity": "login.gov", "dkim_signing_attributes": [{"tokens": ["w1", "w2", "w3"]}]}}],
            },
        ],
    }
