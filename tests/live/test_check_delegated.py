"""``maildns check`` on provider domains whose records are delegated by CNAME, served by NSD on
loopback: a Microsoft 365 domain (MX, SPF, two DKIM CNAMEs with keys at the targets, a vendor
``_dmarc`` CNAME) and a Google Workspace domain. Check follows each CNAME and reads the record at
its target with the record's own parser (RFC 6376 3.6.2.1, RFC 7489 6.1, RFC 8460 3)."""

from __future__ import annotations

import os

import pytest

from maildns.cli import main
from tests.config.samples import RSA_2048
from tests.live.world import World

pytestmark = [pytest.mark.live, pytest.mark.skipif(os.geteuid() != 0, reason="binding port 443 needs root")]

T1 = "selector1-example-gov._domainkey.tenant.onmicrosoft.com"
T2 = "selector2-example-gov._domainkey.tenant.onmicrosoft.com"
VENDOR = "example-gov._dmarc.vendor.example"
KEY = f"v=DKIM1; k=rsa; p={RSA_2048}"


def txt(name: str, value: str) -> str:
    """A TXT line, the value split into strings of at most 255 octets (RFC 1035 3.3.14)."""
    pieces = " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))
    return f"{name}. 300 IN TXT {pieces}\n"


MICROSOFT = {
    "domain": "example.gov",
    "provider": {"name": "microsoft-365", "dkim_targets": [T1, T2]},
    "dmarc": {"cname": VENDOR},
    "mta_sts": {"mode": "enforce"},
}
MICROSOFT_ZONES = {
    "outlook.com": "example-gov.mail.protection.outlook.com. 300 IN A 192.0.2.25\n"
    + txt("spf.protection.outlook.com", "v=spf1 ip4:192.0.2.0/24 -all"),
    "tenant.onmicrosoft.com": txt(T1, KEY) + txt(T2, KEY),
    "vendor.example": txt(VENDOR, "v=DMARC1; p=reject; rua=mailto:agg@vendor.example")
    + txt("example.gov._report._dmarc.vendor.example", "v=DMARC1"),
}
GOOGLE = {
    "domain": "example.gov",
    "provider": {"name": "google-workspace", "dkim_key": KEY},
    "dmarc": {"rua": ["mailto:dmarc@example.gov"]},
    "mta_sts": {"mode": "enforce"},
}
GOOGLE_ZONES = {"google.com": "smtp.google.com. 300 IN A 192.0.2.26\n" + txt("_spf.google.com", "v=spf1 ip4:192.0.2.0/24 -all")}


def check(world: World, capsys) -> tuple[int, list[str]]:
    code = main(world.start())
    return code, capsys.readouterr().out.splitlines()


@pytest.fixture
def worlds(tmp_path):
    started: list[World] = []

    def make(config: dict, zones: dict[str, str]) -> World:
        world = World(tmp_path, config, zones)
        started.append(world)
        return world

    yield make
    for world in started:
        world.stop()


def test_a_microsoft_365_domain_is_clean(worlds, capsys):
    code, out = check(worlds(MICROSOFT, MICROSOFT_ZONES), capsys)
    assert code == 0, "\n".join(out)
    for line in (
        "ok       selector1._domainkey.example.gov CNAME",
        "ok       selector2._domainkey.example.gov CNAME",
        f"ok       {T1} TXT: the CNAME target of selector1._domainkey.example.gov",
        f"ok       {T2} TXT: the CNAME target of selector2._domainkey.example.gov",
        "ok       _dmarc.example.gov CNAME",
        f"ok       {VENDOR} TXT: the CNAME target of _dmarc.example.gov",
        "ok       example.gov._report._dmarc.vendor.example TXT",
        "ok       example.gov MX",
        "ok       example-gov.mail.protection.outlook.com MX target",
    ):
        assert line in out, "\n".join(out)


def test_a_google_workspace_domain_is_clean(worlds, capsys):
    code, out = check(worlds(GOOGLE, GOOGLE_ZONES), capsys)
    assert code == 0, "\n".join(out)
    assert "ok       google._domainkey.example.gov TXT" in out
    assert "ok       smtp.google.com MX target" in out


@pytest.mark.parametrize(
    ("zones", "line"),
    [
        pytest.param(
            {**MICROSOFT_ZONES, "tenant.onmicrosoft.com": txt(T1, KEY)},
            f"error    {T2} TXT: the CNAME target of selector2._domainkey.example.gov publishes no DKIM key record (RFC 6376 3.6.2.1)",
            id="RFC 6376 3.6.2.1: a CNAME target without a key",
        ),
        pytest.param(
            {**MICROSOFT_ZONES, "tenant.onmicrosoft.com": txt(T1, KEY) + txt(T2, "v=DKIM1; p=")},
            f"error    {T2} TXT: the CNAME target of selector2._domainkey.example.gov is a revoked key (empty p=) (RFC 6376 3.6.1)",
            id="RFC 6376 3.6.1: a CNAME target with a revoked key",
        ),
        pytest.param(
            {**MICROSOFT_ZONES, "vendor.example": txt(VENDOR, "v=DMARC1; rua=mailto:agg@vendor.example")},
            f"error    {VENDOR} TXT: the CNAME target of _dmarc.example.gov must have p as its second tag, right after v=DMARC1 (RFC 7489 6.3)",
            id="RFC 7489 6.3: the vendor's record has no policy",
        ),
        pytest.param(
            {**MICROSOFT_ZONES, "vendor.example": txt(VENDOR, "v=DMARC1; p=reject; rua=mailto:agg@vendor.example")},
            "missing  example.gov._report._dmarc.vendor.example TXT",
            id="RFC 7489 7.1: the vendor's report address must authorise reports about the domain",
        ),
    ],
)
def test_what_the_target_publishes_is_checked(worlds, capsys, zones, line):
    code, out = check(worlds(MICROSOFT, zones), capsys)
    assert code == 1
    assert any(o.startswith(line) for o in out), "\n".join(out)


TLS_VENDOR = "example-gov._smtp._tls.vendor.example"
DMARC_AT_VENDOR = txt(VENDOR, "v=DMARC1; p=reject; rua=mailto:agg@vendor.example")
TLS_RPT_AT_VENDOR = txt(TLS_VENDOR, "v=TLSRPTv1; rua=mailto:tlsrpt@vendor.example")
WITH_TLS_RPT = {**MICROSOFT, "tls_rpt": {"cname": TLS_VENDOR}}


@pytest.mark.parametrize(
    ("target", "line"),
    [
        pytest.param(
            txt(VENDOR, "v=spf1 -all") + TLS_RPT_AT_VENDOR,
            f"error    {VENDOR} TXT: the CNAME target of _dmarc.example.gov publishes no DMARC record (RFC 7489 6.6.3)",
            id="RFC 7489 6.6.3: no DMARC record at the target",
        ),
        pytest.param(
            DMARC_AT_VENDOR + txt(VENDOR, "v=DMARC1; p=none") + TLS_RPT_AT_VENDOR,
            f"error    {VENDOR} TXT: the CNAME target of _dmarc.example.gov publishes 2 DMARC records, which receivers discard (RFC 7489 6.6.3)",
            id="RFC 7489 6.6.3: two DMARC records at the target are none",
        ),
        pytest.param(
            DMARC_AT_VENDOR,
            f"error    {TLS_VENDOR} TXT: the CNAME target of _smtp._tls.example.gov publishes no TLS-RPT record (RFC 8460 3)",
            id="RFC 8460 3: no TLS-RPT record at the target",
        ),
        pytest.param(
            DMARC_AT_VENDOR + TLS_RPT_AT_VENDOR + txt(TLS_VENDOR, "v=TLSRPTv1; rua=mailto:other@vendor.example"),
            f"error    {TLS_VENDOR} TXT: the CNAME target of _smtp._tls.example.gov publishes 2 TLS-RPT records, which senders discard (RFC 8460 3)",
            id="RFC 8460 3: two TLS-RPT records at the target are none",
        ),
    ],
)
def test_a_target_publishes_exactly_one_record(worlds, capsys, target, line):
    zones = {**MICROSOFT_ZONES, "vendor.example": target + txt("example.gov._report._dmarc.vendor.example", "v=DMARC1")}
    code, out = check(worlds(WITH_TLS_RPT, zones), capsys)
    assert code == 1
    assert any(o.startswith(line) for o in out), "\n".join(out)
