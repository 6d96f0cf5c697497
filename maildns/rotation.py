"""DKIM key rotation across revisions: each selector's lifecycle read from git history, and the rules a change keeps.

A change is judged against its base revision (``validate --against REV``, ``diff OLD NEW``): the
date a selector entered the state it has at the base is the commit date of the revision where
it did, unless the base gives ``since:`` (which wins, so a key published before the repository
existed has a date; a change cannot backdate itself, as only the base's ``since:`` counts).
Provider-hosted selectors (SES Easy DKIM, CNAME-delegated) are rotated by their provider and
skipped. docs/configuration.md, "Rotating a DKIM key", has the timeline.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from maildns.config import Config
from maildns.config.defaults import DEFAULTS_FILES, merge
from maildns.config.fields import ROTATION_RULE
from maildns.errors import FieldPath, Problem

STATES = ("staged", "active", "retiring", "revoked")
DEFAULT_TTL = 3600  # ConfigFields.ttl
DEFAULT_DAYS = 7  # DkimRotation
UTC = dt.UTC
DAY = dt.timedelta(days=1)

RULE_IN_PLACE = f"the key at a selector never changes in place; {ROTATION_RULE}"
RULE_ACTIVATE = f"a key becomes active only after it was staged at least its TTL earlier; {ROTATION_RULE}"
RULE_REVOKE = f"a key is revoked only after N days of retiring (dkim_rotation.retiring_days); {ROTATION_RULE}"
RULE_DELETE = f"a selector is deleted only after N days revoked (dkim_rotation.revoked_days); {ROTATION_RULE}"


def now() -> dt.datetime:
    """The date of a working-tree change: the clock, in UTC."""
    return dt.datetime.now(UTC)


def when_text(moment: dt.datetime) -> str:
    """A moment as every rotation line prints it: ``2026-12-02 13:00 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Key:
    """One selector's key as one revision writes it."""

    index: int
    state: str
    public_key: str
    """The key as written, white space removed; empty when revoked with ``revoked: true``."""
    since: dt.datetime | None = None

    @property
    def published(self) -> str:
        """The ``p=`` value: empty once revoked (RFC 6376 3.6.1)."""
        return "" if self.state == "revoked" else self.public_key


@dataclass(frozen=True)
class Snapshot:
    """One domain's own DKIM keys at one revision (or the working tree), and when that was."""

    when: dt.datetime
    keys: Mapping[str, Key]
    ttl: int = DEFAULT_TTL
    retiring_days: int = DEFAULT_DAYS
    revoked_days: int = DEFAULT_DAYS


def _day(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            return _day(dt.date.fromisoformat(value.strip()))
        except ValueError:
            return None
    return None


def _raw_key(index: int, entry: Mapping[Any, Any]) -> tuple[str, Key] | None:
    """A key from a revision's raw YAML: revisions are read leniently, as they were written then."""
    if "cname" in entry or not isinstance(entry.get("selector"), str):
        return None  # CNAME-delegated: its provider rotates it
    state = str(entry.get("state", "")).strip().lower()
    if state not in STATES:
        state = "revoked" if entry.get("revoked") is True else "active"
    public_key = "".join(str(entry.get("public_key") or "").split())
    return entry["selector"].strip().lower(), Key(index, state, public_key, _day(entry.get("since")))


def snapshot_of_data(data: Any, when: dt.datetime) -> Snapshot:
    """The snapshot of a revision's (defaults-merged) YAML data; anything unreadable holds no keys."""
    if not isinstance(data, Mapping):
        return Snapshot(when, {})
    entries = data.get("dkim")
    found = [_raw_key(i, e) for i, e in enumerate(entries) if isinstance(e, Mapping)] if isinstance(entries, list) else []
    overrides = data.get("ttl_overrides")
    ttl = data.get("ttl", DEFAULT_TTL)
    if isinstance(overrides, Mapping) and overrides.get("dkim") is not None:
        ttl = overrides["dkim"]
    days = data.get("dkim_rotation")
    days = days if isinstance(days, Mapping) else {}
    return Snapshot(
        when,
        dict(k for k in found if k is not None),
        ttl if isinstance(ttl, int) else DEFAULT_TTL,
        _int(days.get("retiring_days")),
        _int(days.get("revoked_days")),
    )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_DAYS


def snapshot_of_config(config: Config, when: dt.datetime) -> Snapshot:
    """The snapshot of a validated config (the working tree)."""
    keys = {
        k.selector: Key(i, k.state, "".join(k.public_key.split()), _day(k.since))
        for i, k in enumerate(config.dkim)
        if getattr(k, "cname", None) is None
    }
    ttl = config.ttl if config.ttl_overrides.dkim is None else config.ttl_overrides.dkim
    return Snapshot(when, keys, ttl, config.dkim_rotation.retiring_days, config.dkim_rotation.revoked_days)


# --- reading the history ------------------------------------------------------------------------


class HistoryError(Exception):
    """The history cannot be read (not a repository, not a revision): a usage error."""


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def top_of(path: Path) -> Path:
    """The top of the git work tree that holds ``path``."""
    folder = path if path.is_dir() else path.parent
    try:
        found = _git(folder.resolve(), "rev-parse", "--show-toplevel")
    except OSError as exc:
        raise HistoryError(f"git cannot run: {exc}") from None
    if found.returncode != 0:
        raise HistoryError(f"{path}: is not inside a git repository")
    return Path(found.stdout.strip())


def commit_date(top: Path, revision: str) -> tuple[str, dt.datetime]:
    """The commit ``revision`` names and its committer date."""
    found = _git(top, "log", "-1", "--format=%H %ct", "--end-of-options", f"{revision}^{{commit}}", "--")
    if found.returncode != 0 or not found.stdout.strip():
        raise HistoryError(f"{revision}: is not a git revision here")
    commit, stamp = found.stdout.split()
    return commit, dt.datetime.fromtimestamp(int(stamp), UTC)


def _show(top: Path, commit: str, path: str) -> Any:
    found = _git(top, "show", f"{commit}:{path}")
    if found.returncode != 0:
        return None
    try:
        return yaml.safe_load(found.stdout)
    except yaml.YAMLError:
        return None


def data_at(top: Path, commit: str, relative: str) -> Any:
    """A domain file's data at ``commit``, under the defaults beside it then (None: no such file)."""
    own = _show(top, commit, relative)
    if not isinstance(own, Mapping):
        return None
    folder = Path(relative).parent
    for name in DEFAULTS_FILES:
        shared = _show(top, commit, (folder / name).as_posix())
        if isinstance(shared, Mapping):
            return merge(shared, own, name)[0]
    return own


def history(top: Path, relative: str, revision: str) -> list[Snapshot]:
    """The snapshots of a domain file at each commit that changed it (or its defaults), oldest
    first, up to ``revision``; empty when the file does not exist there."""
    folder = Path(relative).parent
    paths = [relative, *((folder / name).as_posix() for name in DEFAULTS_FILES)]
    found = _git(top, "log", "--format=%H %ct", "--end-of-options", revision, "--", *paths)
    if found.returncode != 0:
        raise HistoryError(f"{revision}: is not a git revision here")
    points = []
    for line in reversed(found.stdout.split("\n")):
        if line.strip():
            commit, stamp = line.split()
            data = data_at(top, commit, relative)
            points.append(snapshot_of_data(data, dt.datetime.fromtimestamp(int(stamp), UTC)) if data is not None else None)
    if not points or points[-1] is None:
        return []  # the domain is new in the change: nothing to rotate from
    return [p for p in points if p is not None]


def entered(points: Iterable[Snapshot]) -> dict[str, dt.datetime]:
    """When each selector of the last snapshot entered its state there (the same key throughout);
    the last snapshot's ``since:`` wins over the history."""
    start: dict[str, tuple[str, str, dt.datetime]] = {}
    last: Snapshot | None = None
    for point in points:
        start = {
            selector: start[selector]
            if selector in start and start[selector][:2] == (key.state, key.public_key)
            else (key.state, key.public_key, point.when)
            for selector, key in point.keys.items()
        }
        last = point
    if last is None:
        return {}
    return {selector: last.keys[selector].since or when for selector, (_, _, when) in start.items()}


# --- the rules ----------------------------------------------------------------------------------


def refusals(file: str, points: list[Snapshot], new: Snapshot) -> list[Problem]:
    """Every rotation rule ``new`` breaks against its base (the last of ``points``), one line each."""
    if not points:
        return []
    base, since = points[-1], entered(points)
    now = new.when
    found: list[Problem] = []

    def refuse(path: FieldPath, message: str, value: object, rule: str) -> None:
        found.append(Problem(file, path, message, value, rule))

    for selector, key in new.keys.items():
        old = base.keys.get(selector)
        path: FieldPath = ("dkim", key.index)
        if old is not None and old.published and key.public_key and old.public_key != key.public_key:
            refuse(
                (*path, "public_key"),
                f"selector {selector} must keep its key, published since {when_text(since[selector])}; "
                "publish the new key under a new selector",
                key.public_key,
                RULE_IN_PLACE,
            )
        elif old is not None and not old.published and key.published:
            refuse(
                (*path, "state"),
                f"selector {selector} was revoked on {when_text(since[selector])} and must not publish a key again; "
                "publish the new key under a new selector",
                key.state,
                RULE_IN_PLACE,
            )
        elif key.state == "active" and old is None:
            refuse(
                (*path, "state"),
                f"selector {selector} must be staged in an earlier revision before it is active "
                f"(change dated {when_text(now)}); add it with state: staged first",
                key.state,
                RULE_ACTIVATE,
            )
        elif key.state == "active" and old is not None and old.state == "staged":
            earliest = since[selector] + dt.timedelta(seconds=new.ttl)
            if now < earliest:
                refuse(
                    (*path, "state"),
                    f"selector {selector} was staged on {when_text(since[selector])} and may become active on "
                    f"{when_text(earliest)} at the earliest, its TTL ({new.ttl} s) later; the change is dated {when_text(now)}",
                    key.state,
                    RULE_ACTIVATE,
                )
        elif key.state == "revoked" and old is not None and old.state == "active":
            refuse(
                (*path, "state"),
                f"selector {selector} is active since {when_text(since[selector])} and must be retiring for "
                f"{new.retiring_days} days before it is revoked (change dated {when_text(now)}); set state: retiring first",
                key.state,
                RULE_REVOKE,
            )
        elif key.state == "revoked" and old is not None and old.state == "retiring":
            earliest = since[selector] + new.retiring_days * DAY
            if now < earliest:
                refuse(
                    (*path, "state"),
                    f"selector {selector} is retiring since {when_text(since[selector])} and may be revoked on "
                    f"{when_text(earliest)} at the earliest, {new.retiring_days} days later; the change is dated {when_text(now)}",
                    key.state,
                    RULE_REVOKE,
                )
    for selector, old in base.keys.items():
        if selector in new.keys:
            continue
        if old.state != "revoked":
            refuse(
                ("dkim",),
                f"selector {selector} is {old.state} since {when_text(since[selector])} and must be revoked for "
                f"{new.revoked_days} days before it is deleted (change dated {when_text(now)}); set state: revoked first",
                selector,
                RULE_DELETE,
            )
        elif now < (earliest := since[selector] + new.revoked_days * DAY):
            refuse(
                ("dkim",),
                f"selector {selector} is revoked since {when_text(since[selector])} and may be deleted on "
                f"{when_text(earliest)} at the earliest, {new.revoked_days} days later; the change is dated {when_text(now)}",
                selector,
                RULE_DELETE,
            )
    return found


def staged(points: list[Snapshot], new: Snapshot) -> Iterator[str]:
    """The selectors ``new`` stages that its base did not publish."""
    base = points[-1].keys if points else {}
    return (s for s, k in new.keys.items() if k.state == "staged" and s not in base)


def against(config: Config, file: Path, revision: str, now: dt.datetime) -> list[Problem]:
    """The rotation rules a working-tree config breaks against ``revision`` (``validate --against``)."""
    top = top_of(file)
    relative = file.resolve().relative_to(top).as_posix()
    return refusals(str(file), history(top, relative, revision), snapshot_of_config(config, now))


@dataclass(frozen=True)
class Step:
    """What one domain's change does to its keys, for the review: refusals and newly staged selectors."""

    domain: str
    stack: str
    problems: tuple[Problem, ...]
    staged: tuple[str, ...]


def between(top: Path, old: str, new: str, folder: str = "config") -> list[Step]:
    """The rotation steps of every domain file in ``new`` judged against ``old`` (``diff OLD NEW``)."""
    new_commit, when = commit_date(top, new)
    listed = _git(top, "ls-tree", "--name-only", new_commit, f"{folder}/")
    steps = []
    for relative in sorted(listed.stdout.split("\n")):
        name = Path(relative).name
        if not name.endswith((".yaml", ".yml")) or name in DEFAULTS_FILES:
            continue
        data = data_at(top, new_commit, relative)
        if data is None:
            continue
        snapshot = snapshot_of_data(data, when)
        points = history(top, relative, old)
        problems = refusals(f"{new}:{relative}", points, snapshot)
        domain = str(data.get("domain", Path(relative).stem))
        if problems or any(staged(points, snapshot)):
            steps.append(Step(domain, domain.replace(".", "-"), tuple(problems), tuple(staged(points, snapshot))))
    return steps
