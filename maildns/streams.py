"""Standard output and error for a command: a reader that goes away is not a failure, a full disk is.

``maildns check | head -1`` drops the rest of the output and keeps the command's own exit code;
``maildns records > /dev/full`` stops it with one line (``OutputError``, exit 2).
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any


class OutputError(Exception):
    """Standard output cannot be written (closed, a full disk): one line, exit 2."""


class Stdout(io.RawIOBase):
    """File descriptor 1 for a command's output.

    A reader that goes away (``maildns check | head -1``) is not a failure of the command: the
    rest of its output is dropped so it finishes and keeps its own exit code. Any other write
    error (``> /dev/full``) stops the command with one line.
    """

    def __init__(self, fd: int, *, strict: bool = True) -> None:
        super().__init__()
        self.fd = fd
        self.strict = strict  # False for stderr: nowhere is left to report its own failure
        self.gone = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if self.gone:
            return size
        try:
            return os.write(self.fd, data)
        except BrokenPipeError:
            self.gone = True
            return size
        except OSError as exc:
            if not self.strict:
                self.gone = True
                return size
            raise OutputError(exc.strerror or str(exc)) from None


def own_streams() -> None:
    """Route print() through Stdout when the streams are the process's real ones."""
    if sys.stdout is not None and sys.stdout is sys.__stdout__:
        sys.stdout = _wrap(sys.stdout, strict=True)
    if sys.stderr is not None and sys.stderr is sys.__stderr__:
        sys.stderr = _wrap(sys.stderr, strict=False)


def _wrap(old: Any, *, strict: bool) -> io.TextIOWrapper:
    old.flush()
    raw = Stdout(old.fileno(), strict=strict)
    return io.TextIOWrapper(
        io.BufferedWriter(raw), encoding=old.encoding, errors=old.errors, line_buffering=old.line_buffering or not strict
    )


def drop_stdout() -> None:
    """Discard output still buffered, so the interpreter's last flush cannot fail again."""
    raw = getattr(getattr(sys.stdout, "buffer", None), "raw", None)
    if isinstance(raw, Stdout):
        raw.gone = True
        sys.stdout.flush()
