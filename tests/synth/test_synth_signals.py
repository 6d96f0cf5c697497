"""A stopped synth leaves nothing behind: SIGTERM and SIGHUP clean up as Ctrl-C does (no staging
folder, no worker or Node.js process left), and a later synth removes what a killed one left.

Each case runs ``maildns synth`` as a real process in a session of its own, with enough domains
for the parallel workers, signals only that process once its workers' Node.js processes run,
then looks for any process left in the session.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from maildns.fanout import PARALLEL_MIN
from maildns.synthesis.staging import LOCK, ORPHAN_SECONDS, STAGING_PREFIX, descendants, remove_stale
from tests.conftest import child_env, with_default_signals
from tests.synth.helpers import ROOT

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


# ``maildns`` started with the dispositions of an interactive shell, whatever started the tests
# (Python then turns the default SIGINT into KeyboardInterrupt, as in a terminal).
MAILDNS = with_default_signals([sys.executable, "-m", "maildns"])


@pytest.fixture
def configs(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    for i in range(PARALLEL_MIN + 4):
        name = f"d{i}.example.gov"
        text = (
            f"domain: {name}\nmail: none\n"
            if i % 2
            else f"domain: {name}\nmx: [{{host: mx.{name}, preference: 10}}]\nmta_sts: {{mode: enforce}}\n"
        )
        (folder / f"{name}.yaml").write_text(text)
    return folder


def session_processes(sid: int) -> list[int]:
    """The live processes of session ``sid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path("/proc", entry, "stat").read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry))
    return found


def start_synth(configs: Path, out: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*MAILDNS, "synth", str(configs), "--out", str(out), "--jobs", "2", "--no-cache"],
        cwd=ROOT,
        env=child_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_for_node(process: subprocess.Popen[bytes], count: int, timeout: float = 120) -> None:
    """Until ``count`` Node.js processes run under ``process`` (the workers are synthesizing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        nodes = [p for p in descendants(process.pid) if _name(p) == "node"]
        if len(nodes) >= count:
            return
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        time.sleep(0.1)
    raise AssertionError(f"no {count} Node.js processes under {process.pid} within {timeout} s")


def _name(pid: int) -> str:
    try:
        return Path("/proc", str(pid), "comm").read_text().strip()
    except OSError:
        return ""


def end_session(sid: int) -> list[int]:
    """SIGKILL what is left of the session (processes this test started), by pid; returns them."""
    left = session_processes(sid)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.parametrize(
    ("signum", "code"),
    [
        pytest.param(signal.SIGTERM, -signal.SIGTERM, id="SIGTERM ends the run by SIGTERM"),
        pytest.param(signal.SIGHUP, -signal.SIGHUP, id="SIGHUP ends the run by SIGHUP"),
        pytest.param(signal.SIGINT, 130, id="SIGINT sent to the main process alone exits 130"),
    ],
)
def test_a_stopped_synth_leaves_no_staging_folder_and_no_process(configs, tmp_path, signum, code):
    out = tmp_path / "out"
    process = start_synth(configs, out, {})
    try:
        wait_for_node(process, 2)
        os.kill(process.pid, signum)  # the main process only, not its process group
        assert process.wait(timeout=60) == code
        time.sleep(0.5)  # the reparented processes, if any, would still be there
        assert session_processes(process.pid) == []
        assert [p.name for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)] == []
        assert not (out / "stacks").exists()  # nothing was published
    finally:
        left = end_session(process.pid)
        process.wait(timeout=30)
    assert left == []


def test_a_later_synth_removes_the_staging_folder_of_a_killed_one(configs, tmp_path):
    """SIGKILL reaches no handler: the folder stays until the next synth into the same --out."""
    out = tmp_path / "out"
    process = start_synth(configs, out, {})
    try:
        wait_for_node(process, 1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        end_session(process.pid)  # the orphaned workers, by pid
    stale = [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]
    assert stale, "the killed run left its staging folder"
    small = tmp_path / "one"
    small.mkdir()
    (small / "d0.example.gov.yaml").write_text((configs / "d0.example.gov.yaml").read_text())
    done = subprocess.run(
        [*MAILDNS, "synth", str(small), "--out", str(out), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)] == []
    assert (out / "stacks" / "d0-example-gov" / "cdk.tf.json").is_file()


def test_a_staging_folder_in_use_is_kept(tmp_path):
    """A concurrent synth into the same --out holds its folder's lock: it is not stale."""
    used, left, orphan, fresh = (tmp_path / f"{STAGING_PREFIX}{n}" for n in ("used", "left", "orphan", "fresh"))
    for folder in (used, left, orphan, fresh):
        folder.mkdir()
    (left / LOCK).touch()
    old = time.time() - ORPHAN_SECONDS - 60
    os.utime(orphan, (old, old))  # no lock file, old: a run killed before it locked, or an older maildns
    with open(used / LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        removed = remove_stale(tmp_path)
    assert sorted(removed) == sorted([left, orphan])
    assert used.is_dir() and fresh.is_dir()
