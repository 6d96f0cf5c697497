"""Fuzzing ``maildns validate``: random and mutated YAML never crashes it.

Whatever the file holds, validate returns 0 or 1, and every line it prints on stderr is a
problem line ``<file>: <field.path>: <what> (got <value>; <rule>)`` (warnings prefixed with
``warning: ``) or the summary.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maildns.cli import main
from tests.fixtures import LOGIN_GOV

EXAMPLE = yaml.safe_load(LOGIN_GOV.read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
SUMMARY = re.compile(r"1 file checked: \d+ errors?, \d+ warnings?")

scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            ".",
            "-all",
            "reject",
            "mailto:a@b.example",
            "xn--a.gov",
            "192.0.2.1",
            "Z123",
            "us-east-1",
            "sha1",
            "0:1",
            "\u00fc.example",
            "a\rb",
            "%{z}",
        ]
    ),
)
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12) | st.sampled_from(list(EXAMPLE)), inner, max_size=4),
    max_leaves=12,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``node`` (dict keys and list indexes)."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


def mutate(data: Any, path: tuple, how: str, new: Any) -> Any:
    """A copy of ``data`` with the value at ``path`` replaced, removed, renamed or doubled."""
    if not path:
        return new if how == "replace" else data
    data = yaml.safe_load(yaml.safe_dump(data))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "replace":
        parent[last] = new
    elif how == "remove":
        del parent[last]
    elif how == "rename" and isinstance(parent, dict):
        parent[str(new)[:20] if new is not None else "x"] = parent.pop(last)
    elif how == "double" and isinstance(parent, list):
        parent.insert(last, parent[last])
    return data


@st.composite
def mutated_example(draw) -> str:
    data = EXAMPLE
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths(data)))
        data = mutate(data, path, draw(st.sampled_from(["replace", "remove", "rename", "double"])), draw(value))
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()))


# Inputs that once broke a YAML loader or a message: odd keys, bad scalars, deep nesting.
NASTY = [
    "? [a, b]\n: c\n",
    "domain: a.gov\n? {x: 1}\n: 2\n",
    'domain: a.gov\n"x\\ry": 1\n',
    'domain: a.gov\nttl: "1\\u20282"\n',
    "a: !!timestamp 2020-99-99\n",
    "a: !!binary xx\n",
    "a: !!python/object:os.system {}\n",
    "[" * 2000,
    "a: &x [*x, *x]\n",
    "domain: a.gov\ndomain: b.gov\n",
    "\ufeffdomain: a.gov\n",
    "domain: a.gov\nspf: {all: []}\n",
    "domain: a.gov\nspf: {redirect: 5, exp: [x]}\n",
    "domain: a.gov\ndmarc: {rua: [mailto:a@x.example, mailto:b@y.example, mailto:c@z.example], fo: d}\n",
    "domain: a.gov\nspf: {all: softfail, exp: why.a.gov}\n",
]

documents = st.one_of(
    st.sampled_from(NASTY),
    mutated_example(),
    value.map(yaml.safe_dump),
    st.text(max_size=200),
    st.builds(lambda text, cut: text[:cut], mutated_example(), st.integers(0, 400)),
)


def validate(text: str) -> tuple[int, str, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "login.gov.yaml"  # the example's own name: no file-name warning
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            code = main(["validate", str(path)])
        return code, str(path), err.getvalue().splitlines() + out.getvalue().splitlines()


@SETTINGS
@given(documents)
def test_validate_never_crashes_and_speaks_only_in_problem_lines(text):
    code, file, lines = validate(text)
    assert code in (0, 1)
    problem = re.compile(rf"(warning: )?{re.escape(file)}: \S.*?: \S.* \(got .*; [^;]+\)")
    assert SUMMARY.fullmatch(lines[-1]), lines
    assert all(problem.fullmatch(line) for line in lines[:-1]), lines
    assert (code == 1) == any(not line.startswith("warning: ") for line in lines[:-1])


def test_the_example_itself_is_valid():
    code, _, lines = validate(LOGIN_GOV.read_text(encoding="utf-8"))
    assert (code, lines) == (0, ["1 file checked: 0 errors, 0 warnings"])


@pytest.mark.parametrize("text", NASTY, ids=[f"nasty-{i}" for i in range(len(NASTY))])
def test_nasty_inputs_give_problem_lines(text):
    """Each known-bad input on its own, so none depends on what hypothesis happens to draw."""
    test_validate_never_crashes_and_speaks_only_in_problem_lines.hypothesis.inner_test(text)
