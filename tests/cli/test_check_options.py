"""``maildns check`` refuses bad options before it sends a query: exit 2, one line naming the option."""

from __future__ import annotations

import json

import pytest

from maildns.check.lookup import Result
from maildns.check.state import Applied, apply_state, read_state
from maildns.cli import main
from maildns.cli.check import result_lines
from maildns.config import load_config
from maildns.plan import plan_one
from tests.cli.state_files import login_gov_state
from tests.fixtures import LOGIN_GOV


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "abc"], ids=["nan", "infinity", "zero", "negative", "not a number"])
@pytest.mark.parametrize("option", ["--timeout", "--deadline"])
def test_timeouts_are_positive_finite_seconds(capsys, option, value):
    with pytest.raises(SystemExit) as exit_:
        main(["check", str(LOGIN_GOV), option, value])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(f"maildns check: error: argument {option}: {value!r} ")


def test_missing_ca_file_is_a_usage_error(tmp_path, capsys):
    missing = tmp_path / "ca.pem"
    assert main(["check", str(LOGIN_GOV), "--ca-file", str(missing)]) == 2
    assert capsys.readouterr().err == f"maildns check: --ca-file {missing}: No such file or directory\n"


def test_ca_file_that_is_a_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["check", str(LOGIN_GOV), "--ca-file", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"maildns check: --ca-file {tmp_path}: ")


def test_ca_file_without_certificates_is_a_usage_error(tmp_path, capsys):
    junk = tmp_path / "ca.pem"
    junk.write_text("not a certificate\n")
    assert main(["check", str(LOGIN_GOV), "--ca-file", str(junk)]) == 2
    assert capsys.readouterr().err.startswith(f"maildns check: --ca-file {junk}: holds no PEM certificate (")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a Terraform state file (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        ('{"version": 3, "resources": []}', "not a Terraform state file (expected JSON with version 4 and resources)"),
    ],
    ids=["not JSON", "an old state format"],
)
def test_bad_state_file_is_a_usage_error(tmp_path, capsys, content, message):
    state = tmp_path / "terraform.tfstate"
    state.write_text(content)
    assert main(["check", str(LOGIN_GOV), "--state", str(state)]) == 2
    assert capsys.readouterr().err == f"maildns check: --state {state}: {message}\n"


def test_state_gives_tokens_distribution_and_validation_by_domain(tmp_path):
    """Resources are found by the logical names the stacks give them (tests/golden/login-gov.json)."""
    state = login_gov_state()
    # a data source that check does not read, among the ones it does
    state["resources"].insert(
        3, {"mode": "data", "type": "aws_route53_zone", "name": "zone", "instances": [{"attributes": {"name": "login.gov"}}]}
    )
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    assert read_state([str(path)]) == {
        "login.gov": Applied(
            {"us-east-1": ("t1", "t2", "t3"), "us-west-2": ("w1", "w2", "w3")},
            "d1.cloudfront.net",
            ("_a.mta-sts.login.gov", "_b.acm-validations.aws"),
        )
    }


def test_state_fills_in_the_names_known_after_apply():
    config = load_config(LOGIN_GOV)
    applied = Applied({"us-east-1": ("t1", "t2", "t3")}, None, ("_a.mta-sts.login.gov", "_b.acm-validations.aws"))
    records = {r.id: r for r in apply_state("login.gov", plan_one(config).all_records, applied)}
    assert (records["ses-dkim-us-east-1-2"].name, records["ses-dkim-us-east-1-2"].values) == (
        "t2._domainkey.login.gov",
        ("t2.dkim.amazonses.com",),
    )
    assert not records["ses-dkim-us-east-1-2"].computed
    assert records["ses-dkim-us-west-2-1"].computed  # not in this state: still skipped
    assert (records["mta-sts-certificate-validation"].name, records["mta-sts-certificate-validation"].values) == (
        "_a.mta-sts.login.gov",
        ("_b.acm-validations.aws",),
    )


def test_a_mismatch_prints_only_what_differs():
    result = Result("example.gov", "TXT", "mismatch", ("a", "b", "c"), ("a", "c", "d"))
    assert result_lines(result) == ["mismatch example.gov TXT", "    - 'b'", "    + 'd'"]
