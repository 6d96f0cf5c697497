"""``maildns check`` against real servers: a DNS server holding the zone and an HTTPS server
for the policy host, both started here on loopback."""

from __future__ import annotations

import os

import pytest
import yaml

from maildns.cli import main
from maildns.plan import plan_one
from maildns.config import parse_config
from maildns.records.mta_sts import POLICY_PATH
from tests.live.servers import PolicySite, Zone, make_ca_and_cert, start_dns

pytestmark = [
    pytest.mark.live,
    # RFC 8461 3.3 fixes the policy fetch to port 443, so the test server needs it.
    pytest.mark.skipif(os.geteuid() != 0, reason="binding port 443 needs root"),
]

SITE_ADDRESS = "127.0.0.83"  # a loopback address of its own, so port 443 is free
CONFIG = {
    "domain": "example.gov",
    "mx": [{"host": "mx1.example.net", "preference": 10}, {"host": "mx2.example.net", "preference": 20}],
    "spf": {"terms": ["include:_spf.example.net"], "all": "softfail"},
    "ses": {"regions": ["us-west-2"]},
    "dmarc": {"p": "reject", "rua": ["mailto:dmarc@example.gov"]},
    "tls_rpt": {"rua": ["mailto:tls@example.gov"]},
    "mta_sts": {"mode": "enforce", "max_age": 86400},
}


@pytest.fixture
def world(tmp_path):
    """The domain as it should be published: its zone and its policy site."""
    config = parse_config(CONFIG, str(tmp_path / "example.gov.yaml"))
    (tmp_path / "example.gov.yaml").write_text(yaml.safe_dump(CONFIG))
    records = [r for r in plan_one(config).all_records if not r.computed]
    zone = Zone(records)
    zone.add("mta-sts.example.gov", "A", SITE_ADDRESS)
    zone.add("mta-sts.example.gov", "AAAA", "::1")
    dns_server, nameserver = start_dns(zone)
    ca, cert, key = make_ca_and_cert(tmp_path, "mta-sts.example.gov")
    site = PolicySite(SITE_ADDRESS, cert, key, "/" + POLICY_PATH, plan_one(config).policy)
    args = ["check", str(tmp_path / "example.gov.yaml"), "--nameserver", nameserver, "--ca-file", str(ca), "--timeout", "2"]
    yield zone, site, args
    site.stop()
    dns_server.stop()


def lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_everything_published_as_configured(world, capsys):
    _, _, args = world
    assert main(args) == 0
    out = lines(capsys)
    assert out[-1] == "12 checked: 0 failed"
    assert "skipped  <acm-validation-name>.mta-sts.example.gov CNAME: name known after apply" in out
    assert "ok       _dmarc.example.gov TXT" in out
    assert "ok       https://mta-sts.example.gov/.well-known/mta-sts.txt HTTPS" in out
    assert "skipped  <ses-us-west-2-token-1>._domainkey.example.gov CNAME: name known after apply" in out


def test_stale_and_missing_records_are_named(world, capsys):
    zone, _, args = world
    zone.remove("_dmarc.example.gov", "TXT")
    zone.add("_dmarc.example.gov", "TXT", "v=DMARC1; p=none")
    zone.remove("_smtp._tls.example.gov", "TXT")
    assert main(args) == 1
    out = lines(capsys)
    at = out.index("mismatch _dmarc.example.gov TXT")
    assert out[at + 1 : at + 3] == [
        "    expected 'v=DMARC1; p=reject; rua=mailto:dmarc@example.gov'",
        "    published 'v=DMARC1; p=none'",
    ]
    assert "missing  _smtp._tls.example.gov TXT" in out
    assert out[-1] == "12 checked: 2 failed"


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"content_type": "text/html"}, "Content-Type text/html; must be text/plain (RFC 8461 3.2)"),
        ({"status": 301}, "HTTP 301; senders accept only 200, without redirects (RFC 8461 3.3)"),
        ({"body": b"version: STSv1\r\nmode: testing\r\n"}, "the policy differs from the rendered one"),
    ],
    ids=["wrong content type", "a redirect", "a stale policy file"],
)
def test_policy_file_is_fetched_as_senders_fetch_it(world, capsys, change, detail):
    _, site, args = world
    for attribute, value in change.items():
        setattr(site, attribute, value)
    assert main(args) == 1
    assert f"mismatch https://mta-sts.example.gov/.well-known/mta-sts.txt HTTPS: {detail}" in lines(capsys)


def test_untrusted_certificate_is_an_error(world, capsys):
    _, _, args = world
    assert main(args[:-4] + ["--timeout", "2"]) == 1  # the system CAs do not know the test CA
    policy_line = next(line for line in lines(capsys) if "mta-sts.txt" in line)
    assert policy_line.startswith("error    https://mta-sts.example.gov/.well-known/mta-sts.txt HTTPS: ")
    assert "CERTIFICATE_VERIFY_FAILED" in policy_line
