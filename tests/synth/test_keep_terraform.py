"""``maildns synth`` keeps what ``terraform init`` wrote in each stack folder (``.terraform/``, the
lock file) across synths, so ``terraform plan`` there needs no ``init`` after every synth; whatever
else an earlier synth or a person left in the folder is replaced."""

from __future__ import annotations

from pathlib import Path

import pytest

from maildns.config import parse_config
from maildns.synthesis import KEPT, synthesize


def configs(dmarc: str) -> tuple:
    return (
        parse_config({"domain": "a.example.gov", "zone": "a.example.gov", "dmarc": {"p": dmarc}}, "config/a.example.gov.yaml"),
        parse_config({"domain": "b.example.gov", "zone": "b.example.gov"}, "config/b.example.gov.yaml"),
    )


def init_files(folder: Path) -> None:
    """What ``terraform init`` leaves: providers and backend under ``.terraform/``, and the lock file."""
    provider = folder / ".terraform" / "providers" / "registry.terraform.io" / "hashicorp" / "aws" / "terraform-provider-aws"
    provider.parent.mkdir(parents=True)
    provider.write_text("provider")
    (folder / ".terraform" / "terraform.tfstate").write_text('{"backend": {"type": "local"}}')
    (folder / ".terraform.lock.hcl").write_text('provider "registry.terraform.io/hashicorp/aws" {}\n')


@pytest.mark.parametrize("dmarc", ["reject", "quarantine"], ids=["the same stack again", "a changed stack"])
def test_init_files_survive_a_new_synth_and_nothing_else_does(tmp_path: Path, dmarc: str):
    out = tmp_path / "cdktf.out"
    synthesize(configs("reject"), out, jobs=1, cache=False)
    folder = out / "stacks" / "a-example-gov"
    init_files(folder)
    (folder / "notes.txt").write_text("left by hand")
    (folder / "maildns-applied.tf.json").write_text("{}")
    first = (folder / "cdk.tf.json").read_text()
    synthesize(configs(dmarc), out, jobs=1, cache=False)
    assert sorted(p.name for p in folder.iterdir()) == [".terraform", ".terraform.lock.hcl", "cdk.tf.json"]
    assert (
        folder / ".terraform" / "providers" / "registry.terraform.io" / "hashicorp" / "aws" / "terraform-provider-aws"
    ).read_text() == "provider"
    assert (folder / ".terraform.lock.hcl").read_text().startswith('provider "registry.terraform.io/hashicorp/aws"')
    assert ((folder / "cdk.tf.json").read_text() == first) is (dmarc == "reject")
    assert sorted(p.name for p in (out / "stacks" / "b-example-gov").iterdir()) == ["cdk.tf.json"]
    assert set(KEPT) == {".terraform", ".terraform.lock.hcl"}


def test_a_removed_stack_goes_with_its_init_files(tmp_path: Path):
    out = tmp_path / "cdktf.out"
    synthesize(configs("reject"), out, jobs=1, cache=False)
    init_files(out / "stacks" / "b-example-gov")
    synthesize(configs("reject")[:1], out, jobs=1, cache=False)
    assert sorted(p.name for p in (out / "stacks").iterdir()) == ["a-example-gov"]
