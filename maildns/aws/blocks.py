"""The element that writes the blocks of ``maildns.aws`` in one stack, and the ``aws`` providers.

Every resource and data source of a stack (``maildns.aws.base``) is written by one element of
that stack, ``Blocks``, which builds their JSON in Python and hands it over to cdktf in one call
(see base.py for why). This module knows a block only by what it writes (``Block``), so the
resource base class builds on it and not the other way round. The providers are written by the
same element until cdktf has to see one as an element of its own (``_Provider``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Protocol

from maildns.cdk import (
    Construct,
    TerraformElement,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformStack,
)

# The provider release whose schema these classes follow (cdktf-cdktf-provider-aws 21.22.1).
PROVIDER_VERSION = "6.25.0"
PROVIDER_CONSTRAINT = "~> 6.0"


def generator_metadata() -> TerraformProviderGeneratorMetadata:
    return TerraformProviderGeneratorMetadata(
        provider_name="aws", provider_version=PROVIDER_VERSION, provider_version_constraint=PROVIDER_CONSTRAINT
    )


def present(attributes: Mapping[str, Any]) -> dict[str, Any]:
    # Unset arguments are left out of the JSON, as the generated bindings leave out undefined.
    return {key: value for key, value in attributes.items() if value is not None}


def sanitized(id_: str) -> str:
    return id_.replace("/", "--")  # as constructs escapes an id


def hcl() -> bool:
    # cdktf writes cdk.tf instead of cdk.tf.json when this is set (a truthy value, as cdktf reads it).
    return os.environ.get("SYNTH_HCL_OUTPUT", "") not in ("", "false", "0")


class Block(Protocol):
    """What the stack's element reads of a resource or data source to write it."""

    TYPE: str
    KIND: str  # "resource" or "data"

    @property
    def friendly_unique_id(self) -> str: ...

    @property
    def imported(self) -> tuple[str, AwsProvider | TerraformProvider | None] | None:
        """The import block's id and provider, when the block is to be imported."""

    def to_json(self) -> dict[str, Any]: ...


class Blocks(TerraformElement):
    """The element that writes the blocks of ``maildns.aws`` in one stack (all but those with an
    ``element`` of their own), created with the first of them."""

    ID = "maildns-aws-blocks"

    def __init__(self, stack: TerraformStack) -> None:
        super().__init__(stack, self.ID)
        self.blocks: list[Block] = []
        self.stack_path = path_of(stack)
        self.depth = len(self.stack_path.split("/"))
        self.stack = stack
        self.paths: set[str] = set()
        self.providers: list[AwsProvider] = []
        self.providers_are_elements = False

    def provider_elements(self) -> None:
        """Every provider of the stack as a cdktf element, from now on."""
        self.providers_are_elements = True
        for provider in self.providers:
            if provider._element is None:
                provider._element = _Provider(provider)

    @staticmethod
    def of(scope: Construct) -> Blocks:
        found: Blocks | None = getattr(scope, "_maildns_blocks", None)
        if found is None:
            stack = _stack_of(scope)
            found = getattr(stack, "_maildns_blocks", None)
            if found is None:
                found = Blocks(stack)
                stack._maildns_blocks = found  # type: ignore[attr-defined]
            scope._maildns_blocks = found  # type: ignore[attr-defined]
        return found

    def to_terraform(self) -> Mapping[str, Any]:
        tf: dict[str, Any] = {}
        providers = [p.to_json() for p in self.providers if p._element is None]
        if providers:
            # As cdktf's TerraformProvider writes it (the stack's overrides may replace the requirement).
            tf["terraform"] = {"required_providers": {"aws": {"version": PROVIDER_VERSION, "source": "aws"}}}
            tf["provider"] = {"aws": providers}
        imports = []
        for block in self.blocks:
            name = block.friendly_unique_id
            tf.setdefault(block.KIND, {}).setdefault(block.TYPE, {})[name] = block.to_json()
            if block.imported is not None:
                id_, provider = block.imported
                entry = {"id": id_, "to": f"{block.TYPE}.{name}"}
                if provider is not None:
                    entry["provider"] = provider.fqn
                imports.append(entry)
        if imports:
            tf["import"] = imports
        return tf

    def to_metadata(self) -> Mapping[str, Any]:
        imports: dict[str, list[str]] = {}
        for block in self.blocks:
            if block.imported is not None:
                imports.setdefault(block.TYPE, []).append(block.friendly_unique_id)
        return {"imports": imports} if imports else {}


def path_of(scope: Construct) -> str:
    """``scope.node.path``: from the scopes and ids ``maildns.cdk`` remembers where it can."""
    known: str | None = getattr(scope, "_maildns_path", None)
    if known is None:
        parent = getattr(scope, "maildns_parent", None)
        if parent is None:
            known = scope.node.path
        else:
            above = path_of(parent[0])
            known = f"{above}/{sanitized(parent[1])}" if above else sanitized(parent[1])
        scope._maildns_path = known  # type: ignore[attr-defined]
    return known


def _stack_of(scope: Construct) -> TerraformStack:
    """``TerraformStack.of(scope)``, found through the scopes ``maildns.cdk.Construct`` remembers where it can."""
    current = scope
    while not isinstance(current, TerraformStack):
        parent = getattr(current, "maildns_parent", None)
        if parent is None:
            return TerraformStack.of(scope)
        current = parent[0]
    return current


class AwsProvider:
    """``provider "aws"``; ``alias`` names a second configuration, e.g. one per region.

    Written by the stack's blocks element, as cdktf's ``TerraformProvider`` writes it, until a
    block with an element of its own needs a provider that cdktf sees: then every provider of the
    stack becomes an element (``_Provider``), in the order they were made, which keeps the order
    of the ``provider`` list.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        region: str,
        alias: str | None = None,
        default_tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._scope = scope
        self._id = id_
        self._alias = alias
        self._attributes = present({"alias": alias, "region": region, "default_tags": [default_tags] if default_tags else None})
        self._element: _Provider | None = None
        blocks = Blocks.of(scope)
        blocks.providers.append(self)
        if blocks.providers_are_elements or hcl():
            blocks.provider_elements()

    @property
    def alias(self) -> str | None:
        return self._alias

    @property
    def fqn(self) -> str:
        return f"aws.{self._alias}" if self._alias is not None else "aws"

    @property
    def meta_attributes(self) -> Mapping[str, Any]:
        return {"alias": self._alias} if self._alias is not None else {}

    def to_json(self) -> dict[str, Any]:
        return {**self._attributes, **self.meta_attributes}

    @property
    def element(self) -> TerraformProvider:
        """This provider as a cdktf element (with every other provider of its stack)."""
        if self._element is None:
            Blocks.of(self._scope).provider_elements()
        assert self._element is not None  # provider_elements made it
        return self._element


class _Provider(TerraformProvider):
    """An ``AwsProvider`` as a cdktf element: cdktf calls back for its attributes."""

    def __init__(self, provider: AwsProvider) -> None:
        super().__init__(
            provider._scope,
            provider._id,
            terraform_resource_type="aws",
            terraform_generator_metadata=generator_metadata(),
            terraform_provider_source="aws",
        )
        self.provider = provider

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self.provider._attributes

    @property  # type: ignore[misc]  # read-only here: the alias is fixed at construction
    def alias(self) -> str | None:
        # cdktf's own getter always answers undefined; the generated bindings override it too.
        return self.provider.alias

    # cdktf's getters below read ``alias`` twice each, and every read from Node.js is a call back
    # into Python; answering them here costs one call each. Same values, as text instead of a token.
    @property
    def fqn(self) -> str:
        return self.provider.fqn

    @property
    def meta_attributes(self) -> Mapping[str, Any]:
        return self.provider.meta_attributes


def jsii_provider(provider: AwsProvider | TerraformProvider | None) -> TerraformProvider | None:
    return provider.element if isinstance(provider, AwsProvider) else provider
