"""What Terraform will do: a stack's JSON plan (``terraform show -json <planfile>``) read as one
action per resource, bounded and shape-checked like the synth output it comes with.

@see https://developer.hashicorp.com/terraform/internals/json-format ("Plan Representation":
``resource_changes[].change.actions``, ``replace_paths``, ``importing``)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from maildns.review.reading import InputError, kind, read_json

Action = Literal["create", "update", "replace", "delete", "import", "forget"]
ACTIONS: tuple[Action, ...] = ("replace", "delete", "forget", "import", "update", "create")

# Terraform's action lists and what each means for a resource (the JSON format's "Change Representation").
_ACTIONS: dict[tuple[str, ...], Action | None] = {
    ("no-op",): None,
    ("read",): None,
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("forget",): "forget",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("create", "forget"): "replace",
}

# Resources whose loss stops mail being delivered, signed or trusted: replacing or deleting one is a
# high flag (docs/review.md "Plan review").
CRITICAL = {
    "aws_ses_domain_identity": "SES identity",
    "aws_sesv2_email_identity": "SES identity",
    "aws_ses_domain_dkim": "SES DKIM keys",
    "aws_s3_bucket": "policy bucket",
    "aws_s3_object": "policy object",
    "aws_cloudfront_distribution": "CloudFront distribution",
    "aws_acm_certificate": "certificate",
    "aws_kms_key": "KMS key",
    "aws_route53_key_signing_key": "key-signing key",
    "aws_route53_hosted_zone_dnssec": "zone signing",
    "aws_route53_record": "record set",
}
_RULE = "Terraform JSON plan format"


@dataclass(frozen=True)
class Planned:
    """One resource Terraform will change: its address, action, the attributes forcing a
    replacement, the import ID of an adoption, and the live record values an import takes over."""

    address: str
    type: str
    action: Action
    forced_by: tuple[str, ...] = ()
    import_id: str = ""
    live: tuple[str, ...] = ()

    @property
    def critical(self) -> str | None:
        """What the resource is for mail, when its loss matters."""
        return CRITICAL.get(self.type)

    def line(self) -> str:
        """``replace aws_s3_bucket.mta_sts (forced by region)``, as the report lists it."""
        text = f"{self.action} {self.address}"
        if self.forced_by:
            text += f" (forced by {', '.join(self.forced_by)})"
        if self.action == "import":
            text += f" (adopts the live resource {self.import_id})" + (f"; live: {', '.join(self.live)}" if self.live else "")
        return text


def stack_of(path: Path) -> tuple[str, Path]:
    """A ``--plan`` argument: ``STACK=FILE``, or a file named after its stack (``plans/login-gov.json``)."""
    text = str(path)
    stack, equals, rest = text.partition("=")
    if equals and stack and "/" not in stack:
        return stack, Path(rest)
    name = Path(text).name
    for suffix in (".json", ".tfplan", ".plan"):
        name = name.removesuffix(suffix)
    return name, Path(text)


def load_plans(arguments: Iterable[str | Path]) -> dict[str, tuple[Planned, ...]]:
    """Stack name -> what its plan changes, in order of importance; InputError names a bad file."""
    found: dict[str, tuple[Planned, ...]] = {}
    for argument in arguments:
        stack, path = stack_of(Path(argument))
        if stack in found:
            raise InputError(
                f"{path}: is a second plan of stack {stack} (one plan per stack; name the file <stack>.json or pass STACK=FILE)"
            )
        if not path.is_file():
            raise InputError(f"{path}: no such plan file (terraform show -json <planfile> > {stack}.json)")
        found[stack] = planned(path, read_json(path, "a Terraform JSON plan"))
    return found


def planned(path: Path, doc: Mapping[str, Any]) -> tuple[Planned, ...]:
    """The managed resources a plan changes; InputError at the first entry that is not the plan format."""
    changes = doc.get("resource_changes", [])
    if "format_version" not in doc or not isinstance(changes, list):
        got = "no format_version" if "format_version" not in doc else kind(changes)
        raise InputError(f"{path}: resource_changes: must be a list of resource changes (got {got}; {_RULE})")
    out = []
    for i, entry in enumerate(changes):
        where = f"{path}: resource_changes[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("change"), dict):
            raise InputError(f"{where}: must be an object with a change (got {kind(entry)}; {_RULE})")
        if entry.get("mode", "managed") != "managed":
            continue
        address, type_, change = entry.get("address"), entry.get("type"), entry["change"]
        if not isinstance(address, str) or not isinstance(type_, str):
            raise InputError(f"{where}.address: must be a string (got {kind(address)}; {_RULE})")
        acts = change.get("actions")
        if not isinstance(acts, list) or not all(isinstance(a, str) for a in acts) or tuple(acts) not in _ACTIONS:
            shown = acts if isinstance(acts, list) and len(str(acts)) < 80 else kind(acts)
            raise InputError(f"{where}.change.actions: must be one of Terraform's action lists (got {shown}; {_RULE})")
        action = _ACTIONS[tuple(acts)]
        importing = change.get("importing")
        if importing is not None and not (isinstance(importing, dict) and isinstance(importing.get("id", ""), str)):
            raise InputError(f"{where}.change.importing: must be an object with an id (got {kind(importing)}; {_RULE})")
        if importing is not None and action in (None, "update"):
            out.append(Planned(address, type_, "import", import_id=str(importing.get("id", "")), live=_live(change.get("before"))))
        elif action is not None:
            out.append(Planned(address, type_, action, forced_by=_paths(where, change.get("replace_paths", []))))
    return tuple(sorted(out, key=lambda p: (ACTIONS.index(p.action), p.address)))


def _paths(where: str, paths: object) -> tuple[str, ...]:
    """Attribute paths (``[["bucket"], ["tags", "x"]]``) as ``bucket, tags.x``."""
    if not isinstance(paths, list) or not all(isinstance(p, list) for p in paths):
        raise InputError(f"{where}.change.replace_paths: must be a list of attribute paths (got {kind(paths)}; {_RULE})")
    return tuple(".".join(str(step) for step in p) for p in paths)


def _live(before: object) -> tuple[str, ...]:
    """The values of a live record set an import takes over, when the plan shows them."""
    if isinstance(before, dict) and isinstance(before.get("records"), list):
        return tuple(str(v) for v in before["records"])
    return ()


def flag_reasons(plan: Sequence[Planned]) -> Iterable[tuple[str, str]]:
    """``(code, reason)`` for each mail-critical resource the plan replaces, deletes or forgets."""
    for p in plan:
        what = p.critical
        if what is None:
            continue
        if p.action == "replace":
            cause = f"Terraform replaces it because {', '.join(p.forced_by)} changed" if p.forced_by else "Terraform replaces it"
            yield "plan-replace", f"{what} {p.address} replaced: {cause}; it is deleted before (or while) the new one serves"
        elif p.action == "delete":
            yield "plan-delete", f"{what} {p.address} deleted by the plan: what it served stops"
        elif p.action == "forget":
            yield "plan-forget", f"{what} {p.address} forgotten: it stays live but this stack no longer manages it"
