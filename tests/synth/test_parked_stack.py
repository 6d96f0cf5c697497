"""A parked domain's stack: the four lockdown record sets and nothing that sends or serves mail."""

from __future__ import annotations

from tests.synth.helpers import config, resources, synth

ZONE_REF = "${data.aws_route53_zone.zone.zone_id}"


def test_parked_stack_holds_only_the_lockdown_records():
    doc = synth(config(mx=[], mail="none", dmarc={"rua": ["mailto:dmarc@example.gov"]}))
    assert resources(doc, "aws_route53_record") == {
        "mx": {"name": "example.gov", "type": "MX", "ttl": 3600, "records": ["0 ."], "zone_id": ZONE_REF},
        "spf": {"name": "example.gov", "type": "TXT", "ttl": 3600, "records": ["v=spf1 -all"], "zone_id": ZONE_REF},
        "dkim_wildcard": {"name": "*._domainkey.example.gov", "type": "TXT", "ttl": 3600, "records": ["v=DKIM1; p="], "zone_id": ZONE_REF},
        "dmarc": {
            "name": "_dmarc.example.gov",
            "type": "TXT",
            "ttl": 3600,
            "records": ["v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@example.gov"],
            "zone_id": ZONE_REF,
        },
    }
    # RFC 7505: no mail flows, so no SES identity and no MTA-STS site or certificate.
    assert set(doc["resource"]) == {"aws_route53_record"}
    assert [p.get("alias") for p in doc["provider"]["aws"]] == [None]
