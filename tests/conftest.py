"""Shared pytest options and the process state every test starts from, whatever started the suite.

``--update-golden`` rewrites tests/golden/ instead of comparing.

The suite runs from a terminal, from CI, from ``nohup`` or as a background job; none of what it
inherits from there may change a result. At import the environment is reduced to what the tests
mean to share (``clean_environment``); each test then runs from the repository root, under umask
022, and gets back the environment it started with (``explicit_process_state``). A test that
starts a process passes ``env=child_env(...)`` and, when it signals the process, starts it as
``with_default_signals(command)``: a child inherits ignored signals, and Python keeps an inherited
SIGINT ignore (the Unix convention for background jobs), so a suite started with SIGINT ignored
would otherwise send a Ctrl-C nobody receives.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UMASK = 0o022

# Variables that change what maildns, git, node, cdktf or terraform do, dropped whatever their value.
CLEARED_PREFIXES = ("MAILDNS_", "TF_", "GIT_", "CDKTF_", "LC_")
CLEARED = frozenset(
    {
        "CI",
        "NO_COLOR",
        "FORCE_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "COLUMNS",
        "LINES",
        "JSII_RUNTIME",
        "NODE_OPTIONS",
        "PAGER",
        "GIT_PAGER",
    }
)
# Switches of the suite itself, kept: MAILDNS_SKIP_TERRAFORM=1 skips the Terraform tests (tests/terraform/harness.py).
KEPT = frozenset({"MAILDNS_SKIP_TERRAFORM"})
# Values set rather than inherited: a plain terminal type, a UTF-8 locale, git without the user's
# or the system's configuration (commit signing, hooks, default branch), no Terraform telemetry.
FIXED = {
    "LANG": "C.UTF-8",
    "TERM": "dumb",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "CHECKPOINT_DISABLE": "1",
    # jsii prints an end-of-life banner on Node 20 unless told otherwise; keep test output clean.
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    # Tests synthesize without the synth cache unless they test it (with a folder of their own).
    "MAILDNS_NO_CACHE": "1",
}


def clean_environment(environ: MutableMapping[str, str]) -> None:
    """Drop the inherited variables that change behaviour and set the fixed ones, in place."""
    for key in [k for k in environ if (k in CLEARED or k.startswith(CLEARED_PREFIXES)) and k not in KEPT]:
        del environ[key]
    environ.update(FIXED)


clean_environment(os.environ)
os.umask(UMASK)  # session fixtures write files too


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: the suite's clean one, plus ``extra``."""
    return {**os.environ, **extra}


# Python resets the signals it handles on exec, and execs with SIGINT, SIGTERM and SIGHUP at their
# defaults after this; in the same pid, so the test signals its command directly.
_RESET = (
    "import os, signal, sys\n"
    "for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):\n"
    "    signal.signal(number, signal.SIG_DFL)\n"
    "os.execvp(sys.argv[1], sys.argv[1:])\n"
)


def with_default_signals(command: list[str]) -> list[str]:
    """``command`` started with SIGINT, SIGTERM and SIGHUP at their defaults, for a child the test
    signals: not ignored because whatever started the suite ignored them. (A ``preexec_fn`` would
    do it too, but is unsafe in a process with threads, as the suite is.)"""
    return [sys.executable, "-c", _RESET, *command]


@pytest.fixture(autouse=True)
def explicit_process_state() -> Iterator[None]:
    """Every test starts in the repository root, under umask 022, and leaves cwd, umask and the environment as it found them."""
    cwd, environ = Path.cwd(), dict(os.environ)
    os.chdir(ROOT)
    previous = os.umask(UMASK)
    try:
        yield
    finally:
        os.umask(previous)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environ)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.json from the current synth output (review the diff before committing)",
    )
