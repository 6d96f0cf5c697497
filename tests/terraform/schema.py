"""The AWS provider schema, in ``terraform providers schema -json`` form, read from the prebuilt bindings.

The bindings (``cdktf-cdktf-provider-aws``) are generated from the real provider's schema, and
their jsii tarball keeps what the generator knew per type: ``index.js`` holds the serialisers
(attribute names, ``isBlock``, list/set/map kinds, storage types) and the getters of computed
attributes; ``index.d.ts`` says which arguments are required and which blocks take one item or a
list. Importing the Python package would load all of it into node (15 s, 600 MiB); reading the
files of the few types maildns uses takes about two seconds. What the bindings cannot tell is the
curated ``CURATED`` table below, each entry with its reason.
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"
BINDINGS_VERSION = "21.22.1"

# What the bindings cannot tell: (type or "*", attribute) -> (flags to set, why).
CURATED: dict[tuple[str, str], tuple[dict[str, bool], str]] = {
    ("*", "id"): (
        {"optional": True, "computed": True},
        "the SDK adds an optional+computed id to every type; the bindings only show it is settable",
    ),
    ("*", "region"): (
        {"optional": True, "computed": True},
        "provider 6 adds region to every regional type, defaulting to the provider's region",
    ),
    ("*", "tags_all"): (
        {"optional": True, "computed": True},
        "tags_all is tags merged with the provider's default_tags, filled in by the provider",
    ),
    ("aws_route53_record", "allow_overwrite"): (
        {"optional": True, "computed": True},
        "Optional+Computed in the provider (route53/record.go); its value is set at create when left out",
    ),
    ("aws_s3_bucket", "bucket"): (
        {"optional": True, "computed": True},
        "left out, the provider generates a name (or takes bucket_prefix)",
    ),
    ("data.aws_route53_zone", "zone_id"): (
        {"optional": True, "computed": True},
        "looked up by name, the data source answers the zone id",
    ),
    ("data.aws_route53_zone", "name"): (
        {"optional": True, "computed": True},
        "looked up by zone_id, the data source answers the name",
    ),
    ("data.aws_route53_zone", "private_zone"): (
        {"optional": True, "computed": True},
        "the data source answers whether the zone it found is private",
    ),
    ("aws_s3_object", "content_type"): (
        {"optional": True, "computed": True},
        "S3 answers binary/octet-stream when none is given",
    ),
    ("aws_s3_object", "etag"): (
        {"optional": True, "computed": True},
        "S3 computes the ETag of what was stored when none is given",
    ),
    ("aws_s3_object", "server_side_encryption"): (
        {"optional": True, "computed": True},
        "S3 answers the bucket's default encryption when none is given",
    ),
    ("aws_s3_object", "storage_class"): (
        {"optional": True, "computed": True},
        "S3 answers STANDARD when none is given",
    ),
    ("aws_s3_object", "kms_key_id"): (
        {"optional": True, "computed": True},
        "S3 answers the bucket default key under aws:kms",
    ),
    ("aws_acm_certificate", "private_key"): (
        {"sensitive": True},
        "Sensitive in the provider; the bindings carry no sensitive flag",
    ),
    ("aws_acm_certificate", "key_algorithm"): (
        {"optional": True, "computed": True},
        "ACM answers RSA_2048 when none is given",
    ),
}

_SIMPLE = {"string": "string", "number": "number", "boolean": "bool"}
_COLLECTION = {
    "stringList": "string",
    "numberList": "number",
    "booleanList": "bool",
    "stringMap": "string",
    "numberMap": "number",
    "booleanMap": "bool",
}
_GETTER_TYPES: list[tuple[str, Any]] = [
    (r"^this\.getStringAttribute\('(\w+)'\)$", "string"),
    (r"^this\.getNumberAttribute\('(\w+)'\)$", "number"),
    (r"^this\.getBooleanAttribute\('(\w+)'\)$", "bool"),
    (r"^this\.getListAttribute\('(\w+)'\)$", ["list", "string"]),
    (r"^cdktf\.Fn\.tolist\(this\.getListAttribute\('(\w+)'\)\)$", ["set", "string"]),
    (r"^this\.getNumberListAttribute\('(\w+)'\)$", ["list", "number"]),
    (r"^cdktf\.Token\.asNumberList\(cdktf\.Fn\.tolist\(this\.getNumberListAttribute\('(\w+)'\)\)\)$", ["set", "number"]),
    (r"^this\.getStringMapAttribute\('(\w+)'\)$", ["map", "string"]),
    (r"^this\.getNumberMapAttribute\('(\w+)'\)$", ["map", "number"]),
    (r"^this\.getBooleanMapAttribute\('(\w+)'\)$", ["map", "bool"]),
    (r"^new cdktf\.StringMap\(this, \"(\w+)\"\)$", ["map", "string"]),
]


class SchemaError(Exception):
    """The bindings hold a construct this reader does not understand: extend the reader."""


def tarball() -> Path:
    """The installed bindings' jsii tarball, found without importing the package."""
    spec = find_spec("cdktf_cdktf_provider_aws")
    if spec is None or spec.origin is None:
        raise SchemaError("cdktf-cdktf-provider-aws is not installed (a dev dependency: run `make test`)")
    path = Path(spec.origin).parent / "_jsii" / f"provider-aws@{BINDINGS_VERSION}.jsii.tgz"
    if not path.is_file():
        raise SchemaError(f"{path} is missing: the bindings are not version {BINDINGS_VERSION}")
    return path


def lib_dir(type_name: str) -> str:
    """``aws_route53_record`` -> ``route53-record``; ``provider`` stays; data sources keep ``data-aws-``."""
    if type_name == "provider":
        return "provider"
    if type_name.startswith("data.aws_"):
        return "data-aws-" + type_name.removeprefix("data.aws_").replace("_", "-")
    return type_name.removeprefix("aws_").replace("_", "-")


def read_sources(type_names: Iterable[str], path: Path | None = None) -> dict[str, tuple[str, str]]:
    """(index.js, index.d.ts) of each type, by one streaming pass over the tarball."""
    wanted = {f"package/lib/{lib_dir(name)}/index.{ext}": (name, ext) for name in type_names for ext in ("js", "d.ts")}
    found: dict[tuple[str, str], str] = {}
    with tarfile.open(path or tarball(), "r|gz") as archive:
        for member in archive:
            if member.name in wanted:
                handle = archive.extractfile(member)
                assert handle is not None
                found[wanted[member.name]] = handle.read().decode("utf-8")
    missing = sorted({name for name, ext in wanted.values() if (name, ext) not in found})
    if missing:
        raise SchemaError(f"the bindings have no type {', '.join(missing)}")
    return {name: (found[(name, "js")], found[(name, "d.ts")]) for name, _ in wanted.values()}


@dataclass(frozen=True)
class _Sources:
    js: str
    dts: str

    def chunk(self, header: str) -> str:
        """A top-level class or function body of index.js, by its header line's regex."""
        match = re.search(rf"^{header} \{{\n(.*?)^\}}", self.js, re.MULTILINE | re.DOTALL)
        if match is None:
            raise SchemaError(f"index.js has no {header!r}")
        return match.group(1)

    def interface(self, name: str) -> dict[str, tuple[bool, str]]:
        """camelName -> (optional, TypeScript type) of an exported interface in index.d.ts."""
        match = re.search(rf"^export interface {name}\b[^{{]*\{{\n(.*?)^\}}", self.dts, re.MULTILINE | re.DOTALL)
        if match is None:
            raise SchemaError(f"index.d.ts has no interface {name}")
        return {
            m.group(1): (m.group(2) == "?", m.group(3))
            for m in re.finditer(
                r"^    readonly (\w+)(\??): (.*?);\n(?=    /\*\*|    readonly|\Z)", match.group(1), re.MULTILINE | re.DOTALL
            )
        }


_ENTRY = re.compile(r"(\w+): \{\s*value: (.*?),\s*isBlock: (true|false),\s*type: \"(\w+)\",\s*storageClassType: \"(\w+)\",\s*\}", re.DOTALL)


def _getters(body: str) -> tuple[dict[str, str], set[str]]:
    getters = {m.group(1): m.group(2).strip() for m in re.finditer(r"^    get (\w+)\(\) \{\n(.*?)^    \}", body, re.MULTILINE | re.DOTALL)}
    setters = set(re.findall(r"^    set (\w+)\(value\)", body, re.MULTILINE))
    return getters, setters


def _computed_only(src: _Sources, class_name: str, kind: str) -> dict[str, Any]:
    """Attributes a class exposes only through a getter (no setter): computed by the provider."""
    body = src.chunk(rf"class {class_name} extends cdktf\.{kind}")
    getters, setters = _getters(body)
    constructed = {
        m.group(1): (m.group(2), m.group(3), m.group(4) == "true")
        for m in re.finditer(r"this\._(\w+) = new (\w+)\(this, \"(\w+)\"(?:, (true|false))?\);", body)
    }
    attributes: dict[str, Any] = {}
    for name, getter in getters.items():
        if name in setters or name.endswith("Input") or name == "internalValue":
            continue
        statement = getter.removeprefix("return ").rstrip(";").strip()
        if statement.startswith("this.resolvableValue"):
            continue
        attributes.update(_getter_attribute(src, statement, constructed, f"{class_name}.{name}"))
    return attributes


def _getter_attribute(src: _Sources, statement: str, constructed: Mapping[str, tuple[str, str, bool]], where: str) -> dict[str, Any]:
    for pattern, type_ in _GETTER_TYPES:
        match = re.match(pattern, statement)
        if match:
            return {match.group(1): {"type": type_, "computed": True}}
    match = re.match(r"^this\._(\w+)$", statement)
    if match and match.group(1) in constructed:
        class_name, snake, wraps_set = constructed[match.group(1)]
        element = class_name.removesuffix("List") + "OutputReference" if class_name.endswith("List") else class_name
        fields = {name: spec["type"] for name, spec in _computed_only(src, element, "ComplexObject").items()}
        kind = "set" if wraps_set else "list"
        return {snake: {"type": [kind, ["object", fields]], "computed": True}}
    raise SchemaError(f"{where}: getter `{statement}` is not understood")


def _block(src: _Sources, entries_body: str, interface: str, output_class: str | None, kind: str) -> dict[str, Any]:
    """One schema block from a serialiser body, its config interface and its getter class."""
    declared = src.interface(interface)
    attributes: dict[str, Any] = {}
    blocks: dict[str, Any] = {}
    for m in _ENTRY.finditer(entries_body):
        snake, value, is_block, type_, storage = m.group(1), m.group(2), m.group(3) == "true", m.group(4), m.group(5)
        camel_match = re.search(r"(?:this\._|struct\.)(\w+)", value)
        if camel_match is None:
            raise SchemaError(f"{interface}.{snake}: no field in `{value}`")
        camel = camel_match.group(1)
        if camel not in declared:
            raise SchemaError(f"{interface} declares no {camel} (for {snake})")
        optional, ts_type = declared[camel]
        if is_block:
            nested = re.search(r"(?<![.\w])(\w+)ToHclTerraform\b", value)
            if nested is None:
                raise SchemaError(f"{interface}.{snake}: no nested serialiser in `{value}`")
            fn = nested.group(1)
            struct = fn[0].upper() + fn[1:]
            body = src.chunk(rf"function {fn}ToHclTerraform\(struct\)")
            # A provider's blocks have no getter classes: nothing in them is computed.
            getters = None if output_class is None else f"{struct}OutputReference"
            inner = _block(src, body, struct, getters, "ComplexObject")
            block: dict[str, Any] = {"block": inner}
            if type_ == "struct":
                block["nesting_mode"] = "single"
            else:
                block["nesting_mode"] = type_
                if not ts_type.replace(" | cdktf.IResolvable", "").endswith("[]"):
                    block["max_items"] = 1
                if not optional:
                    block["min_items"] = 1
            blocks[snake] = block
            continue
        if type_ == "simple" and storage in _SIMPLE:
            cty: Any = _SIMPLE[storage]
        elif type_ in ("list", "set", "map") and storage in _COLLECTION:
            cty = [type_, _COLLECTION[storage]]
        else:
            raise SchemaError(f"{interface}.{snake}: attribute kind {type_}/{storage} is not understood")
        attributes[snake] = {"type": cty, "optional": True} if optional else {"type": cty, "required": True}
    if output_class is not None:
        for snake, spec in _computed_only(src, output_class, kind).items():
            if snake not in blocks:  # a block's getter has a put method, not a setter
                attributes.setdefault(snake, spec)
    out: dict[str, Any] = {}
    if attributes:  # Terraform's format leaves out what a block does not have
        out["attributes"] = dict(sorted(attributes.items()))
    if blocks:
        out["block_types"] = dict(sorted(blocks.items()))
    return out


def type_schema(type_name: str, js: str, dts: str) -> dict[str, Any]:
    """The schema of one type (``aws_s3_bucket``, ``data.aws_route53_zone`` or ``provider``)."""
    src = _Sources(js, dts)
    match = re.search(r"^(\w+)\.tfResourceType = \"(\w+)\";$", js, re.MULTILINE)
    if match is None:
        raise SchemaError(f"{type_name}: index.js names no tfResourceType")
    class_name, declared_type = match.groups()
    if declared_type != type_name.removeprefix("data.") and type_name != "provider":
        raise SchemaError(f"{type_name}: the bindings' file is for {declared_type}")
    kind = {"provider": "TerraformProvider"}.get(type_name, "TerraformDataSource" if type_name.startswith("data.") else "TerraformResource")
    body = src.chunk(rf"class {class_name} extends cdktf\.{kind}")
    synth = re.search(r"synthesizeHclAttributes\(\) \{(.*?)^    \}", body, re.MULTILINE | re.DOTALL)
    if synth is None:
        raise SchemaError(f"{type_name}: no synthesizeHclAttributes")
    block = _block(src, synth.group(1), f"{class_name}Config", None if kind == "TerraformProvider" else class_name, kind)
    if kind == "TerraformProvider":
        block["attributes"].pop("alias", None)  # a meta-argument, not part of the provider's schema
    if kind != "TerraformProvider":  # provider arguments are never computed
        _curate(type_name, block)
    return {"version": 0, "block": block}


def _curate(type_name: str, block: dict[str, Any]) -> None:
    for (owner, attribute), (flags, _reason) in CURATED.items():
        spec = block.get("attributes", {}).get(attribute)
        if spec is None or owner not in ("*", type_name):
            continue
        if flags.get("optional"):
            spec.pop("required", None)
        spec.update(flags)


def provider_schema(resources: Iterable[str], data_sources: Iterable[str], path: Path | None = None) -> dict[str, Any]:
    """The ``providers schema -json`` document for these resource and data source types."""
    resources, data_sources = sorted(resources), sorted(data_sources)
    names = ["provider", *resources, *(f"data.{name}" for name in data_sources)]
    sources = read_sources(names, path)
    schemas = {name: type_schema(name, *sources[name]) for name in names}
    version = re.search(r"providerVersion: '([^']+)'", sources["provider"][0])
    if version is None:
        raise SchemaError("provider/index.js names no providerVersion")
    return {
        "format_version": "1.0",
        # not part of Terraform's format: the provider release the bindings were generated from
        "provider_versions": {PROVIDER_ADDRESS: version.group(1)},
        "provider_schemas": {
            PROVIDER_ADDRESS: {
                "provider": schemas["provider"],
                "resource_schemas": {name: schemas[name] for name in resources},
                "data_source_schemas": {name: schemas[f"data.{name}"] for name in data_sources},
            }
        },
    }
