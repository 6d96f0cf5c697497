"""Adopted record sets: one Terraform import block each, with the id the AWS provider parses back
to the same zone, name and type (terraform-provider-aws route53 record.go, recordParseResourceID)."""

from __future__ import annotations

import pytest

from maildns.aws.route53 import import_id
from tests.config.samples import ED25519
from tests.synth.helpers import config, resource, synth

ZONE = "${data.aws_route53_zone.zone.zone_id}"
# The record types the provider recognises when it splits an import id (Route53 RRType).
RR_TYPES = {"SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"}

EVERYTHING = {
    "dkim": [{"selector": "google", "key_type": "ed25519", "public_key": ED25519}],
    "tls_rpt": {"rua": ["mailto:tls@example.gov"]},
    "mta_sts": {"mode": "testing"},
    "adopt": ["mx", "spf", "dmarc", "tls_rpt", "mta_sts", "mta_sts_a", "mta_sts_aaaa", "dkim:google"],
}


def parse_import_id(value: str) -> tuple[str, str, str]:
    """The provider's reading of an id: split at ``_``, the first part after the zone that is a
    record type is the type, and the parts before it joined by ``_`` are the name."""
    parts = value.split("_")
    index = next(i for i, part in enumerate(parts[1:], 1) if part in RR_TYPES)
    return parts[0], "_".join(parts[1:index]), parts[index]


@pytest.fixture(scope="module")
def adopted() -> dict:
    return synth(config(**EVERYTHING))


@pytest.mark.parametrize(
    ("name", "fqdn", "type_"),
    [
        ("mx", "example.gov", "MX"),
        ("spf", "example.gov", "TXT"),
        ("dkim_google", "google._domainkey.example.gov", "TXT"),
        ("dmarc", "_dmarc.example.gov", "TXT"),
        ("tls_rpt", "_smtp._tls.example.gov", "TXT"),
        ("mta_sts", "_mta-sts.example.gov", "TXT"),
        ("mta_sts_a", "mta-sts.example.gov", "A"),
        ("mta_sts_aaaa", "mta-sts.example.gov", "AAAA"),
    ],
)
def test_one_import_block_per_adopted_set(adopted, name, fqdn, type_):
    blocks = [b for b in adopted["import"] if b["to"] == f"aws_route53_record.{name}"]
    assert blocks == [{"id": f"{ZONE}_{fqdn}_{type_}", "to": f"aws_route53_record.{name}"}]
    assert resource(adopted, "aws_route53_record", name)["name"] == fqdn
    assert "allow_overwrite" not in resource(adopted, "aws_route53_record", name)  # imported, never upserted


def test_nothing_else_is_imported(adopted):
    assert len(adopted["import"]) == len(EVERYTHING["adopt"])


@pytest.mark.parametrize(
    "fqdn",
    ["example.gov", "_dmarc.example.gov", "_smtp._tls.example.gov", "_mta-sts.example.gov", "google._domainkey.example.gov"],
)
def test_ids_parse_back_as_the_provider_parses_them(fqdn):
    """Leading underscores give ``__`` in the id; the provider still finds the name whole."""
    assert parse_import_id(import_id("Z0123456789ABCDEFGHIJ", fqdn, "TXT")) == ("Z0123456789ABCDEFGHIJ", fqdn, "TXT")


def test_an_explicit_zone_id_gives_literal_ids():
    doc = synth(config(zone_id="Z0123456789ABCDEFGHIJ", adopt=["mx", "dmarc"]))
    assert doc["import"] == [
        {"id": "Z0123456789ABCDEFGHIJ_example.gov_MX", "to": "aws_route53_record.mx"},
        {"id": "Z0123456789ABCDEFGHIJ__dmarc.example.gov_TXT", "to": "aws_route53_record.dmarc"},
    ]


def test_without_adopt_no_import_blocks():
    assert "import" not in synth(config())
