"""Where Terraform keeps local state: the synthesized backend, run by a real Terraform in the stack
folder that cdktf runs it in, writes the state file in the project root, not under cdktf.out/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from maildns.config import load_config
from maildns.stacks import build_app
from tests.fixtures import LOGIN_GOV

TERRAFORM = shutil.which("terraform")


@pytest.mark.skipif(TERRAFORM is None, reason="needs terraform on PATH")
def test_local_state_lands_in_the_project_root(tmp_path):
    project = tmp_path / "project"
    outdir = project / "cdktf.out"  # the output folder cdktf.json and `maildns synth` use
    project.mkdir()
    build_app([load_config(LOGIN_GOV)], outdir=str(outdir)).synth()
    stack = outdir / "stacks" / "login-gov"
    backend = json.loads((stack / "cdk.tf.json").read_text())["terraform"]["backend"]
    # The AWS provider cannot be installed here: keep the synthesized backend and give Terraform
    # one built-in resource, so that apply writes a state file through that backend.
    (stack / "cdk.tf.json").write_text(
        json.dumps({"terraform": {"backend": backend}, "resource": {"terraform_data": {"probe": {"input": "state"}}}})
    )
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text("")
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(cli_config), "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    env.pop("TF_DATA_DIR", None)
    for command in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        done = subprocess.run([TERRAFORM, *command], cwd=stack, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    assert json.loads((project / "terraform.login-gov.tfstate").read_text())["resources"][0]["type"] == "terraform_data"
    # .terraform/terraform.tfstate is Terraform's record of the backend settings, not the state.
    assert [p for p in outdir.rglob("*.tfstate") if ".terraform" not in p.parts] == []
