"""Reading config files: YAML with no duplicate keys, into validated models, every problem collected."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

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
        return super().construct_mapping(node, deep=deep)


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
    """Read and validate one ``<domain>.yaml`` file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError([Problem(source, ("file",), f"cannot be read: {reason}", source, "a readable UTF-8 YAML file")]) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
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
    return parse_config(data, source)


def config_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to their ``*.yaml``/``*.yml`` files, in name order; keep files as given."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()))
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
        raise ConfigError(found)
    return tuple(configs)
