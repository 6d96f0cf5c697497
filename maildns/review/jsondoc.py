"""The JSON renderer: the report's whole content for tools, keys sorted, order stable."""

from __future__ import annotations

import json

from maildns.review.flags import Flag
from maildns.review.report import Report


def _flag_json(flag: Flag) -> dict[str, str]:
    return {"severity": flag.severity, "stack": flag.stack, "domain": flag.domain, "code": flag.code, "reason": flag.reason}


def render_json(report: Report) -> str:
    """The same content for tools: full values, sorted keys, stable order."""
    doc = {
        "summary": report.summary,
        "planned": report.planned,
        "notes": list(report.notes),
        "counts": report.counts(),
        "flags": [_flag_json(f) for f in report.flags],
        "domains": [
            {
                "stack": d.stack,
                "domain": d.domain,
                "status": d.status,
                "note": d.note,
                "flags": [_flag_json(f) for f in d.flags],
                "records": [
                    {
                        "change": r.kind,
                        "name": r.name,
                        "type": r.type,
                        "old": list(r.old),
                        "new": list(r.new),
                        "old_ttl": r.old_ttl,
                        "new_ttl": r.new_ttl,
                        "adopts": r.adopts,
                        "live": list(r.live),
                    }
                    for r in d.records
                ],
                "policy": list(d.policy),
                "plan": [
                    {
                        "action": p.action,
                        "address": p.address,
                        "forced_by": list(p.forced_by),
                        "import_id": p.import_id,
                        "live": list(p.live),
                    }
                    for p in d.planned
                ],
                "resources": [{"change": c.kind, "address": c.address, "summary": c.summary, "lines": list(c.lines)} for c in d.resources],
            }
            for d in report.domains
        ],
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
