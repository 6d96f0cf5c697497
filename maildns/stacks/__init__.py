"""Build the cdktf app: one DomainStack per planned domain."""

from __future__ import annotations

from collections.abc import Sequence

from maildns.cdk import App
from maildns.config import Config
from maildns.plan import plan
from maildns.stacks.domain import DomainStack


def build_app(configs: Sequence[Config], outdir: str | None = None) -> App:
    """An App with one stack per domain; ``outdir`` defaults to cdktf's (``cdktf.out`` or the CLI's)."""
    app = App(outdir=outdir) if outdir else App()
    for domain in plan(configs):
        DomainStack(app, domain)
    return app
