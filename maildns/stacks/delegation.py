"""DS records across stacks: a signed domain's DS published in the stack of the domain whose zone holds its delegation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maildns.constructs.email_dns import route53_record
from maildns.records import Record

if TYPE_CHECKING:
    from maildns.stacks.domain import DomainStack


def _stack_name(domain: str) -> str:
    return domain.replace(".", "-")


def link_delegations(stack: DomainStack) -> None:
    """Publish the DS records that involve ``stack``, once both of their stacks exist in the app.

    Stacks are built one by one, in any order: the second of a parent and child pair to be built
    writes the DS record into the parent's stack. Its value is the child's key-signing key's
    ``ds_record``, which cdktf passes between the stacks as an output of the child's stack read
    through ``terraform_remote_state`` in the parent's (so the child's stack is applied first).
    """
    app = stack.node.scope
    if app is None:
        return
    for record in stack.plan.dnssec:
        child = app.node.try_find_child(_stack_name(record.name))
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
    values = (child.dnssec.ds_record,)
    route53_record(parent, parent.zone_id, Record(record.id, record.name, record.type, record.ttl, values))
