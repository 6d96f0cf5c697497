"""Validated configs kept by the bytes they were read from, so a synth reads and validates only
the files that changed since the last one (the work of ``maildns validate``, about 2 ms a file).

A config depends on its file's bytes and path, on the ``_defaults.yaml`` beside it, and on the
code and libraries that validate it (``cache.fingerprint``: the maildns code, with its provider
presets, and the library versions). The key of a file is a SHA-256 of all of those, so an entry
is never stale. The configs are kept in one pickle file in the synth cache folder (read at once:
a thousand configs load in a tenth of a second), written to a temporary name and renamed; a file
that is missing or cannot be read is an empty cache, never a wrong config. Only configs that
validated are kept, and only by a load without problems (bad input writes nothing): a file
with a problem is read again, and reports it again, every time. The
cross-domain checks run on every synth, cached or not.

The folder is the synth cache's (``cache.cache_folder``), trusted as the output folder is: a
pickle runs what it holds when read, so it must not be writable by anyone the synth does not
trust.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path

from maildns.config import Config, load_config, load_configs
from maildns.config.loading import defaults_file
from maildns.synthesis.cache import fingerprint, version_of

FILE = "configs.pickle"
FORMAT = b"maildns configs 1"
# Beside the synth cache's fingerprint: the libraries that read and validate a config, and whose
# classes the pickle holds.
LIBRARIES = ("pydantic", "pydantic-core", "PyYAML")


def load(files: Sequence[Path], root: Path | None) -> tuple[Config, ...]:
    """``load_configs(files)``, with the configs of unchanged files from the cache in ``root``
    (None: no cache). Raises ConfigError exactly as ``load_configs`` does."""
    if root is None:
        return load_configs(files)
    kept = _read(root / FILE)
    versions = ",".join(f"{name}={version_of(name)}" for name in LIBRARIES)
    common = hashlib.sha256(b"\0".join((FORMAT, fingerprint().encode(), versions.encode())))
    shared: dict[Path, bytes] = {}
    used: dict[str, Config] = {}

    def cached(path: str | Path) -> Config:
        key = _key(common.copy(), Path(path), shared)
        config = kept.get(key) if key else None
        if config is None:
            config = load_config(path)
        if key:
            used[key] = config
        return config

    configs = load_configs(files, load=cached)
    if used.keys() != kept.keys():
        _write(root / FILE, used)
    return configs


def _key(digest: hashlib._Hash, path: Path, shared: dict[Path, bytes]) -> str:
    """The key of one file ('' when it cannot be read: it is then loaded, and reported, as usual)."""
    folder = path.parent
    try:
        if folder not in shared:
            found = defaults_file(folder)
            shared[folder] = b"-" if found is None else found.name.encode() + b"\0" + found.read_bytes()
        data = path.read_bytes()
    except OSError:
        return ""
    for part in (str(path).encode(), shared[folder], data):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _read(path: Path) -> dict[str, Config]:
    try:
        with path.open("rb") as file:
            if file.read(len(FORMAT)) != FORMAT:
                return {}
            kept = pickle.load(file)  # the cache folder is trusted as the output is (module docstring)
    except Exception:  # any damage, any older layout: an empty cache
        return {}
    if not isinstance(kept, dict) or not all(isinstance(k, str) and isinstance(v, Config) for k, v in kept.items()):
        return {}
    return kept


def _write(path: Path, configs: dict[str, Config]) -> None:
    """Replace the kept configs with ``configs`` (a cache that cannot be written is skipped)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".configs-", dir=path.parent)
        with os.fdopen(fd, "wb") as file:
            file.write(FORMAT)
            pickle.dump(configs, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError):
        return
