"""The synth cache: each stack's output kept under a key of everything its bytes depend on.

A stack's ``cdk.tf.json`` (and its entry of ``manifest.json``) depend on its plan, on the plans
of the stacks it is linked with (a signed child's DS record is written into its parent's stack:
such stacks form one component, synthesized together), and on what is the same for every stack
(``fingerprint``): the maildns code and version, the CDK library and its version, and the
environment switches that change output. The key of a component is a SHA-256 of all of that,
so an entry is never stale: a change of any input is another key. An entry that cannot be read
or whose digest does not match its content is a miss (synthesized again), never a wrong output.

The folder is ``MAILDNS_CACHE``, else ``$XDG_CACHE_HOME/maildns/synth`` (``~/.cache/...``);
``MAILDNS_NO_CACHE=1`` (``maildns synth --no-cache``) synthesizes every stack. Entries unused for
``KEEP_DAYS`` are removed, at most once a day.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import maildns
from maildns.plan import DomainPlan

CACHE_ENV, NO_CACHE_ENV = "MAILDNS_CACHE", "MAILDNS_NO_CACHE"
KEEP_DAYS = 30
FORMAT = 1  # of an entry file; a new layout is another key
# The environment read while synthesizing: the library (maildns.cdk), and cdktf's own settings
# (the context cdktf.json gives the app, the output format). CDKTF_OUTDIR only says where.
SWITCHES = ("MAILDNS_CDK", "SYNTH_HCL_OUTPUT")
SWITCH_PREFIX = "CDKTF_"
IGNORED = ("CDKTF_OUTDIR",)
DISTRIBUTIONS = ("maildns", "cdktf", "cdktn", "jsii", "constructs")


def cache_folder() -> Path | None:
    """Where the cache lives, or None when it is switched off."""
    if os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "maildns", "synth")


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


@functools.cache
def code_digest() -> str:
    """SHA-256 of every source file of the maildns package that runs (the AWS classes and the
    provider constraint included)."""
    package = Path(maildns.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint() -> str:
    """What every stack's bytes depend on besides the plans (read again each time: the
    environment may change between two synths of one process)."""
    switches = sorted(
        (name, value) for name, value in os.environ.items() if (name in SWITCHES or name.startswith(SWITCH_PREFIX)) and name not in IGNORED
    )
    parts = {
        "format": FORMAT,
        "code": code_digest(),
        "versions": {name: version_of(name) for name in DISTRIBUTIONS},
        "python": list(sys.version_info[:2]),
        "environment": switches,
    }
    return json.dumps(parts, sort_keys=True)


def plan_text(plan: DomainPlan) -> str:
    """A plan as text for its key: frozen dataclasses of strings, numbers, bytes and tuples have a
    deterministic repr. The config's file name is left out: where a config is read from changes
    no byte of its stack."""
    return repr(replace(plan, config=replace(plan.config, source="")))


def key_of(component: Sequence[DomainPlan], common: str) -> str:
    digest = hashlib.sha256(common.encode())
    for plan in component:
        digest.update(b"\0" + plan_text(plan).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """A component's output: each stack's files (path in its folder -> bytes) and manifest entry,
    and the manifest's other keys (the same for every stack)."""

    files: dict[str, dict[str, bytes]]
    manifest: dict[str, Any]
    top: dict[str, Any]


def _content_digest(files: dict[str, dict[str, str]], manifest: dict[str, Any], top: dict[str, Any]) -> str:
    text = json.dumps({"files": files, "manifest": manifest, "top": top}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Entry | None:
        """The entry of ``key``, or None when it is missing, unreadable or does not match its digest."""
        path = self._path(key)
        try:
            data = json.loads(path.read_bytes())
            files, manifest, top = data["files"], data["manifest"], data["top"]
            if data["key"] != key or data["digest"] != _content_digest(files, manifest, top):
                return None
            entry = Entry({stack: {name: text.encode() for name, text in found.items()} for stack, found in files.items()}, manifest, top)
            os.utime(path)  # recently used: kept by prune()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return entry

    def put(self, key: str, entry: Entry) -> None:
        """Store ``entry`` (written to a temporary name, then renamed: a reader never sees half of
        it); a cache that cannot be written is skipped."""
        try:
            files = {stack: {name: data.decode() for name, data in found.items()} for stack, found in entry.files.items()}
        except UnicodeDecodeError:
            return
        document = {
            "key": key,
            "files": files,
            "manifest": entry.manifest,
            "top": entry.top,
            "digest": _content_digest(files, entry.manifest, entry.top),
        }
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".entry-", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(document, file)
            os.replace(temporary, path)
        except OSError:
            return

    def prune(self, now: float | None = None) -> None:
        """Remove the entries unused for ``KEEP_DAYS`` (and left temporary files), once a day."""
        now = time.time() if now is None else now
        stamp = self.root / ".pruned"
        try:
            if stamp.exists() and now - stamp.stat().st_mtime < 86400:
                return
            self.root.mkdir(parents=True, exist_ok=True)
            stamp.touch()
            for path in self.root.glob("*/*"):
                if now - path.stat().st_mtime > KEEP_DAYS * 86400 or (
                    path.name.startswith(".entry-") and now - path.stat().st_mtime > 3600
                ):
                    path.unlink()
        except OSError:
            return
