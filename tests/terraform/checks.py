"""Checks the AWS provider makes on a configuration before any API call, for the arguments maildns sets.

The generic ones are what the plugin SDK derives from any schema (a computed-only attribute set,
a required one null, a block's item count); the enum and conflict rules are ported from the
provider's schema (terraform-provider-aws 6.x, the ``ValidateFunc`` / ``ConflictsWith`` /
``RequiredWith`` of each argument) and from the AWS API enums they wrap. Unknown values pass:
the provider checks them again once known.
"""

from __future__ import annotations

from typing import Any

from tf.gen import tfplugin_pb2 as pb

from tests.terraform.values import UNKNOWN, Path, error, items

# (type, path of the attribute through nested blocks) -> the values the provider accepts.
ENUMS: dict[tuple[str, str], frozenset[str]] = {
    # route53 RRType (route53/record.go: enum.Validate[awstypes.RRType])
    ("aws_route53_record", "type"): frozenset(
        {"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT"}
    ),
    # acm ValidationMethod plus NONE for imported certificates (acm/certificate.go)
    ("aws_acm_certificate", "validation_method"): frozenset({"DNS", "EMAIL", "NONE"}),
    # cloudfront ViewerProtocolPolicy, SSLSupportMethod, MinimumProtocolVersion, HttpVersion
    ("aws_cloudfront_distribution", "default_cache_behavior.viewer_protocol_policy"): frozenset(
        {"allow-all", "https-only", "redirect-to-https"}
    ),
    ("aws_cloudfront_distribution", "ordered_cache_behavior.viewer_protocol_policy"): frozenset(
        {"allow-all", "https-only", "redirect-to-https"}
    ),
    ("aws_cloudfront_distribution", "viewer_certificate.ssl_support_method"): frozenset({"sni-only", "vip", "static-ip"}),
    ("aws_cloudfront_distribution", "viewer_certificate.minimum_protocol_version"): frozenset(
        {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}
    ),
    ("aws_cloudfront_distribution", "http_version"): frozenset({"http1.1", "http2", "http2and3", "http3"}),
    ("aws_cloudfront_distribution", "restrictions.geo_restriction.restriction_type"): frozenset({"none", "whitelist", "blacklist"}),
    ("aws_cloudfront_origin_access_control", "origin_access_control_origin_type"): frozenset(
        {"s3", "mediastore", "mediapackagev2", "lambda"}
    ),
    ("aws_cloudfront_origin_access_control", "signing_behavior"): frozenset({"always", "never", "no-override"}),
    ("aws_cloudfront_origin_access_control", "signing_protocol"): frozenset({"sigv4"}),
    # s3 ObjectOwnership, ServerSideEncryption, BucketVersioningStatus
    ("aws_s3_bucket_ownership_controls", "rule.object_ownership"): frozenset(
        {"BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"}
    ),
    ("aws_s3_bucket_server_side_encryption_configuration", "rule.apply_server_side_encryption_by_default.sse_algorithm"): frozenset(
        {"AES256", "aws:kms", "aws:kms:dsse"}
    ),
    ("aws_s3_bucket_versioning", "versioning_configuration.status"): frozenset({"Enabled", "Suspended", "Disabled"}),
    ("aws_s3_object", "server_side_encryption"): frozenset({"AES256", "aws:kms", "aws:kms:dsse"}),
}

# type -> (attribute, attributes it conflicts with, attributes it requires), top level.
CONFLICTS: dict[str, list[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {
    # route53/record.go: alias ConflictsWith records, ttl; ttl RequiredWith records
    "aws_route53_record": [("alias", ("records", "ttl"), ()), ("ttl", (), ("records",))],
    # s3/object.go: content, content_base64 and source are exclusive
    "aws_s3_object": [("content", ("content_base64", "source"), ()), ("content_base64", ("source",), ())],
}


def _present(value: Any) -> bool:
    return value is not None and value != []


def check(type_name: str, block: dict[str, Any], config: Any) -> list[pb.Diagnostic]:
    """Every problem the provider reports on ``config`` (an object, null or unknown) of ``type_name`` before planning."""
    if config is None or config is UNKNOWN:
        return []
    found = _generic(block, config, (), "")
    found += _enums(type_name, block, config, (), "")
    for attribute, conflicts, requires in CONFLICTS.get(type_name, []):
        if not _present(config.get(attribute)):
            continue
        for other in conflicts:
            if _present(config.get(other)):
                found.append(error("Conflicting configuration arguments", f'"{attribute}": conflicts with {other}', (attribute,)))
        for other in requires:
            if config.get(other) is None:
                found.append(
                    error("Missing required argument", f'"{attribute}": all of `{attribute},{other}` must be specified', (attribute,))
                )
    return found


def _generic(block: dict[str, Any], value: dict[str, Any], path: Path, dotted: str) -> list[pb.Diagnostic]:
    found: list[pb.Diagnostic] = []
    for name, spec in block.get("attributes", {}).items():
        current = value.get(name)
        if spec.get("computed") and not spec.get("optional") and current is not None:
            found.append(error("Invalid or unknown key", f'"{name}": computed attributes cannot be set', (*path, name)))
        if spec.get("required") and current is None:
            found.append(
                error("Missing required argument", f'The argument "{name}" is required, but no definition was found.', (*path, name))
            )
    for name, nested in block.get("block_types", {}).items():
        current = value.get(name)
        if current is UNKNOWN:
            continue
        count = 0 if current is None else (1 if nested["nesting_mode"] in ("single", "group") else len(current))
        low, high = nested.get("min_items", 0), nested.get("max_items", 0)
        if count < low or (high and count > high):
            limit = f"at least {low}" if count < low else f"at most {high}"
            found.append(error("Invalid number of blocks", f'"{name}": {limit} block(s) expected, {count} given', (*path, name)))
        for key, item in items(nested, current):
            if item is UNKNOWN:
                continue
            found += _generic(nested["block"], item, (*path, name, *(() if key is None else (key,))), f"{dotted}{name}.")
    return found


def _enums(type_name: str, block: dict[str, Any], value: dict[str, Any], path: Path, dotted: str) -> list[pb.Diagnostic]:
    found: list[pb.Diagnostic] = []
    for name in block.get("attributes", {}):
        allowed = ENUMS.get((type_name, f"{dotted}{name}"))
        current = value.get(name)
        if allowed is not None and isinstance(current, str) and current not in allowed:
            found.append(error("Invalid value", f"expected {dotted}{name} to be one of {sorted(allowed)}, got {current}", (*path, name)))
    for name, nested in block.get("block_types", {}).items():
        for key, item in items(nested, value.get(name)):
            if item is not UNKNOWN:
                found += _enums(type_name, nested["block"], item, (*path, name, *(() if key is None else (key,))), f"{dotted}{name}.")
    return found
