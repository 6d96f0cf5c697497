"""The ``retire`` setting: a domain leaves maildns through a reviewed change, never a file deletion.

``destroy``: the stack keeps its backend and providers and no resources, so its next apply deletes
everything its state holds (``prevent_destroy`` guards only resources in the configuration).
``forget``: the stack emits a ``removed`` block with ``destroy = false`` for every resource it
would manage, so its next apply drops them from state and leaves them live. The rest of the file
stays as it was: it names the regions (providers) and resources the stack lets go of.
"""

from __future__ import annotations

from maildns.config.fields import RETIRE_RULE
from maildns.config.models import ConfigFields
from maildns.errors import RuleError


def retire_problems(config: ConfigFields) -> list[RuleError]:
    """The settings a retiring domain has no use for, one error each."""
    if config.retire is None:
        return []
    found: list[RuleError] = []
    # An organisation-wide adopt list in the defaults does not reach it (loading): this one is the file's.
    if config.adopt:
        found.append(
            RuleError(
                f"must be empty when retire is {config.retire}: a retiring stack imports nothing",
                RETIRE_RULE,
                value=list(config.adopt),
                path=("adopt",),
            )
        )
    if config.retire == "destroy" and config.dnssec is not None and config.dnssec.signing:
        found.append(
            RuleError(
                "must be false before retire is destroy: withdraw the DS from the parent and turn signing off first,"
                " or validating resolvers find the zone bogus",
                "RFC 6781 4.1.4",
                value=True,
                path=("dnssec", "signing"),
            )
        )
    return found
