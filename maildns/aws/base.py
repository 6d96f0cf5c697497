"""Raw cdktf base classes for the few AWS types maildns uses.

The prebuilt ``cdktf-cdktf-provider-aws`` bindings load a 600 MiB jsii bundle on every import
(15-17 s here); the classes here synthesize the same JSON in a fraction of that.
``tests/synth/test_conformance.py`` proves the JSON is byte-identical for every class.

A resource or data source here is a Python object, not a construct in the Node.js process: every
construct, property and callback there is a round trip through jsii, and those round trips were
nearly all of a synth's time. The blocks of one stack are written by one element of that stack
(``_Blocks``), which builds their JSON in Python exactly as cdktf's ``TerraformResource`` and
``TerraformDataSource`` build it (attributes, meta-arguments, ``//`` metadata, import blocks and
their metadata; key order does not matter, cdktf writes the keys sorted) and hands it over in one
call. A block becomes a cdktf element of its own (``element``) only where cdktf has to see it: a
list or number attribute, an object attribute of a computed block, or HCL output
(``SYNTH_HCL_OUTPUT``, whose format the element writes).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Union

from maildns.cdk import (
    Construct,
    TerraformDataSource,
    TerraformElement,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
    TerraformStack,
)

# The provider release whose schema these classes follow (cdktf-cdktf-provider-aws 21.22.1).
PROVIDER_VERSION = "6.25.0"
PROVIDER_CONSTRAINT = "~> 6.0"


def _metadata() -> TerraformProviderGeneratorMetadata:
    return TerraformProviderGeneratorMetadata(
        provider_name="aws", provider_version=PROVIDER_VERSION, provider_version_constraint=PROVIDER_CONSTRAINT
    )


Dependable = Union["_Block", str]


class Meta(TypedDict, total=False):
    """Terraform meta-arguments every resource and data source accepts."""

    provider: AwsProvider | TerraformProvider
    depends_on: Sequence[Dependable]
    lifecycle: TerraformResourceLifecycle


def _present(attributes: Mapping[str, Any]) -> dict[str, Any]:
    # Unset arguments are left out of the JSON, as the generated bindings leave out undefined.
    return {key: value for key, value in attributes.items() if value is not None}


def unique_id(components: Sequence[str]) -> str:
    """cdktf's logical name of an element at ``components`` below its stack (``makeUniqueId``)."""
    components = [c for c in components if c != "Default"]
    if len(components) == 1:
        candidate = _allowed(components[0])
        if len(candidate) <= 255:
            return candidate
    digest = hashlib.md5("/".join(components).encode()).hexdigest()[:8].upper()  # a name, not a secret
    kept: list[str] = []
    for component in components:
        if not kept or not kept[-1].endswith(component):
            kept.append(component)
    human = "_".join(_allowed(c) for c in kept if c != "Resource")[:240]
    return human + "_" + digest


def _allowed(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", text)


def _sanitized(id_: str) -> str:
    return id_.replace("/", "--")  # as constructs escapes an id


def _hcl() -> bool:
    # cdktf writes cdk.tf instead of cdk.tf.json when this is set (a truthy value, as cdktf reads it).
    return os.environ.get("SYNTH_HCL_OUTPUT", "") not in ("", "false", "0")


class _Block:
    """A block of type ``TYPE`` whose arguments are given as keyword arguments."""

    TYPE: str
    PREFIX = ""  # ``data.`` for data sources: how Terraform addresses the block
    KIND = "resource"

    def __init__(self, scope: Construct, id_: str, meta: Meta, **attributes: Any) -> None:
        self._scope = scope
        self._id = id_
        self._attributes = _present(attributes)
        self._provider = meta.get("provider")
        self._depends_on: list[Dependable] | None = list(meta["depends_on"]) if "depends_on" in meta else None
        self._lifecycle = meta.get("lifecycle")
        self._name: str | None = None
        self._referenced = False  # a reference was handed out with the name cdktf would give it
        self._import: tuple[str, AwsProvider | TerraformProvider | None] | None = None
        self._element: TerraformResource | TerraformDataSource | None = None
        blocks = _Blocks.of(scope)
        self._path = _path_of(scope) + "/" + _sanitized(id_)
        if self._path in blocks.paths:
            raise ValueError(f"{self._path}: there is already a construct with this path")
        blocks.paths.add(self._path)
        self._components = self._path.split("/")[blocks.depth :]
        if _hcl():
            self.element  # noqa: B018  # created now: cdktf writes the HCL of its elements
        else:
            blocks.blocks.append(self)

    # --- what cdktf's elements answer

    def override_logical_id(self, new_logical_id: str) -> None:
        if self._referenced and new_logical_id != self._name:
            raise ValueError(f"{self._path}: renamed to {new_logical_id!r} after a reference to it was taken")
        self._name = new_logical_id
        if self._element is not None:
            self._element.override_logical_id(new_logical_id)

    def import_from(self, id_: str, provider: AwsProvider | TerraformProvider | None = None) -> None:
        self._import = (id_, provider)
        if self._element is not None:
            self._element.import_from(id_, _jsii_provider(provider))  # type: ignore[union-attr]

    @property
    def depends_on(self) -> list[Dependable] | None:
        return self._depends_on

    @depends_on.setter
    def depends_on(self, value: Sequence[Dependable]) -> None:
        self._depends_on = list(value)
        if self._element is not None:
            self._element.depends_on = self._dependencies()

    @property
    def terraform_resource_type(self) -> str:
        return self.TYPE

    @property
    def friendly_unique_id(self) -> str:
        return self._name if self._name is not None else unique_id(self._components)

    @property
    def named(self) -> bool:
        """Whether ``override_logical_id`` fixed the logical name."""
        return self._name is not None

    @property
    def address(self) -> str:
        """``<type>.<logical name>`` (``data.`` first for a data source), as ``depends_on`` takes it."""
        if self._name is None:
            self._referenced = True
            self._name = unique_id(self._components)
        return f"{self.PREFIX}{self.TYPE}.{self._name}"

    def string_attribute(self, name: str) -> str:
        """``${<address>.<name>}``: the text cdktf's reference token resolves to, without a call into Node.js.

        The logical name is fixed from then on (renaming the block afterwards is refused).
        """
        return "${" + self.address + "." + name + "}"

    get_string_attribute = string_attribute

    def get_number_attribute(self, name: str) -> float:
        return self.element.get_number_attribute(name)

    def get_list_attribute(self, name: str) -> list[str]:
        return self.element.get_list_attribute(name)

    # --- the JSON

    def _dependencies(self) -> list[str]:
        found = []
        for dependency in self._depends_on or ():
            if isinstance(dependency, _Block):
                found.append(dependency.address)
            elif isinstance(dependency, str):
                found.append(dependency)
            else:
                raise TypeError(f"{self._path}: depends_on takes blocks of maildns.aws or addresses (got {dependency!r})")
        return found

    def _lifecycle_json(self) -> dict[str, Any] | None:
        if self._lifecycle is None:
            return None
        values: dict[str, Any] = dict(self._lifecycle._values)  # jsii structs keep their fields there
        if values.get("replace_triggered_by"):
            values["replace_triggered_by"] = [x.address if isinstance(x, _Block) else x for x in values["replace_triggered_by"]]
        return values

    def to_json(self) -> dict[str, Any]:
        """The block as cdktf's ``toTerraform`` writes it, without its type and name."""
        block = dict(self._attributes)
        if self._depends_on is not None:
            block["depends_on"] = self._dependencies()
        if self._provider is not None:
            block["provider"] = self._provider.fqn
        lifecycle = self._lifecycle_json()
        if lifecycle is not None:
            block["lifecycle"] = lifecycle
        block["//"] = {"metadata": {"path": self._path, "uniqueId": self.friendly_unique_id}}
        return block

    @property
    def element(self) -> TerraformResource | TerraformDataSource:
        """This block as a cdktf element of its own, created on first use (it then writes the block)."""
        if self._element is None:
            blocks = _Blocks.of(self._scope)
            if self in blocks.blocks:
                blocks.blocks.remove(self)
            blocks.provider_elements()  # cdktf checks that an element's provider is an element of its stack
            cls = _Resource if self.KIND == "resource" else _DataSource
            meta: dict[str, Any] = {"provider": _jsii_provider(self._provider), "lifecycle": self._lifecycle}
            element = cls(
                self._scope, self._id, terraform_resource_type=self.TYPE, terraform_generator_metadata=_metadata(), **_present(meta)
            )
            element.block = self
            if self._name is not None:
                element.override_logical_id(self._name)
            if self._depends_on is not None:
                element.depends_on = self._dependencies()
            if self._import is not None and isinstance(element, _Resource):
                element.import_from(self._import[0], _jsii_provider(self._import[1]))
            self._element = element
        return self._element


class _Resource(TerraformResource):
    block: _Block

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self.block._attributes


class _DataSource(TerraformDataSource):
    block: _Block

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self.block._attributes


class _Blocks(TerraformElement):
    """The element that writes the blocks of ``maildns.aws`` in one stack (all but those with an
    ``element`` of their own), created with the first of them."""

    ID = "maildns-aws-blocks"

    def __init__(self, stack: TerraformStack) -> None:
        super().__init__(stack, self.ID)
        self.blocks: list[_Block] = []
        self.stack_path = _path_of(stack)
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
    def of(scope: Construct) -> _Blocks:
        found: _Blocks | None = getattr(scope, "_maildns_blocks", None)
        if found is None:
            stack = _stack_of(scope)
            found = getattr(stack, "_maildns_blocks", None)
            if found is None:
                found = _Blocks(stack)
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
            if block._import is not None:
                id_, provider = block._import
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
            if block._import is not None:
                imports.setdefault(block.TYPE, []).append(block.friendly_unique_id)
        return {"imports": imports} if imports else {}


def _path_of(scope: Construct) -> str:
    """``scope.node.path``: from the scopes and ids ``maildns.cdk`` remembers where it can."""
    known: str | None = getattr(scope, "_maildns_path", None)
    if known is None:
        parent = getattr(scope, "maildns_parent", None)
        if parent is None:
            known = scope.node.path
        else:
            above = _path_of(parent[0])
            known = f"{above}/{_sanitized(parent[1])}" if above else _sanitized(parent[1])
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


class AwsResource(_Block):
    """A ``resource`` block."""


class AwsDataSource(_Block):
    """A ``data`` block."""

    PREFIX = "data."
    KIND = "data"


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
        self._attributes = _present({"alias": alias, "region": region, "default_tags": [default_tags] if default_tags else None})
        self._element: _Provider | None = None
        blocks = _Blocks.of(scope)
        blocks.providers.append(self)
        if blocks.providers_are_elements or _hcl():
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
            _Blocks.of(self._scope).provider_elements()
        assert self._element is not None  # provider_elements made it
        return self._element


class _Provider(TerraformProvider):
    """An ``AwsProvider`` as a cdktf element: cdktf calls back for its attributes."""

    def __init__(self, provider: AwsProvider) -> None:
        super().__init__(
            provider._scope,
            provider._id,
            terraform_resource_type="aws",
            terraform_generator_metadata=_metadata(),
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


def _jsii_provider(provider: AwsProvider | TerraformProvider | None) -> TerraformProvider | None:
    return provider.element if isinstance(provider, AwsProvider) else provider
