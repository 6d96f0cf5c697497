"""The architecture's direction: config and records never import cdktf, nor do the commands
that only read configs (validate, records)."""

import subprocess
import sys

from tests.synth.helpers import ROOT

PURE_MODULES = ["maildns.config", "maildns.records", "maildns.lint", "maildns.cli", "maildns.check", "maildns.diff", "maildns.revision"]


def test_config_records_and_cli_do_not_load_cdktf():
    code = (
        "import sys, importlib\n"
        f"for m in {PURE_MODULES!r}: importlib.import_module(m)\n"
        "import maildns.records.dkim, maildns.records.dmarc, maildns.records.mx, maildns.records.spf\n"
        "import maildns.records.tls_rpt, maildns.records.txt, maildns.records.uri, maildns.records.names\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'constructs', 'jsii'))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"pure modules pulled in: {out.stdout.strip()}"


def test_no_source_file_in_records_or_config_names_cdktf():
    offenders = [
        str(path.relative_to(ROOT))
        for path in [ROOT / "maildns" / "config.py", *(ROOT / "maildns" / "records").rglob("*.py")]
        if any(word in path.read_text() for word in ("import cdktf", "from cdktf", "import constructs", "from constructs"))
    ]
    assert offenders == []
