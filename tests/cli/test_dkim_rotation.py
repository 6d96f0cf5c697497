"""A DKIM key rotation walked revision by revision on a throwaway repository, with commit dates set explicitly.

``maildns dkim rotate`` writes each step (or refuses it, writing nothing), ``validate --against``
and ``diff`` apply the same rules, and the generated private key appears nowhere but its file.
The timeline: docs/configuration.md, "Rotating a DKIM key"; RFC 6376 3.6.1 (``p=`` empty revokes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from maildns import rotation
from maildns.cli import main
from maildns.errors import show
from tests.config.samples import rsa_key

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
FILE = "config/example.gov.yaml"
OLD_KEY = rsa_key(2048)
CONFIG = f"""# example.gov: a domain whose signer rotates its key.
domain: example.gov
ttl: 3600

dkim:
  # The signer's first key; keep this comment through every step.
  - selector: old
    public_key: >-
      {OLD_KEY}

dmarc:
  p: reject
"""
RULES = "DKIM key rotation: docs/configuration.md, Rotating a DKIM key"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.gov",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.gov",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, when: dt.datetime | None = None) -> str:
    dated = {"GIT_AUTHOR_DATE": f"@{int(when.timestamp())} +0000", "GIT_COMMITTER_DATE": f"@{int(when.timestamp())} +0000"} if when else {}
    done = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV, **dated}, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str, when: dt.datetime) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD").strip()


class Clock:
    """The clock a working-tree change is dated by (``rotation.now``), set by each step."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.at = T0
        monkeypatch.setattr(rotation, "now", lambda: self.at)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "repo"
    (path / "config").mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    (path / FILE).write_text(CONFIG)
    commit(path, "example.gov", T0)
    monkeypatch.chdir(path)
    monkeypatch.setenv("MAILDNS_KEY_DIR", str(tmp_path / "keys"))
    return path


def rotate(capsys: pytest.CaptureFixture[str], clock: Clock, at: dt.datetime, *extra: str) -> tuple[int, str, str]:
    clock.at = at
    code = main(["dkim", "rotate", "example.gov", *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def refused(capsys: pytest.CaptureFixture[str], clock: Clock, at: dt.datetime, repo: Path) -> str:
    """A premature rotate: exit 1, one line, the file unchanged."""
    before = (repo / FILE).read_text()
    code, out, err = rotate(capsys, clock, at)
    assert (code, out, (repo / FILE).read_text()) == (1, "", before)
    return err


def test_a_rotation_walked_step_by_step(repo, clock, capsys, tmp_path):
    """Each step is written only once its date has come; each premature one is one exact line."""
    outputs: list[str] = []
    # Stage: a new selector s2026q1 (the quarter of 2026-03-03) with a generated key pair.
    code, out, err = rotate(capsys, clock, T0 + DAY)
    outputs += [out, err]
    key_file = tmp_path / "keys" / "example.gov.s2026q1.pem"
    assert code == 0, err
    assert out.splitlines() == [
        f"{FILE}: staged s2026q1 (rsa); private key written to {key_file} (mode 0600)",
        "next steps (one `maildns dkim rotate example.gov` each, once the one before is merged and deployed):",
        "  2026-03-03 10:00 UTC  activate s2026q1 and retire old (TTL 3600 s; `maildns check --authoritative` shows when every server publishes it)",
        "  2026-03-10 10:00 UTC  revoke old (7 days retiring)",
        "  2026-03-17 10:00 UTC  delete old (7 days revoked)",
    ]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    staged_text = (repo / FILE).read_text()
    assert "# The signer's first key; keep this comment through every step." in staged_text
    assert "  - selector: s2026q1\n    key_type: rsa\n    state: staged\n    public_key: >-\n" in staged_text
    clock.at = T0 + DAY
    assert main(["validate", "--against", "HEAD"]) == 0
    assert capsys.readouterr().out == "1 file checked: 0 errors, 0 warnings\n"
    staged_rev = commit(repo, "stage s2026q1", T0 + DAY)

    # Activate 30 minutes after staging, with a TTL of an hour: refused.
    err = refused(capsys, clock, T0 + DAY + HOUR / 2, repo)
    assert err.splitlines() == [
        f"{FILE}: dkim[1].state: selector s2026q1 was staged on 2026-03-03 09:00 UTC and may become active on 2026-03-03 10:00 UTC "
        "at the earliest, its TTL (3600 s) later; the change is dated 2026-03-03 09:30 UTC (got active; "
        f"a key becomes active only after it was staged at least its TTL earlier; {RULES})"
    ]
    code, out, err = rotate(capsys, clock, T0 + DAY + 2 * HOUR)
    outputs += [out, err]
    assert (code, out.splitlines()[0]) == (
        0,
        f"{FILE}: activated s2026q1 and retired old: switch the signer to s2026q1 as this change deploys",
    )
    assert "  - selector: old\n    state: retiring\n" in (repo / FILE).read_text()
    active_rev = commit(repo, "activate s2026q1", T0 + DAY + 2 * HOUR)

    # Revoke 3 days into retiring: refused; after 7 days: written.
    err = refused(capsys, clock, T0 + 4 * DAY, repo)
    assert err.splitlines() == [
        f"{FILE}: dkim[0].state: selector old is retiring since 2026-03-03 11:00 UTC and may be revoked on 2026-03-10 11:00 UTC "
        "at the earliest, 7 days later; the change is dated 2026-03-06 09:00 UTC (got revoked; "
        f"a key is revoked only after N days of retiring (dkim_rotation.retiring_days); {RULES})"
    ]
    code, out, err = rotate(capsys, clock, T0 + 9 * DAY)
    outputs += [out, err]
    assert (code, out.splitlines()[0]) == (0, f"{FILE}: revoked old")
    revoked_rev = commit(repo, "revoke old", T0 + 9 * DAY)

    # Delete 2 days after revoking: refused; after 7 days: written, comment and all.
    err = refused(capsys, clock, T0 + 11 * DAY, repo)
    assert err.splitlines() == [
        f"{FILE}: dkim: selector old is revoked since 2026-03-11 09:00 UTC and may be deleted on 2026-03-18 09:00 UTC "
        "at the earliest, 7 days later; the change is dated 2026-03-13 09:00 UTC (got old; "
        f"a selector is deleted only after N days revoked (dkim_rotation.revoked_days); {RULES})"
    ]
    code, out, err = rotate(capsys, clock, T0 + 16 * DAY)
    outputs += [out, err]
    assert (code, out.splitlines()) == (0, [f"{FILE}: deleted old", "rotation complete"])
    final = (repo / FILE).read_text()
    assert "selector: old" not in final and "keep this comment" not in final
    assert final.startswith("# example.gov: a domain whose signer rotates its key.\n") and final.endswith("dmarc:\n  p: reject\n")
    commit(repo, "delete old", T0 + 16 * DAY)

    # The generated private key is in its file and nowhere else: not the repository, its history, the output.
    pem = key_file.read_text()
    body = "".join(pem.splitlines()[1:-1])
    history = git(repo, "log", "-p", "--all")
    synth_out = tmp_path / "synth"
    assert main(["synth", "config", "--out", str(synth_out)]) == 0
    outputs.append(capsys.readouterr().out)
    synthesized = "".join(p.read_text() for p in synth_out.rglob("*.json"))
    for where in (history, final, synthesized, *outputs):
        assert "PRIVATE KEY" not in where
        assert body[64:128] not in where.replace("\n", "")
    assert {"staged": staged_rev, "active": active_rev, "revoked": revoked_rev}  # used by the diff test below


def write_dkim(repo: Path, entries: str) -> None:
    text = CONFIG.split("dkim:\n", maxsplit=1)[0] + "dkim:\n" + entries + "\ndmarc:\n  p: reject\n"
    (repo / FILE).write_text(text)


NEW_KEY = rsa_key(2056)
OLD = f"  - selector: old\n    public_key: {OLD_KEY}\n"


@pytest.mark.parametrize(
    ("entries", "line"),
    [
        pytest.param(
            OLD + f"  - selector: new\n    public_key: {NEW_KEY}\n",
            f"{FILE}: dkim[1].state: selector new must be staged in an earlier revision before it is active (change dated 2026-03-03 09:00 UTC); "
            f"add it with state: staged first (got active; a key becomes active only after it was staged at least its TTL earlier; {RULES})",
            id="a new selector active at once",
        ),
        pytest.param(
            f"  - selector: old\n    public_key: {NEW_KEY}\n",
            f"{FILE}: dkim[0].public_key: selector old must keep its key, published since 2026-03-02 09:00 UTC; "
            f"publish the new key under a new selector (got {show(NEW_KEY)}; the key at a selector never changes in place; {RULES})",
            id="a key replaced in place",
        ),
        pytest.param(
            "  []\n",
            f"{FILE}: dkim: selector old is active since 2026-03-02 09:00 UTC and must be revoked for 7 days before it is deleted "
            f"(change dated 2026-03-03 09:00 UTC); set state: revoked first (got old; "
            f"a selector is deleted only after N days revoked (dkim_rotation.revoked_days); {RULES})",
            id="an active selector removed",
        ),
    ],
)
def test_validate_against_refuses_each_unsafe_change(repo, clock, capsys, entries, line):
    """``validate --against REV`` applies the history rules to the working tree, dated now."""
    write_dkim(repo, entries)
    clock.at = T0 + DAY
    assert main(["validate", "--against", "HEAD"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == line


def test_validate_against_a_revision_that_is_not_one_is_a_usage_error(repo, capsys):
    assert main(["validate", "--against", "no-such-branch"]) == 2
    assert capsys.readouterr().err == "maildns validate: --against: no-such-branch: is not a git revision here\n"


def test_validate_without_against_reads_no_history(repo, clock, capsys):
    """Without --against the config alone is checked, as before: a new active selector is valid."""
    write_dkim(repo, OLD + f"  - selector: new\n    public_key: {NEW_KEY}\n")
    assert main(["validate"]) == 0


def test_rotate_with_the_signers_public_key_writes_no_private_key(repo, clock, capsys, tmp_path):
    ed25519 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    code, out, _ = rotate(capsys, clock, T0 + DAY, "--selector", "signer1", "--key-type", "ed25519", "--public-key", ed25519)
    assert (code, out.splitlines()[0]) == (0, f"{FILE}: staged signer1 (ed25519)")
    assert not (tmp_path / "keys").exists()
    assert (
        f"  - selector: signer1\n    key_type: ed25519\n    state: staged\n    public_key: >-\n      {ed25519}\n"
        in (repo / FILE).read_text()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--selector", "old"], "maildns dkim: --selector: old is in the file already; a rotation publishes a new selector\n"),
        (
            ["--key-dir", "config/keys"],
            "maildns dkim: --key-dir: {repo}/config/keys is inside the repository {repo}; a private key never goes there\n",
        ),
    ],
    ids=["a selector in the file already", "a key folder inside the repository"],
)
def test_rotate_usage_errors_write_nothing(repo, clock, capsys, args, message):
    code, _out, err = rotate(capsys, clock, T0 + DAY, *args)
    assert (code, err) == (2, message.format(repo=repo.resolve()))
    assert (repo / FILE).read_text() == CONFIG
    assert not (repo / "config" / "keys").exists()


def diff_flags(capsys: pytest.CaptureFixture[str], old: str, new: str, code: int) -> tuple[set[tuple[str, str]], str]:
    """The DKIM flags (severity, code) of ``diff OLD NEW`` on two revisions, and its standard error."""
    assert main(["diff", old, new, "--format", "json"]) == code
    captured = capsys.readouterr()
    flags = {(f["severity"], f["code"]) for f in json.loads(captured.out)["flags"] if f["code"].startswith("dkim-")}
    return flags, captured.err


def test_diff_flags_each_step_and_applies_the_rules(repo, clock, capsys):
    """``diff OLD NEW`` on revisions, step by step: staging is low, an early activation is high and
    refused (exit 1, its line), a legal one passes, revoking is medium, deleting a revoked selector low."""
    start = git(repo, "rev-parse", "HEAD").strip()
    revisions = [start]
    for at in (T0 + DAY, T0 + DAY + 2 * HOUR, T0 + 9 * DAY, T0 + 16 * DAY):
        assert rotate(capsys, clock, at)[0] == 0
        revisions.append(commit(repo, "step", at))
    staged, active, revoked, deleted = revisions[1:]
    git(repo, "checkout", "-q", "-b", "early", staged)
    (repo / FILE).write_text((repo / FILE).read_text().replace("    state: staged\n", "    state: active\n"))
    early = commit(repo, "activate too early", T0 + DAY + HOUR / 2)

    assert diff_flags(capsys, start, staged, 0) == ({("low", "dkim-key-staged")}, "")
    flags, err = diff_flags(capsys, staged, early, 1)
    assert flags == {("high", "dkim-key-activated-early")}
    assert err.splitlines() == [
        f"{early}:{FILE}: dkim[1].state: selector s2026q1 was staged on 2026-03-03 09:00 UTC and may become active on 2026-03-03 10:00 UTC "
        "at the earliest, its TTL (3600 s) later; the change is dated 2026-03-03 09:30 UTC (got active; "
        f"a key becomes active only after it was staged at least its TTL earlier; {RULES})"
    ]
    assert diff_flags(capsys, staged, active, 0) == (set(), "")
    assert diff_flags(capsys, active, revoked, 0) == ({("medium", "dkim-key-revoked")}, "")
    assert diff_flags(capsys, revoked, deleted, 0) == ({("low", "dkim-revoked-selector-removed")}, "")
