"""Raw cdktf base classes for the few AWS types maildns uses.

The prebuilt ``cdktf-cdktf-provider-aws`` bindings load a 600 MiB jsii bundle on every import
(15-17 s here); subclasses of cdktf's ``TerraformResource`` synthesize the same JSON in about a
second. ``tests/synth/test_conformance.py`` proves the JSON is byte-identical for every class.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from maildns.cdk import (
    Construct,
    ITerraformDependable,
    TerraformDataSource,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
)

# The provider release whose schema these classes follow (cdktf-cdktf-provider-aws 21.22.1).
PROVIDER_VERSION = "6.25.0"
PROVIDER_CONSTRAINT = "~> 6.0"


def _metadata() -> TerraformProviderGeneratorMetadata:
    return TerraformProviderGeneratorMetadata(
        provider_name="aws", provider_version=PROVIDER_VERSION, provider_version_constraint=PROVIDER_CONSTRAINT
    )


class Meta(TypedDict, total=False):
    """Terraform meta-arguments every resource and data source accepts."""

    provider: TerraformProvider
    depends_on: Sequence[ITerraformDependable]
    lifecycle: TerraformResourceLifecycle


def _present(attributes: Mapping[str, Any]) -> dict[str, Any]:
    # Unset arguments are left out of the JSON, as the generated bindings leave out undefined.
    return {key: value for key, value in attributes.items() if value is not None}


class _Block:
    """A block of type ``TYPE`` whose arguments are given as keyword arguments.

    Listed before the cdktf class in the bases, so jsii finds ``_synthesize_attributes`` as an
    override and calls it back at synth.
    """

    TYPE: str
    PREFIX = ""  # ``data.`` for data sources: how Terraform addresses the block

    def __init__(self, scope: Construct, id_: str, meta: Meta, **attributes: Any) -> None:
        super().__init__(scope, id_, terraform_resource_type=self.TYPE, terraform_generator_metadata=_metadata(), **meta)  # type: ignore[call-arg, misc]  # the cdktf class is next in the MRO
        self._attributes = _present(attributes)
        self._name: str | None = None

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes

    def override_logical_id(self, new_logical_id: str) -> None:
        super().override_logical_id(new_logical_id)  # type: ignore[misc]
        self._name = new_logical_id

    @property
    def named(self) -> bool:
        """Whether ``override_logical_id`` fixed the logical name (references can then be text)."""
        return self._name is not None

    @property
    def address(self) -> str:
        """``<type>.<logical name>`` (``data.`` first for a data source), as ``depends_on`` takes it."""
        if self._name is None:
            return f"{self.PREFIX}{self.terraform_resource_type}.{self.friendly_unique_id}"  # type: ignore[attr-defined]
        return f"{self.PREFIX}{self.TYPE}.{self._name}"

    def string_attribute(self, name: str) -> str:
        """``${<address>.<name>}``: the reference cdktf's token resolves to.

        Written here as text once the logical name is fixed, which spares a call into the
        Node.js process per reference (the bytes synthesized are the same); the token otherwise.
        """
        if self._name is None:
            return self.get_string_attribute(name)  # type: ignore[attr-defined,no-any-return]
        return "${" + self.address + "." + name + "}"


class AwsResource(_Block, TerraformResource):
    """A ``resource`` block."""


class AwsDataSource(_Block, TerraformDataSource):
    """A ``data`` block."""

    PREFIX = "data."


class AwsProvider(TerraformProvider):
    """``provider "aws"``; ``alias`` names a second configuration, e.g. one per region."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        region: str,
        alias: str | None = None,
        default_tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(
            scope, id_, terraform_resource_type="aws", terraform_generator_metadata=_metadata(), terraform_provider_source="aws"
        )
        self._alias = alias
        self._attributes = _present({"alias": alias, "region": region, "default_tags": [default_tags] if default_tags else None})

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes

    @property  # type: ignore[misc]  # read-only here: the alias is fixed at construction
    def alias(self) -> str | None:
        # cdktf's own getter always answers undefined; the generated bindings override it too.
        return self._alias

    # cdktf's getters below read ``alias`` twice each, and every read from Node.js is a call back
    # into Python; answering them here costs one call each. Same values, as text instead of a token.
    @property
    def fqn(self) -> str:
        return f"aws.{self._alias}" if self._alias is not None else "aws"

    @property
    def meta_attributes(self) -> Mapping[str, Any]:
        return {"alias": self._alias} if self._alias is not None else {}
