"""A domain whose records match a mailbox provider's preset (``config/providers.py``) is written
with ``provider:`` instead of copies of those records; what it publishes beyond the preset stays
in the file, as the fields that override it."""

from __future__ import annotations

from typing import Any

from maildns.config import ConfigError, parse_config
from maildns.config import providers as presets
from maildns.plan import plan_one


def _candidate(domain: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The ``provider`` value whose MX hosts are the ones published, or None."""
    hosts = sorted((m["preference"], m["host"]) for m in data.get("mx", []))
    if hosts == sorted(presets.GOOGLE_MX):
        provider: dict[str, Any] = {"name": "google-workspace"}
    elif hosts == sorted(presets.GOOGLE_LEGACY_MX):
        provider = {"name": "google-workspace", "legacy_mx": True}
    elif len(hosts) == 1 and hosts[0][1].endswith("." + presets.MICROSOFT_MX_SUFFIX):
        provider = {"name": "microsoft-365", "mx": hosts[0][1]}
    else:
        return None
    keys = {k["selector"]: k for k in data.get("dkim", [])}
    if provider["name"] == "google-workspace" and "public_key" in keys.get(presets.GOOGLE_DKIM_SELECTOR, {}):
        provider["dkim_key"] = keys[presets.GOOGLE_DKIM_SELECTOR]["public_key"]
    targets = [keys.get(s, {}).get("cname") for s in presets.MICROSOFT_DKIM_SELECTORS]
    if provider["name"] == "microsoft-365" and all(targets):
        provider["dkim_targets"] = targets
    if provider.get("mx") == presets.preset_fields("microsoft-365", domain, mta_sts=False).get("mx", [{}])[0].get("host"):
        del provider["mx"]  # the target the preset derives from the domain
    return provider


def _key(key: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in key.items() if (k, v) != ("key_type", "rsa")}  # rsa is the default k= (RFC 6376 3.6.1)


def _without_preset(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """``data`` less each value the preset fills with the same value (a list only when equal whole,
    as a domain file's list replaces the preset's)."""
    out = dict(data)
    hosts = {m["host"] for m in data.get("mx", [])}
    for key, value in fields.items():
        if key == "dkim" and [_key(k) for k in out.get("dkim", [])] == [_key(k) for k in value]:
            del out["dkim"]
        elif key == "mta_sts" and isinstance(out.get(key), dict) and out[key].get("include_mx", True):
            # The policy lists the MX hosts (include_mx) and the preset's patterns.
            if set(out[key].get("patterns", [])) | hosts == set(value["patterns"]) | hosts:
                out[key] = {k: v for k, v in out[key].items() if k != "patterns"}
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {k: v for k, v in out[key].items() if value.get(k) != v}
            if not out[key] and key != "mta_sts":
                del out[key]
        elif out.get(key) == value:
            del out[key]
    return out


def _records(data: dict[str, Any], file: str) -> list[tuple[str, str, int, tuple[str, ...]]] | None:
    try:
        plan = plan_one(parse_config(data, file))
    except ConfigError:
        return None
    return sorted((r.name, r.type, r.ttl, tuple(sorted(r.values))) for r in plan.all_records)


def with_provider(domain: str, data: dict[str, Any], file: str) -> dict[str, Any] | None:
    """``data`` written with ``provider:`` when a preset publishes exactly the same record sets
    (checked by rendering both), else None."""
    provider = _candidate(domain, data)
    if provider is None:
        return None
    fields = presets.preset_fields(provider, domain, mta_sts="mta_sts" in data)
    short = _without_preset(data, fields)
    if "dkim" in short:
        # The domain's own key list replaces the preset's whole: the preset's keys are not needed.
        provider = {k: v for k, v in provider.items() if k not in ("dkim_key", "dkim_targets")}
    short["provider"] = provider["name"] if len(provider) == 1 else provider
    before = _records(data, file)
    if before is None or _records(short, file) != before:
        return None
    return short
