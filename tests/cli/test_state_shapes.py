"""A ``--state`` file of any malformed shape is a usage error: exit 2, one line naming the file
and the JSON path of the value, never a traceback nor a value misread (Terraform state format 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from maildns.check.state import MAX_STATE, read_state
from maildns.cli import main
from tests.cli.state_files import login_gov_state
from tests.fixtures import LOGIN_GOV

RULE = "Terraform state format 4"
DKIM = "resources[0].instances[0].attributes"
CLOUDFRONT = "resources[1].instances[0].attributes"
ACM = "resources[2].instances[0].attributes"
IDENTITY = "resources[3].instances[0].attributes"


def setting(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets the value at ``path`` (keys and list indexes separated by dots)."""

    def change(state: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        here: Any = state
        for part in parents:
            here = here[part]
        here[last] = value

    return change


def deleting(path: str) -> Callable[[dict[str, Any]], None]:
    def change(state: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        here: Any = state
        for part in parents:
            here = here[int(part) if part.isdigit() else part]
        del here[last]

    return change


SHAPES = [
    ("resources.0.instances.0.attributes.dkim_tokens", "t1", f"{DKIM}.dkim_tokens: must be a list (got t1; {RULE})"),
    ("resources.0.instances.0.attributes.dkim_tokens", [1, 2, 3], f"{DKIM}.dkim_tokens[0]: must be text (got 1; {RULE})"),
    ("resources.0.instances.0.attributes.domain", 42, f"{DKIM}.domain: must be text (got 42; {RULE})"),
    ("resources.0.instances.0.attributes.domain", ["login.gov"], f'{DKIM}.domain: must be text (got ["login.gov"]; {RULE})'),
    ("resources.0.instances.0.attributes.domain", True, f"{DKIM}.domain: must be text (got true; {RULE})"),
    ("resources.0.instances.0.attributes", ["domain"], f'{DKIM}: must be an object (got ["domain"]; {RULE})'),
    ("resources.0.instances.0", "attributes", f"resources[0].instances[0]: must be an object (got attributes; {RULE})"),
    ("resources.0.instances", {"attributes": {}}, f'resources[0].instances: must be a list (got {{"attributes": {{}}}}; {RULE})'),
    ("resources.1", 7, f"resources[1]: must be an object (got 7; {RULE})"),
    ("resources.1.name", 3, f"resources[1].name: must be text (got 3; {RULE})"),
    ("resources.1.type", None, f"resources[1].type: must be text (got null; {RULE})"),
    (
        "resources.1.instances.0.attributes.aliases",
        "mta-sts.login.gov",
        f"{CLOUDFRONT}.aliases: must be a list (got mta-sts.login.gov; {RULE})",
    ),
    (
        "resources.1.instances.0.attributes.aliases",
        [["mta-sts.login.gov"]],
        f'{CLOUDFRONT}.aliases[0]: must be text (got ["mta-sts.login.gov"]; {RULE})',
    ),
    (
        "resources.1.instances.0.attributes.domain_name",
        {"name": "d1"},
        f'{CLOUDFRONT}.domain_name: must be text (got {{"name": "d1"}}; {RULE})',
    ),
    (
        "resources.2.instances.0.attributes.domain_validation_options",
        "CNAME",
        f"{ACM}.domain_validation_options: must be a list (got CNAME; {RULE})",
    ),
    (
        "resources.2.instances.0.attributes.domain_validation_options.0",
        "mta-sts.login.gov",
        f"{ACM}.domain_validation_options[0]: must be an object (got mta-sts.login.gov; {RULE})",
    ),
    (
        "resources.2.instances.0.attributes.domain_validation_options.0.resource_record_value",
        ["_y"],
        f'{ACM}.domain_validation_options[0].resource_record_value: must be text (got ["_y"]; {RULE})',
    ),
    (
        "resources.3.instances.0.attributes.dkim_signing_attributes",
        {"tokens": []},
        f'{IDENTITY}.dkim_signing_attributes: must be a list (got {{"tokens": []}}; {RULE})',
    ),
    (
        "resources.3.instances.0.attributes.dkim_signing_attributes.0",
        "a",
        f"{IDENTITY}.dkim_signing_attributes[0]: must be an object (got a; {RULE})",
    ),
    (
        "resources.3.instances.0.attributes.dkim_signing_attributes.0.tokens",
        "abc",
        f"{IDENTITY}.dkim_signing_attributes[0].tokens: must be a list (got abc; {RULE})",
    ),
    ("resources.3.instances.0.attributes.email_identity", 1.5, f"{IDENTITY}.email_identity: must be text (got 1.5; {RULE})"),
]
MISSING = [
    ("resources.0.instances.0.attributes.domain", f"{DKIM}: has no domain ({RULE})"),
    ("resources.0.instances.0.attributes", f"resources[0].instances[0]: has no attributes ({RULE})"),
    ("resources.0.instances", f"resources[0]: has no instances ({RULE})"),
    ("resources.1.mode", f"resources[1]: has no mode ({RULE})"),
    ("resources.1.instances.0.attributes.domain_name", f"{CLOUDFRONT}: has no domain_name ({RULE})"),
    (
        "resources.2.instances.0.attributes.domain_validation_options.0.resource_record_name",
        f"{ACM}.domain_validation_options[0]: has no resource_record_name ({RULE})",
    ),
]


def check_with(state: Path) -> list[str]:
    """Run ``check`` with the state; a server on loopback that is never reached when the state is refused."""
    return ["check", str(LOGIN_GOV), "--state", str(state), "--nameserver", "127.0.0.1:9", "--timeout", "0.2", "--deadline", "0.5"]


@pytest.mark.parametrize(
    ("change", "message"),
    [(setting(path, value), message) for path, value, message in SHAPES] + [(deleting(path), message) for path, message in MISSING],
    ids=[f"{path} = {json.dumps(value)}" for path, value, _ in SHAPES] + [f"without {path}" for path, _ in MISSING],
)
def test_a_value_of_the_wrong_shape_is_named_by_its_path(tmp_path, capsys, change, message):
    state = login_gov_state()
    change(state)
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    assert main(check_with(path)) == 2
    assert capsys.readouterr().err == f"maildns check: --state {path}: {message}\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[]", "not a Terraform state file (expected JSON with version 4 and resources)"),
        (b'"version 4"', "not a Terraform state file (expected JSON with version 4 and resources)"),
        (b'{"version": 4, "resources": {}}', "not a Terraform state file (expected JSON with version 4 and resources)"),
        (b'{"version": 4, "resources": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "not a Terraform state file (nested too deep to read)"),
        (
            b'{"version": 4, "serial": 1' + b"0" * 5000 + b', "resources": []}',
            "not a Terraform state file (Exceeds the limit (4300 digits) for integer string conversion: value has 5001 digits; use sys.set_int_max_str_digits() to increase the limit)",
        ),
        (
            b'{"version": 4, "resources": [], "lineage": "\xff"}',
            "not a Terraform state file ('utf-8' codec can't decode byte 0xff in position 44: invalid start byte)",
        ),
        (b'{"version": 4, "resources": [', "not a Terraform state file (Expecting value: line 1 column 30 (char 29))"),
    ],
    ids=[
        "a list at the top level",
        "text at the top level",
        "resources an object",
        "nested deeper than Python recurses",
        "a number of 5001 digits",
        "not UTF-8",
        "cut short",
    ],
)
def test_a_file_that_is_not_state_is_a_usage_error(tmp_path, capsys, content, message):
    path = tmp_path / "terraform.tfstate"
    path.write_bytes(content)
    assert main(check_with(path)) == 2
    assert capsys.readouterr().err == f"maildns check: --state {path}: {message}\n"


def test_a_file_larger_than_any_state_is_refused_before_it_is_read(tmp_path, capsys):
    path = tmp_path / "terraform.tfstate"
    with path.open("wb") as handle:
        handle.truncate(MAX_STATE + 1)  # sparse: no disk and no memory for the test
    assert main(check_with(path)) == 2
    assert capsys.readouterr().err == f"maildns check: --state {path}: over 256 MiB, larger than any Terraform state maildns reads\n"


def test_resources_maildns_does_not_read_are_not_judged(tmp_path):
    """Another provider's resource may hold anything; only the four maildns reads are checked."""
    state = login_gov_state()
    state["resources"].append({"mode": "managed", "type": "aws_s3_bucket", "name": "site", "instances": [{"attributes_flat": {"x": "1"}}]})
    state["resources"].append({"mode": "managed", "type": "aws_cloudfront_distribution", "name": "other", "instances": "?"})
    state["resources"].append({"mode": "data", "type": "aws_route53_zone", "name": "zone", "instances": [{"attributes": None}]})
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    assert read_state([str(path)])["login.gov"].distribution == "d1.cloudfront.net"


def test_the_valid_state_reads(tmp_path):
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(login_gov_state()))
    applied = read_state([str(path)])["login.gov"]
    assert applied.dkim_tokens == {"us-east-1": ("t1", "t2", "t3"), "us-west-2": ("w1", "w2", "w3")}
    assert applied.distribution == "d1.cloudfront.net"
    assert applied.validation == ("_a.mta-sts.login.gov", "_b.acm-validations.aws")
