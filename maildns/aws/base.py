"""Raw cdktf base classes for the few AWS types maildns uses.

The prebuilt ``cdktf-cdktf-provider-aws`` bindings load a 600 MiB jsii bundle on every import
(15-17 s here); the classes here synthesize the same JSON in a fraction of that.
``tests/synth/test_conformance.py`` proves the JSON is byte-identical for every class.

A resource or data source here is a Python object, not a construct in the Node.js process: every
construct, property and callback there is a round trip through jsii, and those round trips were
nearly all of a synth's time. The blocks of one stack are written by one element of that stack
(``maildns.aws.blocks.Blocks``, with the ``aws`` providers), which builds their JSON in Python
exactly as cdktf's ``TerraformResource`` and ``TerraformDataSource`` build it (attributes,
meta-arguments, ``//`` metadata, import blocks and their metadata; key order does not matter,
cdktf writes the keys sorted) and hands it over in one call. A block becomes a cdktf element of
its own (``element``) only where cdktf has to see it: a list or number attribute, an object
attribute of a computed block, or HCL output (``SYNTH_HCL_OUTPUT``, whose format the element writes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Union

from maildns.aws.blocks import PROVIDER_VERSION as PROVIDER_VERSION  # noqa: PLC0414  # re-exported: stacks read it here
from maildns.aws.blocks import AwsProvider as AwsProvider  # noqa: PLC0414  # re-exported: constructs take it from here
from maildns.aws.blocks import Blocks, generator_metadata, hcl, jsii_provider, path_of, present, sanitized
from maildns.cdk import (
    Construct,
    TerraformDataSource,
    TerraformProvider,
    TerraformResource,
    TerraformResourceLifecycle,
)

Dependable = Union["_Block", str]


class Meta(TypedDict, total=False):
    """Terraform meta-arguments every resource and data source accepts."""

    provider: AwsProvider | TerraformProvider
    depends_on: Sequence[Dependable]
    lifecycle: TerraformResourceLifecycle


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


class _Block:
    """A block of type ``TYPE`` whose arguments are given as keyword arguments."""

    TYPE: str
    PREFIX = ""  # ``data.`` for data sources: how Terraform addresses the block
    KIND = "resource"

    def __init__(self, scope: Construct, id_: str, meta: Meta, **attributes: Any) -> None:
        self._scope = scope
        self._id = id_
        self._attributes = present(attributes)
        self._provider = meta.get("provider")
        self._depends_on: list[Dependable] | None = list(meta["depends_on"]) if "depends_on" in meta else None
        self._lifecycle = meta.get("lifecycle")
        self._name: str | None = None
        self._referenced = False  # a reference was handed out with the name cdktf would give it
        self._import: tuple[str, AwsProvider | TerraformProvider | None] | None = None
        self._element: TerraformResource | TerraformDataSource | None = None
        blocks = Blocks.of(scope)
        self._path = path_of(scope) + "/" + sanitized(id_)
        if self._path in blocks.paths:
            raise ValueError(f"{self._path}: there is already a construct with this path")
        blocks.paths.add(self._path)
        self._components = self._path.split("/")[blocks.depth :]
        if hcl():
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
            self._element.import_from(id_, jsii_provider(provider))  # type: ignore[union-attr]

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
    def imported(self) -> tuple[str, AwsProvider | TerraformProvider | None] | None:
        """The id and provider ``import_from`` gave, which the stack's element writes as an import block."""
        return self._import

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
            blocks = Blocks.of(self._scope)
            if self in blocks.blocks:
                blocks.blocks.remove(self)
            blocks.provider_elements()  # cdktf checks that an element's provider is an element of its stack
            cls = _Resource if self.KIND == "resource" else _DataSource
            meta: dict[str, Any] = {"provider": jsii_provider(self._provider), "lifecycle": self._lifecycle}
            element = cls(
                self._scope, self._id, terraform_resource_type=self.TYPE, terraform_generator_metadata=generator_metadata(), **present(meta)
            )
            element.block = self
            if self._name is not None:
                element.override_logical_id(self._name)
            if self._depends_on is not None:
                element.depends_on = self._dependencies()
            if self._import is not None and isinstance(element, _Resource):
                element.import_from(self._import[0], jsii_provider(self._import[1]))
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


class AwsResource(_Block):
    """A ``resource`` block."""


class AwsDataSource(_Block):
    """A ``data`` block."""

    PREFIX = "data."
    KIND = "data"
