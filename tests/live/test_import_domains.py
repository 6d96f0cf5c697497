"""``maildns import`` of domains shaped as real ones (tests/live/domains.py), served by NSD: the
written file is what the domain publishes, ``records`` renders it back value for value, and
``check`` finds it clean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from maildns.cli import main
from maildns.errors import show
from tests.config.samples import RSA_2048
from tests.live.domains import DOMAINS, ELSEWHERE, GOOGLE, MICROSOFT, PARKED, TRAP, VENDOR_DMARC, serve, world  # noqa: F401
from tests.live.test_import import run_import
from tests.live.zones import Zone, served

pytestmark = pytest.mark.live

TENANT = "_domainkey.contoso.onmicrosoft.com"
# Per domain: the file written (less the header), and what it adopts.
WRITTEN = {
    "microsoft": (
        {
            "domain": "contoso.example",
            "ttl": 3600,
            "provider": {
                "name": "microsoft-365",
                "dkim_targets": [f"selector1-contoso-example.{TENANT}", f"selector2-contoso-example.{TENANT}"],
            },
            "spf": {"all": "fail"},
            "apex_txt": ["MS=ms48213675"],
            "dmarc": {"cname": VENDOR_DMARC},
            "adopt": ["mx", "spf", "dkim:selector1", "dkim:selector2", "dmarc"],
        }
    ),
    "google": {
        "domain": "fabrikam.example",
        "ttl": 3600,
        "provider": {"name": "google-workspace", "dkim_key": RSA_2048},
        "spf": {"all": "softfail"},
        "dmarc": {"p": "quarantine", "rua": ["mailto:dmarc@fabrikam.example"]},
        "tls_rpt": {"rua": ["mailto:tls@fabrikam.example"]},
        "adopt": ["mx", "spf", "dkim:google", "dmarc", "tls_rpt"],
    },
    "parked": {
        "domain": "retired.example",
        "mail": "none",
        "ttl": 3600,
        "dmarc": {"rua": ["mailto:dmarc@retired.example"]},
        "adopt": ["mx", "spf", "dmarc", "dkim:*"],
    },
    "trap": {
        "domain": "trap.example",
        "ttl": 3600,
        "mx": [{"host": "mx.trap.example", "preference": 10}],
        "spf": {"terms": ["mx"], "all": "fail"},
        "dkim": [
            {
                "selector": "s2024",
                "key_type": "ed25519",
                "public_key": TRAP.rrs[("s2024._domainkey.trap.example", "TXT")][0][0].split("p=")[1],
            }
        ],
        "adopt": ["mx", "spf", "dkim:s2024"],
    },
}
# Record sets of the trap domain that only its wildcards answer, or that the config does not manage.
UNMANAGED = {("*._domainkey.trap.example", "TXT"), ("*.trap.example", "TXT"), ("mx.trap.example", "A")}


def import_args(key: str, nameserver: str, out: Path) -> list[str]:
    # The trap has a selector of its own; --selector '*' names the wildcard import always reads.
    extra = {"trap": ["--selector", "s2024"], "parked": ["--selector", "*"]}.get(key, [])
    return [DOMAINS[key].origin, *extra, "--nameserver", nameserver, "--out", str(out), "--timeout", "2"]


def rendered(path: Path, capsys) -> dict[tuple[str, str], tuple[tuple[str, ...], int]]:
    capsys.readouterr()
    assert main(["records", "--format", "json", str(path)]) == 0
    return {(r["name"], r["type"]): (tuple(sorted(r["values"])), r["ttl"]) for r in json.loads(capsys.readouterr().out)}


@pytest.mark.parametrize(
    "key",
    ["microsoft", "google", "parked"],
    ids=[
        "Microsoft 365: provider preset, DKIM CNAMEs and a vendor's DMARC CNAME",
        "Google Workspace: provider preset with the google key",
        "parked: the lockdown set (RFC 7505, RFC 7208 5.1, RFC 7489 6.3, RFC 6376 3.6.1) is mail: none",
    ],
)
def test_import_then_records_gives_back_every_value(world, key, tmp_path, capsys):  # noqa: F811
    zone = DOMAINS[key]
    code, out, err = run_import(import_args(key, world.nameserver, tmp_path), capsys)
    file = tmp_path / f"{zone.origin}.yaml"
    assert (code, err) == (0, [])
    assert out == [f"{file}: adopts {', '.join(WRITTEN[key]['adopt'])}"]
    assert yaml.safe_load(file.read_text()) == WRITTEN[key]
    assert "# note:" not in file.read_text() and "# spelling:" not in file.read_text()
    assert rendered(file, capsys) == served(zone)


def test_wildcard_answers_are_neither_converted_nor_adopted(world, tmp_path, capsys):  # noqa: F811
    """RFC 4592: what a wildcard answers does not exist at the name asked; Terraform cannot import it."""
    code, out, err = run_import(import_args("trap", world.nameserver, tmp_path), capsys)
    file = tmp_path / "trap.example.yaml"
    assert code == 0 and out == [f"{file}: adopts mx, spf, dkim:s2024"]
    assert yaml.safe_load(file.read_text()) == WRITTEN["trap"]
    wildcard_key = show([f"v=DKIM1; k=rsa; p={RSA_2048}"])  # shortened, as every long value in a message
    selectors = "google, selector1, selector2, s1, s2, k1, default, dkim, mail"
    assert err == [
        (
            f"warning: {file}: dkim: no key is published at the selectors {selectors}: they answer only through the wildcard"
            " *._domainkey.trap.example (a random selector gets the same answer), so none is imported or adopted; the wildcard"
            f" is left as it is, not managed (got {wildcard_key}; RFC 4592 2.1.1)"
        ),
        (
            f"warning: {file}: dmarc: no DMARC record is published at _dmarc.trap.example: it answers only through the wildcard"
            " *.trap.example; the config's default v=DMARC1; p=reject will be created there, and the wildcard is left as it is,"
            ' not managed (got ["v=DMARC1; p=none"]; RFC 4592 2.1.1)'
        ),
        (
            f"warning: {file}: tls_rpt: nothing is published at _smtp._tls.trap.example: it answers only through the wildcard"
            " *.trap.example, so nothing there is imported or adopted; the wildcard is left as it is, not managed"
            ' (got ["v=DMARC1; p=none"]; RFC 4592 2.1.1)'
        ),
        (
            f"warning: {file}: mta_sts: nothing is published at _mta-sts.trap.example: it answers only through the wildcard"
            " *.trap.example, so nothing there is imported or adopted; the wildcard is left as it is, not managed"
            ' (got ["v=DMARC1; p=none"]; RFC 4592 2.1.1)'
        ),
    ]
    # Each note sits beside its field, as a comment just above it.
    text = file.read_text()
    assert text.index("# note: dkim: no key is published") < text.index("\ndkim:\n")
    assert text.index("# note: dmarc: no DMARC record") < text.index("\nadopt:")
    # Every record set the file renders and the domain publishes is the same; DMARC is created.
    published = {k: v for k, v in served(TRAP).items() if k not in UNMANAGED}
    back = rendered(file, capsys)
    assert back.pop(("_dmarc.trap.example", "TXT")) == (("v=DMARC1; p=reject",), 3600)
    assert back == published


def deployed(config: Path, capsys, unmanaged: set[tuple[str, str]], origin: Zone) -> Zone:
    """The zone after the first deploy: the config's records, and the record sets it leaves alone."""
    zone = Zone(origin.origin)
    capsys.readouterr()
    assert main(["records", "--format", "json", str(config)]) == 0
    for record in json.loads(capsys.readouterr().out):
        for value in record["values"]:
            zone.add(record["name"], record["type"], value, record["ttl"])
    for key in unmanaged:
        values, ttl = origin.rrs[key]
        for value in values:
            zone.add(key[0], key[1], value, ttl)
    return zone


@pytest.mark.parametrize("key", ["microsoft", "google", "parked", "trap"])
def test_check_is_clean_on_each_imported_domain(key, tmp_path_factory, tmp_path, capsys):
    """Imported, then checked against what the domain publishes after the first deploy (the same
    records, but for the trap domain's new DMARC record)."""
    first = serve(tmp_path_factory.mktemp("nsd"), (*DOMAINS.values(), *ELSEWHERE))
    try:
        assert run_import(import_args(key, first.nameserver, tmp_path), capsys)[0] == 0
    finally:
        first.server.stop()
    config = tmp_path / f"{DOMAINS[key].origin}.yaml"
    zone = deployed(config, capsys, UNMANAGED, TRAP) if key == "trap" else DOMAINS[key]
    after = serve(tmp_path_factory.mktemp("nsd"), (zone, *(d for k, d in DOMAINS.items() if k != key), *ELSEWHERE))
    try:
        capsys.readouterr()
        code = main(["check", str(config), "--nameserver", after.nameserver, "--timeout", "2"])
    finally:
        after.server.stop()
    lines = capsys.readouterr().out.splitlines()
    assert code == 0, "\n".join(lines)
    assert lines[-1].endswith(": 0 failed")
