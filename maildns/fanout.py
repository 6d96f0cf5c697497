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


def synth(configs: Sequence[Config], outdir: str | None = None, *, jobs: int | None = None, progress: Progress | None = None) -> None:
    """Write every config's stack to ``outdir`` exactly as one cdktf app would.

    ``jobs`` processes (default: one per core) share the stacks when there are at least
    ``PARALLEL_MIN``; ``progress`` is called with the number of stacks just finished.
    """
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")  # before jsii starts Node.js
    plans = plan(configs)
    jobs = workers() if jobs is None else jobs
    if jobs <= 1 or len(plans) < PARALLEL_MIN:
        synth_group(plans, outdir, progress)
        return
    synth_parallel(plans, outdir_of(outdir), jobs, progress)


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
    with tempfile.TemporaryDirectory(prefix=".maildns-synth-", dir=out) as tmp:
        # spawn, not fork: the workers start their own Node.js process for jsii.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
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
        manifests = [json.loads(Path(tmp, str(i), MANIFEST).read_text()) for i in range(len(groups))]
        for i, group in enumerate(groups):
            for p in group:
                _move(Path(tmp, str(i), "stacks", p.stack_name), out / "stacks" / p.stack_name)
    (out / MANIFEST).write_text(stable_stringify(merge_manifests(manifests)))


def groups_of(plans: Sequence[DomainPlan], count: int) -> list[list[DomainPlan]]:
    """``plans`` in at most ``count`` groups of about the same size, each in the original order.

    Stacks that refer to each other stay together: a signed domain's DS record is written into
    its parent's stack, with a dependency, only when both stacks are in the same app
    (``link_delegations`` in ``maildns/stacks/domain.py``). Otherwise the domains are dealt out like cards, so the
    expensive and cheap ones (full and parked, which alternate in most folders) spread evenly.
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
    components: dict[int, list[int]] = {}
    for i in range(len(plans)):
        components.setdefault(find(i), []).append(i)
    members: list[list[int]] = [[] for _ in range(count)]
    for component in components.values():
        smallest = min(range(count), key=lambda g: len(members[g]))
        members[smallest].extend(component)
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
