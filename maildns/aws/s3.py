"""Amazon S3: the private bucket that holds the MTA-STS policy, its settings, and the object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, NotRequired, TypedDict, Unpack

from maildns.aws.base import AwsResource, Meta
from maildns.cdk import Construct


class S3Bucket(AwsResource):
    """``resource "aws_s3_bucket"``: the bucket alone; each setting is its own resource (provider v4+)."""

    TYPE = "aws_s3_bucket"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket: str | None = None,
        bucket_prefix: str | None = None,
        force_destroy: bool | None = None,
        tags: Mapping[str, str] | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            bucket=bucket,
            bucket_prefix=bucket_prefix,
            force_destroy=force_destroy,
            tags=dict(tags) if tags else None,
        )

    @property
    def id(self) -> str:
        return self.string_attribute("id")

    @property
    def bucket(self) -> str:
        return self.get_string_attribute("bucket")

    @property
    def arn(self) -> str:
        return self.string_attribute("arn")

    @property
    def bucket_regional_domain_name(self) -> str:
        return self.string_attribute("bucket_regional_domain_name")


class S3BucketPublicAccessBlock(AwsResource):
    """``resource "aws_s3_bucket_public_access_block"``: refuse public ACLs and public bucket policies."""

    TYPE = "aws_s3_bucket_public_access_block"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket: str,
        block_public_acls: bool | None = None,
        block_public_policy: bool | None = None,
        ignore_public_acls: bool | None = None,
        restrict_public_buckets: bool | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            bucket=bucket,
            block_public_acls=block_public_acls,
            block_public_policy=block_public_policy,
            ignore_public_acls=ignore_public_acls,
            restrict_public_buckets=restrict_public_buckets,
        )


class S3BucketOwnershipControlsRule(TypedDict):
    """The ``rule`` block; ``BucketOwnerEnforced`` disables ACLs altogether."""

    object_ownership: Literal["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]


class S3BucketOwnershipControls(AwsResource):
    """``resource "aws_s3_bucket_ownership_controls"``."""

    TYPE = "aws_s3_bucket_ownership_controls"

    def __init__(self, scope: Construct, id_: str, *, bucket: str, rule: S3BucketOwnershipControlsRule, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, bucket=bucket, rule=dict(rule))


class ApplyServerSideEncryptionByDefault(TypedDict):
    """``apply_server_side_encryption_by_default``: ``AES256`` (SSE-S3) or ``aws:kms`` with a key."""

    sse_algorithm: Literal["AES256", "aws:kms", "aws:kms:dsse"]
    kms_master_key_id: NotRequired[str]


class S3BucketServerSideEncryptionRule(TypedDict):
    """One ``rule`` block of the encryption configuration."""

    apply_server_side_encryption_by_default: ApplyServerSideEncryptionByDefault
    bucket_key_enabled: NotRequired[bool]


class S3BucketServerSideEncryptionConfiguration(AwsResource):
    """``resource "aws_s3_bucket_server_side_encryption_configuration"``: default encryption of new objects."""

    TYPE = "aws_s3_bucket_server_side_encryption_configuration"

    def __init__(
        self, scope: Construct, id_: str, *, bucket: str, rule: Sequence[S3BucketServerSideEncryptionRule], **meta: Unpack[Meta]
    ) -> None:
        super().__init__(scope, id_, meta, bucket=bucket, rule=[dict(r) for r in rule])


class S3BucketVersioningConfiguration(TypedDict):
    """The ``versioning_configuration`` block."""

    status: Literal["Enabled", "Suspended", "Disabled"]


class S3BucketVersioning(AwsResource):
    """``resource "aws_s3_bucket_versioning"``: keep every version of the policy file."""

    TYPE = "aws_s3_bucket_versioning"

    def __init__(
        self, scope: Construct, id_: str, *, bucket: str, versioning_configuration: S3BucketVersioningConfiguration, **meta: Unpack[Meta]
    ) -> None:
        super().__init__(scope, id_, meta, bucket=bucket, versioning_configuration=dict(versioning_configuration))


class S3BucketPolicy(AwsResource):
    """``resource "aws_s3_bucket_policy"``: ``policy`` is the IAM policy document as JSON text."""

    TYPE = "aws_s3_bucket_policy"

    def __init__(self, scope: Construct, id_: str, *, bucket: str, policy: str, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, bucket=bucket, policy=policy)


class S3Object(AwsResource):
    """``resource "aws_s3_object"``: one object whose ``content`` is given inline (UTF-8 text)."""

    TYPE = "aws_s3_object"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket: str,
        key: str,
        content: str | None = None,
        content_type: str | None = None,
        cache_control: str | None = None,
        etag: str | None = None,
        server_side_encryption: str | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            bucket=bucket,
            key=key,
            content=content,
            content_type=content_type,
            cache_control=cache_control,
            etag=etag,
            server_side_encryption=server_side_encryption,
        )

    @property
    def version_id(self) -> str:
        return self.string_attribute("version_id")
