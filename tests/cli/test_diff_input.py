"""``maildns diff`` on malformed Terraform JSON: one line naming the file and the place, exit 2,
never a traceback; depth and size are bounded before anything recurses (issue 18 item 7).

The JSON comes from a pull request anyone can open: every shape a hostile or broken
``cdk.tf.json`` can take is refused, whichever side (BASE or HEAD) it is on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maildns.cli import main
from maildns.review.reading import MAX_BYTES, MAX_DEPTH
from tests.cli.test_diff import LOGIN_GOV, write

RECORD = {"name": "example.gov", "type": "TXT", "ttl": 300, "records": ["v=spf1 -all"]}
TOO_DEEP = f"nests objects and lists too deep (got over {MAX_DEPTH} levels; maildns diff reads at most {MAX_DEPTH})"


def nested(depth: int) -> object:
    """Lists nested ``depth`` levels deep, built without recursion."""
    value: object = []
    for _ in range(depth - 1):
        value = [value]
    return value


def with_record(**changes: object) -> bytes:
    return json.dumps({"resource": {"aws_route53_record": {"spf": {**RECORD, **changes}}}}).encode()


def schema(key: str, what: str, got: str, type_: str = "aws_route53_record") -> str:
    return f"{key}: must be {what} (got {got}; {type_} schema)"


# (id, file content, the message after "<file>: ")
MALFORMED = [
    # Depth and size: bounded before json.loads or anything after it can recurse.
    ("a list nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, TOO_DEEP),
    ("an object nested 100,000 deep", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, TOO_DEEP),
    ("an attribute nested one level over the bound", with_record(alias=nested(MAX_DEPTH)), TOO_DEEP),
    (
        "a file over the size bound",
        b" " * MAX_BYTES + b"{}",
        f"is too large (got {MAX_BYTES + 2} bytes; maildns diff reads stack files up to {MAX_BYTES} bytes)",
    ),
    # Not JSON at all.
    (
        "bytes that are not UTF-8",
        b'{"resource": "\xff"}',
        "is not Terraform JSON ('utf-8' codec can't decode byte 0xff in position 14: invalid start byte)",
    ),
    ("NaN, which JSON does not have", b'{"x": NaN}', "is not Terraform JSON (NaN is not a JSON value, RFC 8259 6)"),
    ("-Infinity, which JSON does not have", b'{"x": -Infinity}', "is not Terraform JSON (-Infinity is not a JSON value, RFC 8259 6)"),
    ("an empty file", b"", "is not Terraform JSON (Expecting value: line 1 column 1 (char 0))"),
    (
        "a number of 5,000 digits",
        b'{"x": ' + b"9" * 5000 + b"}",
        "is not Terraform JSON (Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit)",
    ),
    # The top level.
    ("a string at the top", b'"stack"', "is not Terraform JSON (a str, not an object)"),
    ("a number at the top", b"42", "is not Terraform JSON (a int, not an object)"),
    ("null at the top", b"null", "is not Terraform JSON (a NoneType, not an object)"),
    # Sections and blocks (Terraform JSON syntax).
    ("null as the resource map", b'{"resource": null}', "resource: must be an object of resource types (got null; Terraform JSON syntax)"),
    ("a string as the data map", b'{"data": "zone"}', "data: must be an object of resource types (got a string; Terraform JSON syntax)"),
    (
        "a number as a resource type",
        b'{"resource": {"aws_s3_bucket": 1}}',
        "resource.aws_s3_bucket: must be an object of named blocks (got a number; Terraform JSON syntax)",
    ),
    (
        "a list as a data block",
        b'{"data": {"aws_route53_zone": {"zone": []}}}',
        "data.aws_route53_zone.zone: must be an object (got a list; Terraform JSON syntax)",
    ),
    (
        "a list of strings as a provider",
        b'{"provider": {"aws": ["us-east-1"]}}',
        "provider.aws: must be a list of objects (got a list; Terraform JSON syntax)",
    ),
    (
        "a list as the provider map",
        b'{"provider": []}',
        "provider: must be an object of provider names (got a list; Terraform JSON syntax)",
    ),
    ("a string as the terraform block", b'{"terraform": "1.9"}', "terraform: must be an object (got a string; Terraform JSON syntax)"),
    (
        "a resource type with a line break in its name",
        b'{"resource": {"aws_s3_bucket\\nfake line": 1}}',
        'resource."aws_s3_bucket\\nfake line": must be an object of named blocks (got a number; Terraform JSON syntax)',
    ),
    # The arguments the review reads, against the provider's schema.
    ("a number as a record's name", with_record(name=1), "resource.aws_route53_record.spf." + schema("name", "a string", "a number")),
    ("a list as a record's type", with_record(type=["TXT"]), "resource.aws_route53_record.spf." + schema("type", "a string", "a list")),
    (
        "numbers in a record's records",
        with_record(records=[1, 2]),
        "resource.aws_route53_record.spf." + schema("records", "a list of strings", "a list"),
    ),
    (
        "null as a record's records",
        with_record(records=None),
        "resource.aws_route53_record.spf." + schema("records", "a list of strings", "null"),
    ),
    (
        "an object as a record's ttl",
        with_record(ttl={"s": 300}),
        "resource.aws_route53_record.spf." + schema("ttl", "a number", "an object"),
    ),
    ("a boolean as a record's ttl", with_record(ttl=True), "resource.aws_route53_record.spf." + schema("ttl", "a number", "a boolean")),
    (
        "a string as a record's alias",
        with_record(alias="d123.cloudfront.net"),
        "resource.aws_route53_record.spf." + schema("alias", "an object", "a string"),
    ),
    (
        "a list as the policy object's content",
        json.dumps({"resource": {"aws_s3_object": {"policy": {"key": ".well-known/mta-sts.txt", "content": ["mode: enforce"]}}}}).encode(),
        "resource.aws_s3_object.policy." + schema("content", "a string", "a list", "aws_s3_object"),
    ),
    (
        "a number as an object's key",
        json.dumps({"resource": {"aws_s3_object": {"policy": {"key": 7}}}}).encode(),
        "resource.aws_s3_object.policy." + schema("key", "a string", "a number", "aws_s3_object"),
    ),
    (
        "a list as the zone's name",
        json.dumps({"data": {"aws_route53_zone": {"zone": {"name": ["example.gov"]}}}}).encode(),
        "data.aws_route53_zone.zone." + schema("name", "a string", "a list", "aws_route53_zone"),
    ),
]


@pytest.mark.parametrize(("content", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_terraform_json_is_one_line_naming_file_and_place(tmp_path: Path, capsys, content: bytes, message: str):
    good = write(tmp_path / "good", {"login-gov": LOGIN_GOV})
    bad = tmp_path / "bad" / "stacks" / "login-gov" / "cdk.tf.json"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(content)
    for old, new in ((good, bad.parents[2]), (bad, good)):
        assert main(["diff", str(old), str(new), "--fail-on", "high"]) == 2
        assert capsys.readouterr() == ("", f"maildns diff: {bad}: {message}\n")


def test_the_depth_bound_leaves_room_above_real_stacks(tmp_path: Path, capsys):
    """A stack nested exactly to the bound is read (cdktf's own output nests 7 levels)."""
    doc = json.loads(with_record())
    doc["resource"]["aws_route53_record"]["spf"]["alias"] = {"nested": nested(MAX_DEPTH - 5)}
    write(tmp_path / "a", {"s": json.loads(with_record())})
    write(tmp_path / "b", {"s": doc})
    assert main(["diff", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert capsys.readouterr().out.startswith("1 domain changed: ")


def _set(resource: str, name: str, key: str, value: object):
    def change(doc: dict) -> None:
        doc["resource"][resource][name][key] = value

    return change


POLICY = "aws_s3_object", "mta_sts_policy", "content"
# Well-formed Terraform JSON holding published text receivers would refuse: the review reads it
# through records/ (lenient, problems as values) and reports the change, without a traceback.
ODD_PUBLISHED_TEXT = [
    pytest.param(_set("aws_route53_record", "mx", "records", ["²0 aspmx.l.google.com"]), id="an MX preference in superscript digits"),
    pytest.param(
        _set("aws_route53_record", "mx", "records", ["9" * 5000 + " aspmx.l.google.com"]),
        id="an MX preference of 5,000 digits",
    ),
    pytest.param(_set("aws_route53_record", "dmarc", "records", ["v=DMARC1; p=reject; pct=²"]), id="a DMARC pct in superscript digits"),
    pytest.param(
        _set("aws_route53_record", "dmarc", "records", ["v=DMARC1; p=reject; pct=" + "9" * 5000]),
        id="a DMARC pct of 5,000 digits",
    ),
    pytest.param(_set("aws_route53_record", "spf", "records", ["v=spf1 ip4:192.0.2.0/²⁴ ?all"]), id="an SPF prefix in superscript digits"),
    pytest.param(_set(*POLICY, "version: STSv1\r\nmode: enforce\r\nmax_age: ²\r\n"), id="a policy max_age in superscript digits"),
    pytest.param(
        _set(*POLICY, "version: STSv1\r\nmode: enforce\r\nmax_age: " + "9" * 5000 + "\r\n"),
        id="a policy max_age of 5,000 digits",
    ),
    pytest.param(_set(*POLICY, "\x00\x1b[2J:\r\n\r\r\n::"), id="a policy of control characters"),
    pytest.param(_set("aws_route53_record", "mta_sts", "records", ["v=STSv1; id=; id=x;;;=="]), id="an MTA-STS record of empty tags"),
    pytest.param(
        _set("aws_route53_record", "tls_rpt", "records", ["v=TLSRPTv1; rua=,,,mailto:!²"]), id="a TLS-RPT rua of commas and a bare size"
    ),
]


@pytest.mark.parametrize("change", ODD_PUBLISHED_TEXT)
def test_odd_published_text_is_reviewed_without_a_traceback(tmp_path: Path, capsys, change):
    doc = json.loads(json.dumps(LOGIN_GOV))
    change(doc)
    write(tmp_path / "a", {"login-gov": LOGIN_GOV})
    write(tmp_path / "b", {"login-gov": doc})
    for old, new in (("a", "b"), ("b", "a")):
        assert main(["diff", str(tmp_path / old), str(tmp_path / new), "--format", "json"]) in (0, 3)
        assert json.loads(capsys.readouterr().out)["summary"].startswith("1 domain changed")
