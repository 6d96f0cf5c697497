"""``python -m maildns``: the same as the ``maildns`` command."""

from maildns.cli import console

console()
