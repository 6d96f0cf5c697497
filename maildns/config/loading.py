"""Reading config files: YAML with no duplicate keys, into validated models, every problem collected."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from maildns.config import defaults
from maildns.config.features import cross_domain_problems
from maildns.config.fields import SCHEMA_RULE
from maildns.config.messages import problems
from maildns.config.models import Config
from maildns.errors import _UNSET, ConfigError, Problem


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that refuses a key given twice (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(None, None, "a key must be text, not a list or mapping", key_node.start_mark) from None
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


def _parse(text: str) -> Any:
    """The YAML data of ``text``: libyaml for valid text; the pure-Python parser otherwise, whose
    messages and limits decide what is reported (libyaml refuses nesting deeper than 1000 levels)."""
    if _FastLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)
        except Exception:  # noqa: BLE001, S110 - the pure-Python parser below says what is wrong
            pass
    return yaml.load(text, Loader=_UniqueKeyLoader)


def parse_config(data: Any, source: str = "<config>") -> Config:
    """Validate already-parsed YAML data; raise ConfigError with one line per problem."""
    if not isinstance(data, dict):
        raise ConfigError([Problem(source, (), "must be a mapping of settings", data, SCHEMA_RULE)])
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems(source, exc)) from None
    config._source = source
    return config


def load_config(path: str | Path) -> Config:
    """Read and validate one ``<domain>.yaml`` file, under the ``_defaults.yaml`` beside it."""
    source = str(path)
    if Path(path).name in defaults.DEFAULTS_FILES:
        raise ConfigError([Problem(source, ("file",), "is the shared defaults, not a domain: name the folder or a domain file", source, defaults.DEFAULTS_RULE)])
    return _with_defaults(read_yaml(path), Path(path), source)


def read_yaml(path: str | Path) -> Any:
    """The data of one YAML file; ConfigError when it cannot be read or parsed."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError([Problem(source, ("file",), f"cannot be read: {reason}", source, "a readable UTF-8 YAML file")]) from None
    try:
        data = _parse(text)
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
    return data


@functools.lru_cache(maxsize=64)
def _read_defaults(path: Path, stamp: tuple[int, int]) -> Any:
    """The defaults file of a folder, read once per version of it (``stamp``: mtime and size)."""
    data = read_yaml(path)
    found = defaults.check_defaults(data, str(path))
    if found:
        raise ConfigError(found)
    return data


def defaults_file(folder: Path) -> Path | None:
    """The ``_defaults.yaml`` (or ``.yml``) of a folder, if it has one."""
    for name in defaults.DEFAULTS_FILES:
        if (folder / name).is_file():
            return folder / name
    return None


def _with_defaults(data: Any, path: Path, source: str) -> Config:
    shared = defaults_file(path.parent)
    if shared is None or not isinstance(data, dict):
        return parse_config(data, source)
    stat = shared.stat()
    base = _read_defaults(shared, (stat.st_mtime_ns, stat.st_size))
    mail = data.get("mail", base.get("mail"))
    merged, origins = defaults.merge(defaults.for_parked(base) if mail == "none" else base, data, str(shared))
    try:
        config = parse_config(merged, source)
    except ConfigError as exc:
        raise ConfigError(defaults.relocate(exc.problems, origins)) from None
    config._inherited = tuple(defaults.inherited(merged, origins))
    return config


def config_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to their ``*.yaml``/``*.yml`` files, in name order; keep files as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file() and p.name not in defaults.DEFAULTS_FILES))
        else:
            files.append(path)
    return files


def duplicate_domains(configs: Sequence[Config]) -> list[Problem]:
    """A problem for each domain (or its stack name) configured in more than one file, on the later file."""
    found: list[Problem] = []
    owners: dict[str, Config] = {}
    for config in configs:
        first = owners.setdefault(config.stack_name, config)
        if first is not config:
            found.append(Problem(config.source, ("domain",), f"is configured twice (also in {first.source})", config.domain, "one file and one stack per domain"))
    return found


def load_configs(paths: Iterable[str | Path]) -> tuple[Config, ...]:
    """Load every file, collect every problem of every file, then check names across domains."""
    found: list[Problem] = []
    configs: list[Config] = []
    for file in config_files(paths):
        try:
            configs.append(load_config(file))
        except ConfigError as exc:
            found.extend(exc.problems)
    found.extend(duplicate_domains(configs))
    found.extend(cross_domain_problems(configs))
    if found:
        # A bad value in _defaults.yaml is found through every domain that inherits it: once is enough.
        raise ConfigError({str(p): p for p in found}.values())
    return tuple(configs)
