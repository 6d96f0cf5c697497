"""A progress bar on a terminal for long runs (rich), and nothing at all in logs and pipes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

PROGRESS_MIN = 30  # fewer domains finish before a bar would be worth drawing

Advance = Callable[[int], None]


def _nothing(_: int) -> None:
    return None


@contextmanager
def progress(total: int, label: str, stream: TextIO | None = None) -> Iterator[Advance]:
    """``advance(n)`` moves a bar of ``total`` steps on ``stream`` (default stderr) when it is a
    terminal and ``total`` is at least ``PROGRESS_MIN``; otherwise it does nothing. The bar is
    erased when done, so a terminal shows the same final output as a log."""
    stream = sys.stderr if stream is None else stream
    if total < PROGRESS_MIN or not stream.isatty():
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
