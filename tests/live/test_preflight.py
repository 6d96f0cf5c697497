"""Preflight in ``maildns check``: a CAA set that shuts out ACM (RFC 8659) and apex TXT values the
next deploy would delete, against a real DNS server on loopback."""

from __future__ import annotations

import pytest

from maildns.check.lookup import start
from maildns.check.preflight import preflight
from maildns.cli import main
from maildns.cli.options import nameserver
from maildns.config import parse_config
from maildns.plan import plan_one
from tests.live.zones import Zone

pytestmark = pytest.mark.live

CONFIG = {
    "domain": "example.gov",
    "mx": [{"host": "mx1.example.net", "preference": 10}],
    "apex_txt": ["google-site-verification=kept"],
    "mta_sts": {"mode": "testing"},
}
HOST = "mta-sts.example.gov"


def add_caa(zone: Zone, name: str, *properties: tuple[int, str, str]) -> None:
    for flags, tag, value in properties:
        zone.add(name, "CAA", f'{flags} {tag} "{value}"')


@pytest.fixture
def run(tmp_path, dns):
    """Serve the config's records plus ``change``, and return the preflight results."""

    def go(change, config=CONFIG):
        cfg = parse_config(config, str(tmp_path / "example.gov.yaml"))
        plan = plan_one(cfg)
        zone = Zone.published("example.gov", plan.all_records)
        change(zone)
        return preflight(plan, start(nameserver(dns(zone)), 2.0, 30.0))

    return go


def details(results):
    return [(r.name, r.type, r.status, r.detail) for r in results]


@pytest.mark.parametrize(
    "properties",
    [
        [],
        [(0, "issue", "amazon.com")],
        [(0, "issue", "letsencrypt.org"), (0, "issue", "amazontrust.com; cansignhttpexchanges=yes")],
        [(0, "issuewild", ";"), (0, "iodef", "mailto:security@example.gov")],
    ],
    ids=["no CAA: any CA", "amazon.com", "Amazon among others, with parameters", "only issuewild and iodef: issue is unrestricted"],
)
def test_caa_that_lets_amazon_issue_passes(run, properties):
    """RFC 8659 4.2: any issue property naming an Amazon CA lets ACM issue."""
    assert run(lambda zone: add_caa(zone, "example.gov", *properties) if properties else None) == []


def test_caa_at_the_domain_without_amazon_is_an_error(run):
    results = run(lambda zone: add_caa(zone, "example.gov", (0, "issue", "letsencrypt.org"), (0, "issue", "digicert.com")))
    detail = (
        "CAA at example.gov allows only digicert.com, letsencrypt.org, no Amazon CA (amazon.com, amazontrust.com, awstrust.com,"
        ' amazonaws.com): ACM cannot issue the certificate for mta-sts.example.gov; add 0 issue "amazon.com" (RFC 8659 4.2)'
    )
    assert details(results) == [(HOST, "CAA", "error", detail)]


def test_caa_at_the_policy_host_wins_over_the_domain(run):
    """RFC 8659 3: the relevant set is the first non-empty one climbing from the host."""

    def change(zone):
        add_caa(zone, "example.gov", (0, "issue", "amazon.com"))
        zone.add(HOST, "A", "192.0.2.1")
        add_caa(zone, HOST, (0, "issue", ";"))

    results = run(change)
    assert [r.detail for r in results] == [
        f'CAA at {HOST} allows no CA at all: ACM cannot issue the certificate for {HOST}; add 0 issue "amazon.com" (RFC 8659 4.2)'
    ]


def test_an_unknown_critical_property_is_an_error(run):
    results = run(lambda zone: add_caa(zone, "example.gov", (128, "tbs", "x"), (0, "issue", "amazon.com")))
    assert details(results) == [
        (
            HOST,
            "CAA",
            "error",
            "CAA at example.gov has the critical property tbs, which no CA may ignore: ACM will not issue (RFC 8659 4.1)",
        )
    ]


def test_no_caa_check_without_mta_sts(run):
    config = {k: v for k, v in CONFIG.items() if k != "mta_sts"}
    assert run(lambda zone: add_caa(zone, "example.gov", (0, "issue", "letsencrypt.org")), config) == []


def test_apex_txt_values_absent_from_the_config_would_be_deleted(run):
    results = run(
        lambda zone: (zone.add("example.gov", "TXT", "MS=ms1234"), zone.add("example.gov", "TXT", "v=spf1 include:old.example -all"))
    )
    assert [(r.name, r.type, r.status, r.published, r.detail) for r in results] == [
        ("example.gov", "TXT", "mismatch", ("MS=ms1234",), "would be deleted by the next deploy; list it in apex_txt to keep it"),
    ]


def test_check_prints_the_preflight_lines(tmp_path, capsys, dns):
    cfg = parse_config(CONFIG, str(tmp_path / "example.gov.yaml"))
    zone = Zone.published("example.gov", plan_one(cfg).all_records)
    zone.add("example.gov", "TXT", "MS=ms1234")
    add_caa(zone, "example.gov", (0, "issue", "letsencrypt.org"))
    (tmp_path / "example.gov.yaml").write_text(
        "domain: example.gov\nmx: [{host: mx1.example.net, preference: 10}]\napex_txt: [google-site-verification=kept]\nmta_sts: {mode: testing}\n"
    )
    assert main(["check", str(tmp_path / "example.gov.yaml"), "--nameserver", dns(zone), "--timeout", "1"]) == 1
    out = capsys.readouterr().out.splitlines()
    # The apex TXT set is said once: the mismatch names the value the next deploy would delete.
    at = [i for i, line in enumerate(out) if line.startswith("mismatch example.gov TXT")]
    assert [out[i] for i in at] == [
        "mismatch example.gov TXT: would be deleted by the next deploy: 'MS=ms1234'; list it in apex_txt to keep it"
    ]
    assert out[at[0] + 1 : at[0] + 3] == ["    + 'MS=ms1234'", out[at[0] + 2]]
    assert not out[at[0] + 2].startswith("    ")
    assert any(line.startswith(f"error    {HOST} CAA: CAA at example.gov allows only letsencrypt.org, no Amazon CA") for line in out)
