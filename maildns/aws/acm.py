"""AWS Certificate Manager: the certificate CloudFront presents, validated through DNS."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Unpack

from maildns.aws.base import AwsResource, Meta
from maildns.cdk import Construct


class AcmDomainValidationOptions:
    """``domain_validation_options``, a set: element ``i`` is ``tolist(...)[i]``, as the bindings write it."""

    def __init__(self, resource: AwsResource) -> None:
        self._resource = resource

    def get(self, index: int) -> AcmValidationOptionReference:
        return AcmValidationOptionReference(f"tolist({self._resource.address}.domain_validation_options).{index}")


class AcmValidationOptionReference:
    """Element ``i`` of a certificate's options, as the references cdktf's token would resolve to
    (``${tolist(<certificate>.domain_validation_options).<i>.<attribute>}``), built without Node.js calls."""

    def __init__(self, element: str) -> None:
        self._element = element

    def _ref(self, name: str) -> str:
        return "${" + self._element + "." + name + "}"

    @property
    def domain_name(self) -> str:
        return self._ref("domain_name")

    @property
    def resource_record_name(self) -> str:
        return self._ref("resource_record_name")

    @property
    def resource_record_type(self) -> str:
        return self._ref("resource_record_type")

    @property
    def resource_record_value(self) -> str:
        return self._ref("resource_record_value")


class AcmCertificate(AwsResource):
    """``resource "aws_acm_certificate"``: an Amazon-issued certificate (CloudFront needs it in us-east-1)."""

    TYPE = "aws_acm_certificate"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        domain_name: str,
        validation_method: Literal["DNS", "EMAIL", "NONE"] | None = None,
        subject_alternative_names: Sequence[str] | None = None,
        key_algorithm: str | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            domain_name=domain_name,
            validation_method=validation_method,
            subject_alternative_names=list(subject_alternative_names) if subject_alternative_names is not None else None,
            key_algorithm=key_algorithm,
        )

    @property
    def arn(self) -> str:
        return self.string_attribute("arn")

    @property
    def domain_validation_options(self) -> AcmDomainValidationOptions:
        return AcmDomainValidationOptions(self)


class AcmCertificateValidation(AwsResource):
    """``resource "aws_acm_certificate_validation"``: waits until ACM has issued the certificate."""

    TYPE = "aws_acm_certificate_validation"

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        certificate_arn: str,
        validation_record_fqdns: Sequence[str] | None = None,
        **meta: Unpack[Meta],
    ) -> None:
        super().__init__(
            scope,
            id_,
            meta,
            certificate_arn=certificate_arn,
            validation_record_fqdns=list(validation_record_fqdns) if validation_record_fqdns is not None else None,
        )

    @property
    def certificate_arn(self) -> str:
        return self.string_attribute("certificate_arn")
