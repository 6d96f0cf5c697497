"""Synthesize many stacks: one app in this process for a few, groups of stacks in parallel processes for many.

A stack's JSON depends only on its own plan, and on its parent's or child's for a DNSSEC
delegation (such stacks share a group), so groups of stacks synthesized by separate cdktf apps
write the same bytes as one app; the manifests of the groups are merged into the one
``manifest.json`` a single app writes. ``tests/synth/test_fanout.py`` compares the two,
file by file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from maildns.config import Config
from maildns.plan import DomainPlan, plan
from maildns.synthesis.cache import Cache, Entry, cache_folder, fingerprint, key_of
from maildns.synthesis.staging import end_children, staging_folder

MANIFEST = "manifest.json"
PARALLEL_MIN = 40  # below this, starting a process per core costs more than it saves
GROUPS_PER_WORKER = 4  # several groups per process: even load, and progress between groups

Progress = Callable[[int], None]


def outdir_of(outdir: str | None) -> str:
    """The folder cdktf's App writes to: the one given, else ``CDKTF_OUTDIR`` (set by ``cdktf synth``), else ``cdktf.out``."""
    return outdir or os.environ.get("CDKTF_OUTDIR") or "cdktf.out"


def workers() -> int:
    """``MAILDNS_JOBS`` when set (``cdktf synth`` passes no options to main.py), else the cores this process may run on."""
    env = os.environ.get("MAILDNS_JOBS", "")
    if env:
        if not env.isdigit() or int(env) < 1:
            raise ValueError(f"MAILDNS_JOBS is {env!r}; it is a number of processes, 1 or more")
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def synth(
    configs: Sequence[Config],
    outdir: str | None = None,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    cache: bool = True,
) -> None:
    """Write every config's stack to ``outdir`` exactly as one cdktf app would.

    ``jobs`` processes (default: one per core) share the stacks when there are at least
    ``PARALLEL_MIN``; ``progress`` is called with the number of stacks just finished. With
    ``cache`` (and the cache not switched off, ``maildns.synthesis.cache``), a stack whose inputs
    are those of an earlier synth is copied from that synth's output instead.
    """
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")  # before jsii starts Node.js
    plans = plan(configs)
    jobs = workers() if jobs is None else jobs
    root = cache_folder() if cache else None
    if root is None:
        _synth_all(plans, outdir, jobs, progress)
    else:
        synth_cached(plans, Path(outdir_of(outdir)), jobs, Cache(root), progress)


def _synth_all(plans: Sequence[DomainPlan], outdir: str | None, jobs: int, progress: Progress | None) -> None:
    if jobs <= 1 or len(plans) < PARALLEL_MIN:
        synth_group(plans, outdir, progress)
        return
    synth_parallel(plans, outdir_of(outdir), jobs, progress)


def synth_cached(plans: Sequence[DomainPlan], out: Path, jobs: int, cache: Cache, progress: Progress | None = None) -> None:
    """Copy each component whose key is in ``cache`` into ``out``, synthesize the others (and keep
    them in the cache), then write the manifest of all of them."""
    common = fingerprint()
    found: list[Entry] = []
    missing: list[tuple[str, list[DomainPlan]]] = []
    for component in components(plans):
        key = key_of(component, common)
        entry = cache.get(key)
        if entry is not None and set(entry.files) == {p.stack_name for p in component}:
            found.append(entry)
        else:
            missing.append((key, component))
    out.mkdir(parents=True, exist_ok=True)
    for entry in found:
        for stack, files in entry.files.items():
            _write_stack(out / "stacks" / stack, files)
        if progress is not None:
            progress(len(entry.files))
    entries = list(found)
    if missing:
        with staging_folder(out) as tmp:
            _synth_all([p for _, component in missing for p in component], str(tmp), jobs, progress)
            manifest = json.loads((tmp / MANIFEST).read_text())
            top = {k: v for k, v in manifest.items() if k != "stacks"}
            for key, component in missing:
                names = [p.stack_name for p in component]
                entry = Entry(
                    {name: _read_stack(tmp / "stacks" / name) for name in names},
                    {name: manifest["stacks"][name] for name in names},
                    top,
                )
                cache.put(key, entry)
                entries.append(entry)
                for name in names:
                    _move(tmp / "stacks" / name, out / "stacks" / name)
    cache.prune()
    merged = dict(entries[0].top) if entries else {"stacks": {}}
    merged["stacks"] = {name: value for entry in entries for name, value in entry.manifest.items()}
    (out / MANIFEST).write_text(stable_stringify(merged))


def _read_stack(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _write_stack(folder: Path, files: dict[str, bytes]) -> None:
    """A stack folder holding exactly ``files`` (what an earlier synth left there is replaced)."""
    if folder.exists():
        shutil.rmtree(folder)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


SEMI_SPACE_MIB = 8


def synth_group(plans: Sequence[DomainPlan], outdir: str | None, progress: Progress | None = None) -> None:
    """One cdktf app with one stack per plan, synthesized here."""
    # An 8 MiB young generation (semi-space) for the jsii Node.js process (it starts with the first
    # import of the CDK library, below): measured with bench/synth.py on 1000 domains, 1 MiB saves
    # about 20 MiB per process but costs 10-15% more time in collections, 16 MiB saves no more time.
    options = os.environ.get("NODE_OPTIONS", "")
    if "--max-semi-space-size" not in options:
        os.environ["NODE_OPTIONS"] = f"{options} --max-semi-space-size={SEMI_SPACE_MIB}".strip()
    direct_kernel()
    from maildns.stacks import app_of

    app = app_of(plans, outdir, progress)
    app.synth()


# The jsii kernel (program.js) talks over fd 3 with synchronous reads and writes; jsii's own
# launcher (bin/jsii-runtime.js) is a second Node.js process that only relays stdin and stdout
# to that fd, which every call crosses twice. This launcher runs the kernel in the process
# Python starts, on stdin and stdout: a process, about 50 MiB and a seventh of the CPU less.
# (Anything the JavaScript side printed on stdout would now break the protocol, loudly; cdktf
# prints nothing there while it synthesizes.)
_LAUNCHER = """\
const fs = require("fs");
const readSync = fs.readSync, writeSync = fs.writeSync;
fs.readSync = (fd, ...rest) => readSync(fd === 3 ? 0 : fd, ...rest);
fs.writeSync = (fd, ...rest) => writeSync(fd === 3 ? 1 : fd, ...rest);
require("../lib/program.js");
"""


def direct_kernel() -> None:
    """Point ``JSII_RUNTIME`` at the launcher above (unless it is set already), beside a copy of
    the kernel files jsii ships, before the CDK library starts Node.js; ``MAILDNS_JSII_RELAY=1``
    keeps jsii's own launcher."""
    if os.environ.get("JSII_RUNTIME") or os.environ.get("MAILDNS_JSII_RELAY") == "1":
        return
    spec = importlib.util.find_spec("jsii")  # locates the package without starting its kernel
    if spec is None or not spec.submodule_search_locations:
        return
    embedded = Path(spec.submodule_search_locations[0], "_embedded", "jsii")
    program = embedded / "lib__program.js"
    if not program.is_file():
        return  # another jsii layout: keep its launcher
    # One folder per version of the files in the user's own cache (never a shared /tmp, where
    # someone else could put a script there first), shared by every run and process: written
    # to a temporary name, then renamed into place, so a concurrent run never sees half of it.
    files = {
        name.replace("__", "/", 1): (embedded / name).read_bytes()
        for name in ("lib__program.js", "lib__runtime-index-worker.js")
        if (embedded / name).is_file()
    }
    files["bin/maildns-jsii-runtime.js"] = _LAUNCHER.encode()
    digest = hashlib.sha256(b"".join(name.encode() + b"\0" + data for name, data in sorted(files.items()))).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "maildns")
    folder = cache / f"jsii-{digest}"
    launcher = folder / "bin" / "maildns-jsii-runtime.js"
    try:
        if not launcher.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".jsii-", dir=cache))
            for name, data in files.items():
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(data)
            try:
                os.rename(staging, folder)
            except OSError:  # another process got there first
                shutil.rmtree(staging, ignore_errors=True)
    except OSError:
        return  # no writable cache: jsii's own launcher works too
    os.environ["JSII_RUNTIME"] = str(launcher)


def synth_parallel(plans: Sequence[DomainPlan], outdir: str, jobs: int, progress: Progress | None = None) -> None:
    """Groups of stacks synthesized by ``jobs`` processes into folders of their own, then moved into ``outdir``."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    groups = groups_of(plans, min(len(plans), jobs * GROUPS_PER_WORKER))
    with staging_folder(out) as tmp:
        # spawn, not fork: the workers start their own Node.js process for jsii.
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
        try:
            pending: dict[Future[None], int] = {
                pool.submit(synth_group, group, str(Path(tmp, str(i)))): len(group) for i, group in enumerate(groups)
            }
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # a worker's exception is this process's
                    finished = pending.pop(future)
                    if progress is not None:
                        progress(finished)
        except BaseException:
            # A failure, Ctrl-C, SIGTERM: no worker (nor its Node.js process) outlives this run.
            end_children()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        manifests = [json.loads(Path(tmp, str(i), MANIFEST).read_text()) for i in range(len(groups))]
        for i, group in enumerate(groups):
            for p in group:
                _move(Path(tmp, str(i), "stacks", p.stack_name), out / "stacks" / p.stack_name)
    (out / MANIFEST).write_text(stable_stringify(merge_manifests(manifests)))


def components(plans: Sequence[DomainPlan]) -> list[list[DomainPlan]]:
    """``plans`` in groups that must be synthesized together, each in the original order.

    A signed domain's DS record is written into its parent's stack, with a dependency, only when
    both stacks are in the same app (``link_delegations`` in ``maildns/stacks/domain.py``): such stacks form one
    component; every other stack is a component of its own.
    """
    index = {p.stack_name: i for i, p in enumerate(plans)}
    root = list(range(len(plans)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for i, p in enumerate(plans):
        for record in p.dnssec:  # this domain's zone holds the DS of the child domain record.name
            j = index.get(record.name.replace(".", "-"))
            if j is not None:
                root[find(j)] = find(i)
    found: dict[int, list[DomainPlan]] = {}
    for i, p in enumerate(plans):
        found.setdefault(find(i), []).append(p)
    return list(found.values())


def groups_of(plans: Sequence[DomainPlan], count: int) -> list[list[DomainPlan]]:
    """``plans`` in at most ``count`` groups of about the same size, each in the original order.

    The stacks of one component (``components``) stay together; otherwise the domains are dealt
    out like cards, so the expensive and cheap ones (full and parked, which alternate in most
    folders) spread evenly.
    """
    index = {id(p): i for i, p in enumerate(plans)}
    members: list[list[int]] = [[] for _ in range(count)]
    for component in components(plans):
        smallest = min(range(count), key=lambda g: len(members[g]))
        members[smallest].extend(index[id(p)] for p in component)
    # The original order inside a group: the order stacks are built in decides the order of a
    # parent's dependencies in manifest.json.
    return [[plans[i] for i in sorted(group)] for group in members if group]


def _move(source: Path, target: Path) -> None:
    """A stack folder's files into the output, replacing what an earlier synth left there."""
    target.mkdir(parents=True, exist_ok=True)
    for file in source.iterdir():
        os.replace(file, target / file.name)
    shutil.rmtree(source)


def merge_manifests(manifests: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One manifest listing every group's stacks (each group lists its own)."""
    merged = dict(manifests[0])
    merged["stacks"] = {name: entry for m in manifests for name, entry in m["stacks"].items()}
    return merged


def stable_stringify(value: Any, level: int = 0, space: str = "  ") -> str:
    """JSON as cdktf writes its manifest (json-stable-stringify, ``space: 2``): keys sorted,
    every object and array opened and closed on lines of their own, even when empty."""
    indent = "\n" + space * level
    if isinstance(value, dict):
        items = [
            f"{indent}{space}{json.dumps(key, ensure_ascii=False)}: {stable_stringify(value[key], level + 1, space)}"
            for key in sorted(value)
        ]
        return "{" + ",".join(items) + indent + "}"
    if isinstance(value, list):
        items = [f"{indent}{space}{stable_stringify(item, level + 1, space)}" for item in value]
        return "[" + ",".join(items) + indent + "]"
    return json.dumps(value, ensure_ascii=False)
