"""YAML text in: no duplicate keys, bounded aliases, and what was written for each value YAML changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from maildns.errors import _UNSET, ConfigError, FieldPath, Problem

Written = dict[FieldPath, tuple[str, Any]]
MAX_VALUES = 100_000  # values a config may expand to through aliases; a real one has a few hundred
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that refuses a key given twice (PyYAML silently keeps the last).

    Merge keys (``<<: *defaults``, YAML 1.1) are supported: keys written in the mapping itself
    override merged ones, as the merge key type specifies; only written keys count as duplicates.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be text, not a list or mapping", key_node.start_mark
                ) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        # Named, not super(): _FastLoader (libyaml) borrows this method.
        return yaml.constructor.SafeConstructor.construct_mapping(self, node, deep=deep)


# libyaml, when PyYAML is built with it, parses a thousand domain files in a tenth of the time.
_FastLoader: type | None = None
if yaml.__with_libyaml__:

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[no-redef]
        construct_mapping = _UniqueKeyLoader.construct_mapping


def _parse(text: str, source: str) -> tuple[Any, Written]:
    """The YAML data of ``text``: libyaml for valid text; the pure-Python parser otherwise, whose
    messages and limits decide what is reported (libyaml refuses nesting deeper than 1000 levels).
    Both go through the same alias limits (``_load_yaml``)."""
    if _FastLoader is not None:
        try:
            return _load_yaml(text, source, _FastLoader)
        except ConfigError:
            raise
        except Exception:
            pass
    return _load_yaml(text, source)


class _TooLarge(Exception):
    pass


class _Cycle(Exception):
    def __init__(self, node: yaml.Node):
        self.node = node


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document holds once every alias is expanded, counted without
    expanding: an alias bomb (a few hundred bytes, billions of values) is refused at once."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_:
            raise _Cycle(node)
        open_.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        else:
            total += len(str(node.value)) // 256  # a long scalar repeated by aliases costs its length
        open_.discard(key)
        if total > MAX_VALUES:
            raise _TooLarge
        sizes[key] = total
        return total

    return size(root)


def _load_yaml(text: str, source: str, loader_class: Any = _UniqueKeyLoader) -> tuple[Any, Written]:
    """Parse ``text``; aliases may not expand it beyond MAX_VALUES values nor refer to themselves.
    Beside the data, what was written for each value YAML read as other than text (``_written``)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        try:
            _expanded_size(node)
        except _TooLarge:
            raise ConfigError(
                [Problem(source, ("file",), f"expands to more than {MAX_VALUES} values through aliases", _UNSET, "YAML 1.1")]
            ) from None
        except _Cycle as exc:
            line = f"line {exc.node.start_mark.line + 1}"
            raise ConfigError(
                [Problem(source, (line,), "has an alias inside the value it names, which never ends", _UNSET, "YAML 1.1")]
            ) from None
        data = loader.construct_document(node)
        return data, _written(node, data)
    finally:
        loader.dispose()


_STR_TAG = "tag:yaml.org,2002:str"


def _written(root: yaml.Node, data: Any) -> Written:
    """For each plain scalar YAML read as something else than text (1:20 as 80, 0755 as 493, yes
    as true, ~ as null), its path, the text written and the value YAML made of it, so a message
    can quote what the user wrote (YAML 1.1 "Resolved tags")."""
    found: Written = {}

    # Constructing the data flattens merge keys in place: merged pairs first, written ones after,
    # so the last value seen at a path is the one the data holds, as in the mapping itself.
    def walk(node: yaml.Node, item: Any, path: FieldPath, skip: frozenset[str] = frozenset()) -> None:
        if isinstance(node, yaml.MappingNode) and isinstance(item, dict):
            own = frozenset(k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.tag == _STR_TAG)
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    # Merged mappings: keys written beside the merge key (or an earlier merge) win.
                    for merged in value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]:
                        walk(merged, item, path, skip | own)
                elif isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR_TAG:
                    key = key_node.value
                    if key not in skip and key in item:
                        walk(value_node, item[key], (*path, key))
        elif isinstance(node, yaml.SequenceNode) and isinstance(item, list):
            for i, (child, value) in enumerate(zip(node.value, item, strict=False)):
                walk(child, value, (*path, i))
        elif isinstance(node, yaml.ScalarNode):
            if not node.style and node.tag != _STR_TAG:
                found[path] = (node.value, item)
            else:
                found.pop(path, None)  # text written over a merged value

    walk(root, data, ())
    return found


def read_yaml(path: str | Path) -> Any:
    """The data of one YAML file; ConfigError when it cannot be read or parsed."""
    return read_yaml_written(path)[0]


def read_yaml_written(path: str | Path) -> tuple[Any, Written]:
    """The data of one YAML file and what was written for the values YAML changed (``_written``)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError([Problem(source, ("file",), f"cannot be read: {reason}", source, "a readable UTF-8 YAML file")]) from None
    try:
        data, written = _parse(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        what = " ".join((getattr(exc, "problem", None) or str(exc)).split())  # one line, whatever PyYAML says
        snippet = text.splitlines()[mark.line].strip() if mark and mark.line < len(text.splitlines()) else ""
        raise ConfigError([Problem(source, (where,), f"is not valid YAML: {what}", snippet, "YAML 1.1")]) from None
    except RecursionError:
        raise ConfigError([Problem(source, ("file",), "is not valid YAML: nested too deeply", _UNSET, "YAML 1.1")]) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML's constructors raise these for scalars that parse but do not convert
        # (a timestamp such as 2020-13-01); they are still bad input, not a crash.
        raise ConfigError([Problem(source, ("file",), f"is not valid YAML: {' '.join(str(exc).split())}", _UNSET, "YAML 1.1")]) from None
    return data, written
