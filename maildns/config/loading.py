"""Reading config files: YAML (``reading``) into validated models, with shared defaults, every problem collected."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from maildns.config import defaults, parked, providers
from maildns.config.domain import Config
from maildns.config.features import cross_domain_problems
from maildns.config.fields import SCHEMA_RULE
from maildns.config.messages import problems
from maildns.config.reading import Written, read_yaml_written
from maildns.errors import ConfigError, Problem, RuleError, show
from maildns.records.names import domain_name


def _text_keys(data: Any, source: str) -> list[Problem]:
    """A problem for each mapping key that is not text (``1:``, ``yes:``, ``~:``), at its path."""
    found: list[Problem] = []

    def walk(item: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str):
                    walk(value, (*path, key))
                else:
                    found.append(
                        Problem(source, (*path, show(key)), "is a key that is not text; quote it if it is meant as one", key, SCHEMA_RULE)
                    )
        elif isinstance(item, list):
            for i, value in enumerate(item):
                walk(value, (*path, i))

    walk(data, ())
    return found


def parse_config(data: Any, source: str = "<config>", written: Written | None = None) -> Config:
    """Validate already-parsed YAML data; raise ConfigError with one line per problem.

    ``written`` (from the loader) lets a message about a value YAML changed quote what was written."""
    if not isinstance(data, dict):
        raise ConfigError([Problem(source, (), "must be a mapping of settings", data, SCHEMA_RULE)])
    bad_keys = _text_keys(data, source)
    if bad_keys:
        raise ConfigError(bad_keys)
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems(source, exc, written or {})) from None
    config._source = source
    return config


def load_config(path: str | Path) -> Config:
    """Read and validate one ``<domain>.yaml`` file, under the ``_defaults.yaml`` beside it."""
    source = str(path)
    if Path(path).name in defaults.DEFAULTS_FILES:
        raise ConfigError(
            [
                Problem(
                    source,
                    ("file",),
                    "is the shared defaults, not a domain: name the folder or a domain file",
                    source,
                    defaults.DEFAULTS_RULE,
                )
            ]
        )
    return _with_defaults(*read_yaml_written(path), Path(path), source)


@functools.lru_cache(maxsize=64)
def _read_defaults(path: Path, stamp: tuple[int, int]) -> tuple[Any, Written]:
    """The defaults file of a folder, read once per version of it (``stamp``: mtime and size).

    An empty file, or one of only comments, holds no defaults (YAML reads it as null)."""
    data, written = read_yaml_written(path)
    if data is None:
        return {}, {}
    found = defaults.check_defaults(data, str(path))
    if found:
        raise ConfigError(found)
    return data, written


def defaults_file(folder: Path) -> Path | None:
    """The ``_defaults.yaml`` (or ``.yml``) of a folder, if it has one."""
    for name in defaults.DEFAULTS_FILES:
        if (folder / name).is_file():
            return folder / name
    return None


def _with_defaults(data: Any, written: Written, path: Path, source: str) -> Config:
    shared = defaults_file(path.parent)
    if (shared is None and not (isinstance(data, dict) and data.get("provider") is not None)) or not isinstance(data, dict):
        return parse_config(data, source, written)
    base: Any
    base_written: Written
    if shared is None:
        base, base_written = {}, {}
    else:
        stat = shared.stat()
        base, base_written = _read_defaults(shared, (stat.st_mtime_ns, stat.st_size))
    mail = data.get("mail", base.get("mail"))
    base = defaults.under_own(parked.for_parked(base) if mail == "none" else base, data)
    if data.get("retire") is not None:
        # A retiring stack imports nothing: an organisation-wide adopt list does not reach it.
        base = {k: v for k, v in base.items() if k != "adopt"}
    layers: list[tuple[Any, str]] = [(base, str(shared))]
    provider = data.get("provider", base.get("provider"))
    preset_source = providers.source(provider)
    if preset_source is not None and mail != "none":
        mta_sts = isinstance(data.get("mta_sts", base.get("mta_sts")), dict)
        layers.append((providers.preset_fields(provider, data.get("domain"), mta_sts=mta_sts), preset_source))
    merged, origins = defaults.layered(layers, data)
    # What was written for each value, in the file that holds it.
    inherited = {p: w for p, w in base_written.items() if defaults.origin(p, origins, source) != source}
    try:
        config = parse_config(merged, source, {**inherited, **written})
    except ConfigError as exc:
        problems = defaults.relocate(exc.problems, origins)
        raise ConfigError(parked.explain_inherited(problems, origins.get(("mail",)))) from None
    config._inherited = tuple(defaults.inherited(merged, origins))
    return config


CONFIG_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Scan:
    """What a scan of the PATH arguments found: the config files, in order; what a folder held
    that is not loaded, with the reason; and the folders that held no config file at all."""

    files: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...] = ()
    empty: tuple[Path, ...] = ()


# A config folder's README: documentation, neither a config nor a file worth reporting as skipped.
FOLDER_NOTES = frozenset({"README.md", "README"})


def scan(paths: Iterable[str | Path]) -> Scan:
    """Expand folders to their ``*.yaml``/``*.yml`` files, in name order; keep files as given.

    Hidden files (``.x.yaml``, the ``._x.yaml`` files macOS leaves on shared drives) are never
    configs; they, sub-folders, other suffixes and dangling links are skipped and reported.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    empty: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        found = 0
        for entry in sorted(path.iterdir()):
            if entry.name in defaults.DEFAULTS_FILES:
                continue  # the folder's shared defaults, read with each domain file
            if entry.name in FOLDER_NOTES:
                continue  # the folder's own documentation (maildns init writes config/README.md)
            reason = _skip_reason(entry)
            if reason:
                skipped.append((entry, reason))
            else:
                files.append(entry)
                found += 1
        if not found:
            empty.append(path)
    return Scan(tuple(files), tuple(skipped), tuple(empty))


def _skip_reason(entry: Path) -> str:
    if entry.name.startswith("."):
        return "a hidden file"
    if entry.is_symlink() and not entry.exists():
        return "a link to nothing"
    if entry.is_dir():
        return "a folder; folders are not searched"
    if entry.suffix.lower() in CONFIG_SUFFIXES and entry.suffix not in CONFIG_SUFFIXES:
        return f"ends in {entry.suffix}; only lower-case .yaml and .yml are read"
    if entry.suffix not in CONFIG_SUFFIXES:
        return "not a .yaml or .yml file"
    if not entry.is_file():
        return "not a regular file"
    return ""


def config_files(paths: Iterable[str | Path]) -> list[Path]:
    """The config files the PATH arguments name (see ``scan``)."""
    return list(scan(paths).files)


def file_name_warning(config: Config) -> Problem | None:
    """A warning when a ``<name>.yaml`` file holds another domain than ``<name>``.

    One file per domain, named after it: a copied file whose domain was not edited, or a domain
    edited in the wrong file, is easy to miss among thousands (README: Configuration).
    """
    path = Path(config.source)
    if path.suffix not in CONFIG_SUFFIXES:
        return None
    try:
        expected = domain_name(path.stem, min_labels=1, top_level=False)
    except RuleError:
        expected = path.stem
    if expected == config.domain:
        return None
    message = f"does not match the file name {path.name}; name the file {config.domain}.yaml"
    return Problem(config.source, ("domain",), message, config.domain, "one file per domain: config/<domain>.yaml", severity="warning")


def duplicate_domains(configs: Sequence[Config]) -> list[Problem]:
    """A problem for each domain (or its stack name) configured in more than one file, on the later file."""
    found: list[Problem] = []
    owners: dict[str, Config] = {}
    for config in configs:
        first = owners.setdefault(config.stack_name, config)
        if first is config:
            continue
        if first.domain == config.domain:
            found.append(
                Problem(
                    config.source,
                    ("domain",),
                    f"is configured twice (also in {first.source})",
                    config.domain,
                    "one file and one stack per domain",
                )
            )
        else:
            # Stack names replace dots with hyphens (login.gov -> login-gov); changing that would
            # rename every existing stack and its state, so two such domains are refused instead.
            found.append(
                Problem(
                    config.source,
                    ("domain",),
                    f"gives the stack name {config.stack_name}, as {first.domain} in {first.source} does; two domains cannot share a stack",
                    config.domain,
                    "one file and one stack per domain",
                )
            )
    return found


def load_configs(paths: Iterable[str | Path], load: Callable[[Path], Config] = load_config) -> tuple[Config, ...]:
    """Load every file (with ``load``: ``load_config``, or one that keeps configs of unchanged
    files), collect every problem of every file, then check names across domains."""
    found: list[Problem] = []
    configs: list[Config] = []
    for file in config_files(paths):
        try:
            configs.append(load(file))
        except ConfigError as exc:
            found.extend(exc.problems)
    found.extend(duplicate_domains(configs))
    found.extend(cross_domain_problems(configs))
    if found:
        # A bad value in _defaults.yaml is found through every domain that inherits it: once is enough.
        raise ConfigError({str(p): p for p in found}.values())
    return tuple(configs)
