"""Amazon SES: the domain identity and its Easy DKIM tokens, or an existing identity looked up."""

from __future__ import annotations

from typing import Unpack

from maildns.aws.base import AwsDataSource, AwsResource, Meta
from maildns.cdk import ComplexObject, Construct


class SesDomainIdentity(AwsResource):
    """``resource "aws_ses_domain_identity"``: the domain as an SES sender in one region."""

    TYPE = "aws_ses_domain_identity"

    def __init__(self, scope: Construct, id_: str, *, domain: str, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, domain=domain)

    @property
    def domain(self) -> str:
        return self.string_attribute("domain")

    @property
    def verification_token(self) -> str:
        return self.string_attribute("verification_token")


class SesDomainDkim(AwsResource):
    """``resource "aws_ses_domain_dkim"``: Easy DKIM; ``dkim_tokens`` holds three tokens after apply."""

    TYPE = "aws_ses_domain_dkim"

    def __init__(self, scope: Construct, id_: str, *, domain: str, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, domain=domain)

    @property
    def dkim_tokens(self) -> list[str]:
        return self.get_list_attribute("dkim_tokens")

    def dkim_token(self, index: int) -> str:
        """Token ``index`` (0-2): ``${element(<address>.dkim_tokens, <index>)}``, as ``Fn.element`` writes it."""
        return "${element(" + self.address + ".dkim_tokens, " + str(index) + ")}"


class DataAwsSesv2EmailIdentityDkimSigningAttributes(ComplexObject):
    """One element of ``dkim_signing_attributes``: the identity's DKIM state and tokens."""

    @property
    def tokens(self) -> list[str]:
        return self.get_list_attribute("tokens")


class DataAwsSesv2EmailIdentityDkimSigningAttributesList:
    """``dkim_signing_attributes``, a list of one block: element ``i`` is ``...[i]``, as the bindings write it."""

    def __init__(self, data: AwsDataSource) -> None:
        self._data = data

    def get(self, index: int) -> DataAwsSesv2EmailIdentityDkimSigningAttributes:
        return DataAwsSesv2EmailIdentityDkimSigningAttributes(self._data.element, "dkim_signing_attributes", False, index)


class DataAwsSesv2EmailIdentity(AwsDataSource):
    """``data "aws_sesv2_email_identity"``: an SES identity someone else created, read for its DKIM tokens."""

    TYPE = "aws_sesv2_email_identity"

    def __init__(self, scope: Construct, id_: str, *, email_identity: str, **meta: Unpack[Meta]) -> None:
        super().__init__(scope, id_, meta, email_identity=email_identity)

    @property
    def dkim_signing_attributes(self) -> DataAwsSesv2EmailIdentityDkimSigningAttributesList:
        return DataAwsSesv2EmailIdentityDkimSigningAttributesList(self)
