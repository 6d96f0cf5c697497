"""Records delegated by CNAME (DKIM, DMARC, TLS-RPT), the DKIM t= and s= tags, and the provider presets.

Each row cites the rule: RFC 6376 3.6.1 and 3.6.2.1 for DKIM, RFC 7489 6.1 and RFC 8460 3 for the
records a vendor publishes, and the providers' own documentation for the presets
(maildns/config/providers.py links each page).
"""

from __future__ import annotations

from typing import Any

import pytest

from maildns.config.providers import GOOGLE_LEGACY_MX, GOOGLE_SPF, MICROSOFT_SPF
from maildns.lint import warnings
from maildns.plan import plan_one
from maildns.records.dkim import key_fields, parse_dkim, render_dkim
from tests.config.samples import FILE, RSA_1024, RSA_2048, domain

T1 = "selector1-example-gov._domainkey.tenant.onmicrosoft.com"
T2 = "selector2-example-gov._domainkey.tenant.onmicrosoft.com"
VENDOR = "example-gov._dmarc.vendor.example"
TLS_VENDOR = "example-gov._smtp._tls.vendor.example"
M365 = {"name": "microsoft-365", "dkim_targets": [T1, T2]}


def records(config: Any) -> dict[str, tuple[str, str]]:
    """Record id -> (type, first value) of the rendered records."""
    return {r.id: (r.type, r.values[0]) for r in plan_one(config).records}


ACCEPTED = [
    pytest.param(
        domain(dkim=[{"selector": "selector1", "cname": T1 + "."}]),
        {"dkim-selector1": ("CNAME", T1)},
        id="RFC 6376 3.6.2.1: a selector delegated by CNAME, trailing dot dropped",
    ),
    pytest.param(
        domain(dkim=[{"selector": "s1", "public_key": RSA_2048, "strict": True}]),
        {"dkim-s1": ("TXT", render_dkim(key_type="rsa", public_key=RSA_2048, flags=("s",)))},
        id="RFC 6376 3.6.1: strict publishes t=s",
    ),
    pytest.param(
        domain(dkim=[{"selector": "s1", "public_key": RSA_2048, "strict": True, "testing": True, "service_types": ["email"]}]),
        {"dkim-s1": ("TXT", f"v=DKIM1; k=rsa; s=email; t=y:s; p={RSA_2048}")},
        id="RFC 6376 3.6.1: testing with strict publishes t=y:s, service types s=email",
    ),
    pytest.param(
        domain(dkim=[{"selector": "s1", "public_key": RSA_2048, "testing": True}]),
        {"dkim-s1": ("TXT", f"v=DKIM1; k=rsa; t=y; p={RSA_2048}")},
        id="RFC 6376 3.6.1: testing alone still publishes t=y",
    ),
    pytest.param(
        domain(dmarc={"cname": VENDOR}),
        {"dmarc": ("CNAME", VENDOR)},
        id="RFC 7489 6.1: _dmarc delegated by CNAME",
    ),
    pytest.param(
        domain(tls_rpt={"cname": TLS_VENDOR}),
        {"tls-rpt": ("CNAME", TLS_VENDOR)},
        id="RFC 8460 3: _smtp._tls delegated by CNAME",
    ),
    pytest.param(
        domain(provider="google-workspace"),
        {"mx": ("MX", "1 smtp.google.com"), "spf": ("TXT", f"v=spf1 {GOOGLE_SPF} -all")},
        id="Google Workspace: smtp.google.com MX and _spf.google.com (support.google.com/a/answer/174125, 10685031)",
    ),
    pytest.param(
        domain(provider={"name": "google-workspace", "legacy_mx": True, "dkim_key": f"v=DKIM1; k=rsa; p={RSA_2048}"}),
        {
            "mx": ("MX", " ".join(map(str, GOOGLE_LEGACY_MX[0]))),
            "dkim-google": ("TXT", f"v=DKIM1; k=rsa; p={RSA_2048}"),
        },
        id="Google Workspace: the five legacy aspmx hosts, the google selector's key as the Admin console shows it",
    ),
    pytest.param(
        domain(provider=M365),
        {
            "mx": ("MX", "0 example-gov.mail.protection.outlook.com"),
            "spf": ("TXT", f"v=spf1 {MICROSOFT_SPF} -all"),
            "dkim-selector1": ("CNAME", T1),
            "dkim-selector2": ("CNAME", T2),
        },
        id="Microsoft 365: derived MX, spf.protection.outlook.com, two selector CNAMEs (learn.microsoft.com)",
    ),
    pytest.param(
        domain(provider={"name": "microsoft-365", "mx": "example-gov.l-v1.mx.microsoft"}),
        {"mx": ("MX", "0 example-gov.l-v1.mx.microsoft")},
        id="Microsoft 365: an explicit MX target for newer tenants",
    ),
    pytest.param(
        domain(provider=M365, mx=[{"host": "mx.example.gov", "preference": 10}], spf={"terms": ["include:other.example"]}),
        {"mx": ("MX", "10 mx.example.gov"), "spf": ("TXT", "v=spf1 include:other.example -all")},
        id="the domain's own mx and spf.terms replace the preset's",
    ),
    pytest.param(
        domain(provider="microsoft-365", ses={"regions": ["us-east-1"]}),
        {"mx": ("MX", "0 example-gov.mail.protection.outlook.com")},
        id="a preset combines with ses",
    ),
]


@pytest.mark.parametrize(("data", "expected"), ACCEPTED)
def test_accepted_configs_render(accepted, data, expected):
    found = records(accepted(data))
    assert {k: found.get(k) for k in expected} == expected


REFUSED = [
    pytest.param(
        domain(dkim=[{"selector": "s1", "cname": T1, "public_key": RSA_2048}]),
        [f"dkim[0].public_key: must not be set with cname: the key is the record at the target (got {RSA_2048[:77]}...; RFC 6376 3.6.2.1)"],
        id="RFC 6376 3.6.2.1: a key is either published or delegated, one line",
    ),
    pytest.param(
        domain(dkim=[{"selector": "s1", "cname": T1, "revoked": True, "strict": True}]),
        [
            "dkim[0].revoked: must not be set with cname: revoke the key at the target, or publish revoked: true without cname (got true; RFC 6376 3.6.2.1)",
            "dkim[0].strict: must not be set with cname: the key's t= is the record at the target (got true; RFC 6376 3.6.2.1)",
        ],
        id="RFC 6376 3.6.2.1: the key's tags are the target's, one line each",
    ),
    pytest.param(
        domain(dkim=[{"selector": "s1", "public_key": RSA_2048, "service_types": ["email", "email"]}]),
        ["dkim[0].service_types[1]: repeats a service type (got email; RFC 6376 3.6.1)"],
        id="RFC 6376 3.6.1: each service type once",
    ),
    pytest.param(
        domain(dkim=[{"selector": "s1", "cname": "bad_target..example"}]),
        ["dkim[0].cname: has an empty label (got bad_target..example; RFC 1035 2.3.4)"],
        id="RFC 1035 2.3.4: a CNAME target is a domain name",
    ),
    pytest.param(
        domain(dmarc={"cname": VENDOR, "p": "none", "rua": ["mailto:d@example.gov"]}),
        [
            "dmarc.p: must not be set with cname: the policy and its report addresses are the record at the target (got none; RFC 7489 6.1)",
            'dmarc.rua: must not be set with cname: the policy and its report addresses are the record at the target (got ["mailto:d@example.gov"]; RFC 7489 6.1)',
        ],
        id="RFC 7489 6.1: _dmarc is a policy or a CNAME, one line per tag",
    ),
    pytest.param(
        domain(tls_rpt={"cname": TLS_VENDOR, "rua": ["mailto:t@example.gov"]}),
        [
            'tls_rpt.rua: must not be set with cname: the report addresses are the record at the target (got ["mailto:t@example.gov"]; RFC 8460 3)'
        ],
        id="RFC 8460 3: _smtp._tls is a record or a CNAME",
    ),
    pytest.param(
        domain(tls_rpt={}),
        ["tls_rpt.rua: must list at least one report URI (got []; RFC 8460 3)"],
        id="RFC 8460 3: without cname, rua is required",
    ),
    pytest.param(
        domain(provider="microsoft"),
        [
            "provider.name: must be google-workspace or microsoft-365 (got microsoft; did you mean microsoft-365? see docs/configuration.md: Provider presets)"
        ],
        id="a provider is one of the presets, with a did you mean",
    ),
    pytest.param(
        domain(provider={"name": "google-workspace", "dkim_targets": [T1], "mx": "mx.example.gov"}),
        [
            "provider.mx: must not be set with provider google-workspace: it is a microsoft-365 option (got mx.example.gov; see docs/configuration.md: Provider presets)",
            f'provider.dkim_targets: must not be set with provider google-workspace: it is a microsoft-365 option (got ["{T1}"]; see docs/configuration.md: Provider presets)',
        ],
        id="another provider's options are refused, one line each",
    ),
    pytest.param(
        domain(provider={"name": "microsoft-365", "dkim_targets": [T1]}),
        [
            f'provider.dkim_targets: must list two targets, for selector1 then selector2: Microsoft 365 rotates between them (got ["{T1}"]; Microsoft 365 DKIM)'
        ],
        id="Microsoft 365 DKIM: two selectors (learn.microsoft.com email-authentication-dkim-configure)",
    ),
    pytest.param(
        domain(provider={"name": "google-workspace", "dkim_key": "AAAA"}),
        ["provider.dkim_key: is not a DER-encoded RSA public key (SubjectPublicKeyInfo) (got AAAA; RFC 6376 3.6.1)"],
        id="RFC 6376 3.6.1: the Google key is an RSA SubjectPublicKeyInfo, said once",
    ),
    pytest.param(
        domain(mail="none", provider="google-workspace"),
        [
            "provider: must not be set when mail is none: a parked domain has no mailbox provider (got google-workspace; RFC 7505 3, RFC 7208 5.1, RFC 7489 6.3: a parked domain publishes only the lockdown set)"
        ],
        id="a parked domain has no provider",
    ),
]


@pytest.mark.parametrize(("data", "lines"), REFUSED)
def test_refused_configs_say_why(refused, data, lines):
    assert refused(data) == [f"{FILE}: {line}" for line in lines]


@pytest.mark.parametrize(
    "text",
    [
        f"v=DKIM1; k=rsa; t=s; p={RSA_1024}",
        f"v=DKIM1; k=rsa; t=y:s; p={RSA_1024}",
        f"v=DKIM1; h=sha256; k=rsa; s=email; t=y; p={RSA_1024}",
        f"v=DKIM1; k=rsa; s=*; p={RSA_1024}",
    ],
    ids=["t=s", "t=y:s", "h= s= t=y", "s=*"],
)
def test_dkim_flags_round_trip(text):
    """RFC 6376 3.6.1: what parse_dkim reads back as key fields renders the same record."""
    fields = key_fields(parse_dkim(text))
    flags = tuple(f for f, name in (("y", "testing"), ("s", "strict")) if fields.get(name))
    again = render_dkim(
        key_type=str(fields["key_type"]),
        public_key=str(fields["public_key"]),
        hash_algorithms=fields.get("hash_algorithms", ()),  # type: ignore[arg-type]
        flags=flags,
        service_types=fields.get("service_types", ()),  # type: ignore[arg-type]
    )
    assert again == text


def test_a_key_for_another_service_only_is_a_problem():
    """RFC 6376 3.6.1: a key whose s= names neither * nor email is not used for mail."""
    assert [p.message for p in parse_dkim(f"v=DKIM1; s=tlsrpt; p={RSA_1024}").problems] == ["has s=tlsrpt; a key for mail lists email or *"]


def test_mta_sts_patterns_come_from_the_preset(accepted):
    """Microsoft's MTA-STS guidance: mx: *.mail.protection.outlook.com (learn.microsoft.com enhancing-mail-flow-with-mta-sts)."""
    config = accepted(domain(provider="microsoft-365", mta_sts={"mode": "enforce"}))
    assert config.mta_sts_patterns == ("*.mail.protection.outlook.com", "example-gov.mail.protection.outlook.com")
    assert accepted(domain(provider="microsoft-365")).mta_sts is None


def test_validate_warns_that_a_profile_cannot_see_a_delegated_policy(accepted):
    """BOD 18-01 requires p=reject and reports to CISA: in a vendor's record, validate cannot read them."""
    config = accepted(domain(profile="bod-18-01", dmarc={"cname": VENDOR}, dkim=[{"selector": "s1", "cname": T1}]))
    found = warnings([config])
    assert [str(p) for p in found.get(config.source, [])] == [
        f"{FILE}: dmarc.cname: leaves the bod-18-01 DMARC requirements (p=reject, reports to CISA) to the record at the target, "
        f"which validate cannot read (got {VENDOR}; BOD 18-01)"
    ]
