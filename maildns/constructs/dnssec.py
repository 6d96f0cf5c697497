"""Route53 DNSSEC signing of one hosted zone: the KMS key, the key-signing key, signing, alarms and the DS output."""

from __future__ import annotations

import json

from maildns.aws.base import AwsProvider
from maildns.aws.cloudwatch import CloudwatchMetricAlarm
from maildns.aws.kms import KmsKey
from maildns.aws.route53_dnssec import Route53HostedZoneDnssec, Route53KeySigningKey
from maildns.aws.sts import DataAwsCallerIdentity
from maildns.cdk import Construct, TerraformOutput, TerraformResourceLifecycle
from maildns.records.dnssec import KSK_NAME

# Route53 signs with an asymmetric customer-managed KMS key of this spec, in us-east-1 only.
# @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-configuring-dnssec-cmk-requirements.html
KEY_SPEC = "ECC_NIST_P256"
KEY_USAGE = "SIGN_VERIFY"
# The longest KMS allows: a key deleted by mistake can be restored for 30 days, and without it
# the KSK goes to ACTION_NEEDED and the zone stops resolving for validating resolvers.
DELETION_WINDOW_DAYS = 30
DNSSEC_SERVICE = "dnssec-route53.amazonaws.com"
# The key is in us-east-1, so in the aws partition, where hosted-zone ARNs have no region or account.
HOSTED_ZONE_ARN = "arn:aws:route53:::hostedzone/{zone_id}"
# The two metrics AWS says to alarm on: a failure that stops signing, and a KSK that lost its key.
# Both are published in us-east-1 under AWS/Route53 per hosted zone.
# @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-hosted-zones-with-cloudwatch.html
ALARMS = {
    "internal-failure": ("DNSSECInternalFailure", "an object of the zone is in INTERNAL_FAILURE: Route53 cannot sign"),
    "ksk-needing-action": ("DNSSECKeySigningKeysNeedingAction", "a key-signing key is ACTION_NEEDED: Route53 lost access to its KMS key"),
}
DS_OUTPUT = "dnssec_ds_record"  # the stack output a parent's stack reads the DS value from
ALARM_PERIOD = 300  # seconds; the metrics have one-minute granularity


def key_policy(account_id: str, zone_id: str) -> str:
    """The key policy Route53's DNSSEC service needs, scoped to this account and this hosted zone.

    The account keeps full control of its key through IAM (without that statement nobody could
    change the policy again); the service may describe, read the public key and sign only on behalf
    of this account's zone (``aws:SourceAccount``, ``aws:SourceArn``: the confused-deputy guard), and
    create grants only for AWS resources.

    @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-managing-permissions.html#KMS-key-policy-for-DNSSEC
    @see https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    """
    service = {"Service": DNSSEC_SERVICE}
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountManagesTheKey",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "Route53DnssecSigns",
                "Effect": "Allow",
                "Principal": service,
                "Action": ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": HOSTED_ZONE_ARN.format(zone_id=zone_id)},
                },
            },
            {
                "Sid": "Route53DnssecCreatesGrants",
                "Effect": "Allow",
                "Principal": service,
                "Action": "kms:CreateGrant",
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": True}},
            },
        ],
    }
    return json.dumps(document, sort_keys=True)


class DnssecSigning(Construct):
    """Signs the hosted zone ``zone_id`` of ``domain``: a KMS key (in the region of ``key_provider``,
    which must be us-east-1), an ACTIVE key-signing key made from it, then signing on.

    The key is never destroyed by a plan (``prevent_destroy``): replacing it would leave the DS
    record at the parent pointing at a key that signs nothing, and the zone would stop resolving.
    ``ds_record`` is the value the parent zone publishes, also a stack output.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        domain: str,
        zone_id: str,
        key_provider: AwsProvider,
        alarm_topic_arn: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.account = DataAwsCallerIdentity(self, "account", provider=key_provider)
        self.account.override_logical_id("dnssec_account")
        self.key = KmsKey(
            self,
            "key",
            description=f"DNSSEC key-signing key of {domain} (Route53)",
            customer_master_key_spec=KEY_SPEC,
            key_usage=KEY_USAGE,
            policy=key_policy(self.account.account_id, zone_id),
            deletion_window_in_days=DELETION_WINDOW_DAYS,
            provider=key_provider,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        self.key.override_logical_id("dnssec")
        # The KSK names the key's ARN, so Terraform creates it after the key (and its policy).
        self.key_signing_key = Route53KeySigningKey(
            self,
            "key-signing-key",
            hosted_zone_id=zone_id,
            key_management_service_arn=self.key.arn,
            name=KSK_NAME,
            status="ACTIVE",
        )
        self.key_signing_key.override_logical_id("dnssec")
        # Signing needs an active KSK (Route53 EnableHostedZoneDNSSEC); on destroy, signing stops first.
        self.signing = Route53HostedZoneDnssec(
            self,
            "signing",
            hosted_zone_id=self.key_signing_key.hosted_zone_id,
            signing_status="SIGNING",
            depends_on=[self.key_signing_key],
        )
        self.signing.override_logical_id("dnssec")
        self.ds_record = self.key_signing_key.ds_record
        output = TerraformOutput(
            self, "ds-record", value=self.ds_record, description=f"DS record the parent zone of {domain} publishes at {domain}"
        )
        output.override_logical_id(DS_OUTPUT)
        actions = [alarm_topic_arn] if alarm_topic_arn is not None else None
        self.alarms = []
        for name, (metric, meaning) in ALARMS.items():
            alarm = CloudwatchMetricAlarm(
                self,
                f"alarm-{name}",
                alarm_name=f"{domain} {metric}",
                alarm_description=f"DNSSEC of {domain}: {meaning}",
                namespace="AWS/Route53",
                metric_name=metric,
                dimensions={"HostedZoneId": zone_id},
                statistic="Maximum",
                period=ALARM_PERIOD,
                evaluation_periods=1,
                comparison_operator="GreaterThanThreshold",
                threshold=0,
                # No data means nothing is failing (the metrics report problems, not health).
                treat_missing_data="notBreaching",
                alarm_actions=actions,
                ok_actions=actions,
                provider=key_provider,
            )
            alarm.override_logical_id(f"dnssec_{name.replace('-', '_')}")
            self.alarms.append(alarm)
