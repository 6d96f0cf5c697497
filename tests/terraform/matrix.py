"""The stacks Terraform checks: the shipped config/ and configs that together take every option.

Each group is one app (``build_app``), so configs that publish records for each other (DMARC
report authorisations, RFC 7489 7.1) are synthesized together as ``maildns synth`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from maildns.config import Config, load_configs, parse_config
from maildns.stacks import build_app
from tests.config.samples import ED25519, RSA_1024, RSA_2048
from tests.fixtures import CONFIG

ROOT = Path(__file__).resolve().parents[2]


def _config(name: str, data: dict[str, Any]) -> Config:
    return parse_config(data, f"tests/terraform/{name}.yaml")


def options() -> tuple[Config, ...]:
    """Three domains that between them set every option a config has."""
    hub = _config(
        "agency.gov",
        {
            # zone looked up by name, S3 state locked by DynamoDB, SES without Easy DKIM in two
            # regions (verification by _amazonses TXT), MTA-STS enforce in the default bucket.
            "domain": "agency.gov",
            "zone": "agency.gov",
            "region": "us-gov-west-1",
            "ttl": 900,
            "ttl_overrides": {"mx": 300, "spf": 600, "dkim": 1200, "ses_dkim": 1800, "dmarc": 86400, "tls_rpt": 7200, "mta_sts": 60},
            "mx": [{"host": "mx1.agency.gov", "preference": 10}, {"host": "mx2.agency.gov", "preference": 20}],
            "spf": {"terms": ["ip4:192.0.2.0/24", "ip6:2001:db8::/32", "include:amazonses.com"], "all": "fail"},
            "apex_txt": ["google-site-verification=abc123"],
            "dkim": [{"selector": "s2048", "public_key": RSA_2048, "hash_algorithms": ["sha256"]}],
            "ses": {"regions": ["us-gov-west-1", "us-east-1"], "easy_dkim": False},
            "dmarc": {
                "p": "quarantine",
                "sp": "reject",
                "pct": 50,
                "adkim": "s",
                "aspf": "s",
                "fo": "d:s",
                "rf": "afrf",
                "ri": 86400,
                "rua": ["mailto:dmarc@agency.gov!10m"],
                "ruf": ["mailto:forensics@agency.gov"],
            },
            "tls_rpt": {"rua": ["https://reports.agency.gov/tlsrpt", "mailto:tlsrpt@agency.gov"]},
            "mta_sts": {"mode": "enforce", "max_age": 86400},
            "backend": {
                "bucket": "agency-tf-state",
                "region": "us-gov-west-1",
                "key": "dns/agency.gov.tfstate",
                "use_lockfile": False,
                "dynamodb_table": "tf-locks",
            },
            # the _amazonses TXT and the report authorisations of the domains that report here
            "adopt": ["ses_verification", "dmarc_report_auth:example.gov", "dmarc_report_auth:mail.example.org"],
        },
    )
    example = _config(
        "example.gov",
        {
            # zone by id, S3 state with a lock file, SES Easy DKIM, MTA-STS testing with only its own
            # patterns and a named bucket, an ed25519 and a testing RSA key, reports sent to the hub.
            "domain": "example.gov",
            "zone_id": "Z0123456789ABCDEFGHIJ",
            "mx": [{"host": "mx1.mail.example.net", "preference": 10}, {"host": "mx2.mail.example.net", "preference": 20}],
            "spf": {"terms": ["include:_spf.google.com"], "all": "softfail"},
            "dkim": [
                {"selector": "ed", "key_type": "ed25519", "public_key": ED25519},
                {"selector": "legacy.rsa", "public_key": RSA_1024, "testing": True},
            ],
            "ses": {"regions": ["us-west-2"]},
            "dmarc": {"p": "none", "rua": ["mailto:dmarc@agency.gov", "mailto:reports@dmarc.cyber.dhs.gov"]},
            "tls_rpt": {"rua": ["mailto:tlsrpt@agency.gov"]},
            "mta_sts": {"mode": "testing", "include_mx": False, "patterns": ["*.mail.example.net"], "bucket": "example-gov-policy"},
            "backend": {"bucket": "tf-state-example", "region": "us-gov-west-1"},
        },
    )
    withdrawn = _config(
        "mail.example.org",
        {
            # a subdomain in its parent's zone that receives no mail (null MX) and withdraws its policy
            "domain": "mail.example.org",
            "zone": "example.org",
            "mx": [{"host": ".", "preference": 0}],
            "dmarc": {"rua": ["mailto:dmarc@agency.gov"]},
            "mta_sts": {"mode": "none"},
        },
    )
    return hub, example, withdrawn


def features() -> tuple[Config, ...]:
    """A signed parent that publishes its signed child's DS, BIMI and SES custom MAIL FROM, and a parked domain."""
    parent = _config(
        "brand.gov",
        {
            "domain": "brand.gov",
            "zone": "brand.gov",
            "mx": [{"host": "mx.brand.gov", "preference": 10}],
            "ses": {"regions": ["us-west-2", "us-east-1"], "mail_from": "bounce"},
            "dmarc": {"p": "reject"},
            "bimi": {"logo": "https://brand.gov/brand/logo.svg", "authority": "https://brand.gov/brand/vmc.pem"},
            "dnssec": {"signing": True, "alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:dnssec-alarms"},
            # BIMI, the MAIL FROM MX and TXT, and the child's DS in this zone, all live already
            "adopt": ["bimi:default", "mail_from_mx:us-west-2", "mail_from_spf:us-east-1", "ds:mail.brand.gov"],
        },
    )
    child = _config(
        "mail.brand.gov",
        {
            "domain": "mail.brand.gov",
            "zone": "mail.brand.gov",
            "mx": [{"host": "mx.brand.gov", "preference": 10}],
            "dnssec": {"signing": True, "publish_ds": True},
        },
    )
    # a parked domain whose *._domainkey revocation is live already
    parked = _config("parked.brand.gov", {"domain": "parked.brand.gov", "zone": "brand.gov", "mail": "none", "adopt": ["dkim:*"]})
    return parent, child, parked


def providers() -> tuple[Config, ...]:
    """A Microsoft 365 domain (preset, two DKIM CNAMEs, DMARC and TLS-RPT delegated to a vendor,
    SES beside it, adopted CNAMEs) and a Google Workspace one on the legacy MX set."""
    microsoft = _config(
        "m365.gov",
        {
            "domain": "m365.gov",
            "provider": {
                "name": "microsoft-365",
                "dkim_targets": [
                    "selector1-m365-gov._domainkey.tenant.onmicrosoft.com",
                    "selector2-m365-gov._domainkey.tenant.onmicrosoft.com",
                ],
            },
            "dmarc": {"cname": "m365-gov._dmarc.vendor.example"},
            "tls_rpt": {"cname": "m365-gov._smtp._tls.vendor.example"},
            "ses": {"regions": ["us-east-1"]},
            "mta_sts": {"mode": "enforce"},
            "adopt": ["mx", "dkim:selector1", "dkim:selector2", "dmarc"],
        },
    )
    google = _config(
        "workspace.gov",
        {
            "domain": "workspace.gov",
            "provider": {"name": "google-workspace", "legacy_mx": True, "dkim_key": RSA_2048},
            "dkim": [
                {"selector": "google", "public_key": RSA_2048},
                {"selector": "smtpapi", "public_key": RSA_1024, "strict": True, "service_types": ["email"]},
            ],
            "mta_sts": {"mode": "testing"},
        },
    )
    return microsoft, google


def groups() -> dict[str, tuple[Config, ...]]:
    return {
        "shipped": tuple(load_configs([CONFIG])),
        "options": options(),
        "features": features(),
        "providers": providers(),
    }


def synthesize(configs: Sequence[Config], outdir: Path) -> dict[str, Path]:
    """Stack name -> its cdk.tf.json, synthesized the way ``maildns synth`` does."""
    build_app(configs, outdir=str(outdir)).synth()
    found = {path.parent.name: path for path in sorted(outdir.glob("stacks/*/cdk.tf.json"))}
    assert sorted(found) == sorted(c.stack_name for c in configs), f"synthesized {sorted(found)}"
    return found
