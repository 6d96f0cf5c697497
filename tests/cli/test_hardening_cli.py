"""The command line under hostile conditions: stale output, closed pipes, full disks, odd paths."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from maildns.cli import main
from tests.cli.test_cli import LOGIN_GOV, run, write
from tests.conftest import FIXED, child_env, clean_environment, with_default_signals
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
        pytest.param(
            lambda out: (out / "stacks").write_text("x"),
            "maildns synth: --out {out}: {out}/stacks is not a folder",
            id="a file named stacks",
        ),
        pytest.param(
            lambda out: ((out / "stacks").mkdir(), (out / "stacks" / "login-gov").write_text("x")),
            "maildns synth: --out {out}: {out}/stacks/login-gov is not a folder",
            id="a file named like the stack",
        ),
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
        pytest.param(
            "python -m maildns records {cfg} | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}", 0, id="records into head keeps exit 0"
        ),
        pytest.param(
            "python -m maildns records {bad} {cfg} | head -c1 >/dev/null; exit ${{PIPESTATUS[0]}}",
            1,
            id="invalid input into head keeps exit 1",
        ),
        pytest.param(
            "python -m maildns validate {bad} 2>&1 | head -1 >/dev/null; exit ${{PIPESTATUS[0]}}",
            1,
            id="validate of a bad file into head keeps exit 1",
        ),
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
    import maildns.cli.records

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(maildns.cli.records, "cmd_records", interrupted)
    assert main(["records", str(LOGIN_GOV)]) == 130
    assert capsys.readouterr().err == "maildns records: interrupted\n"


def test_ctrl_c_during_a_real_check_exits_130(tmp_path):
    """SIGINT while check waits for a name server that never answers (a loopback UDP socket).

    The child starts with SIGINT at its default: it would inherit an ignore from a suite started
    in the background, and maildns rightly keeps an inherited ignore."""
    import signal
    import socket
    import time

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        proc = subprocess.Popen(
            with_default_signals(
                [sys.executable, "-m", "maildns", "check", str(LOGIN_GOV), "--nameserver", f"127.0.0.1:{port}", "--timeout", "30"]
            ),
            cwd=ROOT,
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
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


# pytest started the way a background job starts: SIGINT ignored before exec (kept across it).
IGNORING_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def test_the_ctrl_c_test_passes_when_the_suite_starts_with_sigint_ignored():
    """``make test`` as a background job, under nohup or some CI runners: SIGINT arrives ignored.
    The Ctrl-C test must pass there too, so it cannot lean on the disposition it inherits."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            IGNORING_SIGINT,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            f"{__file__}::test_ctrl_c_during_a_real_check_exits_130",
        ],
        cwd=ROOT,
        env=child_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert re.search(r"\b1 passed\b", done.stdout), done.stdout[-3000:]


SIGNALS_A_CHILD = re.compile(r"send_signal\(|os\.kill\(|\.terminate\(\)|killpg\(")


def test_every_test_that_signals_a_child_starts_it_with_default_signals():
    """Any test or helper that signals a process it started must start it through ``with_default_signals``
    (tests/conftest.py), or it passes only when the suite inherits SIGINT and SIGTERM at their defaults."""
    tests = ROOT / "tests"
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted(tests.rglob("*.py"))
        if SIGNALS_A_CHILD.search(text := path.read_text(encoding="utf-8")) and "with_default_signals(" not in text
    ]
    assert offenders == []


def test_the_clean_environment_drops_what_changes_behaviour_and_keeps_the_suites_switches():
    """CI=true, a MAILDNS_* setting, a Terraform CLI config or a git directory inherited from the
    shell must not reach maildns, git or terraform in a test; the Terraform skip switch must."""
    from tests.terraform.harness import SKIP_SWITCH

    inherited = {
        "CI": "true",
        "NO_COLOR": "1",
        "TERM": "xterm-256color",
        "LC_ALL": "tr_TR.UTF-8",
        "MAILDNS_JOBS": "bogus",
        "MAILDNS_CONFIG": "/elsewhere",
        "TF_CLI_CONFIG_FILE": "/nonexistent",
        "GIT_DIR": "/nonexistent",
        "JSII_RUNTIME": "/nonexistent",
        "PATH": "/usr/bin",
        SKIP_SWITCH: "1",
    }
    clean_environment(inherited)
    assert inherited == {"PATH": "/usr/bin", SKIP_SWITCH: "1", **FIXED}


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == "maildns 0.1.0\n"


def test_records_lists_every_record_set_the_stack_creates(capsys):
    """README: `records` prints every record set, including the ACM validation CNAME synth creates."""
    from maildns.config import load_configs
    from maildns.plan import plan

    golden = json.loads((ROOT / "tests" / "golden" / "login-gov.json").read_text())
    (domain_plan,) = plan(load_configs([LOGIN_GOV]))
    assert {r.id.replace("-", "_") for r in domain_plan.all_records} == set(golden["resource"]["aws_route53_record"])
    assert main(["records", str(LOGIN_GOV), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {
        "domain": "login.gov",
        "name": "<acm validation name for mta-sts.login.gov>",
        "type": "CNAME",
        "ttl": 3600,
        "values": ["<acm validation target for mta-sts.login.gov>"],
        "computed": True,
    } in records


def test_distinct_domains_with_the_same_stack_name_are_named_as_such(tmp_path, capsys):
    write(tmp_path, "domain: a-b.example.com\n", "a-b.example.com.yaml")
    write(tmp_path, "domain: a.b-example.com\n", "a.b-example.com.yaml")
    assert main(["validate", str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{tmp_path / 'a.b-example.com.yaml'}: domain: gives the stack name a-b-example-com, as a-b.example.com in "
        f"{tmp_path / 'a-b.example.com.yaml'} does; two domains cannot share a stack (got a.b-example.com; one file and one stack per domain)"
    )


# --- PATH arguments: what a folder scan reads, skips and refuses ---------------------------------


def test_validate_skips_hidden_files_and_lists_what_it_skipped(tmp_path, capsys):
    """A macOS ._x.yaml (binary AppleDouble data) must not break every command; skipped entries are named."""
    write(tmp_path, "domain: example.gov\n")
    (tmp_path / "._example.gov.yaml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    write(tmp_path, "domain: other.gov\n", "OTHER.GOV.YAML")
    (tmp_path / "archive").mkdir()
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 file checked: 0 errors, 0 warnings, 5 skipped",
        f"skipped: {tmp_path / '._example.gov.yaml'} (a hidden file)",
        f"skipped: {tmp_path / 'OTHER.GOV.YAML'} (ends in .YAML; only lower-case .yaml and .yml are read)",
        f"skipped: {tmp_path / 'archive'} (a folder; folders are not searched)",
        f"skipped: {tmp_path / 'folder.yaml'} (a folder; folders are not searched)",
        f"skipped: {tmp_path / 'gone.yaml'} (a link to nothing)",
    ]
    assert main(["records", str(tmp_path), "--format", "json"]) == 0


def test_validate_json_lists_skipped_files(tmp_path, capsys):
    write(tmp_path, "domain: example.gov\n")
    write(tmp_path, "domain: x.gov\n", ".hidden.yaml")
    assert main(["validate", str(tmp_path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["skipped"] == [{"file": str(tmp_path / ".hidden.yaml"), "reason": "a hidden file"}]


def test_a_file_named_after_another_domain_is_warned(tmp_path, capsys):
    path = write(tmp_path, "domain: example.gov\n", "example.com.yaml")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr()
    assert (
        out.err
        == f"warning: {path}: domain: does not match the file name example.com.yaml; name the file example.gov.yaml (got example.gov; one file per domain: config/<domain>.yaml)\n"
    )


def test_a_file_named_after_its_idn_domain_is_not_warned(tmp_path, capsys):
    path = write(tmp_path, "domain: bücher.example\n", "bücher.example.yaml")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == "1 file checked: 0 errors, 0 warnings\n"


def test_a_missing_default_config_folder_is_a_usage_error(tmp_path):
    result = run("-m", "maildns", "validate", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        f"maildns validate: no config/ folder in {tmp_path}; give the config files or folders as PATH\n",
    )


def test_an_empty_folder_next_to_a_file_is_a_usage_error(tmp_path, capsys):
    path = write(tmp_path, "domain: example.gov\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["validate", str(path), str(empty)]) == 2
    assert capsys.readouterr().err == f"maildns validate: no .yaml files in {empty}\n"
