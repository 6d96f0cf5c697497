"""A misspelt value of a closed set gets a "did you mean", as an unknown key does.

Every ``Literal`` field of the config is found from the models themselves, so a closed set added
later is covered without a new row.
"""

from __future__ import annotations

from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import BaseModel

from maildns.config import Config
from tests.config.samples import FILE, domain

# The smallest section around each model, so that the field's own message is the only line.
CONTEXT: dict[str, dict[str, Any]] = {
    "Config": {},
    "Spf": {},
    "DkimKey": {"selector": "s1", "revoked": True},
    "Ses": {"regions": ["us-east-1"]},
    "Dmarc": {},
    "MtaSts": {},
    "Provider": {},
}
PATHS = {
    "Config": (),
    "Spf": ("spf",),
    "DkimKey": ("dkim", 0),
    "Ses": ("ses",),
    "Dmarc": ("dmarc",),
    "MtaSts": ("mta_sts",),
    "Provider": ("provider",),
}


def _literals(annotation: Any) -> tuple[str, ...]:
    if get_origin(annotation) is Literal:
        return get_args(annotation)
    return tuple(v for arg in get_args(annotation) for v in _literals(arg))


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    found = [model]
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                found += [m for m in _models(item) if m not in found]
            else:
                stack += list(get_args(item))
    return found


def _closed_fields() -> list[Any]:
    rows = []
    for model in _models(Config):
        for name, info in model.model_fields.items():
            for value in _literals(info.annotation):
                rows.append(pytest.param(model.__name__, name, value, id=f"{model.__name__}.{name}: {value}"))
    return rows


def _data(model: str, field: str, value: str) -> dict[str, Any]:
    # A list of a closed set (DkimKey.service_types) gets the slip as its one item.
    listed = get_origin(next(m for m in _models(Config) if m.__name__ == model).model_fields[field].annotation) is tuple
    section = {**CONTEXT[model], field: [value] if listed else value}
    path = PATHS[model]
    if not path:
        return domain(**section)
    if path[0] == "dkim":
        return domain(dkim=[section])
    return domain(**{path[0]: section})


def test_every_closed_set_is_found():
    """The walk finds the closed sets the README lists, so the table below cannot be empty."""
    found = {(p.values[0], p.values[1]) for p in _closed_fields()}
    assert {("Config", "mail"), ("Config", "profile"), ("Dmarc", "p"), ("Dmarc", "sp"), ("Dmarc", "adkim"), ("Dmarc", "rf")} <= found
    assert {("MtaSts", "mode"), ("Spf", "all"), ("DkimKey", "key_type"), ("Ses", "identity")} <= found


@pytest.mark.parametrize(("model", "field", "value"), _closed_fields())
def test_a_doubled_last_letter_gets_the_value_suggested(refused, model, field, value):
    """Each value of each closed set, with its last letter doubled (nonee, rejectt, ss)."""
    slip = value + value[-1]
    (line,) = refused(_data(model, field, slip))
    assert f"(got {slip}; did you mean {value}? " in line


@pytest.mark.parametrize(
    ("data", "line"),
    [
        pytest.param(
            domain(dmarc={"p": "rejct"}),
            "dmarc.p: must be none, quarantine or reject (got rejct; did you mean reject? RFC 7489 6.3)",
            id="dmarc.p: rejct",
        ),
        pytest.param(
            domain(mta_sts={"mode": "enforcing"}),
            "mta_sts.mode: must be enforce, testing or none (got enforcing; did you mean enforce? RFC 8461 3.2)",
            id="mta_sts.mode: enforcing",
        ),
        pytest.param(
            domain(mail="nun"),
            "mail: must be full or none (got nun; did you mean none? RFC 7505 3, RFC 7208 5.1, RFC 7489 6.3: a parked domain publishes only the lockdown set)",
            id="mail: nun",
        ),
        pytest.param(
            domain(spf={"all": "sofftfail"}),
            "spf.all: must be fail or softfail (got sofftfail; did you mean softfail? RFC 7208 5.1)",
            id="spf.all: sofftfail",
        ),
        pytest.param(
            domain(adopt=["dmark"]),
            "adopt[0]: must be one of mx, spf, dmarc, tls_rpt, mta_sts, mta_sts_a, mta_sts_aaaa, ses_verification, dkim:<selector>, bimi:<selector>, mail_from_mx:<region>, mail_from_spf:<region>, ds:<child> or dmarc_report_auth:<domain> (got dmark; did you mean dmarc? see README: Adopting a live domain)",
            id="adopt: dmark",
        ),
        pytest.param(
            domain(dmarc={"p": "block"}),
            "dmarc.p: must be none, quarantine or reject (got block; RFC 7489 6.3)",
            id="no near value: no suggestion",
        ),
    ],
)
def test_examples(refused, data, line):
    assert refused(data) == [f"{FILE}: {line}"]
