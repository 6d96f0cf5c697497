"""``maildns validate``: check config files; print errors and warnings."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from maildns.cli.base import EXIT_INVALID, EXIT_OK, Commands, UsageError, _scan, command
from maildns.cli.options import add_format
from maildns.config import Config, ConfigError, Problem, duplicate_domains, load_config
from maildns.config.features import cross_domain_problems
from maildns.config.loading import file_name_warning
from maildns.progress import progress


def register(commands: Commands) -> None:
    validate = command(commands, "validate", "check config files; print errors and warnings", cmd_validate)
    add_format(validate, ("text", "json"))
    validate.add_argument(
        "--against",
        metavar="REV",
        help="also apply the DKIM rotation rules to the change from git revision REV to these files",
    )


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
    if args.against is not None:
        _against(args.against, configs, errors)
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


def _against(revision: str, configs: list[Config], errors: dict[str, list[Problem]]) -> None:
    """The rotation rules of each valid config against its file at ``revision`` (dated now)."""
    from maildns import rotation

    now = rotation.now()
    for config in configs:
        if errors.get(config.source):
            continue
        try:
            errors[config.source].extend(rotation.against(config, Path(config.source), revision, now))
        except rotation.HistoryError as exc:
            raise UsageError(f"--against: {exc}") from None
