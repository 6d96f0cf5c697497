"""The checks of the flag table that read Terraform blocks rather than mail records: the policy
site's resources, DNSSEC signing and DS links, the state backend, and Terraform's own plan."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from maildns.review.mail import View
from maildns.review.planned import flag_reasons

Found = tuple[str, str]  # code, reason

# Attributes whose change makes Terraform replace the resource (terraform-provider-aws marks them
# ForceNew): a replaced bucket, distribution or certificate takes the policy site down meanwhile.
_FORCE_NEW = {
    "aws_s3_bucket": ("bucket", "bucket_prefix", "object_lock_enabled", "provider"),
    "aws_cloudfront_distribution": ("provider",),
    "aws_acm_certificate": (
        "domain_name",
        "subject_alternative_names",
        "validation_method",
        "key_algorithm",
        "certificate_authority_arn",
        "private_key",
        "certificate_body",
        "provider",
    ),
}
_SITE = {"aws_s3_bucket": "S3 bucket", "aws_cloudfront_distribution": "CloudFront distribution", "aws_acm_certificate": "certificate"}


def _provider_region(doc: Mapping[str, Any], provider: object) -> str | None:
    """The region of ``aws`` (no alias) or ``aws.<alias>``, as a resource's ``provider`` names it."""
    alias = provider.removeprefix("aws.") if isinstance(provider, str) and provider.startswith("aws.") else None
    for config in doc.get("provider", {}).get("aws", []):
        if isinstance(config, Mapping) and config.get("alias") == alias:
            region = config.get("region")
            return region if isinstance(region, str) else None
    return None


def site(old: View, new: View) -> Iterator[Found]:
    a, b = old.resources.get("aws_s3_bucket", {}), new.resources.get("aws_s3_bucket", {})
    for name in sorted(a.keys() & b.keys()):
        was = a[name].get("region") or _provider_region(old.doc, a[name].get("provider"))
        now = b[name].get("region") or _provider_region(new.doc, b[name].get("provider"))
        if was and now and was != now:
            yield (
                "site-replaced",
                f"S3 bucket aws_s3_bucket.{name} replaced (region {was} -> {now}): the bucket, its settings and the policy object "
                "are recreated, every kept policy version is deleted, and the MTA-STS policy site fails until the new one serves",
            )
    for type_, label in sorted(_SITE.items()):
        a, b = old.resources.get(type_, {}), new.resources.get(type_, {})
        added = sorted(set(b) - set(a))
        for name in sorted(a):
            address = f"{type_}.{name}"
            if name not in b:
                if added:
                    yield (
                        "site-replaced",
                        f"{label} {address} replaced by {type_}.{added[0]} (a new logical name): the MTA-STS policy site goes dark until the new one serves",
                    )
                else:
                    yield (
                        "site-removed",
                        f"{label} {address} removed: the MTA-STS policy site goes dark and senders cannot fetch the policy (RFC 8461 3.3)",
                    )
                continue
            forced = [k for k in _FORCE_NEW[type_] if a[name].get(k) != b[name].get(k)]
            if forced:
                yield (
                    "site-replaced",
                    f"{label} {address} replaced ({', '.join(forced)} changed): the MTA-STS policy site goes dark until the new one serves",
                )


def dnssec(old: View, new: View) -> Iterator[Found]:
    """Signing started, stopped or rekeyed, and DS records at a parent added or removed: each can
    make a zone stop resolving for validating resolvers when done out of order (RFC 4035 5;
    docs/dnssec.md)."""
    a, b = old.resources.get("aws_route53_hosted_zone_dnssec", {}), new.resources.get("aws_route53_hosted_zone_dnssec", {})
    for name in sorted(set(b) - set(a)):
        yield (
            "dnssec-signing-started",
            f"DNSSEC signing starts (aws_route53_hosted_zone_dnssec.{name}): publish the DS at the parent only once the DNSKEY TTL has passed",
        )
    for name in sorted(set(a) - set(b)):
        yield (
            "dnssec-signing-stopped",
            f"DNSSEC signing stops (aws_route53_hosted_zone_dnssec.{name}): while the parent still publishes the DS, validating resolvers "
            "fail every answer; remove the DS first and wait for its TTL",
        )
    for name in sorted(set(a) & set(b)):
        if a[name].get("signing_status") != b[name].get("signing_status"):
            old_status, new_status = a[name].get("signing_status"), b[name].get("signing_status")
            yield "dnssec-signing-changed", f"DNSSEC signing status {old_status} -> {new_status}: the zone's signatures change"
    a, b = old.resources.get("aws_route53_key_signing_key", {}), new.resources.get("aws_route53_key_signing_key", {})
    for name in sorted(set(a) & set(b)):
        if a[name].get("key_management_service_arn") != b[name].get("key_management_service_arn"):
            yield (
                "dnssec-key-replaced",
                f"key-signing key aws_route53_key_signing_key.{name} replaced: the DS at the parent no longer matches until it is updated",
            )
    a, b = old.resources.get("aws_route53_record", {}), new.resources.get("aws_route53_record", {})
    for name in sorted(a.keys() | b.keys()):
        old_ds, new_ds = a.get(name, {}).get("type") == "DS", b.get(name, {}).get("type") == "DS"
        if new_ds and name not in a:
            yield "dnssec-ds-added", f"DS record {b[name].get('name')} published: resolvers now require the child zone to be signed"
        elif old_ds and name not in b:
            yield (
                "dnssec-ds-removed",
                f"DS record {a[name].get('name')} removed: the child zone is no longer validated; stop its signing only after the DS TTL",
            )


def backend(old: View, new: View) -> Iterator[Found]:
    """A stack's Terraform backend changed (local to S3, one bucket or key to another): its state must
    be moved before the next deploy, or that deploy starts from an empty state and creates everything again."""

    def where(doc: Mapping[str, Any]) -> str:
        for kind, settings in sorted(doc.get("terraform", {}).get("backend", {}).items()):
            if kind == "s3":
                return f"s3://{settings.get('bucket')}/{settings.get('key')}"
            return f"{kind} {settings.get('path', 'terraform.tfstate')}"
        return "local terraform.tfstate"

    a, b = where(old.doc), where(new.doc)
    if a != b:
        yield (
            "backend-changed",
            f"state moves from {a} to {b}: move it before the next deploy (terraform init -migrate-state, docs/deploying.md "
            "Moving state), or that deploy starts from an empty state and creates everything again",
        )


def plan(old: View, new: View) -> Iterator[Found]:
    """What Terraform's own plan replaces, deletes or forgets among the resources mail depends on."""
    yield from flag_reasons(new.plan)
