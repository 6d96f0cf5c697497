"""A fork that replaces config/ with its own domains and an S3 backend keeps the test suite green.

The project is copied (the files git would commit, this checkout's .venv and node_modules linked),
config/ becomes 60 domains (more than the 40 from which synth runs in parallel), a
``_defaults.yaml`` with an S3 backend and report addresses, and no login.gov.yaml; then the copy's
own tests run there, with an audit hook that fails the run if any of them opens a file in config/.

Cost on 2 cores: the run leaves out, by marker, the groups that cannot read config/ and take
most of the time. ``conformance`` compares maildns/aws/ with the prebuilt AWS bindings (no config
at all); ``live`` serves zones built in tests/live/world.py from tests/fixtures; ``terraform``
synthesizes tests/terraform/matrix.py's groups, of which the shipped one is tests/fixtures/config.
That they read no config/ is checked for every test file by ``test_no_test_names_the_config_folder``
below, and the copy collects every test (all groups) so a module that reads config/ when it is
imported fails there too. This file itself is left out of the copy's run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.synth.helpers import ROOT

DOMAINS = 60
DEFAULTS = """\
dmarc: {p: reject, rua: ["mailto:dmarc-reports@fork.example"]}
backend: {bucket: fork-terraform-state, region: us-gov-west-1}
"""
# The groups left out of the copy's run (see above), and this file.
LEFT_OUT = "not conformance and not live and not terraform"
GUARD = '''\
"""Fails the session when a test opens a file under config/ (sys.addaudithook, in-process)."""
import os
import sys

CONFIG = os.path.realpath("config") + os.sep
READ = []


def _hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if os.path.realpath(path).startswith(CONFIG):
            READ.append(path)
            raise PermissionError(f"a test opened {path}: tests read tests/fixtures/config, never config/")


sys.addaudithook(_hook)


def pytest_sessionfinish(session, exitstatus):
    if READ:
        print("\\nopened in config/: " + ", ".join(sorted(set(READ))))
        session.exitstatus = 1
'''


def domain(i: int) -> str:
    name = f"d{i:02d}.fork.example"
    if i % 3 == 0:
        return f"domain: {name}\nmail: none\n"
    return (
        f"domain: {name}\n"
        f"mx: [{{host: mx.{name}, preference: 10}}]\n"
        "spf: {terms: [mx]}\n"
        f"tls_rpt: {{rua: [mailto:tls@{name}]}}\n"
        "mta_sts: {mode: enforce}\n"
    )


def copy_project(into: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    for name in (".venv", "node_modules"):
        (into / name).symlink_to(ROOT / name)
    shutil.rmtree(into / "config")
    (into / "config").mkdir()
    (into / "config" / "_defaults.yaml").write_text(DEFAULTS)
    for i in range(DOMAINS):
        (into / "config" / f"d{i:02d}.fork.example.yaml").write_text(domain(i))
    (into / "fork_guard.py").write_text(GUARD)
    return into


def test_no_test_names_the_config_folder():
    """Every test reads tests/fixtures/config; only tests/test_example.py names config/ of the project."""
    reads = re.compile(r"""(ROOT|parents\[\d\])\s*/\s*"config"|Path\(\s*"config[/"]|open\(\s*"config/|load_configs?\(\s*"config""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.name != "test_example.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if reads.search(line)
    ]
    assert found == []


def test_a_fork_with_its_own_config_runs_the_suite_green(tmp_path):
    fork = copy_project(tmp_path / "fork")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "PYTEST_", "MAILDNS_"))}
    env |= {"PYTHONPATH": str(fork), "AWS_ACCESS_KEY_ID": "fork-must-not-use", "AWS_SECRET_ACCESS_KEY": "fork-must-not-use"}
    pytest_ = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "fork_guard"]
    collected = subprocess.run([*pytest_, "--collect-only", "-q"], cwd=fork, env=env, capture_output=True, text=True, check=False)
    assert collected.returncode == 0, collected.stdout[-4000:] + collected.stderr[-2000:]
    run = subprocess.run(
        [*pytest_, "-q", "-m", LEFT_OUT, "--ignore", "tests/test_fork.py", "-n", "2", "--dist", "loadfile"],
        cwd=fork,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "skipped" in run.stdout  # tests/test_example.py: the fork has no config/login.gov.yaml
