"""Synth assertions on one domain's stack: records, SES DKIM, zone, providers, backend."""

from __future__ import annotations

import pytest

from maildns.config import load_config
from maildns.records.txt import character_strings
from tests.fixtures import LOGIN_GOV as FIXTURE_LOGIN_GOV
from tests.synth.helpers import config, resource, resources, synth

LOGIN_GOV = load_config(FIXTURE_LOGIN_GOV)
ZONE_REF = "${data.aws_route53_zone.zone.zone_id}"


@pytest.fixture(scope="module")
def login_gov() -> dict:
    return synth(LOGIN_GOV)


@pytest.mark.parametrize(
    ("name", "fqdn", "type_", "values"),
    [
        (
            "mx",
            "login.gov",
            "MX",
            [
                "10 aspmx.l.google.com",
                "20 alt1.aspmx.l.google.com",
                "20 alt2.aspmx.l.google.com",
                "30 aspmx2.googlemail.com",
                "30 aspmx3.googlemail.com",
                "30 aspmx4.googlemail.com",
                "30 aspmx5.googlemail.com",
            ],
        ),
        ("spf", "login.gov", "TXT", ["v=spf1 include:amazonses.com include:_spf.google.com ~all"]),
        (
            "dmarc",
            "_dmarc.login.gov",
            "TXT",
            [
                "v=DMARC1; p=reject; pct=100; fo=1; ri=3600; "
                "rua=mailto:dmarc-reports@login.gov,mailto:reports@dmarc.cyber.dhs.gov; ruf=mailto:dmarc-forensics@login.gov"
            ],
        ),
        ("tls_rpt", "_smtp._tls.login.gov", "TXT", ["v=TLSRPTv1;rua=mailto:tls.reports@gsa.gov,mailto:tls-reports@login.gov"]),
    ],
    ids=["MX by preference", "SPF at the apex", "DMARC at _dmarc", "TLS-RPT at _smtp._tls"],
)
def test_login_gov_publishes_its_records(login_gov, name, fqdn, type_, values):
    assert resource(login_gov, "aws_route53_record", name) == {
        "name": fqdn,
        "type": type_,
        "ttl": 3600,
        "records": values,
        "zone_id": ZONE_REF,
    }


# login.gov's Google Workspace key as published at google._domainkey.login.gov (public data; also
# in 18F/identity-pki terraform/core/prod/main.tf). Any other key would break Google's signatures.
LOGIN_GOV_GOOGLE_KEY = (
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkcuOOdgaWfHIKM1ILlzPOHBPJKLxU9+1+ufIprNdjrD+QQ6/uJtc/tP5s1MUwYU/fld2Y1QwXC5JHdE6"
    "JXP31XwCtvbfIwn/Dr/EaRB3PomOp0SNbTtFMmvuxPF87HidvzDH3cWXcmyjMx6XU1i9O3nBs66Z+8i4gfh/PZdjJs6wcNp9urJjCo23KYzbiNAn7FJjbD4g3Nu"
    "cMvkBXHIsOMLvb7WzIekpxL2bjz6XlDfK1t4VTLv4IqIlLMfhYGwwaWPhgyra7qezYkp6a2XSoLWxPWRbfb1bNmVUJ7vBeB6NdFnr9n/7TqbhDVEo9/XyO1MIsu"
    "NTTZuhurlZqoXx0QIDAQAB"
)


def test_login_gov_publishes_its_real_google_dkim_key(login_gov):
    (element,) = resource(login_gov, "aws_route53_record", "dkim_google")["records"]
    assert "".join(character_strings(element)) == f"v=DKIM1; k=rsa; p={LOGIN_GOV_GOOGLE_KEY}"


def test_dkim_key_is_split_into_strings_of_at_most_255_octets(login_gov):
    """RFC 1035 3.3.14 / RFC 6376 3.6.2.2: a 2048-bit key needs two strings, joined without spaces."""
    record = resource(login_gov, "aws_route53_record", "dkim_google")
    assert record["name"] == "google._domainkey.login.gov"
    (element,) = record["records"]
    strings = character_strings(element)
    assert len(strings) == 2 and all(len(s) <= 255 for s in strings)
    assert "".join(strings) == LOGIN_GOV.dkim[0].text


def test_zone_is_looked_up_by_name(login_gov):
    assert login_gov["data"]["aws_route53_zone"]["zone"]["name"] == "login.gov"


@pytest.fixture(scope="module")
def managed_ses() -> dict:
    return synth(config(ses={"regions": ["us-west-2", "us-east-1"]}))


@pytest.mark.parametrize("region", ["us-west-2", "us-east-1"])
def test_ses_easy_dkim_per_region(managed_ses, region):
    """Each SES region has its own identity and three tokens, each published as a CNAME."""
    key = region.replace("-", "_")
    provider = f"aws.{region}"
    # A destroy of the identity would stop all sending at once: Terraform refuses it.
    assert resource(managed_ses, "aws_ses_domain_identity", f"ses_identity_{key}") == {
        "domain": "example.gov",
        "provider": provider,
        "lifecycle": {"prevent_destroy": True},
    }
    assert resource(managed_ses, "aws_ses_domain_dkim", f"ses_dkim_{key}") == {
        "domain": f"${{aws_ses_domain_identity.ses_identity_{key}.domain}}",
        "provider": provider,
    }
    for index in range(3):
        token = f"${{element(aws_ses_domain_dkim.ses_dkim_{key}.dkim_tokens, {index})}}"
        assert resource(managed_ses, "aws_route53_record", f"ses_dkim_{key}_{index + 1}") == {
            "name": f"{token}._domainkey.example.gov",
            "type": "CNAME",
            "ttl": 3600,
            "records": [f"{token}.dkim.amazonses.com"],
            "zone_id": ZONE_REF,
            # The name exists only once SES issued the token and the value follows from it: an
            # upsert can only write what is there already.
            "allow_overwrite": True,
        }


def test_login_gov_reads_its_ses_identities_and_adopts_its_live_records(login_gov):
    """login.gov's own infrastructure owns its SES identities; its MX, SPF, DMARC and Google DKIM
    record sets exist in the zone, so the first deploy imports them."""
    assert "aws_ses_domain_identity" not in login_gov["resource"]
    assert sorted(login_gov["data"]["aws_sesv2_email_identity"]) == ["ses_identity_us_east_1", "ses_identity_us_west_2"]
    assert login_gov["import"] == [
        {"id": f"{ZONE_REF}_login.gov_MX", "to": "aws_route53_record.mx"},
        {"id": f"{ZONE_REF}_login.gov_TXT", "to": "aws_route53_record.spf"},
        {"id": f"{ZONE_REF}_google._domainkey.login.gov_TXT", "to": "aws_route53_record.dkim_google"},
        {"id": f"{ZONE_REF}__dmarc.login.gov_TXT", "to": "aws_route53_record.dmarc"},
    ]


def test_an_existing_ses_identity_is_read_never_created():
    """``ses.identity: existing``: another owner keeps the identity; this stack reads its tokens."""
    doc = synth(config(ses={"regions": ["us-west-2"], "identity": "existing"}))
    assert "aws_ses_domain_identity" not in doc["resource"] and "aws_ses_domain_dkim" not in doc["resource"]
    data = doc["data"]["aws_sesv2_email_identity"]["ses_identity_us_west_2"]
    assert {k: v for k, v in data.items() if k != "//"} == {"email_identity": "example.gov", "provider": "aws.us-west-2"}
    tokens = "data.aws_sesv2_email_identity.ses_identity_us_west_2.dkim_signing_attributes[0].tokens"
    for index in range(3):
        token = f"${{element({tokens}, {index})}}"
        assert resource(doc, "aws_route53_record", f"ses_dkim_us_west_2_{index + 1}") == {
            "name": f"{token}._domainkey.example.gov",
            "type": "CNAME",
            "ttl": 3600,
            "records": [f"{token}.dkim.amazonses.com"],
            "zone_id": ZONE_REF,
            "allow_overwrite": True,
        }


def test_providers_default_region_and_one_alias_per_pinned_region(login_gov):
    providers = login_gov["provider"]["aws"]
    assert providers[0] == {"region": "us-east-1"}
    assert {p["alias"]: p["region"] for p in providers[1:]} == {"us-west-2": "us-west-2", "us-east-1": "us-east-1"}


def test_local_state_by_default_in_the_project_root(login_gov):
    """Terraform runs in cdktf.out/stacks/<stack>/ and resolves the path from there: three levels
    up is the project root, which `make clean` and the next synth leave alone."""
    assert login_gov["terraform"]["backend"] == {"local": {"path": "../../../terraform.login-gov.tfstate"}}


def test_terraform_and_provider_versions(login_gov):
    """S3 native locking needs Terraform 1.10; the provider is pinned to the registry address and a
    minor-version floor, allowing later 6.x releases."""
    assert login_gov["terraform"]["required_version"] == ">= 1.10"
    assert login_gov["terraform"]["required_providers"] == {"aws": {"source": "hashicorp/aws", "version": "~> 6.25"}}


def test_s3_backend_with_a_key_per_domain_and_locking():
    doc = synth(config(backend={"bucket": "tf-state.example", "region": "us-gov-west-1"}))
    assert doc["terraform"]["backend"] == {
        "s3": {
            "bucket": "tf-state.example",
            "key": "maildns/example.gov.tfstate",
            "region": "us-gov-west-1",
            "encrypt": True,
            "use_lockfile": True,
        }
    }


def test_s3_backend_with_a_dynamodb_lock_table_and_own_key():
    doc = synth(
        config(
            backend={
                "bucket": "tf-state",
                "region": "us-east-1",
                "key": "dns/x.tfstate",
                "use_lockfile": False,
                "dynamodb_table": "tf-locks",
            }
        )
    )
    assert doc["terraform"]["backend"]["s3"] == {
        "bucket": "tf-state",
        "key": "dns/x.tfstate",
        "region": "us-east-1",
        "encrypt": True,
        "dynamodb_table": "tf-locks",
    }


def test_explicit_zone_id_needs_no_lookup():
    doc = synth(config(zone_id="Z0123456789ABCDEFGHIJ"))
    assert "data" not in doc
    assert {r["zone_id"] for r in resources(doc, "aws_route53_record").values()} == {"Z0123456789ABCDEFGHIJ"}


def test_subdomain_in_a_parent_zone():
    doc = synth(config(domain="mail.example.gov", zone="example.gov"))
    assert doc["data"]["aws_route53_zone"]["zone"]["name"] == "example.gov"
    assert resource(doc, "aws_route53_record", "dmarc")["name"] == "_dmarc.mail.example.gov"


def test_ttl_overrides_apply_per_record():
    doc = synth(config(ttl=900, ttl_overrides={"mx": 300, "dmarc": 86400}))
    ttls = {name: r["ttl"] for name, r in resources(doc, "aws_route53_record").items()}
    assert ttls == {"mx": 300, "spf": 900, "dmarc": 86400}


def test_secure_defaults_without_spf_or_dmarc_sections():
    """A domain that says nothing about senders publishes v=spf1 -all and DMARC p=reject."""
    doc = synth(config())
    assert resource(doc, "aws_route53_record", "spf")["records"] == ["v=spf1 -all"]
    assert resource(doc, "aws_route53_record", "dmarc")["records"] == ["v=DMARC1; p=reject"]


def test_apex_txt_shares_the_record_set_with_spf():
    """Route53 holds one TXT set per name, so other apex TXT values live beside SPF."""
    doc = synth(config(apex_txt=["google-site-verification=abc123"]))
    assert resource(doc, "aws_route53_record", "spf")["records"] == ["v=spf1 -all", "google-site-verification=abc123"]


def test_ses_without_easy_dkim_verifies_by_txt():
    """Without DKIM, SES verifies the domain by _amazonses TXT: one set, a token per region."""
    doc = synth(config(ses={"regions": ["us-west-2", "eu-west-1"], "easy_dkim": False}))
    assert list(resources(doc, "aws_ses_domain_identity")) == ["ses_identity_eu_west_1", "ses_identity_us_west_2"]
    assert resource(doc, "aws_route53_record", "ses_verification") == {
        "name": "_amazonses.example.gov",
        "type": "TXT",
        "ttl": 3600,
        "records": [
            "${aws_ses_domain_identity.ses_identity_us_west_2.verification_token}",
            "${aws_ses_domain_identity.ses_identity_eu_west_1.verification_token}",
        ],
        "zone_id": "${data.aws_route53_zone.zone.zone_id}",
    }
    assert "aws_ses_domain_dkim" not in doc["resource"]
    assert not any(name.startswith("ses_dkim") for name in resources(doc, "aws_route53_record"))
