"""Shared defaults: ``_defaults.yaml`` beside the domain files, merged under each one with the origin of every value kept.

Mappings merge key by key and anything else (lists, scalars) is replaced whole, so a domain
overrides one field without restating the rest. Each value remembers the file it came from,
so a problem names the file that holds the bad value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from maildns.errors import FieldPath, Problem

DEFAULTS_FILE = "_defaults.yaml"
DEFAULTS_FILES = (DEFAULTS_FILE, "_defaults.yml")
DEFAULTS_RULE = "shared defaults hold only what every domain may share"

# Per-domain values that would collide if every domain shared them.
NOT_SHARED: dict[FieldPath, str] = {
    ("domain",): "must not be set in the shared defaults: each domain file names its domain",
    ("backend", "key"): "must not be set in the shared defaults: every stack needs its own state key",
    ("mta_sts", "bucket"): "must not be set in the shared defaults: every domain needs its own policy bucket",
}

Origins = dict[FieldPath, str]


# Sections published either as tags or as a CNAME to a vendor's record: the two exclude each other,
# so a domain file choosing one form replaces the defaults' section of the other form whole.
DELEGABLE = ("dmarc", "tls_rpt")


def under_own(base: Mapping[Any, Any], own: Mapping[Any, Any]) -> dict[Any, Any]:
    """The defaults without each delegable section whose form (tags or ``cname``) the domain file changes."""
    out = dict(base)
    for key in DELEGABLE:
        theirs, mine = base.get(key), own.get(key)
        if isinstance(theirs, Mapping) and isinstance(mine, Mapping) and ("cname" in theirs) != ("cname" in mine):
            del out[key]
    return out


def check_defaults(data: object, source: str) -> list[Problem]:
    """Problems of the defaults file as a whole: a mapping without per-domain values."""
    if not isinstance(data, Mapping):
        return [Problem(source, (), "must be a mapping of settings", data, DEFAULTS_RULE)]
    found = []
    for path, message in NOT_SHARED.items():
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if node is not None:
            found.append(Problem(source, path, message, node, DEFAULTS_RULE))
    return found


def merge(defaults: Mapping[Any, Any], own: Mapping[Any, Any], source: str) -> tuple[dict[Any, Any], Origins]:
    """``own`` over ``defaults``: mappings merge, everything else is replaced; the paths whose
    value comes from ``source`` (the defaults file) are returned beside the merged data."""
    origins: Origins = {}
    return _merge(defaults, own, (), source, origins), origins


def _merge(base: Mapping[Any, Any], over: Mapping[Any, Any], path: FieldPath, source: str, origins: Origins) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key, value in base.items():
        if key not in over:
            out[key] = value
            origins[(*path, key)] = source
    for key, value in over.items():
        if key in base and isinstance(value, Mapping) and isinstance(base[key], Mapping):
            out[key] = _merge(base[key], value, (*path, key), source, origins)
        else:
            out[key] = value
    return out


def layered(layers: list[tuple[Mapping[Any, Any], str]], own: Mapping[Any, Any]) -> tuple[dict[Any, Any], Origins]:
    """``own`` over each layer in turn (later layers over earlier ones), merged as ``merge`` does:
    the paths whose value comes from a layer are returned with that layer's source."""
    data: dict[Any, Any] = {}
    where: dict[FieldPath, str | None] = {}
    for layer, source in [*layers, (own, None)]:
        data = _overlay(data, layer, (), source, where)
    return data, {path: source for path, source in where.items() if source is not None}


def _overlay(
    base: Mapping[Any, Any], over: Mapping[Any, Any], path: FieldPath, source: str | None, where: dict[FieldPath, str | None]
) -> dict[Any, Any]:
    out = {key: value for key, value in base.items() if key not in over}
    for key, value in over.items():
        at = (*path, key)
        if key in base and isinstance(value, Mapping) and isinstance(base[key], Mapping):
            # The mapping merges: what it had from an earlier layer is now kept key by key.
            if at in where:
                earlier = where.pop(at)
                where.update({(*at, k): earlier for k in base[key] if (*at, k) not in where})
            out[key] = _overlay(base[key], value, at, source, where)
        else:
            out[key] = value
            for below in [p for p in where if p[: len(at)] == at]:
                del where[below]
            where[at] = source
    return out


def origin(path: FieldPath, origins: Origins, own: str) -> str:
    """The file that holds the value at ``path``: the defaults file when the value (or the
    mapping or list it sits in) was inherited, else the domain's own file."""
    for end in range(len(path), 0, -1):
        found = origins.get(path[:end])
        if found is not None:
            return found
    return own


def relocate(problems: tuple[Problem, ...] | list[Problem], origins: Origins) -> list[Problem]:
    """Each problem moved to the file that holds its value."""
    return [replace(p, file=origin(p.path, origins, p.file)) for p in problems]


def inherited(data: Mapping[Any, Any], origins: Origins) -> list[tuple[FieldPath, Any, str]]:
    """What a domain took from the defaults: (field path, value, file), in file order."""
    rows = []
    for path, source in origins.items():
        node: Any = data
        for key in path:
            node = node[key]
        rows.append((path, node, source))
    return rows
