"""Build the cdktf app: one DomainStack per planned domain."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from maildns.cdk import App
from maildns.config import Config
from maildns.plan import DomainPlan, plan
from maildns.stacks.domain import DomainStack


def build_app(configs: Sequence[Config], outdir: str | None = None) -> App:
    """An App with one stack per domain; ``outdir`` defaults to cdktf's (``cdktf.out`` or the CLI's)."""
    return app_of(plan(configs), outdir)


def app_of(plans: Sequence[DomainPlan], outdir: str | None = None, progress: Callable[[int], None] | None = None) -> App:
    """An App with one stack per plan; ``progress(1)`` after each stack is built."""
    app = App(outdir=outdir) if outdir else App()
    for domain in plans:
        DomainStack(app, domain)
        if progress is not None:
            progress(1)
    return app
