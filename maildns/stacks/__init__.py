"""Build the cdktf app: one DomainStack per config."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import App

from maildns.config import Config
from maildns.stacks.domain import DomainStack


def build_app(configs: Sequence[Config], outdir: str | None = None) -> App:
    """An App with one stack per domain; ``outdir`` defaults to cdktf's (``cdktf.out`` or the CLI's)."""
    app = App(outdir=outdir) if outdir else App()
    for config in configs:
        DomainStack(app, config, others=configs)
    return app
