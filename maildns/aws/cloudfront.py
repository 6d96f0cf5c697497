"""Amazon CloudFront: the distribution that serves the MTA-STS policy over HTTPS, and its S3 access."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, NotRequired, TypedDict, Unpack

from maildns.aws.base import AwsDataSource, AwsResource, Meta
from maildns.cdk import Construct


class DataAwsCloudfrontCachePolicy(AwsDataSource):
    """``data "aws_cloudfront_cache_policy"``: a cache policy found by name (or id), such as an AWS managed one."""

    TYPE = "aws_cloudfront_cache_policy"

    def __init__(self, scope: Construct, id_: str, *, name: str | None = None, id: str | None = None, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, id=id, name=name)

    @property
    def id(self) -> str:
        return self.get_string_attribute("id")


class DataAwsCloudfrontResponseHeadersPolicy(AwsDataSource):
    """``data "aws_cloudfront_response_headers_policy"``: a response headers policy found by name (or id)."""

    TYPE = "aws_cloudfront_response_headers_policy"

    def __init__(self, scope: Construct, id_: str, *, name: str | None = None, id: str | None = None, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, id=id, name=name)

    @property
    def id(self) -> str:
        return self.get_string_attribute("id")


class CloudfrontOriginAccessControl(AwsResource):
    """``resource "aws_cloudfront_origin_access_control"``: CloudFront signs its S3 requests (SigV4).

    @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
    """

    TYPE = "aws_cloudfront_origin_access_control"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        origin_access_control_origin_type: Literal["s3", "mediastore", "lambda", "mediapackagev2"],
        signing_behavior: Literal["always", "never", "no-override"],
        signing_protocol: Literal["sigv4"],
        description: str | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            name=name,
            description=description,
            origin_access_control_origin_type=origin_access_control_origin_type,
            signing_behavior=signing_behavior,
            signing_protocol=signing_protocol,
        )

    @property
    def id(self) -> str:
        return self.string_attribute("id")


class CloudfrontOrigin(TypedDict):
    """One ``origin`` block; an S3 origin with OAC needs neither ``s3_origin_config`` nor a custom config."""

    domain_name: str
    origin_id: str
    origin_access_control_id: NotRequired[str]
    origin_path: NotRequired[str]


class CloudfrontDefaultCacheBehavior(TypedDict):
    """The ``default_cache_behavior`` block, with a cache policy instead of the legacy ``forwarded_values``."""

    target_origin_id: str
    viewer_protocol_policy: Literal["allow-all", "https-only", "redirect-to-https"]
    allowed_methods: Sequence[str]
    cached_methods: Sequence[str]
    cache_policy_id: NotRequired[str]
    response_headers_policy_id: NotRequired[str]
    compress: NotRequired[bool]


class CloudfrontGeoRestriction(TypedDict):
    restriction_type: Literal["none", "whitelist", "blacklist"]
    locations: NotRequired[Sequence[str]]


class CloudfrontRestrictions(TypedDict):
    """The ``restrictions`` block (required even when nothing is restricted)."""

    geo_restriction: CloudfrontGeoRestriction


class CloudfrontViewerCertificate(TypedDict):
    """The ``viewer_certificate`` block: an ACM certificate from us-east-1, SNI, a TLS floor."""

    acm_certificate_arn: NotRequired[str]
    cloudfront_default_certificate: NotRequired[bool]
    minimum_protocol_version: NotRequired[str]
    ssl_support_method: NotRequired[Literal["sni-only", "vip", "static-ip"]]


class CloudfrontLoggingConfig(TypedDict):
    """The ``logging_config`` block (standard logs to an S3 bucket)."""

    bucket: str
    include_cookies: NotRequired[bool]
    prefix: NotRequired[str]


class CloudfrontDistribution(AwsResource):
    """``resource "aws_cloudfront_distribution"``."""

    TYPE = "aws_cloudfront_distribution"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        enabled: bool,
        origin: Sequence[CloudfrontOrigin],
        default_cache_behavior: CloudfrontDefaultCacheBehavior,
        restrictions: CloudfrontRestrictions,
        viewer_certificate: CloudfrontViewerCertificate,
        aliases: Sequence[str] | None = None,
        comment: str | None = None,
        default_root_object: str | None = None,
        http_version: str | None = None,
        is_ipv6_enabled: bool | None = None,
        price_class: Literal["PriceClass_All", "PriceClass_200", "PriceClass_100"] | None = None,
        logging_config: CloudfrontLoggingConfig | None = None,
        web_acl_id: str | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            enabled=enabled,
            aliases=list(aliases) if aliases is not None else None,
            comment=comment,
            default_root_object=default_root_object,
            http_version=http_version,
            is_ipv6_enabled=is_ipv6_enabled,
            price_class=price_class,
            web_acl_id=web_acl_id,
            origin=[dict(o) for o in origin],
            default_cache_behavior=_lists(default_cache_behavior),
            restrictions={"geo_restriction": _lists(restrictions["geo_restriction"])},
            viewer_certificate=dict(viewer_certificate),
            logging_config=dict(logging_config) if logging_config is not None else None,
        )

    @property
    def arn(self) -> str:
        return self.string_attribute("arn")

    @property
    def domain_name(self) -> str:
        return self.string_attribute("domain_name")

    @property
    def hosted_zone_id(self) -> str:
        return self.string_attribute("hosted_zone_id")


def _lists(block: Mapping[str, Any]) -> dict[str, Any]:
    """A block with its sequences as lists (a tuple is not JSON to jsii)."""
    return {key: list(value) if isinstance(value, (tuple, list)) else value for key, value in block.items()}
