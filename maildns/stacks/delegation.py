"""DS records across stacks: a signed domain's DS published in the stack of the domain whose zone holds its delegation."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from maildns.cdk import DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3
from maildns.config.resolved import LocalState
from maildns.constructs.dnssec import DS_OUTPUT
from maildns.constructs.email_dns import route53_record, terraform_name
from maildns.records import Record

if TYPE_CHECKING:
    from maildns.stacks.domain import DomainStack


def link_delegations(stack: DomainStack) -> None:
    """Publish the DS records that involve ``stack``, once both of their stacks exist in the app.

    Stacks are built one by one, in any order: the second of a parent and child pair to be built
    writes the DS record into the parent's stack. Its value is the child's ``dnssec_ds_record``
    output, read from the child's state through ``terraform_remote_state``, so the parent's stack
    depends on the child's (``cdktf deploy`` applies the child first).
    """
    app = stack.node.scope
    if app is None:
        return
    for record in stack.plan.dnssec:
        # Found by its domain, not by a stack name derived again here (Config.stack_name owns that).
        child = next((c for c in app.node.children if getattr(getattr(c, "plan", None), "domain", None) == record.name), None)
        if child is not None:
            _publish(stack, record, child)  # type: ignore[arg-type]  # every stack of the app is a DomainStack
    if stack.dnssec is None:
        return
    for parent in app.node.children:
        if parent is stack:
            continue
        for record in getattr(getattr(parent, "plan", None), "dnssec", ()):
            if record.name == stack.plan.domain:
                _publish(parent, record, stack)  # type: ignore[arg-type]


def _publish(parent: DomainStack, record: Record, child: DomainStack) -> None:
    if child.dnssec is None:
        return
    state = child.plan.config.state
    remote: DataTerraformRemoteStateLocal | DataTerraformRemoteStateS3
    if isinstance(state, LocalState):
        # A relative local path is relative to the stack's own folder (cdktf.out/stacks/<stack>),
        # so the parent reads the child's file from the child's folder. (cdktf's automatic
        # cross-stack reference would pass the path unchanged and read the parent's folder.)
        remote = DataTerraformRemoteStateLocal(
            parent, f"{record.id}-state", path=posixpath.normpath(posixpath.join("..", child.plan.stack_name, state.path))
        )
    else:
        remote = DataTerraformRemoteStateS3(parent, f"{record.id}-state", bucket=state.bucket, key=state.key, region=state.region)
    remote.override_logical_id(terraform_name(record.id))
    values = (remote.get_string(DS_OUTPUT),)
    route53_record(parent, parent.zone_id, Record(record.id, record.name, record.type, record.ttl, values))
    parent.add_dependency(child)
