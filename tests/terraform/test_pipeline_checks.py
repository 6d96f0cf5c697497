"""The deploy workflow's refusals, as ``maildns stacks`` makes them: a stack that keeps local state
(``--local-state``), and a stack whose backend changed since the last deploy while its new backend
holds no state (``--moved-since``: the state was not moved). Each on a throwaway git repository;
the states are read with Terraform."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from maildns.cli import main
from tests.synth.helpers import ROOT

pytestmark = pytest.mark.terraform

BACKEND = "backend: {bucket: agency-terraform-state, region: us-gov-west-1}\n"
DOMAINS = {
    "a.example": "domain: a.example\nmx: [{host: mx.a.example, preference: 10}]\n",
    "b.example": "domain: b.example\nmx: [{host: mx.b.example, preference: 10}]\n",
}
# A state holding one resource: what `terraform state push` leaves at the new backend after a move.
MOVED = {
    "version": 4,
    "terraform_version": "1.11.4",
    "serial": 3,
    "lineage": "0b6f7a3e-6a43-4c5f-9d0e-2f1b8c1d9e10",
    "outputs": {},
    "resources": [
        {
            "mode": "managed",
            "type": "terraform_data",
            "name": "maildns_applied",
            "provider": 'provider["terraform.io/builtin/terraform"]',
            "instances": [
                {
                    "schema_version": 0,
                    "attributes": {
                        "id": "1",
                        "input": {"value": "0" * 64, "type": "string"},
                        "output": {"value": "0" * 64, "type": "string"},
                        "triggers_replace": None,
                    },
                }
            ],
        }
    ],
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=maildns", "-c", "user.email=maildns@example.invalid", *args], cwd=repo, capture_output=True, check=True
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terraform_env: dict[str, str]) -> Path:
    """A repository whose commit holds maildns and two domains with the S3 backend; Terraform's
    environment is this process's (``maildns stacks`` runs terraform)."""
    shutil.copytree(ROOT / "maildns", tmp_path / "maildns", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "main.py", tmp_path / "main.py")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "_defaults.yaml").write_text(BACKEND)
    for name, text in DOMAINS.items():
        (tmp_path / "config" / f"{name}.yaml").write_text(text)
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "--quiet", "-m", "S3 backend")
    monkeypatch.chdir(tmp_path)
    for key, value in terraform_env.items():
        monkeypatch.setenv(key, value)
    return tmp_path


def synth() -> None:
    assert main(["synth", "--out", str(Path.cwd() / "cdktf.out"), "config"]) == 0  # Node.js keeps the cwd it started in


def test_local_state_stops_the_deploy_with_one_line_and_the_fix(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "config" / "_defaults.yaml").write_text("")
    synth()
    capsys.readouterr()
    assert main(["stacks", "--local-state", "config"]) == 1
    assert capsys.readouterr().err == (
        "maildns stacks: a-example, b-example keep Terraform state in a local file, which a CI runner deletes after the job: "
        "set backend: (an S3 bucket) in config/_defaults.yaml, then move the state there (docs/deploying.md, Moving state)\n"
    )


def test_the_s3_backend_passes_the_local_state_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    synth()
    capsys.readouterr()
    assert main(["stacks", "--local-state", "config"]) == 0
    assert capsys.readouterr().out == "a-example\nb-example\n"


def test_a_backend_changed_without_moving_the_state_is_refused_until_it_is_moved(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "config" / "_defaults.yaml").write_text("")  # back to local state: the S3 state stays behind
    synth()
    capsys.readouterr()
    assert main(["stacks", "--moved-since", "HEAD", "config"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"maildns stacks: {stack}: its state moves from s3://agency-terraform-state/maildns/{domain}.tfstate to "
        f"local ../../../terraform.{stack}.tfstate, which holds no state yet: move it first "
        f"(terraform init -migrate-state in cdktf.out/stacks/{stack}, docs/deploying.md Moving state)"
        for domain, stack in (("a.example", "a-example"), ("b.example", "b-example"))
    ]
    (repo / "terraform.a-example.tfstate").write_text(json.dumps(MOVED))  # a-example's state moved
    assert main(["stacks", "--moved-since", "HEAD", "config"]) == 1
    assert [line.split(":")[1].strip() for line in capsys.readouterr().err.splitlines()] == ["b-example"]
    (repo / "terraform.b-example.tfstate").write_text(json.dumps(MOVED))
    assert main(["stacks", "--moved-since", "HEAD", "config"]) == 0


def test_the_same_backend_is_never_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    synth()
    assert main(["stacks", "--moved-since", "HEAD", "config"]) == 0


def test_pending_needs_a_synth_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stacks", "--pending", "--out", "nowhere", "config"]) == 2
    assert (
        capsys.readouterr().err
        == "maildns stacks: --out nowhere: no synthesized stack a-example, b-example: run maildns synth --out nowhere first\n"
    )
