"""Reusable config field types: each an ``Annotated`` type whose validator cites the rule it enforces."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import PlainValidator

from maildns.errors import RuleError
from maildns.records import bimi as bimi_records
from maildns.records import dkim as dkim_records
from maildns.records import mail_from as mail_from_records
from maildns.records import mta_sts as mta_sts_records
from maildns.records import mx as mx_records
from maildns.records import spf as spf_records
from maildns.records import uri
from maildns.records.names import domain_name

SCHEMA_RULE = "see README: Configuration"
TTL_RULE = "RFC 2181 8"
_DYNAMODB_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")


class RuleErrors(ValueError):
    """Several broken rules found together by one validator (a profile lists every failure)."""

    def __init__(self, errors: Sequence[RuleError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = tuple(errors)


class Rule:
    """Field metadata: the rule to cite when pydantic itself refuses the field (missing, wrong type)."""

    def __init__(self, text: str):
        self.text = text


def checked(fn: Callable[[Any], Any]) -> PlainValidator:
    """A text field checked by ``fn``; a YAML number or boolean where text belongs says to quote it."""

    def check(value: Any) -> Any:
        try:
            return fn(value)
        except RuleError as exc:
            if isinstance(value, int | float) and not isinstance(value, str):
                raise RuleError(TEXT_EXPECTED + yaml_reading(value), exc.rule) from None
            raise

    return PlainValidator(check)


TEXT_EXPECTED = "must be text, and "


def yaml_reading(value: Any, written: str | None = None, *, quote: bool = True) -> str:
    """What YAML made of a plain scalar, and how to keep it as written: YAML 1.1 reads 20230601,
    1:20 (base 60) and 0755 (octal) as numbers, yes/no/on/off as true/false and ~ as null."""
    shown = yaml_shown(value)
    kind = "true/false value" if isinstance(value, bool) else "null" if value is None else "number"
    text = shown if written is None else written
    if text == shown:
        what = "null, no value" if value is None else f"a {kind}"
    elif value is None:
        what = "null, no value"
    else:
        what = f"the {kind} {shown}{_notation(text)}"
    return f"YAML reads {text} as {what}" + (f": quote it ('{text}')" if quote else "")


def yaml_shown(value: Any) -> str:
    """A YAML scalar as YAML itself would write it back: true, null, 80."""
    return "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _notation(written: str) -> str:
    digits = written.lstrip("+-").replace("_", "")
    if ":" in digits:
        return " (base 60)"
    if re.fullmatch(r"0[0-7]+|0o[0-7]+", digits):
        return " (octal)"
    if digits.startswith("0x"):
        return " (hexadecimal)"
    return ""


def integer(lo: int, hi: int, rule: str) -> PlainValidator:
    def check(value: Any) -> int:
        if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
            raise RuleError(f"must be a whole number {lo}-{hi}, not text: drop the quotes", rule)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(f"must be a whole number {lo}-{hi}", rule)
        if not lo <= value <= hi:
            raise RuleError(f"must be {lo}-{hi}", rule)
        return value

    return PlainValidator(check)


def choice(values: Sequence[str], rule: str, refused: dict[str, str] | None = None) -> PlainValidator:
    """One of a closed set, compared without case; a near miss gets a "did you mean"."""

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise RuleError("must be " + _one_of(values), rule)
        text = value.strip().lower()
        if refused and text in refused:
            raise RuleError(refused[text], rule)
        if text not in values:
            raise RuleError("must be " + _one_of(values), did_you_mean(text, values) + rule)
        return text

    return PlainValidator(check)


def did_you_mean(text: str, values: Sequence[str]) -> str:
    """``did you mean reject? `` for a near miss of one of ``values``, else nothing (as unknown keys get)."""
    # 0.55 rather than difflib's 0.6: a short slip such as nun for none scores 0.57.
    close = difflib.get_close_matches(text, values, n=1, cutoff=0.55)
    return f"did you mean {close[0]}? " if close else ""


def _one_of(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise RuleError("must be true or false", SCHEMA_RULE)
    return value


def repeats(
    items: Sequence[Any],
    key: Callable[[Any], Any],
    field: str,
    rule: str,
    what: str,
    *,
    prefix: tuple[str, ...] = (),
    show: Callable[[Any], Any] | None = None,
) -> list[RuleError]:
    """One error for each item whose ``key`` an earlier item already has."""
    seen: set[Any] = set()
    found: list[RuleError] = []
    for i, item in enumerate(items):
        k = key(item)
        if k in seen:
            value = k if show is None else show(item)
            found.append(RuleError(f"repeats {what}", rule, value=value, path=(*prefix, i, field) if field else (*prefix, i)))
        seen.add(k)
    return found


def _zone_id(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"Z[A-Z0-9]{1,31}", value.strip()):
        raise RuleError("must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ", "Route53 HostedZone.Id")
    return value.strip()


def _aws_region(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d", value.strip()):
        raise RuleError("must be an AWS region such as us-east-1", "AWS regions")
    return value.strip()


# Names S3 keeps for itself: CreateBucket refuses them, so a config naming one could never deploy.
# @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

# Regions where Amazon SES is offered: the "Service API endpoints" table (email.<region>.amazonaws.com)
# of "Amazon Simple Email Service endpoints and quotas", AWS General Reference,
# @see https://docs.aws.amazon.com/general/latest/gr/ses.html
# A region missing here is refused until it is added (with the table as the source).
SES_REGIONS = frozenset(
    {
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "af-south-1",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ca-central-1",
        "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-north-1",
        "il-central-1", "me-south-1", "me-central-1",
        "sa-east-1",
        "us-gov-west-1", "us-gov-east-1",
    }
)  # fmt: skip


def _ses_region(value: Any) -> str:
    region = _aws_region(value)
    if region not in SES_REGIONS:
        raise RuleError("is not a region where Amazon SES is offered (see SES_REGIONS in maildns/config/fields.py)", "AWS SES endpoints")
    return region


def _bucket(value: Any) -> str:
    # S3 bucket names: 3-63 characters, lower case letters, digits, dots and hyphens.
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", value) or ".." in value:
        raise RuleError("must be an S3 bucket name: 3-63 lower-case letters, digits, dots, hyphens", "S3 bucket naming rules")
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", value):
        raise RuleError("must not be formatted as an IP address", "S3 bucket naming rules")
    for prefix in RESERVED_BUCKET_PREFIXES:
        if value.startswith(prefix):
            raise RuleError(f"must not start with {prefix}: S3 reserves that prefix", "S3 bucket naming rules")
    for suffix in RESERVED_BUCKET_SUFFIXES:
        if value.endswith(suffix):
            raise RuleError(
                f"must not end with {suffix}: S3 reserves that suffix for access points and other bucket types", "S3 bucket naming rules"
            )
    return value


def _state_key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or value.startswith("/"):
        raise RuleError("must be a relative S3 object key such as maildns/example.gov.tfstate", "S3 object keys")
    return value.strip()


def _dynamodb_table(value: Any) -> str:
    if not isinstance(value, str) or not _DYNAMODB_TABLE.fullmatch(value.strip()):
        raise RuleError("must be a DynamoDB table name: 3-255 letters, digits, underscores, hyphens and dots", "DynamoDB table names")
    return value.strip()


def _policy_bucket(value: Any) -> str:
    # CloudFront reaches the bucket at <bucket>.s3.<region>.amazonaws.com over TLS; a dot in the
    # name breaks that certificate's wildcard (S3 bucket naming rules recommend none).
    name = _bucket(value)
    if "." in name:
        raise RuleError(
            "must not contain dots: the bucket is reached over TLS as <bucket>.s3.<region>.amazonaws.com", "S3 bucket naming rules"
        )
    return name


_SNS_TOPIC_ARN = re.compile(r"arn:aws(-[a-z]+)*:sns:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")


def _sns_topic_arn(value: Any) -> str:
    if not isinstance(value, str) or not _SNS_TOPIC_ARN.fullmatch(value.strip()):
        raise RuleError("must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:dns-alarms", "Amazon SNS ARNs")
    return value.strip()


_SPF_MACRO = re.compile(r"%\{[^}]*\}")


def _labels_of_macro_string(spec: str) -> None:
    """A macro-string's literal dots still separate labels: none may be empty (RFC 1035 2.3.4),
    and only one trailing dot is allowed. A macro stands for a label of its own (RFC 7208 7.1)."""
    text = _SPF_MACRO.sub("m", spec)
    text = text[:-1] if text.endswith(".") else text
    if "" in text.split("."):
        raise RuleError("has an empty label", "RFC 1035 2.3.4")


def _spf_domain_spec(value: Any) -> str:
    spec = spf_records.domain_spec(value)
    if "%" in spec:
        _labels_of_macro_string(spec)
    return spec


def _spf_term(value: Any) -> spf_records.SpfTerm:
    term = spf_records.parse_term(value)
    if "%" in term.argument:
        _labels_of_macro_string(term.argument)
    return term


Ttl = Annotated[int, integer(0, 2147483647, TTL_RULE)]
DomainName = Annotated[str, checked(domain_name)]
MxHostName = Annotated[str, checked(mx_records.parse_exchange)]
AwsRegion = Annotated[str, checked(_aws_region)]
SesRegion = Annotated[str, checked(_ses_region)]
Flag = Annotated[bool, PlainValidator(flag)]
DmarcUri = Annotated[str, checked(uri.dmarc_uri)]
TlsRptUri = Annotated[str, checked(uri.tlsrpt_uri)]
SpfTerm = Annotated[spf_records.SpfTerm, checked(_spf_term)]
SpfDomainSpec = Annotated[str, checked(_spf_domain_spec)]
DkimSelector = Annotated[str, checked(dkim_records.parse_selector)]
# A CNAME target: any name, service labels such as _domainkey included (RFC 2181 11, RFC 8552).
CnameTarget = Annotated[str, checked(lambda value: domain_name(value, underscore=True))]

ZoneId = Annotated[str, checked(_zone_id)]
S3Bucket = Annotated[str, checked(_bucket)]
StateKey = Annotated[str, checked(_state_key)]
DynamoDbTable = Annotated[str, checked(_dynamodb_table)]
StsPattern = Annotated[str, checked(mta_sts_records.parse_pattern)]
PolicyBucket = Annotated[str, checked(_policy_bucket)]
ApexTxt = Annotated[str, checked(spf_records.parse_apex_value)]
HashAlgorithm = Annotated[str, checked(dkim_records.parse_hash_algorithm)]
BimiUri = Annotated[str, checked(bimi_records.authority_uri)]
BimiLogo = Annotated[str, checked(bimi_records.logo_uri)]
BimiSelector = Annotated[str, checked(bimi_records.selector)]
MailFromLabel = Annotated[str, checked(mail_from_records.label)]
SnsTopicArn = Annotated[str, checked(_sns_topic_arn)]

# Closed sets: each a Literal whose values ``choice`` accepts (without case) and suggests.
StsMode = Literal["enforce", "testing", "none"]
SpfAll = Literal["fail", "softfail"]
KeyType = Literal["rsa", "ed25519"]
DkimState = Literal["staged", "active", "retiring", "revoked"]
ROTATION_RULE = "DKIM key rotation: docs/configuration.md, Rotating a DKIM key"
MailUse = Literal["full", "none"]
Profile = Literal["bod-18-01"]
SesIdentity = Literal["managed", "existing"]
Retire = Literal["destroy", "forget"]
ReportFormat = Literal["afrf"]
Policy = Literal["none", "quarantine", "reject"]
AlignmentMode = Literal["r", "s"]
DkimService = Literal["email", "*"]
ProviderName = Literal["google-workspace", "microsoft-365"]
MAIL_RULE = "RFC 7505 3, RFC 7208 5.1, RFC 7489 6.3: a parked domain publishes only the lockdown set"
PROFILE_RULE = "BOD 18-01"
RETIRE_RULE = "see docs/deploying.md: Running maildns for years"


def one_of(closed: Any, rule: str, refused: dict[str, str] | None = None) -> PlainValidator:
    """``choice`` over the values of a Literal."""
    return choice(get_args(closed), rule, refused)


DmarcPolicy = Annotated[Policy, one_of(Policy, "RFC 7489 6.3")]
Alignment = Annotated[AlignmentMode, one_of(AlignmentMode, "RFC 7489 6.3")]
ServiceType = Annotated[DkimService, one_of(DkimService, "RFC 6376 3.6.1")]
