"""``maildns import``: write a config from what domains publish today (the module name avoids the keyword)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from maildns.cli.base import EXIT_INVALID, EXIT_OK, Commands, UsageError, command
from maildns.cli.options import add_ca_file, add_nameserver, add_timeout, tls_context
from maildns.errors import RuleError


def register(commands: Commands) -> None:
    adopt = command(commands, "import", "write a config from what domains publish today", cmd_import, paths=False)
    adopt.add_argument("domains", nargs="+", metavar="DOMAIN")
    add_nameserver(adopt)
    add_ca_file(adopt)
    add_timeout(adopt)
    adopt.add_argument("--selector", action="append", default=[], metavar="S", help="also read this DKIM selector (repeatable)")
    adopt.add_argument("--out", default="config", metavar="DIR", help="folder to write <domain>.yaml in (default: config)")
    adopt.add_argument("--force", action="store_true", help="replace an existing file")


def cmd_import(args: argparse.Namespace) -> int:
    """Write ``<out>/<domain>.yaml`` for each domain from what it publishes; refuse to overwrite."""
    from maildns.check.lookup import resolver
    from maildns.importer import import_live
    from maildns.importer.live import LookupFailed, read_domain
    from maildns.records.names import domain_name

    domains = []
    for text in args.domains:
        try:
            domains.append(domain_name(text))
        except RuleError as exc:
            raise UsageError(f"{text!r} {exc.message} ({exc.rule})") from None
    selectors = []
    for text in args.selector:
        if text.strip() == "*":
            continue  # *._domainkey, the wildcard a parked domain revokes every key with, is always read
        try:
            selectors.append(domain_name(text, min_labels=1, top_level=False))
        except RuleError as exc:
            raise UsageError(f"--selector {text!r} {exc.message} ({exc.rule})") from None
    out = Path(args.out)
    targets = {domain: out / f"{domain}.yaml" for domain in dict.fromkeys(domains)}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing and not args.force:
        raise UsageError(f"{', '.join(existing)} exists; --force replaces it")
    res = resolver(args.nameserver, args.timeout)
    context = tls_context(args.ca_file)
    status = EXIT_OK
    for domain, path in targets.items():
        try:
            live = read_domain(domain, res, selectors=selectors, context=context, timeout=args.timeout)
        except LookupFailed as exc:
            print(f"{path}: (top level): not written: no answer for {exc} (got nothing; what is live must be known)", file=sys.stderr)
            status = EXIT_INVALID
            continue
        if not live.sets:
            print(
                f"{path}: domain: not written: {domain} publishes none of the records maildns manages (got nothing; a domain that exists)",
                file=sys.stderr,
            )
            status = EXIT_INVALID
            continue
        written = import_live(live, str(path))
        try:
            out.mkdir(parents=True, exist_ok=True)
            path.write_text(written.text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--out {args.out}: {exc.strerror or exc}") from None
        for problem in written.notes:
            print(f"warning: {problem}", file=sys.stderr)
        for problem in written.errors:
            print(problem, file=sys.stderr)
        print(f"{path}: adopts {', '.join(written.adopt) or 'nothing'}")
        if written.errors:
            status = EXIT_INVALID
    return status
