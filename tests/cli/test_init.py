"""``maildns init DIR``: the files of an organisation's repository, never overwritten without --force.

The templates in maildns/templates/ are the single source of the workflows: this repository's
own ``.github/workflows/`` and ``.ci/review_gate.py`` are rendered from them (``--update-golden``
rewrites them after a template edit).
"""

from __future__ import annotations

import json
import tomllib

import pytest
import yaml

from maildns import scaffold
from maildns.cli import main
from tests.synth.helpers import ROOT

REPOSITORY = {
    "README.md",
    "Makefile",
    "cdktf.json",
    "requirements.txt",
    "package.json",
    ".gitignore",
    "config/README.md",
    "config/_defaults.yaml",
    ".github/workflows/review.yml",
    ".github/workflows/review-gate.yml",
    ".github/workflows/deploy.yml",
    ".ci/review_gate.py",
}


def files(root):
    return {str(p.relative_to(root)): p.read_text() for p in root.rglob("*") if p.is_file()}


def test_init_writes_the_repository_and_one_config_per_domain(tmp_path, capsys):
    assert main(["init", str(tmp_path / "repo"), "--domain", "A.Example.gov", "--domain", "bücher.example"]) == 0
    written = files(tmp_path / "repo")
    assert set(written) == REPOSITORY | {"config/a.example.gov.yaml", "config/xn--bcher-kva.example.yaml"}
    # Printed: each file written, one per line, nothing else.
    assert sorted(capsys.readouterr().out.splitlines()) == sorted(str(tmp_path / "repo" / name) for name in written)
    assert yaml.safe_load(written["config/a.example.gov.yaml"])["domain"] == "a.example.gov"
    for name, text in written.items():
        assert "@maildns_version@" not in text and "@domain@" not in text and "@cdktf_cli_version@" not in text, name


def test_the_new_configs_validate_without_a_problem(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--domain", "a.example.gov"]) == 0
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "config")]) == 0
    assert capsys.readouterr().out == "1 file checked: 0 errors, 0 warnings\n"  # config/README.md is not reported


def test_dependency_files_and_workflows_pin_the_version_that_wrote_them(tmp_path):
    version = scaffold.version()
    assert version == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    scaffold.write(tmp_path, scaffold.plan([]))
    assert f"maildns=={version}\n" in (tmp_path / "requirements.txt").read_text()
    # cdktf-cli at the release of the cdktf library maildns requires, as this repository pins it.
    cli = json.loads((tmp_path / "package.json").read_text())["devDependencies"]["cdktf-cli"]
    assert cli == json.loads((ROOT / "package.json").read_text())["devDependencies"]["cdktf-cli"]
    assert f"cdktf=={cli}" in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for workflow in ("review", "deploy"):
        assert (tmp_path / ".github" / "workflows" / f"{workflow}.yml").read_text().startswith(f"# maildns {version} wrote this file")
    assert json.loads((tmp_path / "cdktf.json").read_text())["app"] == ".venv/bin/python -m maildns.app"


def test_a_second_init_refuses_every_existing_file_and_writes_nothing(tmp_path, capsys):
    assert main(["init", str(tmp_path), "--domain", "a.example.gov"]) == 0
    (tmp_path / "config" / "_defaults.yaml").write_text("ttl: 60\n")
    before = files(tmp_path)
    capsys.readouterr()
    assert main(["init", str(tmp_path), "--domain", "a.example.gov", "--domain", "b.example.gov"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{tmp_path / name}: exists; maildns init never replaces a file (use --force)"
        for name in [target for _, target in scaffold.FILES] + ["config/a.example.gov.yaml"]
    ]
    assert files(tmp_path) == before  # not even the new b.example.gov.yaml


def test_one_existing_file_is_enough_to_refuse(tmp_path, capsys):
    (tmp_path / "Makefile").write_text("# ours\n")
    assert main(["init", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'Makefile'}: exists; maildns init never replaces a file (use --force)\n"
    assert files(tmp_path) == {"Makefile": "# ours\n"}


def test_force_replaces_existing_files(tmp_path):
    (tmp_path / "Makefile").write_text("# ours\n")
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert (tmp_path / "Makefile").read_text() == scaffold.plan([]).files["Makefile"]


def test_an_upgrade_removes_the_files_an_earlier_release_wrote_and_this_one_replaced(tmp_path, capsys):
    """Releases before the review gate wrote review-comment.yml (it would keep posting beside the
    gate) and .ci/has_label.py; ``init --force`` is the upgrade, and it removes both."""
    old = {".github/workflows/review-comment.yml": "name: review comment\n", ".ci/has_label.py": "import sys\n"}
    for name, text in old.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "keep.yaml").write_text("domain: keep.example\n")
    assert main(["init", str(tmp_path), "--force"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if line.startswith("removed ")] == [f"removed {tmp_path / name}" for name in scaffold.RETIRED]
    assert set(files(tmp_path)) == REPOSITORY | {"config/keep.yaml"}
    assert set(scaffold.RETIRED).isdisjoint(target for _, target in scaffold.FILES)


def test_without_force_nothing_is_removed(tmp_path):
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".ci" / "has_label.py").write_text("import sys\n")
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / ".ci" / "has_label.py").exists()


@pytest.mark.parametrize(
    ("domain", "line"),
    [
        ("x..example", "maildns init: --domain x..example: has an empty label (RFC 1035 2.3.4)"),
        ("localhost", "maildns init: --domain localhost: must have at least 2 labels (RFC 1035 2.3.1)"),
    ],
    ids=["an empty label", "a single label"],
)
def test_a_bad_domain_is_a_usage_error_and_writes_nothing(tmp_path, capsys, domain, line):
    assert main(["init", str(tmp_path / "repo"), "--domain", "good.example", "--domain", domain]) == 2
    assert capsys.readouterr().err == line + "\n"
    assert not (tmp_path / "repo").exists()


@pytest.mark.parametrize("name", scaffold.PROJECT_FILES)
def test_this_repositorys_copy_is_rendered_from_the_template(name, request):
    """Edit maildns/templates/, then rewrite the copies: ``pytest tests/cli/test_init.py --update-golden``."""
    expected = scaffold.project_files()[name]
    path = ROOT / name
    if request.config.getoption("--update-golden"):
        path.write_text(expected)
        pytest.skip(f"rewrote {name}")
    assert path.read_text() == expected, f"{name} differs from its template in maildns/templates/"


def test_every_template_is_written_or_used():
    folder = ROOT / "maildns" / "templates"
    templates = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert templates == {source for source, _ in scaffold.FILES} | {scaffold.DOMAIN_TEMPLATE}
