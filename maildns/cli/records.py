"""``maildns records``: every DNS record the configs define, or what each domain inherits."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from maildns.cli.base import EXIT_OK, Commands, _load, command
from maildns.cli.options import add_format
from maildns.config import Config
from maildns.plan import plan
from maildns.records import Record


def register(commands: Commands) -> None:
    records = command(commands, "records", "print every DNS record the configs define", cmd_records)
    add_format(records, ("table", "json", "zone"), help="zone: a BIND zone-file fragment")
    records.add_argument(
        "--show-defaults", action="store_true", help="list what each domain inherits from _defaults.yaml instead (table or json)"
    )


def record_json(domain: str, record: Record, adopt: str | None = None) -> dict[str, object]:
    """One record set; ``adopt`` is the name that adopts it (README: Adopting a live domain)."""
    out: dict[str, object] = {
        "domain": domain,
        "name": record.name,
        "type": record.type,
        "ttl": record.ttl,
        "values": list(record.values),
    }
    if record.computed:
        out["computed"] = True
    if adopt is not None:
        out["adopt"] = adopt
    return out


def cmd_records(args: argparse.Namespace) -> int:
    if args.show_defaults:
        return show_defaults(_load(args), args.format)
    plans = plan(_load(args))
    rows = [(p.domain, record) for p in plans for record in p.all_records]
    if args.format == "json":
        print(json.dumps([record_json(p.domain, r, p.adopt_name(r)) for p in plans for r in p.all_records], indent=2))
        return EXIT_OK
    if args.format == "zone":
        from maildns.records.zone import render_zone

        print("".join(f"; {p.domain}\n" + render_zone(p.all_records) for p in plans), end="")
        return EXIT_OK
    table = [("NAME", "TYPE", "TTL", "VALUE")]
    for _, record in rows:
        note = "  (known after apply)" if record.computed else ""
        for value in record.values:
            table.append((record.name, record.type, str(record.ttl), value + note))
    _print_table(table)
    return EXIT_OK


def show_defaults(configs: Sequence[Config], format: str) -> int:
    """What each domain inherited from ``_defaults.yaml``: field, value as written, file."""
    from maildns.errors import format_path

    rows = [(c.domain, format_path(path), value, file) for c in configs for path, value, file in c.inherited]
    if format == "json":
        print(json.dumps([{"domain": d, "field": f, "value": v, "file": src} for d, f, v, src in rows], indent=2))
        return EXIT_OK
    table = [("DOMAIN", "FIELD", "FROM", "VALUE")] + [(d, f, src, json.dumps(v)) for d, f, v, src in rows]
    _print_table(table)
    return EXIT_OK


def _print_table(table: Sequence[tuple[str, str, str, str]]) -> None:
    """The rows with the first three columns padded to their widest cell; the last, free text, is not."""
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
