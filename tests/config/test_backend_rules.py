"""Terraform state backend rules: S3 and DynamoDB names, and which lock is used by default."""

from __future__ import annotations

import pytest

from tests.config.samples import FILE, domain

BACKEND = {"bucket": "tf-state", "region": "us-east-1"}

REFUSED = [
    pytest.param(
        {"dynamodb_table": "tf"},
        "backend.dynamodb_table: must be a DynamoDB table name: 3-255 letters, digits, underscores, hyphens and dots (got tf; DynamoDB table names)",
        id="DynamoDB: a table name has at least 3 characters",
    ),
    pytest.param(
        {"dynamodb_table": "t" * 256},
        f"backend.dynamodb_table: must be a DynamoDB table name: 3-255 letters, digits, underscores, hyphens and dots (got {'t' * 77}...; DynamoDB table names)",
        id="DynamoDB: a table name has at most 255 characters",
    ),
    pytest.param(
        {"dynamodb_table": "tf locks"},
        "backend.dynamodb_table: must be a DynamoDB table name: 3-255 letters, digits, underscores, hyphens and dots (got tf locks; DynamoDB table names)",
        id="DynamoDB: a table name has no space",
    ),
    pytest.param(
        {"dynamodb_table": "tf/locks"},
        "backend.dynamodb_table: must be a DynamoDB table name: 3-255 letters, digits, underscores, hyphens and dots (got tf/locks; DynamoDB table names)",
        id="DynamoDB: a table name has no slash",
    ),
    pytest.param(
        {"use_lockfile": "yes"},
        "backend.use_lockfile: must be true or false (got yes; see README: Configuration)",
        id="use_lockfile is true or false",
    ),
]


@pytest.mark.parametrize("fields, line", REFUSED)
def test_refused(refused, fields, line):
    assert refused(domain(backend={**BACKEND, **fields})) == [f"{FILE}: {line}"]


@pytest.mark.parametrize(
    "fields, lockfile",
    [
        pytest.param({}, True, id="an S3 lock file by default"),
        pytest.param({"dynamodb_table": "tf-locks"}, False, id="no lock file by default when a DynamoDB table locks state"),
        pytest.param({"dynamodb_table": "Tf_Locks.v2", "use_lockfile": True}, True, id="both locks while moving off DynamoDB"),
        pytest.param({"use_lockfile": False}, False, id="no lock at all when asked"),
    ],
)
def test_lockfile(accepted, fields, lockfile):
    assert accepted(domain(backend={**BACKEND, **fields})).backend.lockfile is lockfile
