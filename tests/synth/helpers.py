"""Synthesize stacks in tests and look into the JSON with failures that show a real diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from maildns.cdk import Testing as CdktfTesting
from maildns.config import Config, parse_config
from maildns.plan import plan_one
from maildns.stacks.domain import DomainStack

ROOT = Path(__file__).resolve().parents[2]


def config(**overrides: Any) -> Config:
    """A minimal valid config for example.gov, with top-level keys replaced by ``overrides``."""
    data: dict[str, Any] = {"domain": "example.gov", "mx": [{"host": "mx.example.net", "preference": 10}]}
    data.update(overrides)
    return parse_config(data, "test.yaml")


def synth(cfg: Config, others: tuple[Config, ...] = ()) -> dict[str, Any]:
    """The stack's Terraform JSON, parsed."""
    app = CdktfTesting.app()
    stack = DomainStack(app, plan_one(cfg, others or (cfg,)))
    return json.loads(CdktfTesting.synth(stack))


def without_metadata(block: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in block.items() if k != "//"}


def resource(doc: dict[str, Any], type_: str, name: str) -> dict[str, Any]:
    """One resource block by Terraform type and logical name; a KeyError lists what exists."""
    found = doc.get("resource", {}).get(type_, {})
    if name not in found:
        raise KeyError(f"no {type_}.{name}; the stack has {sorted(found)}")
    return without_metadata(found[name])


def resources(doc: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {name: without_metadata(block) for name, block in doc.get("resource", {}).get(type_, {}).items()}
