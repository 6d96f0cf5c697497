"""The ``maildns`` command line: validate, records, policy, synth, diff, check, import."""

from __future__ import annotations

import argparse
import dataclasses
import io
import ipaddress
import json
import math
import os
import re
import shutil
import ssl
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maildns.config import Config, ConfigError, Problem, duplicate_domains, load_config, load_configs
from maildns.config.features import cross_domain_problems
from maildns.config.loading import Scan, file_name_warning, scan
from maildns.errors import RuleError
from maildns.plan import DomainPlan, plan
from maildns.progress import progress
from maildns.records import Record
from maildns.records.mta_sts import policy_url

if TYPE_CHECKING:
    from maildns.check.lookup import Result

DEFAULT_PATHS = ["config"]
SEVERITIES = ("high", "medium", "low")  # maildns.diff.SEVERITIES, without importing it for every command
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class RevisionInvalid(Exception):
    """A git revision's configs are invalid (exit 1): its problem lines, as its own synth printed them."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class UsageError(Exception):
    """The command line itself is wrong (exit 2), as opposed to the configs it names (exit 1)."""


def _paths(args: argparse.Namespace) -> list[str]:
    return args.paths or DEFAULT_PATHS


def _scan(args: argparse.Namespace) -> Scan:
    """The PATH arguments scanned; a missing default config/ or a folder with no config file is a
    usage error, even beside other PATHs that hold some (README: Commands)."""
    if not args.paths and not Path(DEFAULT_PATHS[0]).is_dir():
        raise UsageError(f"no {DEFAULT_PATHS[0]}/ folder in {Path.cwd()}; give the config files or folders as PATH")
    found = scan(_paths(args))
    if not found.files:
        raise UsageError(f"no .yaml files in {' '.join(_paths(args))}")
    for folder in found.empty:
        raise UsageError(f"no .yaml files in {folder}")
    return found


def _files(args: argparse.Namespace) -> list[Path]:
    return list(_scan(args).files)


def _load(args: argparse.Namespace) -> tuple[Config, ...]:
    return load_configs(_files(args))


def nameserver(text: str) -> tuple[str, int]:
    """``ADDR``, ``ADDR:PORT`` or ``[IPv6]:PORT`` -> (address, port), for ``check --nameserver``."""
    host, port = text, "53"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an IP address (with an optional :port)") from None
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} has port {port!r}; a port is 1-65535")
    return address, int(port)


def jobs(text: str) -> int:
    """``--jobs N``: a count of processes, at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return int(text)


def cmd_validate(args: argparse.Namespace) -> int:
    from maildns.lint import warnings

    scanned = _scan(args)
    files = scanned.files
    errors: dict[str, list[Problem]] = {str(f): [] for f in files}
    configs: list[Config] = []
    with progress(len(files), "validating") as advance:
        for file in files:
            try:
                configs.append(load_config(file))
            except ConfigError as exc:
                errors[str(file)].extend(exc.problems)
            advance(1)
    for found in (*duplicate_domains(configs), *cross_domain_problems(configs)):
        errors[found.file].append(found)
    warned = warnings(configs) if configs else {}
    for config in configs:
        misnamed = file_name_warning(config)
        if misnamed is not None:
            warned.setdefault(config.source, []).insert(0, misnamed)
    # A value in _defaults.yaml is checked through every domain that inherits it: count it once.
    n_errors = len({str(p) for found in errors.values() for p in found})
    n_warnings = len({str(p) for found in warned.values() for p in found})
    if args.format == "json":
        report = {
            "files": [
                {
                    "file": f,
                    "valid": not errors[f],
                    "errors": [p.to_json() for p in errors[f]],
                    "warnings": [p.to_json() for p in warned.get(f, [])],
                }
                for f in errors
            ],
            "errors": n_errors,
            "warnings": n_warnings,
            "skipped": [{"file": str(path), "reason": reason} for path, reason in scanned.skipped],
        }
        print(json.dumps(report, indent=2))
    else:
        seen: set[str] = set()
        for name, problems in errors.items():
            # A problem of _defaults.yaml is found through each domain that inherits it: print it once.
            lines = [
                line
                for line in dict.fromkeys([str(p) for p in problems] + [f"warning: {p}" for p in warned.get(name, [])])
                if line not in seen
            ]
            seen.update(lines)
            if lines:
                print("\n".join(lines), file=sys.stderr)
        summary = f"{len(errors)} file{'s' * (len(errors) != 1)} checked: {n_errors} error{'s' * (n_errors != 1)}, {n_warnings} warning{'s' * (n_warnings != 1)}"
        if scanned.skipped:
            summary += f", {len(scanned.skipped)} skipped" + "".join(f"\nskipped: {path} ({reason})" for path, reason in scanned.skipped)
        print(summary, file=sys.stderr if n_errors else sys.stdout)
    return EXIT_INVALID if n_errors else EXIT_OK


def record_json(domain: str, record: Record) -> dict[str, object]:
    out: dict[str, object] = {
        "domain": domain,
        "name": record.name,
        "type": record.type,
        "ttl": record.ttl,
        "values": list(record.values),
    }
    if record.computed:
        out["computed"] = True
    return out


def cmd_records(args: argparse.Namespace) -> int:
    if args.show_defaults:
        return show_defaults(_load(args), args.format)
    plans = plan(_load(args))
    rows = [(p.domain, record) for p in plans for record in p.all_records]
    if args.format == "json":
        print(json.dumps([record_json(d, r) for d, r in rows], indent=2))
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
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    return EXIT_OK


def show_defaults(configs: Sequence[Config], format: str) -> int:
    """What each domain inherited from ``_defaults.yaml``: field, value as written, file."""
    from maildns.errors import format_path

    rows = [(c.domain, format_path(path), value, file) for c in configs for path, value, file in c.inherited]
    if format == "json":
        print(json.dumps([{"domain": d, "field": f, "value": v, "file": src} for d, f, v, src in rows], indent=2))
        return EXIT_OK
    table = [("DOMAIN", "FIELD", "FROM", "VALUE")] + [(d, f, src, json.dumps(v)) for d, f, v, src in rows]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from maildns.fanout import synth, workers

    configs = _load(args)  # refuse bad input before anything is written
    try:
        count = args.jobs or workers()
    except ValueError as exc:  # MAILDNS_JOBS is not a number
        raise UsageError(str(exc)) from None
    out = Path(args.out)
    names = [config.stack_name for config in configs]
    _writable_out(out, names)
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

    # Synthesize into a staging folder inside --out, then move the result into place: a failure
    # leaves the previous output as it was, never half of a new one.
    try:
        staging = Path(tempfile.mkdtemp(prefix=".maildns-synth-", dir=out))
    except OSError as exc:
        raise UsageError(f"--out {args.out}: {exc.strerror or exc}") from None
    try:
        try:
            # Many stacks: one process per core, the same bytes as one app (maildns.fanout).
            with progress(len(configs), "synthesizing") as advance:
                synth(configs, str(staging), jobs=count, progress=advance)
        except Exception as exc:
            raise UsageError(f"--out {args.out}: cannot write: {_first_line(exc)}") from None
        removed = _publish(staging, out, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for name in names:
        print(out / "stacks" / name / "cdk.tf.json")
    for path in removed:
        print(f"removed {path}")
    return EXIT_OK


def cmd_stacks(args: argparse.Namespace) -> int:
    """Stack names, one per line (or a JSON list, for a CI job matrix): all, or those whose
    synthesized JSON differs from ``--changed-since``'s."""
    if args.changed_since is not None and len(_paths(args)) != 1:
        raise UsageError("--changed-since compares the repository's config/ folder: name one PATH")
    configs = _load(args)
    names = [c.stack_name for c in configs]
    if args.changed_since is not None:
        from maildns.changes import changed_since
        from maildns.fanout import workers
        from maildns.revision import RevisionError

        try:
            changes = changed_since(args.changed_since, configs, _paths(args)[0], jobs=workers())
        except RevisionError as exc:
            if exc.invalid:  # the revision's configs are wrong: its problems, as diff shows them
                raise RevisionInvalid(str(exc).splitlines()) from None
            raise UsageError(f"--changed-since {args.changed_since}: {exc}") from None
        except ValueError as exc:  # MAILDNS_JOBS is not a number
            raise UsageError(str(exc)) from None
        names = list(changes.changed)
        for name in changes.removed:
            print(f"maildns stacks: {name} is no longer configured; its resources stay until it is destroyed", file=sys.stderr)
    print(json.dumps(names) if args.format == "json" else "\n".join(names), end="\n" if names or args.format == "json" else "")
    return EXIT_OK


def _first_line(exc: BaseException) -> str:
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _writable_out(out: Path, names: Sequence[str]) -> None:
    """Refuse (exit 2) an --out whose stacks/ cannot take the new stacks, before anything is written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: {exc.strerror or exc}") from None
    stacks = out / "stacks"
    for path in (stacks, *(stacks / name for name in names)):
        if path.exists() or path.is_symlink():
            if not path.is_dir():
                raise UsageError(f"--out {out}: {path} is not a folder")
            if not os.access(path, os.W_OK | os.X_OK):
                raise UsageError(f"--out {out}: {path} is not writable")
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: is not writable")


def _publish(staging: Path, out: Path, names: Sequence[str]) -> list[Path]:
    """Move the staged stacks and manifest into ``out``; remove the stack folders no config names.

    Synth owns ``out/stacks/``: a stack left from a removed config would hide its removal from
    ``maildns diff``. Returns the removed paths.
    """
    stacks = out / "stacks"
    try:
        stacks.mkdir(exist_ok=True)
        for name in names:
            target = stacks / name
            if target.exists():
                shutil.rmtree(target)
            os.replace(staging / "stacks" / name, target)
        removed = sorted(p for p in stacks.iterdir() if p.name not in names)
        for path in removed:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        for entry in staging.iterdir():
            if entry.name != "stacks":
                target = out / entry.name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                os.replace(entry, target)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write: {exc.strerror or exc}") from None
    return removed


def cmd_policy(args: argparse.Namespace) -> int:
    """Each domain's MTA-STS policy, byte for byte as served (CRLF line ends, RFC 8461 3.2).

    With several domains each policy follows a ``==> <url> <==`` line (as ``head`` does), and a
    blank line separates them; with one domain the output is exactly the file.
    """
    policies = [(p.domain, p.policy) for p in plan(_load(args)) if p.policy is not None]
    if not policies:
        print("maildns: no config has an mta_sts section", file=sys.stderr)
        return EXIT_INVALID
    out = sys.stdout.buffer
    for i, (domain, policy) in enumerate(policies):
        if len(policies) > 1:
            separator = "\n" if i else ""
            out.write(f"{separator}==> {policy_url(domain)} <==\n".encode("ascii"))
        out.write(policy)
    out.flush()
    return EXIT_OK


EXIT_FLAGGED = 3  # diff: a flag at or above --fail-on, or any change with --exit-code
# What can only be a revision: an abbreviated or full object name, or revision syntax (gitrevisions(7)).
REVISION_LIKE = re.compile(r"[0-9a-fA-F]{7,64}|.*[~^@:].*|[A-Z_]*HEAD")


def _diff_side(text: str, stack: ExitStack) -> tuple[Path, bool]:
    """A synth output for OLD/NEW and whether a git revision was synthesized for it.

    A path that exists wins over a revision of the same name (``git diff`` asks for ``--`` there).
    """
    from maildns.revision import RevisionError, commit_of, synthesized

    path = Path(text)
    if path.exists():
        return path, False
    if commit_of(text) is None:
        if REVISION_LIKE.fullmatch(text):
            # A commit that is not here (a shallow clone, another repository) must not pass for
            # a first synth diffed against nothing.
            raise UsageError(f"{text} is not a git revision here (nor a path); in CI fetch the history (fetch-depth: 0)")
        return path, False
    try:
        return stack.enter_context(synthesized(text)), True
    except RevisionError as exc:
        if exc.invalid:
            raise RevisionInvalid(str(exc).splitlines()) from None
        raise UsageError(str(exc)) from None


def cmd_diff(args: argparse.Namespace) -> int:
    from maildns import diff

    with ExitStack() as stack:
        old, _ = _diff_side(args.old, stack)
        new, new_is_revision = _diff_side(args.new, stack)
        if not new.exists():
            raise UsageError(f"{args.new} is neither a path nor a git revision (OLD may be missing, for a first synth; NEW may not)")
        try:
            stacks = [diff.load_stacks(old), diff.load_stacks(new)]
        except diff.InputError as exc:
            raise UsageError(str(exc)) from None
        if new.is_dir() and not stacks[1] and not new_is_revision:
            # An existing folder without stacks is a typo or one level too deep, not "every stack
            # removed"; a revision without configs is honestly empty.
            raise UsageError(f"{args.new} holds no stacks (no */cdk.tf.json in it or in its stacks/ folder)")
        report = diff.review(stacks[0], stacks[1])
    render = {"text": diff.render_text, "json": diff.render_json, "markdown": diff.render_markdown}[args.format]
    print(render(report))
    worst = report.worst()
    if args.fail_on and worst is not None and worst <= SEVERITIES.index(args.fail_on):
        return EXIT_FLAGGED
    return EXIT_FLAGGED if args.exit_code and report.domains else EXIT_OK


def positive_seconds(text: str) -> float:
    """``--timeout``/``--deadline``: a positive, finite number of seconds (``nan`` would wait forever)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive, finite number of seconds")
    return value


def positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of at least 1")
    return int(text)


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The TLS settings for the policy host; a CA file that cannot be read is a usage error."""
    try:
        return ssl.create_default_context(cafile=ca_file)
    except ssl.SSLError as exc:  # a subclass of OSError: test it first
        raise UsageError(f"--ca-file {ca_file}: holds no PEM certificate ({exc.reason or exc})") from None
    except OSError as exc:
        raise UsageError(f"--ca-file {ca_file}: {exc.strerror or exc}") from None


def result_lines(result: Result) -> list[str]:
    """How ``check`` prints one result: a line, then what differs (``-`` expected, ``+`` found),
    each server's answer when they disagree, and notes such as an SPF lookup chain."""
    from maildns.check.lookup import differences

    lines = [f"{result.status:<8} {result.name} {result.type}" + (f": {result.detail}" if result.detail else "")]
    if result.status in ("mismatch", "missing") and not result.notes:
        lines += [f"    {line}" for line in differences(result.expected, result.published)]
    for answer in result.servers:
        shown = f"error: {answer.error}" if answer.error else ", ".join(map(repr, answer.values)) or "no answer"
        lines.append(f"    {answer.server}: {shown}")
    lines += [f"    {note}" for note in result.notes]
    return lines


def cmd_check(args: argparse.Namespace) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from maildns.check import Options, check_domain
    from maildns.check.state import StateError, read_state

    plans = plan(_load(args))
    try:
        applied = read_state(args.state or [])
    except StateError as exc:
        raise UsageError(str(exc)) from None
    options = Options(args.nameserver, args.timeout, args.deadline, tls_context(args.ca_file), args.authoritative)

    def one(domain_plan: DomainPlan) -> list[Result]:
        return check_domain(domain_plan, options, applied.get(domain_plan.domain))

    # Domains are checked in parallel by a bounded pool; each has its own deadline. On Ctrl-C the
    # queries in flight are not waited for (see console()).
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        results = [(p.domain, result) for p, found in zip(plans, pool.map(one, plans), strict=True) for result in found]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    if args.format == "json":
        print(json.dumps([{"domain": d, **dataclasses.asdict(r)} for d, r in results], indent=2))
    else:
        for _, result in results:
            print("\n".join(result_lines(result)))
        failed = sum(not r.ok for _, r in results)
        print(f"{len(results)} checked: {failed} failed")
    return EXIT_INVALID if any(not r.ok for _, r in results) else EXIT_OK


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


def cmd_init(args: argparse.Namespace) -> int:
    from maildns import scaffold

    try:
        return scaffold.init(Path(args.directory), args.domain, force=args.force)
    except ValueError as exc:  # a --domain that is no domain name
        raise UsageError(f"--domain {exc}") from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="maildns", description="Email DNS and MTA-STS hosting as code.")
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("paths", nargs="*", metavar="PATH", help="config files or folders (default: config/)")
        sub.set_defaults(handler=handler)
        return sub

    validate = command("validate", "check config files; print errors and warnings", cmd_validate)
    validate.add_argument("--format", choices=("text", "json"), default="text")
    records = command("records", "print every DNS record the configs define", cmd_records)
    records.add_argument("--format", choices=("table", "json", "zone"), default="table", help="zone: a BIND zone-file fragment")
    records.add_argument(
        "--show-defaults", action="store_true", help="list what each domain inherits from _defaults.yaml instead (table or json)"
    )
    command("policy", "print each domain's MTA-STS policy file exactly as it is served", cmd_policy)
    stacks = command("stacks", "list stack names: all, or those whose synthesized JSON changed since a revision", cmd_stacks)
    stacks.add_argument("--changed-since", metavar="REV", help="only stacks whose Terraform JSON differs from REV's (a git revision)")
    stacks.add_argument("--format", choices=("text", "json"), default="text")
    synth = command("synth", "write Terraform JSON, as `cdktf synth` does", cmd_synth)
    synth.add_argument("--out", default="cdktf.out", metavar="DIR", help="output folder (default: cdktf.out)")
    synth.add_argument("--jobs", type=jobs, default=None, metavar="N", help="processes for many stacks (default: one per core)")
    check = command("check", "compare live DNS and the MTA-STS policy file with the configs", cmd_check)
    check.add_argument("--nameserver", type=nameserver, metavar="ADDR[:PORT]", help="ask this server instead of the system resolver")
    check.add_argument("--ca-file", metavar="PEM", help="trust these CA certificates for the policy host")
    check.add_argument(
        "--timeout", type=positive_seconds, default=5.0, metavar="SECONDS", help="per query and per HTTPS fetch (default: 5)"
    )
    check.add_argument(
        "--deadline", type=positive_seconds, default=30.0, metavar="SECONDS", help="for all queries of one domain (default: 30)"
    )
    check.add_argument("--jobs", type=positive_count, default=16, metavar="N", help="domains checked at the same time (default: 16)")
    check.add_argument(
        "--authoritative", action="store_true", help="ask each authoritative server of the zone, found through --nameserver or the resolver"
    )
    check.add_argument(
        "--state",
        action="append",
        metavar="FILE",
        help="Terraform state file: check the SES DKIM CNAMEs, the CloudFront addresses and the ACM validation record (repeatable)",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    adopt = commands.add_parser(
        "import", help="write a config from what domains publish today", description="write a config from what domains publish today"
    )
    adopt.add_argument("domains", nargs="+", metavar="DOMAIN")
    adopt.add_argument("--nameserver", type=nameserver, metavar="ADDR[:PORT]", help="ask this server instead of the system resolver")
    adopt.add_argument("--ca-file", metavar="PEM", help="trust these CA certificates for the policy host")
    adopt.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS")
    adopt.add_argument("--selector", action="append", default=[], metavar="S", help="also read this DKIM selector (repeatable)")
    adopt.add_argument("--out", default="config", metavar="DIR", help="folder to write <domain>.yaml in (default: config)")
    adopt.add_argument("--force", action="store_true", help="replace an existing file")
    adopt.set_defaults(handler=cmd_import)
    review = commands.add_parser(
        "diff", help="review what changes between two synth outputs", description="review what changes between two synth outputs"
    )
    review.add_argument("old", metavar="OLD", help="before the change: a cdktf output folder, one cdk.tf.json, or a git revision")
    review.add_argument("new", metavar="NEW", help="after the change: a cdktf output folder, one cdk.tf.json, or a git revision")
    review.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    review.add_argument(
        "--fail-on", choices=SEVERITIES, metavar="{high,medium,low}", help="exit 3 when a flag of this severity or above is present"
    )
    review.add_argument("--exit-code", action="store_true", help="exit 3 when anything changes")
    review.set_defaults(handler=cmd_diff)
    init = commands.add_parser(
        "init", help="write a repository for an organisation's configs", description="write a repository for an organisation's configs"
    )
    init.add_argument("directory", metavar="DIR", help="the repository folder (created when missing)")
    init.add_argument("--domain", action="append", default=[], metavar="D", help="also write config/<D>.yaml (repeatable)")
    init.add_argument("--force", action="store_true", help="replace files that exist")
    init.set_defaults(handler=cmd_init)
    return top


class OutputError(Exception):
    """Standard output cannot be written (closed, a full disk): one line, exit 2."""


class _Stdout(io.RawIOBase):
    """File descriptor 1 for a command's output.

    A reader that goes away (``maildns check | head -1``) is not a failure of the command: the
    rest of its output is dropped so it finishes and keeps its own exit code. Any other write
    error (``> /dev/full``) stops the command with one line.
    """

    def __init__(self, fd: int, *, strict: bool = True) -> None:
        super().__init__()
        self.fd = fd
        self.strict = strict  # False for stderr: nowhere is left to report its own failure
        self.gone = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if self.gone:
            return size
        try:
            return os.write(self.fd, data)
        except BrokenPipeError:
            self.gone = True
            return size
        except OSError as exc:
            if not self.strict:
                self.gone = True
                return size
            raise OutputError(exc.strerror or str(exc)) from None


def _own_streams() -> None:
    """Route print() through _Stdout when the streams are the process's real ones."""
    if sys.stdout is not None and sys.stdout is sys.__stdout__:
        sys.stdout = _wrap(sys.stdout, strict=True)
    if sys.stderr is not None and sys.stderr is sys.__stderr__:
        sys.stderr = _wrap(sys.stderr, strict=False)


def _wrap(old: Any, *, strict: bool) -> io.TextIOWrapper:
    old.flush()
    raw = _Stdout(old.fileno(), strict=strict)
    return io.TextIOWrapper(
        io.BufferedWriter(raw), encoding=old.encoding, errors=old.errors, line_buffering=old.line_buffering or not strict
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if sys.stdout is None:
        # Python sets sys.stdout to None when descriptor 1 is closed (``maildns records >&-``).
        print(f"maildns {args.command}: cannot write output: standard output is closed", file=sys.stderr)
        return EXIT_USAGE
    _own_streams()
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
        return code
    except (ConfigError, RevisionInvalid) as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"maildns {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as exc:
        _drop_stdout()
        print(f"maildns {args.command}: cannot write output: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _drop_stdout()
        print(f"maildns {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _drop_stdout() -> None:
    """Discard output still buffered, so the interpreter's last flush cannot fail again."""
    raw = getattr(getattr(sys.stdout, "buffer", None), "raw", None)
    if isinstance(raw, _Stdout):
        raw.gone = True
        sys.stdout.flush()


def _version() -> str:
    try:
        return metadata.version("maildns")
    except metadata.PackageNotFoundError:
        return "unknown"


def console() -> None:
    """The ``maildns`` command: ``main`` as a process. An interrupted run ends at once: the
    interpreter would otherwise wait for queries still in flight, each up to its ``--timeout``."""
    code = main()
    if code == EXIT_INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    console()
