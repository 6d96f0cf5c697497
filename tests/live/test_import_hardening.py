"""``maildns import`` never writes what it did not read whole, and keeps every note: real DNS and
HTTPS servers on loopback."""

from __future__ import annotations

import random

import pytest
import yaml

from maildns.check.policy import MAX_BODY
from maildns.records.mta_sts import POLICY_PATH
from tests.live.servers import PolicySite, make_ca_and_cert
from tests.live.test_import import NEEDS_443, run_import, zone_of

pytestmark = pytest.mark.live

# A loopback address of its own, so port 443 is free there even while other suites run theirs.
SITE_ADDRESS = f"127.{random.randint(100, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
HEAD = b"version: STSv1\r\nmode: enforce\r\nmax_age: 86400\r\n"
POLICY = HEAD + b"mx: mx1.big.example\r\n"
# More mx lines than 64 KiB holds: cut at MAX_BODY, the last pattern read would be a shorter name.
HUGE = HEAD + b"".join(b"mx: mx%05d.big.example\r\n" % i for i in range(MAX_BODY // 20))


@pytest.fixture
def site(tmp_path, dns):
    """big.example with an MTA-STS record and a policy site; the test sets what the site serves."""
    zone = zone_of(
        ("big.example", "MX", "10 mx1.big.example"),
        ("big.example", "TXT", "v=spf1 mx -all"),
        ("_dmarc.big.example", "TXT", "v=DMARC1; p=reject"),
        ("_mta-sts.big.example", "TXT", "v=STSv1; id=1"),
        ("mta-sts.big.example", "A", SITE_ADDRESS),
    )
    nameserver = dns(zone)
    ca, cert, key = make_ca_and_cert(tmp_path, "mta-sts.big.example")
    served = PolicySite(SITE_ADDRESS, cert, key, "/" + POLICY_PATH, POLICY)
    yield served, ["big.example", "--nameserver", nameserver, "--ca-file", str(ca), "--timeout", "2", "--out", str(tmp_path / "out")]
    served.stop()


def not_fetched(file, why: str) -> str:
    return (
        f"warning: {file}: mta_sts: _mta-sts.big.example is published but the policy could not be fetched ({why});"
        ' add mta_sts by hand, the record is left as it is (got ["v=STSv1; id=1"]; RFC 8461 3.3)'
    )


@NEEDS_443
@pytest.mark.parametrize(
    "served_as",
    [
        (HUGE, None, f"the body is over {MAX_BODY} octets, the most maildns reads; a policy is a few hundred"),
        (
            POLICY,
            len(POLICY) + 40,
            f"the body ended after {len(POLICY)} of the {len(POLICY) + 40} octets its Content-Length announced (RFC 9112 6.3)",
        ),
    ],
    ids=["a policy over 64 KiB", "a policy cut before its Content-Length"],
)
def test_a_policy_not_read_whole_is_refused_with_a_note(site, tmp_path, capsys, served_as):
    """A cut policy would write cut patterns into the config: it is noted and left out instead."""
    body, length, why = served_as
    served, args = site
    served.body, served.length = body, length
    code, _, err = run_import(args, capsys)
    file = tmp_path / "out" / "big.example.yaml"
    assert code == 0
    assert err == [not_fetched(file, why)]
    config = yaml.safe_load(file.read_text())
    assert "mta_sts" not in config
    assert "mta_sts" not in config["adopt"]


@NEEDS_443
def test_the_whole_policy_is_imported(site, tmp_path, capsys):
    served, args = site
    served.length = len(POLICY)
    code, _, err = run_import(args, capsys)
    assert code == 0
    assert not [line for line in err if "could not be fetched" in line]
    assert yaml.safe_load((tmp_path / "out" / "big.example.yaml").read_text())["mta_sts"] == {"mode": "enforce", "max_age": 86400}


def test_published_differently_notes_are_kept_when_a_value_is_refused(tmp_path, dns, capsys):
    """A refused DMARC value is named as validate names it, and the record sets of every other
    section are still compared: the SPF record the first deploy rewrites keeps its note."""
    zone = zone_of(
        ("kept.example", "TXT", "v=spf1 -all include:_spf.example.net"),
        ("_dmarc.kept.example", "TXT", "v=DMARC1; p=rejectt"),
        ("_smtp._tls.kept.example", "TXT", "v=TLSRPTv1; rua=mailto:tls@kept.example"),
    )
    code, out, err = run_import(["kept.example", "--nameserver", dns(zone), "--out", str(tmp_path), "--timeout", "2"], capsys)
    file = tmp_path / "kept.example.yaml"
    assert code == 1 and out == [f"{file}: adopts spf, dmarc, tls_rpt"]
    assert err == [
        f"warning: {file}: spf: has terms after all, which receivers ignore; they are left out (got include:_spf.example.net; RFC 7208 5.1)",
        (
            f"warning: {file}: spf: kept.example TXT is published differently; the first deploy writes ['v=spf1 -all']"
            """ (got ["v=spf1 -all include:_spf.example.net"]; the config's rendering)"""
        ),
        (
            f"warning: {file}: tls_rpt: _smtp._tls.kept.example TXT is published differently; the first deploy writes"
            """ ['v=TLSRPTv1;rua=mailto:tls@kept.example'] (got ["v=TLSRPTv1; rua=mailto:tls@kept.example"]; the config's rendering)"""
        ),
        f"{file}: dmarc.p: must be none, quarantine or reject (got rejectt; did you mean reject? RFC 7489 6.3)",
    ]
