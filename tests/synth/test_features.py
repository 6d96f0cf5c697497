"""Synth assertions for BIMI, SES custom MAIL FROM and DNSSEC signing, and the DS record across stacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from maildns.config import Config, parse_config
from maildns.constructs.dnssec import key_policy
from maildns.stacks import build_app
from tests.synth.helpers import config, resource, resources, synth, without_metadata

ZONE_REF = "${data.aws_route53_zone.zone.zone_id}"
TOPIC = "arn:aws:sns:us-east-1:123456789012:dns-alarms"
# One config with all three features: what the README's examples describe.
ALL_THREE = {
    "ses": {"regions": ["us-west-2", "us-east-1"], "mail_from": "bounce"},
    "bimi": {"logo": "https://example.gov/brand/logo.svg", "authority": "https://example.gov/brand/vmc.pem"},
    "dnssec": {"signing": True, "alarm_topic_arn": TOPIC},
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return synth(config(**ALL_THREE))


def test_bimi_record_at_the_default_selector(doc):
    """BIMI draft-10 4.3, 4.4: ``default._bimi.<domain>`` TXT, v=BIMI1 first."""
    assert resource(doc, "aws_route53_record", "bimi_default") == {
        "name": "default._bimi.example.gov",
        "type": "TXT",
        "ttl": 3600,
        "records": ["v=BIMI1; l=https://example.gov/brand/logo.svg; a=https://example.gov/brand/vmc.pem"],
        "zone_id": ZONE_REF,
    }


def test_bimi_ttl_override_and_selector():
    doc = synth(config(bimi={"logo": "https://example.gov/l.svg", "selector": "brand"}, ttl_overrides={"bimi": 300}))
    assert resource(doc, "aws_route53_record", "bimi_brand") | {"zone_id": None} == {
        "name": "brand._bimi.example.gov",
        "type": "TXT",
        "ttl": 300,
        "records": ["v=BIMI1; l=https://example.gov/l.svg"],
        "zone_id": None,
    }


@pytest.mark.parametrize("region", ["us-west-2", "us-east-1"])
def test_mail_from_per_region_after_its_records(doc, region):
    """Each region's identity sends from ``bounce-<region>.<domain>``; SES finds the MX first."""
    key = region.replace("-", "_")
    name = f"bounce-{region}.example.gov"
    assert resource(doc, "aws_ses_domain_mail_from", f"ses_mail_from_{key}") == {
        "domain": f"${{aws_ses_domain_identity.ses_identity_{key}.domain}}",
        "mail_from_domain": name,
        "behavior_on_mx_failure": "UseDefaultValue",
        "provider": f"aws.{region}",
        "depends_on": [f"aws_route53_record.ses_mail_from_{key}_mx", f"aws_route53_record.ses_mail_from_{key}_spf"],
    }
    assert resource(doc, "aws_route53_record", f"ses_mail_from_{key}_mx") == {
        "name": name,
        "type": "MX",
        "ttl": 3600,
        "records": [f"10 feedback-smtp.{region}.amazonses.com"],
        "zone_id": ZONE_REF,
    }
    assert resource(doc, "aws_route53_record", f"ses_mail_from_{key}_spf") == {
        "name": name,
        "type": "TXT",
        "ttl": 3600,
        "records": ["v=spf1 include:amazonses.com -all"],
        "zone_id": ZONE_REF,
    }


def test_no_mail_from_without_the_setting():
    doc = synth(config(ses={"regions": ["us-west-2"]}))
    assert "aws_ses_domain_mail_from" not in doc["resource"]
    assert not [n for n in resources(doc, "aws_route53_record") if n.startswith("ses_mail_from")]


def test_kms_key_in_us_east_1_for_signing(doc):
    """Route53 signs only with an ECC_NIST_P256 SIGN_VERIFY customer-managed key in us-east-1, never destroyed by a plan."""
    key = resource(doc, "aws_kms_key", "dnssec")
    policy = json.loads(key.pop("policy"))
    assert key == {
        "customer_master_key_spec": "ECC_NIST_P256",
        "key_usage": "SIGN_VERIFY",
        "deletion_window_in_days": 30,
        "description": "DNSSEC key-signing key of example.gov (Route53)",
        "lifecycle": {"prevent_destroy": True},
        "provider": "aws.us-east-1",
    }
    assert policy == json.loads(key_policy("${data.aws_caller_identity.dnssec_account.account_id}", ZONE_REF))
    assert without_metadata(doc["data"]["aws_caller_identity"]["dnssec_account"]) == {"provider": "aws.us-east-1"}


def test_key_policy_scopes_route53_to_the_account_and_the_zone():
    """AWS: the DNSSEC service may sign only for this account's zone (confused-deputy guard), and grant only to AWS resources."""
    statements = {s["Sid"]: s for s in json.loads(key_policy("123456789012", "Z0123456789ABC"))["Statement"]}
    signs = statements["Route53DnssecSigns"]
    assert signs["Principal"] == {"Service": "dnssec-route53.amazonaws.com"}
    assert signs["Action"] == ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
    assert signs["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"},
        "ArnLike": {"aws:SourceArn": "arn:aws:route53:::hostedzone/Z0123456789ABC"},
    }
    grants = statements["Route53DnssecCreatesGrants"]
    assert (grants["Action"], grants["Condition"]) == ("kms:CreateGrant", {"Bool": {"kms:GrantIsForAWSResource": True}})
    assert statements["AccountManagesTheKey"]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    assert all(s["Effect"] == "Allow" for s in statements.values()) and len(statements) == 3


def test_key_signing_key_then_signing(doc):
    """The KSK is made from the key (a reference orders it after), signing waits for an ACTIVE KSK."""
    assert resource(doc, "aws_route53_key_signing_key", "dnssec") == {
        "hosted_zone_id": ZONE_REF,
        "key_management_service_arn": "${aws_kms_key.dnssec.arn}",
        "name": "maildns",
        "status": "ACTIVE",
    }
    assert resource(doc, "aws_route53_hosted_zone_dnssec", "dnssec") == {
        "hosted_zone_id": "${aws_route53_key_signing_key.dnssec.hosted_zone_id}",
        "signing_status": "SIGNING",
        "depends_on": ["aws_route53_key_signing_key.dnssec"],
    }


def test_ds_record_is_a_stack_output(doc):
    assert doc["output"]["dnssec_ds_record"] == {
        "value": "${aws_route53_key_signing_key.dnssec.ds_record}",
        "description": "DS record the parent zone of example.gov publishes at example.gov",
    }


@pytest.mark.parametrize(
    ("name", "metric"),
    [("dnssec_internal_failure", "DNSSECInternalFailure"), ("dnssec_ksk_needing_action", "DNSSECKeySigningKeysNeedingAction")],
)
def test_alarms_on_the_two_dnssec_metrics(doc, name, metric):
    """Route53 publishes both in us-east-1, per hosted zone; any value above 0 needs action."""
    alarm = resource(doc, "aws_cloudwatch_metric_alarm", name)
    assert alarm.pop("alarm_description").startswith("DNSSEC of example.gov: ")
    assert alarm == {
        "alarm_name": f"example.gov {metric}",
        "namespace": "AWS/Route53",
        "metric_name": metric,
        "dimensions": {"HostedZoneId": ZONE_REF},
        "statistic": "Maximum",
        "period": 300,
        "evaluation_periods": 1,
        "comparison_operator": "GreaterThanThreshold",
        "threshold": 0,
        "treat_missing_data": "notBreaching",
        "alarm_actions": [TOPIC],
        "ok_actions": [TOPIC],
        "provider": "aws.us-east-1",
    }


def test_alarms_without_a_topic_have_no_actions():
    doc = synth(config(dnssec={"signing": True}))
    for alarm in resources(doc, "aws_cloudwatch_metric_alarm").values():
        assert "alarm_actions" not in alarm and "ok_actions" not in alarm


@pytest.mark.parametrize("dnssec", [None, {"signing": False}], ids=["no dnssec section", "signing false"])
def test_no_signing_resources_when_off(dnssec):
    doc = synth(config(dnssec=dnssec) if dnssec else config())
    assert not {"aws_kms_key", "aws_route53_key_signing_key", "aws_route53_hosted_zone_dnssec", "aws_cloudwatch_metric_alarm"} & set(
        doc["resource"]
    )
    assert "output" not in doc


# --- the DS record in the parent's stack

PARENT = {"domain": "example.gov", "mx": [{"host": "mx.example.net", "preference": 10}]}


def child(**dnssec: Any) -> Config:
    return parse_config({"domain": "mail.example.gov", "dnssec": {"signing": True, **dnssec}}, "config/mail.example.gov.yaml")


def stacks(configs: list[Config], tmp_path: Path) -> dict[str, dict[str, Any]]:
    build_app(configs, outdir=str(tmp_path)).synth()
    return {p.parent.name: json.loads(p.read_text()) for p in tmp_path.glob("stacks/*/cdk.tf.json")}


@pytest.mark.parametrize("order", ["parent first", "child first"])
def test_ds_record_published_in_the_parent_stack(tmp_path, order):
    """RFC 4035 2.4: the DS RRset is in the parent zone, at the child's name. Stacks built in either order."""
    parent = parse_config({**PARENT, "ttl_overrides": {"ds": 300}}, "config/example.gov.yaml")
    configs = [parent, child(publish_ds=True)]
    out = stacks(configs if order == "parent first" else configs[::-1], tmp_path)
    assert resource(out["example-gov"], "aws_route53_record", "dnssec_ds_mail_example_gov") == {
        "name": "mail.example.gov",
        "type": "DS",
        "ttl": 300,
        "records": ["${data.terraform_remote_state.dnssec_ds_mail_example_gov.outputs.dnssec_ds_record}"],
        "zone_id": ZONE_REF,
    }
    # Read from the child's local state, in the child's stack folder (paths are relative to the stack's own).
    assert without_metadata(out["example-gov"]["data"]["terraform_remote_state"]["dnssec_ds_mail_example_gov"]) == {
        "backend": "local",
        "config": {"path": "../../../terraform.mail-example-gov.tfstate"},
    }
    assert out["mail-example-gov"]["output"] == {
        "dnssec_ds_record": {
            "value": "${aws_route53_key_signing_key.dnssec.ds_record}",
            "description": "DS record the parent zone of mail.example.gov publishes at mail.example.gov",
        }
    }
    assert not [n for n in resources(out["mail-example-gov"], "aws_route53_record") if n.startswith("dnssec_ds")]
    # cdktf deploys the child's stack before the parent's.
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["stacks"]["example-gov"]["dependencies"] == ["mail-example-gov"]
    assert manifest["stacks"]["mail-example-gov"]["dependencies"] == []


def test_ds_record_read_from_a_child_state_in_s3(tmp_path):
    backend = {"bucket": "tf-state-example", "region": "us-gov-west-1"}
    signed = parse_config(
        {"domain": "mail.example.gov", "dnssec": {"signing": True, "publish_ds": True}, "backend": backend}, "config/mail.example.gov.yaml"
    )
    out = stacks([parse_config(PARENT, "config/example.gov.yaml"), signed], tmp_path)
    assert without_metadata(out["example-gov"]["data"]["terraform_remote_state"]["dnssec_ds_mail_example_gov"]) == {
        "backend": "s3",
        "config": {"bucket": "tf-state-example", "key": "maildns/mail.example.gov.tfstate", "region": "us-gov-west-1"},
    }


def test_ds_record_waits_for_publish_ds(tmp_path):
    """Until publish_ds, the parent publishes nothing: resolvers first need the DNSKEY for its TTL."""
    out = stacks([parse_config(PARENT, "config/example.gov.yaml"), child()], tmp_path)
    assert not [n for n in resources(out["example-gov"], "aws_route53_record") if n.startswith("dnssec_ds")]
    assert "terraform_remote_state" not in out["example-gov"].get("data", {})
    assert "dnssec_ds_record" in out["mail-example-gov"]["output"]


def test_ds_record_in_the_domain_that_is_the_zone(tmp_path):
    """Of several domains in the parent zone, the one that is the zone publishes the DS."""
    sibling = parse_config({"domain": "a.example.gov", "zone": "example.gov"}, "config/a.example.gov.yaml")
    out = stacks([sibling, parse_config(PARENT, "config/example.gov.yaml"), child(publish_ds=True)], tmp_path)
    assert "dnssec_ds_mail_example_gov" in resources(out["example-gov"], "aws_route53_record")
    assert "dnssec_ds_mail_example_gov" not in resources(out["a-example-gov"], "aws_route53_record")


def test_records_list_the_ds_record_as_computed():
    from maildns.plan import plan

    parent_plan, _ = plan([parse_config(PARENT, "config/example.gov.yaml"), child(publish_ds=True)])
    (ds,) = [r for r in parent_plan.all_records if r.type == "DS"]
    assert (ds.name, ds.values, ds.computed) == ("mail.example.gov", ("<ds-record-of-mail.example.gov>",), True)
