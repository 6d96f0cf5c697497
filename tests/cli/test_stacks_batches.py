"""``maildns stacks --batches N``: at most N batches for a job matrix, a signed child and its DS parent
in one batch, the child first (the parent reads the child's DS from its state)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maildns.cli import main
from maildns.config import parse_config
from maildns.pipeline import batches, deploy_order
from maildns.plan import plan

MX = [{"host": "mx.example.gov", "preference": 10}]


def config(domain: str, **extra: object) -> dict[str, object]:
    return {"domain": domain, "zone": domain, "mx": MX, **extra}


SIGNED = {"signing": True, "alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:dnssec-alarms"}
CHILD = {"signing": True, "publish_ds": True}
# brand.gov publishes the DS of mail.brand.gov, which publishes the DS of eu.mail.brand.gov:
# listed parent first, deployed child first.
FAMILY = [
    config("brand.gov", dnssec=SIGNED),
    config("a.example.gov"),
    config("mail.brand.gov", dnssec=CHILD),
    config("b.example.gov"),
    config("eu.mail.brand.gov", dnssec=CHILD),
    config("c.example.gov"),
]


def plans_of(docs: list[dict[str, object]]):
    return plan([parse_config(d, f"config/{d['domain']}.yaml") for d in docs])


@pytest.mark.parametrize(
    ("count", "selected", "expected"),
    [
        (1, None, ["eu-mail-brand-gov mail-brand-gov brand-gov a-example-gov b-example-gov c-example-gov"]),
        (10, None, ["eu-mail-brand-gov mail-brand-gov brand-gov", "a-example-gov", "b-example-gov", "c-example-gov"]),
        (2, None, ["eu-mail-brand-gov mail-brand-gov brand-gov", "a-example-gov b-example-gov c-example-gov"]),
        (3, None, ["eu-mail-brand-gov mail-brand-gov brand-gov", "a-example-gov b-example-gov", "c-example-gov"]),
        (10, ["b-example-gov"], ["b-example-gov"]),
        (10, ["brand-gov"], ["eu-mail-brand-gov mail-brand-gov brand-gov"]),
        (10, ["eu-mail-brand-gov", "c-example-gov"], ["eu-mail-brand-gov mail-brand-gov brand-gov", "c-example-gov"]),
        (10, [], []),
    ],
    ids=[
        "one batch: dependencies first, then config order",
        "one component per batch",
        "two batches",
        "three batches, about the same size",
        "one stack",
        "a parent brings the children it depends on",
        "a child brings its parents, which read its DS",
        "nothing pending",
    ],
)
def test_batches_keep_a_family_together_children_first(count, selected, expected):
    assert batches(plans_of(FAMILY), selected, count) == expected


@pytest.mark.parametrize(("count", "stacks", "size"), [(200, 3, 3), (200, 200, 200), (200, 201, 101), (200, 1000, 200)])
def test_never_more_batches_than_asked(count, stacks, size):
    """A GitHub matrix holds at most 256 jobs; every stack appears once, in config order."""
    docs = [config(f"d{i}.example.gov") for i in range(stacks)]
    found = batches(plans_of(docs), None, count)
    assert len(found) == size
    assert " ".join(found).split() == [f"d{i}-example-gov" for i in range(stacks)]


def test_deploy_order_puts_each_child_before_its_parent():
    family = [p for p in plans_of(FAMILY) if p.domain.endswith("brand.gov")]
    assert deploy_order(family) == ["eu-mail-brand-gov", "mail-brand-gov", "brand-gov"]


def test_the_cli_prints_a_json_list(tmp_path: Path, capsys, monkeypatch):
    folder = tmp_path / "config"
    folder.mkdir()
    for doc in FAMILY:
        (folder / f"{doc['domain']}.yaml").write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)
    assert main(["stacks", "--batches", "2", "config"]) == 0
    # files load in name order (a, b, brand, c, eu.mail.brand, mail.brand); the last batch takes what is left
    assert json.loads(capsys.readouterr().out) == [
        "a-example-gov b-example-gov",
        "eu-mail-brand-gov mail-brand-gov brand-gov c-example-gov",
    ]


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_batch_count_below_one_is_a_usage_error(tmp_path: Path, capsys, value):
    with pytest.raises(SystemExit) as exit_:
        main(["stacks", "--batches", value, str(tmp_path)])
    assert exit_.value.code == 2
    assert f"argument --batches: {value!r} is not a number of batches (1 or more)" in capsys.readouterr().err
