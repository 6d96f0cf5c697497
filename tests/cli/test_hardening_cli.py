"""The command line under hostile conditions: stale output, closed pipes, full disks, odd paths."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from maildns.cli import main
from tests.cli.test_cli import LOGIN_GOV, run, write
from tests.synth.helpers import ROOT


def test_synth_removes_the_stack_of_a_removed_config_and_says_so(tmp_path):
    """Synth owns out/stacks/: a stack whose config is gone must not survive to hide a removal from diff."""
    configs = tmp_path / "config"
    configs.mkdir()
    shutil.copy(LOGIN_GOV, configs / "login.gov.yaml")
    write(configs, "domain: old.gov\n", "old.gov.yaml")
    out = tmp_path / "out"
    first = run("-m", "maildns", "synth", str(configs), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert (out / "stacks" / "old-gov" / "cdk.tf.json").exists()
    (configs / "old.gov.yaml").unlink()
    second = run("-m", "maildns", "synth", str(configs), "--out", str(out))
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [str(out / "stacks" / "login-gov" / "cdk.tf.json"), f"removed {out / 'stacks' / 'old-gov'}"]
    assert sorted(p.name for p in (out / "stacks").iterdir()) == ["login-gov"]
    assert list(json.loads((out / "manifest.json").read_text())["stacks"]) == ["login-gov"]
    assert (out / "stacks" / "login-gov" / "cdk.tf.json").read_text() == (ROOT / "tests" / "golden" / "login-gov.json").read_text()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no staging folder left


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        pytest.param(lambda out: (out / "stacks").write_text("x"), "maildns synth: --out {out}: {out}/stacks is not a folder", id="a file named stacks"),
        pytest.param(lambda out: ((out / "stacks").mkdir(), (out / "stacks" / "login-gov").write_text("x")), "maildns synth: --out {out}: {out}/stacks/login-gov is not a folder", id="a file named like the stack"),
    ],
)
def test_synth_into_an_unwritable_out_is_one_line_and_writes_nothing(tmp_path, setup, message):
    """README: an --out that cannot be written is a usage error (exit 2), and nothing partial is left."""
    out = tmp_path / "out"
    out.mkdir()
    setup(out)
    before = sorted(str(p) for p in out.rglob("*"))
    result = run("-m", "maildns", "synth", str(LOGIN_GOV), "--out", str(out))
    assert (result.returncode, result.stderr.strip(), result.stdout) == (2, message.format(out=out), "")
    assert sorted(str(p) for p in out.rglob("*")) == before


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``command`` in bash, with this environment's python first on PATH."""
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    return subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, env=env, check=False)


@pytest.mark.parametrize(
    ("command", "code"),
    [
        pytest.param("python -m maildns records {cfg} | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}", 0, id="records into head keeps exit 0"),
        pytest.param("python -m maildns records {bad} {cfg} | head -c1 >/dev/null; exit ${{PIPESTATUS[0]}}", 1, id="invalid input into head keeps exit 1"),
        pytest.param("python -m maildns validate {bad} 2>&1 | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}", 1, id="validate of a bad file into head keeps exit 1"),
    ],
)
def test_a_closed_pipe_keeps_the_exit_code(tmp_path, command, code):
    """A reader that stops early (head) must not turn a failure into success, nor print a traceback."""
    bad = write(tmp_path, "domain: example.gov\n" + "".join(f"x{i}: 1\n" for i in range(3000)), "bad.yaml")
    cfg = tmp_path / "many"
    cfg.mkdir()
    for i in range(300):
        write(cfg, f"domain: d{i}.example.gov\n", f"d{i}.example.gov.yaml")
    result = shell(command.format(cfg=cfg, bad=bad), tmp_path)
    assert (result.returncode, "Traceback" in result.stderr) == (code, False), result.stderr[-2000:]


@pytest.mark.parametrize(
    ("redirect", "message"),
    [
        pytest.param("> /dev/full", "maildns records: cannot write output: No space left on device", id="a full disk"),
        pytest.param(">&-", "maildns records: cannot write output: standard output is closed", id="a closed standard output"),
    ],
)
def test_output_that_cannot_be_written_is_one_line_and_fails(tmp_path, redirect, message):
    result = shell(f"python -m maildns records {LOGIN_GOV} {redirect}", tmp_path)
    assert (result.returncode, result.stderr.strip()) == (2, message)


def test_ctrl_c_is_one_line_and_exit_130(capsys, monkeypatch):
    import maildns.cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(maildns.cli, "cmd_records", interrupted)
    assert main(["records", str(LOGIN_GOV)]) == 130
    assert capsys.readouterr().err == "maildns records: interrupted\n"


def test_ctrl_c_during_a_real_check_exits_130(tmp_path):
    """SIGINT while check waits for a name server that never answers (a loopback UDP socket)."""
    import signal
    import socket
    import time

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        proc = subprocess.Popen(
            [sys.executable, "-m", "maildns", "check", str(LOGIN_GOV), "--nameserver", f"127.0.0.1:{port}", "--timeout", "30"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            silent.settimeout(30)
            silent.recvfrom(512)  # the first query has been sent: check is waiting
            time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert (proc.returncode, err) == (130, "maildns check: interrupted\n")


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == "maildns 0.1.0\n"
