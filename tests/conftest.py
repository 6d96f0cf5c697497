"""Shared pytest options: ``--update-golden`` rewrites tests/golden/ instead of comparing."""

import os

# jsii prints an end-of-life banner on Node 20 unless told otherwise; keep test output clean.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")
# Tests synthesize without the synth cache unless they test it (with a folder of their own).
os.environ.setdefault("MAILDNS_NO_CACHE", "1")


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.json from the current synth output (review the diff before committing)",
    )
