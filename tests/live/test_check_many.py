"""``maildns check`` of 100 domains against one local NSD finishes in a few seconds (a bounded pool
of concurrent domains); the figure is printed."""

from __future__ import annotations

import contextlib
import io
import time

import pytest
import yaml

from maildns.cli import main
from tests.live.nsd import Nsd, free_port, loopback_addresses, zone_text

pytestmark = pytest.mark.live
DOMAINS = 100
LIMIT = 10.0  # seconds; a few seconds on a shared 2-core machine


def config(i: int) -> dict:
    return {
        "domain": f"d{i:03}.example.gov",
        "mx": [{"host": "mx1.example.net", "preference": 10}],
        "spf": {"terms": ["include:_spf.example.net"], "all": "fail"},
        "dmarc": {"p": "reject", "rua": [f"mailto:dmarc@d{i:03}.example.gov"]},
        "tls_rpt": {"rua": [f"mailto:tls@d{i:03}.example.gov"]},
    }


def test_hundred_domains_in_a_few_seconds(tmp_path, capsys):
    folder = tmp_path / "config"
    folder.mkdir()
    for i in range(DOMAINS):
        (folder / f"d{i:03}.example.gov.yaml").write_text(yaml.safe_dump(config(i)))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["records", "--format", "zone", str(folder)]) == 0
    (address,) = loopback_addresses(1)
    port = free_port([address])
    zones = {
        "example.gov": zone_text("example.gov", {"ns1.example.gov": address}, out.getvalue()),
        "example.net": zone_text(
            "example.net",
            {"ns1.example.gov": address},
            'mx1.example.net. 300 IN A 192.0.2.25\n_spf.example.net. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n',
        ),
    }
    server = Nsd(tmp_path / "nsd", address, port, zones)
    server.start()
    try:
        started = time.monotonic()
        code = main(["check", str(folder), "--nameserver", f"{address}:{port}", "--timeout", "2"])
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    lines = capsys.readouterr().out.splitlines()
    assert code == 0, "\n".join(line for line in lines if not line.startswith(("ok ", "notice ")))
    assert lines[-1] == f"{DOMAINS * 7} checked: 0 failed"
    print(f"\n{DOMAINS} domains, {DOMAINS * 7} checks: {elapsed:.2f} s")
    assert elapsed < LIMIT
