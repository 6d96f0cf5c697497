"""Amazon SES: the domain identity and its Easy DKIM tokens."""

from __future__ import annotations

from typing import Unpack

from maildns.cdk import Construct, Fn

from maildns.aws.base import AwsResource, Meta


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
        if not self.named:
            return Fn.element(self.dkim_tokens, index)  # type: ignore[no-any-return]
        return "${element(" + self.address + ".dkim_tokens, " + str(index) + ")}"
