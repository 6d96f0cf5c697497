"""Staging folders of a synth, and ending one cleanly when it is stopped.

A synth writes into a ``.maildns-synth-*`` folder beside its output and holds a lock on a file
inside it while it runs. A folder whose lock nobody holds belongs to a run that was killed (even
with SIGKILL, which no handler sees): the next synth into the same folder removes it. A folder
without a lock file is removed once it is ``ORPHAN_SECONDS`` old (a run killed between creating
it and locking it, or an older maildns).

SIGTERM and SIGHUP end a synth as Ctrl-C does: the worker processes and their Node.js processes
are ended, the staging folder is removed, and the process then ends by the same signal (an
inherited ignore, as ``nohup`` sets for SIGHUP, is kept).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

STAGING_PREFIX = ".maildns-synth-"
LOCK = ".maildns-lock"
ORPHAN_SECONDS = 600
GRACE_SECONDS = 2.0  # for processes sent SIGTERM to go, before SIGKILL
ENDING = (signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived; a BaseException, like KeyboardInterrupt, so no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def staging_folder(parent: Path) -> Iterator[Path]:
    """A new locked staging folder in ``parent`` (after removing stale ones), removed on exit."""
    remove_stale(parent)
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent))
    try:
        with open(folder / LOCK, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale(parent: Path, now: float | None = None) -> list[Path]:
    """Remove the staging folders in ``parent`` that no running synth holds; returns them."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        candidates = [p for p in parent.iterdir() if p.name.startswith(STAGING_PREFIX) and p.is_dir() and not p.is_symlink()]
    except OSError:
        return removed
    for folder in candidates:
        try:
            with open(folder / LOCK, "r+") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a synth is writing there now
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            with suppress(OSError):
                if now - folder.stat().st_mtime < ORPHAN_SECONDS:
                    continue
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
        if not folder.exists():
            removed.append(folder)
    return removed


def _raise(signum: int, _: FrameType | None) -> None:
    raise Terminated(signum)


@contextmanager
def ending_cleanly() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into ``Terminated`` inside the block (the code in it cleans up as
    for Ctrl-C); once it has, end this process by that signal."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers
        return
    previous = {}
    for signum in ENDING:
        handler = signal.getsignal(signum)
        if handler == signal.SIG_IGN:
            continue  # a background job's inherited ignore is kept (the Unix convention)
        previous[signum] = handler
        signal.signal(signum, _raise)
    try:
        yield
    except Terminated as exc:
        for signum in ENDING:
            signal.signal(signum, signal.SIG_IGN)  # nothing may interrupt the last step
        signal.signal(exc.signum, signal.SIG_DFL)
        os.kill(os.getpid(), exc.signum)
        raise  # not reached: the default action of the signal ends the process
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def descendants(pid: int) -> list[int]:
    """The processes started by ``pid``, their children and so on (from /proc; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    for entry in entries:
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path("/proc", str(pid), "stat").read_text().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def end_children() -> None:
    """End every process this one started (parallel workers, the Node.js processes of jsii):
    SIGTERM, then SIGKILL for any still there after ``GRACE_SECONDS``."""
    pids = descendants(os.getpid())
    if not pids:  # no /proc: at least the worker processes
        pids = [p.pid for p in multiprocessing.active_children() if p.pid is not None]
    for pid in pids:
        with suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        multiprocessing.active_children()  # reaps the workers that ended
        time.sleep(0.05)
    for pid in pids:
        if _alive(pid):
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    multiprocessing.active_children()
