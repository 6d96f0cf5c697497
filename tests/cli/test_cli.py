"""The command line as people and CI use it: exit codes, exact output, nothing written on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from maildns.cli import main
from tests.conftest import child_env
from tests.fixtures import LOGIN_GOV
from tests.synth.helpers import ROOT


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=child_env(**(env or {})), check=False)


def write(tmp_path: Path, text: str, name: str = "example.gov.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def ses_cname(region: str, index: int) -> dict:
    token = f"<ses-{region}-token-{index}>"
    return {
        "domain": "login.gov",
        "name": f"{token}._domainkey.login.gov",
        "type": "CNAME",
        "ttl": 3600,
        "values": [f"{token}.dkim.amazonses.com"],
        "computed": True,
    }


def test_records_json_prints_login_gov_exactly(capsys):
    assert main(["records", str(LOGIN_GOV), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    dkim = next(r for r in records if r["name"] == "google._domainkey.login.gov")
    assert dkim["adopt"] == "dkim:google"
    assert dkim["values"][0].startswith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")
    expected = [
        {
            "domain": "login.gov",
            "name": "login.gov",
            "type": "MX",
            "ttl": 3600,
            "values": [
                "10 aspmx.l.google.com",
                "20 alt1.aspmx.l.google.com",
                "20 alt2.aspmx.l.google.com",
                "30 aspmx2.googlemail.com",
                "30 aspmx3.googlemail.com",
                "30 aspmx4.googlemail.com",
                "30 aspmx5.googlemail.com",
            ],
            "adopt": "mx",
        },
        {
            "domain": "login.gov",
            "name": "login.gov",
            "type": "TXT",
            "ttl": 3600,
            "values": ["v=spf1 include:amazonses.com include:_spf.google.com ~all"],
            "adopt": "spf",
        },
        dkim,
        {
            "domain": "login.gov",
            "name": "_dmarc.login.gov",
            "type": "TXT",
            "ttl": 3600,
            "values": [
                "v=DMARC1; p=reject; pct=100; fo=1; ri=3600; "
                "rua=mailto:dmarc-reports@login.gov,mailto:reports@dmarc.cyber.dhs.gov; ruf=mailto:dmarc-forensics@login.gov"
            ],
            "adopt": "dmarc",
        },
        {
            "domain": "login.gov",
            "name": "_smtp._tls.login.gov",
            "type": "TXT",
            "ttl": 3600,
            "values": ["v=TLSRPTv1;rua=mailto:tls.reports@gsa.gov,mailto:tls-reports@login.gov"],
            "adopt": "tls_rpt",
        },
        {
            "domain": "login.gov",
            "name": "<acm validation name for mta-sts.login.gov>",
            "type": "CNAME",
            "ttl": 3600,
            "values": ["<acm validation target for mta-sts.login.gov>"],
            "computed": True,
        },
        *(ses_cname(region, i) for region in ("us-west-2", "us-east-1") for i in (1, 2, 3)),
    ]
    assert [r for r in records if not r["name"].startswith(("_mta-sts.", "mta-sts."))] == expected
    # the policy host's TXT and aliases: what maildns import writes for them
    assert [r.get("adopt") for r in records if r["name"].startswith(("_mta-sts.", "mta-sts."))] == ["mta_sts", "mta_sts_a", "mta_sts_aaaa"]


def test_records_table_shows_each_value_on_its_own_line(capsys):
    assert main(["records", str(LOGIN_GOV)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "TYPE", "TTL", "VALUE"]
    assert lines[1].split() == ["login.gov", "MX", "3600", "10", "aspmx.l.google.com"]
    assert any(line.endswith("(known after apply)") and "CNAME" in line for line in lines)


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("domain: example.gov\ndmarc: {pct: 100, pctt: 5}\n", "dmarc.pctt: unknown key (got pctt; did you mean pct? allowed: "),
        ("domain: example.gov\ndmarc: {pct: 101}\n", "dmarc.pct: must be 0-100 (got 101; RFC 7489 6.3)"),
        (
            "domain: example.gov\nmx:\n  - {host: mx.example.net, preference: 70000}\n",
            "mx[0].preference: must be 0-65535 (got 70000; RFC 1035 3.3.9)",
        ),
        (
            "domain: example.gov\ndmarc: {rua: [dmarc@example.gov]}\n",
            "dmarc.rua[0]: must be a mailto: URI such as mailto:dmarc@example.org (got dmarc@example.gov; RFC 7489 6.2)",
        ),
    ],
    ids=["a typo'd key", "DMARC pct of 101", "MX preference of 70000", "rua without mailto"],
)
def test_bad_input_is_one_clear_line_and_nothing_is_written(tmp_path, yaml_text, expected):
    path = write(tmp_path, yaml_text)
    out = tmp_path / "out"
    result = run("-m", "maildns", "synth", str(path), "--out", str(out))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: {expected}"), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()

    validate = run("-m", "maildns", "validate", str(path))
    assert validate.returncode == 1
    assert validate.stderr.splitlines()[0] == lines[0]
    assert validate.stderr.splitlines()[-1] == "1 file checked: 1 error, 0 warnings"


def test_main_py_refuses_bad_config_before_writing(tmp_path):
    write(tmp_path, "domain: example.gov\nmx: [{host: 192.0.2.1, preference: 10}]\n")
    result = run(str(ROOT / "main.py"), cwd=tmp_path, env={"MAILDNS_CONFIG": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{tmp_path / 'example.gov.yaml'}: mx[0].host: must be a host name: an IP address is not allowed here (got 192.0.2.1; RFC 5321 2.3.5)"
    )
    assert not (tmp_path / "cdktf.out").exists()


def test_main_py_writes_one_stack_per_domain(tmp_path):
    write(tmp_path, "domain: a.gov\n", "a.gov.yaml")
    write(tmp_path, "domain: b.gov\n", "b.gov.yaml")
    result = run(str(ROOT / "main.py"), cwd=tmp_path, env={"MAILDNS_CONFIG": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "cdktf.out" / "stacks").iterdir()) == ["a-gov", "b-gov"]


def test_validate_reports_every_file_and_every_problem(tmp_path, capsys):
    write(tmp_path, "domain: good.gov\n", "good.gov.yaml")
    write(tmp_path, "domain: bad.gov\nttl: -1\nmx: [{host: mx.bad.gov}]\n", "bad.gov.yaml")
    write(tmp_path, "domain: good.gov\n", "copy.yaml")
    assert main(["validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err.splitlines()
    bad, good = tmp_path / "bad.gov.yaml", tmp_path / "good.gov.yaml"
    assert err == [  # files in name order: bad.gov.yaml, copy.yaml, good.gov.yaml
        f"{bad}: ttl: must be 0-2147483647 (got -1; RFC 2181 8)",
        f"{bad}: mx[0].preference: is required (got nothing; RFC 1035 3.3.9)",
        f"warning: {tmp_path / 'copy.yaml'}: domain: does not match the file name copy.yaml; name the file good.gov.yaml (got good.gov; one file per domain: config/<domain>.yaml)",
        f"{good}: domain: is configured twice (also in {tmp_path / 'copy.yaml'}) (got good.gov; one file and one stack per domain)",
        "3 files checked: 3 errors, 1 warning",
    ]


def test_validate_json_for_ci(tmp_path, capsys):
    write(tmp_path, "domain: example.gov\ndmarc: {p: maybe}\n")
    assert main(["validate", str(tmp_path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1
    (entry,) = report["files"]
    assert entry["valid"] is False
    file = str(tmp_path / "example.gov.yaml")
    assert entry["errors"] == [
        {
            "file": file,
            "field": "dmarc.p",
            "path": ["dmarc", "p"],
            "message": "must be none, quarantine or reject",
            "value": "maybe",
            "rule": "RFC 7489 6.3",
            "severity": "error",
            "text": f"{file}: dmarc.p: must be none, quarantine or reject (got maybe; RFC 7489 6.3)",
        }
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("domain: [unclosed\n", ": line 2: is not valid YAML: "),
        ("domain: a.gov\ndomain: b.gov\n", ": line 2: is not valid YAML: duplicate key 'domain'"),
        ("- just\n- a list\n", ': (top level): must be a mapping of settings (got ["just", "a list"]; see README: Configuration)'),
    ],
    ids=["broken YAML", "a key given twice", "not a mapping"],
)
def test_yaml_problems_are_one_line_too(tmp_path, capsys, text, expected):
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(f"{path}{expected}"), first


def test_missing_file_is_reported_not_raised(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short path: values are shown up to 80 characters
    assert main(["records", "nope.yaml"]) == 1
    assert capsys.readouterr().err.strip() == (
        "nope.yaml: file: cannot be read: No such file or directory (got nope.yaml; a readable UTF-8 YAML file)"
    )


def test_usage_errors_exit_2(tmp_path):
    assert run("-m", "maildns", "frobnicate").returncode == 2
    assert run("-m", "maildns", "records", "--format", "xml").returncode == 2
    empty = run("-m", "maildns", "validate", str(tmp_path))
    assert empty.returncode == 2 and "no .yaml files" in empty.stderr


def test_synth_writes_what_cdktf_synth_writes(tmp_path):
    out = tmp_path / "out"
    result = run("-m", "maildns", "synth", str(LOGIN_GOV), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out / "stacks" / "login-gov" / "cdk.tf.json")
    assert (out / "manifest.json").exists()
    golden = ROOT / "tests" / "golden" / "login-gov.json"
    assert (out / "stacks" / "login-gov" / "cdk.tf.json").read_text() == golden.read_text()


@pytest.mark.parametrize("command", ["records", "policy", "synth", "check"])
def test_an_empty_folder_is_a_usage_error(tmp_path, capsys, command):
    assert main([command, str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"maildns {command}: no .yaml files in {tmp_path}"


def test_main_py_with_no_configs_is_a_usage_error(tmp_path):
    result = run(str(ROOT / "main.py"), cwd=tmp_path, env={"MAILDNS_CONFIG": str(tmp_path)})
    assert (result.returncode, result.stderr.strip()) == (2, f"main.py: no .yaml files in {tmp_path}")


def test_validate_names_files_whose_names_hold_a_colon(tmp_path, capsys):
    write(tmp_path, "domain: good.gov\n", "a.yaml")
    write(tmp_path, "domain: good.gov\n", "a: b.yaml")
    assert main(["validate", str(tmp_path)]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("warning: ")]
    assert lines[0].startswith(f"{tmp_path / 'a: b.yaml'}: domain: is configured twice")


def test_synth_out_that_cannot_be_created_is_a_usage_error(capsys):
    assert main(["synth", str(LOGIN_GOV), "--out", "/dev/null/out"]) == 2
    assert capsys.readouterr().err.strip() == "maildns synth: --out /dev/null/out: Not a directory"


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("192.0.2.1", ("192.0.2.1", 53)), ("192.0.2.1:5353", ("192.0.2.1", 5353)), ("[::1]:53", ("::1", 53)), ("::1", ("::1", 53))],
)
def test_nameserver_forms(value, parsed):
    from maildns.cli.options import nameserver

    assert nameserver(value) == parsed


@pytest.mark.parametrize("value", ["localhost", "127.0.0.1:abc", "127.0.0.1:70000", "[::1]:0"])
def test_a_bad_nameserver_is_a_usage_error(value):
    result = run("-m", "maildns", "check", str(LOGIN_GOV), "--nameserver", value)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--nameserver" in result.stderr


def test_diff_refuses_what_is_not_terraform_json(tmp_path, capsys):
    bad = tmp_path / "stacks" / "x" / "cdk.tf.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("[1]")
    assert main(["diff", str(tmp_path), str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == f"maildns diff: {bad}: is not Terraform JSON (a list, not an object)"
    assert main(["diff", str(tmp_path), str(tmp_path / "nope")]) == 2


def test_records_into_a_closed_pipe_is_quiet():
    result = subprocess.run(
        f"{sys.executable} -m maildns records {LOGIN_GOV} | head -1", shell=True, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["NAME", "TYPE", "TTL", "VALUE"]
    assert "Traceback" not in result.stderr
