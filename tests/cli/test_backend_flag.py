"""A stack's Terraform backend changed is a high flag of ``maildns diff``: its state must be moved first."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from maildns.review import review

GOLDEN = json.loads((Path(__file__).resolve().parents[1] / "golden" / "login-gov.json").read_text())
LOCAL = {"local": {"path": "../../../terraform.login-gov.tfstate"}}
S3 = {"s3": {"bucket": "state-a", "key": "maildns/login.gov.tfstate", "region": "us-east-1", "encrypt": True}}


def with_backend(backend: dict[str, Any] | None) -> dict[str, Any]:
    doc = copy.deepcopy(GOLDEN)
    doc["terraform"].pop("backend", None)
    if backend is not None:
        doc["terraform"]["backend"] = backend
    return doc


def moved(**changes: str) -> dict[str, Any]:
    return {"s3": S3["s3"] | changes}


@pytest.mark.parametrize(
    ("before", "after", "words"),
    [
        (LOCAL, S3, "from local ../../../terraform.login-gov.tfstate to s3://state-a/maildns/login.gov.tfstate"),
        (None, S3, "from local terraform.tfstate to s3://state-a/"),
        (S3, moved(bucket="state-b"), "from s3://state-a/maildns/login.gov.tfstate to s3://state-b/maildns/login.gov.tfstate"),
        (S3, moved(key="mail/login.gov.tfstate"), "to s3://state-a/mail/login.gov.tfstate"),
        (S3, LOCAL, "to local ../../../terraform.login-gov.tfstate"),
    ],
    ids=["local trial state to S3", "no backend to S3", "another bucket", "another key", "S3 back to local"],
)
def test_a_changed_backend_is_high_and_names_both_places(before, after, words):
    report = review({"login-gov": with_backend(before)}, {"login-gov": with_backend(after)})
    assert [(f.severity, f.code) for f in report.flags] == [("high", "backend-changed")]
    assert words in report.flags[0].reason
    assert "terraform init -migrate-state" in report.flags[0].reason


@pytest.mark.parametrize(
    "after",
    [S3, moved(region="us-east-1"), moved(encrypt=True)],
    ids=["same backend", "same region", "same settings"],
)
def test_the_same_place_is_no_flag(after):
    report = review({"login-gov": with_backend(S3)}, {"login-gov": with_backend(after)})
    assert [f.code for f in report.flags if f.code == "backend-changed"] == []


def test_a_changed_setting_other_than_the_place_is_no_move():
    """Only bucket and key (and local path) say where the state is; the lock table does not move it."""
    report = review({"login-gov": with_backend(S3)}, {"login-gov": with_backend(moved(dynamodb_table="locks"))})
    assert [f.code for f in report.flags if f.code == "backend-changed"] == []
