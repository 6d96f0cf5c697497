"""Records delegated by CNAME in the synthesized stack: a Route53 CNAME record set under the same
stable logical name the TXT had, importable when adopted (terraform-provider-aws route53 record.go)."""

from __future__ import annotations

import pytest

from maildns.config import parse_config
from tests.synth.helpers import resource, resources, synth

ZONE = "${data.aws_route53_zone.zone.zone_id}"
T1 = "selector1-example-gov._domainkey.tenant.onmicrosoft.com"
T2 = "selector2-example-gov._domainkey.tenant.onmicrosoft.com"
VENDOR = "example-gov._dmarc.vendor.example"
TLS_VENDOR = "example-gov._smtp._tls.vendor.example"


@pytest.fixture(scope="module")
def microsoft() -> dict:
    return synth(
        parse_config(
            {
                "domain": "example.gov",
                "provider": {"name": "microsoft-365", "dkim_targets": [T1, T2]},
                "dmarc": {"cname": VENDOR},
                "tls_rpt": {"cname": TLS_VENDOR},
                "adopt": ["dkim:selector1", "dmarc", "tls_rpt"],
            },
            "test.yaml",
        )
    )


@pytest.mark.parametrize(
    ("name", "fqdn", "target"),
    [
        ("dkim_selector1", "selector1._domainkey.example.gov", T1),
        ("dkim_selector2", "selector2._domainkey.example.gov", T2),
        ("dmarc", "_dmarc.example.gov", VENDOR),
        ("tls_rpt", "_smtp._tls.example.gov", TLS_VENDOR),
    ],
)
def test_each_delegated_record_is_a_route53_cname(microsoft, name, fqdn, target):
    """RFC 1034 3.6.2: a CNAME is the only record at its name; Microsoft documents TTL 1 hour, the default ttl."""
    assert resource(microsoft, "aws_route53_record", name) == {
        "zone_id": ZONE,
        "name": fqdn,
        "type": "CNAME",
        "ttl": 3600,
        "records": [target],
    }


def test_the_preset_fills_mx_and_spf(microsoft):
    assert resource(microsoft, "aws_route53_record", "mx")["records"] == ["0 example-gov.mail.protection.outlook.com"]
    assert resource(microsoft, "aws_route53_record", "spf")["records"] == ["v=spf1 include:spf.protection.outlook.com -all"]
    assert "TXT" not in {r["type"] for n, r in resources(microsoft, "aws_route53_record").items() if n.startswith("dkim")}


def test_adopted_cnames_import_as_cnames(microsoft):
    """The import id names the type, so Terraform reads the live CNAME into state (not a TXT)."""
    assert sorted(block["id"].removeprefix(ZONE) for block in microsoft["import"]) == [
        "__dmarc.example.gov_CNAME",
        "__smtp._tls.example.gov_CNAME",
        "_selector1._domainkey.example.gov_CNAME",
    ]
