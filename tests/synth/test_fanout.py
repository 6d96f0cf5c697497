"""Parallel synth writes, file by file, the bytes one sequential cdktf app writes (manifest.json included)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from maildns.config import load_configs
from maildns.fanout import (
    PARALLEL_MIN,
    direct_kernel,
    groups_of,
    merge_manifests,
    stable_stringify,
    synth,
    synth_group,
)
from maildns.plan import plan
from tests.fixtures import CONFIG
from tests.fixtures import LOGIN_GOV as FIXTURE_LOGIN_GOV
from tests.synth.helpers import ROOT

LOGIN_GOV = FIXTURE_LOGIN_GOV.read_text()


def domain_file(i: int) -> str:
    """A mix of shapes: full with MTA-STS and SES (some signed, their DS in example.gov's stack),
    SES without Easy DKIM, a zone by id, parked, S3 state."""
    name = f"d{i}.example.gov"
    shapes = [
        f"domain: {name}\nmx: [{{host: mx.{name}, preference: 10}}]\nses: {{regions: [us-west-2, eu-west-1]}}\nmta_sts: {{mode: enforce}}\ntls_rpt: {{rua: [mailto:tls@{name}]}}\n"
        + ("dnssec: {signing: true, publish_ds: true}\n" if i % 8 == 0 else ""),
        f"domain: {name}\nmail: none\n",
        f"domain: {name}\nzone_id: Z0123456789ABCDEFGHIJ\nses: {{regions: [us-east-1], easy_dkim: false}}\n",
        f"domain: {name}\nmail: none\nbackend: {{bucket: agency-state, region: us-east-1}}\ndmarc: {{rua: [mailto:d@{name}]}}\n",
    ]
    return shapes[i % len(shapes)]


@pytest.fixture(scope="module")
def configs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("config")
    (folder / "_defaults.yaml").write_text("ttl: 600\ndmarc: {rua: [mailto:dmarc@d0.example.gov]}\n")
    (folder / "login.gov.yaml").write_text(LOGIN_GOV)
    (folder / "example.gov.yaml").write_text("domain: example.gov\nmail: none\n")  # the parent zone
    for i in range(PARALLEL_MIN + 5):
        (folder / f"d{i}.example.gov.yaml").write_text(domain_file(i))
    return folder, load_configs([folder])


@pytest.fixture(scope="module")
def plain(configs, tmp_path_factory):
    """One cdktf app in this process: the reference."""
    out = tmp_path_factory.mktemp("plain")
    synth_group(plan(configs[1]), str(out))
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_tree(expected: Path, actual: Path) -> None:
    want, got = files(expected), files(actual)
    assert sorted(got) == sorted(want)
    different = [name for name in want if want[name] != got[name]]
    assert not different, f"differ from the sequential synth: {different}"


def test_parallel_synth_writes_the_same_bytes(configs, plain, tmp_path):
    synth(configs[1], str(tmp_path), jobs=2)
    assert_same_tree(plain, tmp_path)
    assert (tmp_path / "manifest.json").read_bytes().startswith(b'{\n  "stacks": {')
    # The signed children's DS records and the dependencies on them made it into the parent's stack.
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "d0-example-gov" in manifest["stacks"]["example-gov"]["dependencies"]
    assert b"terraform_remote_state" in (tmp_path / "stacks" / "example-gov" / "cdk.tf.json").read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".maildns-synth-")], "the group folders are removed"


def test_main_py_fans_out_the_same_way(configs, plain, tmp_path):
    """``cdktf synth`` runs main.py: it goes through the same parallel path."""
    env = {**os.environ, "MAILDNS_CONFIG": str(configs[0]), "CDKTF_OUTDIR": str(tmp_path), "MAILDNS_JOBS": "2"}
    run = subprocess.run([sys.executable, "main.py"], check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert_same_tree(plain, tmp_path)


def test_a_later_synth_replaces_stale_stack_files(configs, plain, tmp_path):
    stale = tmp_path / "stacks" / "login-gov" / "cdk.tf.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    synth(configs[1], str(tmp_path), jobs=2)
    assert stale.read_bytes() == (plain / "stacks" / "login-gov" / "cdk.tf.json").read_bytes()


def test_a_parent_and_its_signed_children_share_a_group(configs):
    """The DS of a signed child is written into its parent's stack only when both are in one app."""
    plans = plan(configs[1])
    groups = groups_of(plans, 8)
    parent = next(g for g in groups if any(p.domain == "example.gov" for p in g))
    children = {r.name for p in plans for r in p.dnssec}
    assert children and children <= {p.domain for p in parent}
    order = {p.stack_name: i for i, p in enumerate(plans)}
    for group in groups:
        assert [order[p.stack_name] for p in group] == sorted(order[p.stack_name] for p in group)
    assert sorted(p.stack_name for g in groups for p in g) == sorted(order)
    assert len(groups) == 8


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({}, "{\n}"),
        ([], "[\n]"),
        ({"b": [], "a": {"c": "x"}}, '{\n  "a": {\n    "c": "x"\n  },\n  "b": [\n  ]\n}'),
        ({"k": [1, "two", None, True]}, '{\n  "k": [\n    1,\n    "two",\n    null,\n    true\n  ]\n}'),
    ],
    ids=["empty object", "empty array", "keys sorted, nested", "scalars"],
)
def test_stable_stringify_writes_as_json_stable_stringify(value, text):
    assert stable_stringify(value) == text


def test_manifests_merge_their_stacks():
    merged = merge_manifests([{"version": "0.21.0", "stacks": {"b": {}}}, {"version": "0.21.0", "stacks": {"a": {}}}])
    assert merged == {"version": "0.21.0", "stacks": {"b": {}, "a": {}}}
    assert stable_stringify(merged).index('"a"') < stable_stringify(merged).index('"b"')


def test_jobs_must_be_a_number(monkeypatch, capsys, tmp_path):
    from maildns.cli import main

    monkeypatch.setenv("MAILDNS_JOBS", "many")
    assert main(["synth", str(CONFIG), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == "maildns synth: MAILDNS_JOBS is 'many'; it is a number of processes, 1 or more\n"
    assert not (tmp_path / "out").exists()
    with pytest.raises(SystemExit) as exc:  # argparse: a usage error
        main(["synth", "--jobs", "0", str(CONFIG)])
    assert exc.value.code == 2
    assert "argument --jobs: '0' is not a number of processes (1 or more)" in capsys.readouterr().err


def test_direct_kernel_launcher_is_cached_per_user(monkeypatch, tmp_path):
    """The workers of the parallel test above run the kernel through this launcher; the
    reference synth runs it through jsii's relay: the bytes compared there are the same."""
    monkeypatch.delenv("JSII_RUNTIME", raising=False)
    monkeypatch.delenv("MAILDNS_JSII_RELAY", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    direct_kernel()
    launcher = Path(os.environ["JSII_RUNTIME"])
    assert launcher.is_file() and launcher.is_relative_to(tmp_path / "maildns")
    assert (launcher.parent.parent / "lib" / "program.js").is_file()
    assert 'require("../lib/program.js")' in launcher.read_text()
    first = launcher.stat().st_mtime_ns
    monkeypatch.delenv("JSII_RUNTIME")
    direct_kernel()  # a second run reuses the folder
    assert Path(os.environ["JSII_RUNTIME"]) == launcher and launcher.stat().st_mtime_ns == first


@pytest.mark.parametrize(
    "env", [{"JSII_RUNTIME": "/opt/own-runtime.js"}, {"MAILDNS_JSII_RELAY": "1"}], ids=["a runtime of the user's", "the relay asked for"]
)
def test_direct_kernel_leaves_a_chosen_runtime(monkeypatch, tmp_path, env):
    monkeypatch.delenv("JSII_RUNTIME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    direct_kernel()
    assert os.environ.get("JSII_RUNTIME") == env.get("JSII_RUNTIME")
    assert not (tmp_path / "maildns").exists()
