"""Shared defaults (``_defaults.yaml``): per-field override, parked domains, and problems in the right file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maildns.cli import main
from maildns.config import ConfigError, config_files, load_configs
from maildns.config.defaults import merge, origin
from maildns.plan import plan

DEFAULTS = """\
ttl: 300
mx:
  - {host: mx1.agency.example, preference: 10}
dmarc: {p: quarantine, rua: ["mailto:dmarc@agency.example"]}
tls_rpt: {rua: ["mailto:tls@agency.example"]}
"""


def folder(tmp_path: Path, defaults: str | None, **domains: str) -> Path:
    if defaults is not None:
        (tmp_path / "_defaults.yaml").write_text(defaults)
    for name, text in domains.items():
        (tmp_path / f"{name}.yaml").write_text(text)
    return tmp_path


def records(path: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    return {p.domain: {f"{r.type} {r.name}": r.values for r in p.all_records} for p in plan(load_configs([path]))}


@pytest.mark.parametrize(
    ("defaults", "own", "merged", "inherited"),
    [
        ({"ttl": 300}, {"ttl": 60}, {"ttl": 60}, []),
        ({"dmarc": {"p": "reject", "rua": ["a"]}}, {"dmarc": {"p": "none"}}, {"dmarc": {"p": "none", "rua": ["a"]}}, [("dmarc", "rua")]),
        ({"mx": [{"host": "a", "preference": 1}]}, {"mx": [{"host": "b", "preference": 2}]}, {"mx": [{"host": "b", "preference": 2}]}, []),
        ({"dmarc": {"rua": ["a", "b"]}}, {"dmarc": {"rua": []}}, {"dmarc": {"rua": []}}, []),
        ({"tls_rpt": {"rua": ["a"]}}, {"domain": "x"}, {"tls_rpt": {"rua": ["a"]}, "domain": "x"}, [("tls_rpt",)]),
    ],
    ids=[
        "a scalar is replaced",
        "mappings merge key by key",
        "a list is replaced whole",
        "an empty list replaces too",
        "a missing section is inherited whole",
    ],
)
def test_merge(defaults, own, merged, inherited):
    data, origins = merge(defaults, own, "_defaults.yaml")
    assert data == merged
    assert list(origins) == inherited


def test_origin_is_the_innermost_inherited_path():
    origins = {("dmarc", "rua"): "_defaults.yaml"}
    assert origin(("dmarc", "rua", 0), origins, "a.yaml") == "_defaults.yaml"
    assert origin(("dmarc", "p"), origins, "a.yaml") == "a.yaml"
    assert origin((), origins, "a.yaml") == "a.yaml"


def test_domains_inherit_and_override_field_by_field(tmp_path):
    path = folder(
        tmp_path,
        DEFAULTS,
        a="domain: a.example\ndmarc: {p: reject}\n",
        b="domain: b.example\nttl: 60\nmx: [{host: mx.b.example, preference: 5}]\n",
    )
    got = records(path)
    assert got["a.example"]["MX a.example"] == ("10 mx1.agency.example",)
    assert got["a.example"]["TXT _dmarc.a.example"] == ("v=DMARC1; p=reject; rua=mailto:dmarc@agency.example",)
    assert got["b.example"]["MX b.example"] == ("5 mx.b.example",)  # the list is replaced, not appended
    assert got["b.example"]["TXT _dmarc.b.example"] == ("v=DMARC1; p=quarantine; rua=mailto:dmarc@agency.example",)
    (a, b) = load_configs([path])
    assert (a.ttl, b.ttl) == (300, 60)


def test_parked_domain_takes_only_the_organisation_rua(tmp_path):
    """Inherited MX and TLS-RPT describe mail domains and are ignored; dmarc.rua still applies (RFC 7489 6.2)."""
    path = folder(tmp_path, DEFAULTS, p="domain: p.example\nmail: none\n")
    assert records(path)["p.example"] == {
        "MX p.example": ("0 .",),
        "TXT p.example": ("v=spf1 -all",),
        "TXT *._domainkey.p.example": ("v=DKIM1; p=",),
        "TXT _dmarc.p.example": ("v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc@agency.example",),
    }


def test_an_organisation_adopt_list_leaves_a_parked_domain_its_lockdown_records(tmp_path):
    """The defaults' adopt names mail records a parked domain does not publish; it keeps mx, spf, dmarc."""
    path = folder(tmp_path, "adopt: [mx, spf, dmarc, tls_rpt, mta_sts]\n", p="domain: p.example\nmail: none\n")
    (config,) = load_configs([path])
    assert config.adopt == ("mx", "spf", "dmarc")


def test_parked_domain_still_refuses_its_own_mail_settings(tmp_path):
    path = folder(tmp_path, DEFAULTS, p="domain: p.example\nmail: none\ntls_rpt: {rua: ['mailto:t@p.example']}\n")
    with pytest.raises(ConfigError) as exc:
        load_configs([path])
    assert [line.split(": ")[:2] for line in exc.value.lines] == [[str(path / "p.yaml"), "tls_rpt"]]


def test_defaults_may_park_every_domain(tmp_path):
    path = folder(
        tmp_path, "mail: none\n", p="domain: p.example\n", m="domain: m.example\nmail: full\nmx: [{host: mx.m.example, preference: 1}]\n"
    )
    got = records(path)
    assert got["p.example"]["MX p.example"] == ("0 .",)
    assert got["m.example"]["MX m.example"] == ("1 mx.m.example",)


@pytest.mark.parametrize(
    ("defaults", "own", "file", "field"),
    [
        ("dmarc: {pct: 101}\n", "domain: a.example\n", "_defaults.yaml", "dmarc.pct"),
        ("dmarc: {pct: 50}\n", "domain: a.example\ndmarc: {pct: 101}\n", "a.yaml", "dmarc.pct"),
        ("dmarc: {rua: [dmarc@agency.example]}\n", "domain: a.example\n", "_defaults.yaml", "dmarc.rua[0]"),
        ("dmarc: {pctt: 1}\n", "domain: a.example\n", "_defaults.yaml", "dmarc.pctt"),
        (
            "mx: [{host: mx.a.example, preference: 1}]\n",
            "domain: a.example\nmta_sts: {mode: enforce, include_mx: false}\n",
            "_defaults.yaml",
            "mx[0].host",
        ),
        ("ttl: 60\n", "domain: a.example\nzone: other.example\n", "a.yaml", "zone"),
    ],
    ids=[
        "bad value in the defaults",
        "bad value in the domain file",
        "bad list item in the defaults",
        "unknown key in the defaults",
        "a cross-field rule on an inherited value",
        "a domain-file value beside defaults",
    ],
)
def test_problem_names_the_file_holding_the_value(tmp_path, defaults, own, file, field):
    path = folder(tmp_path, defaults, a=own)
    with pytest.raises(ConfigError) as exc:
        load_configs([path])
    (line,) = exc.value.lines
    assert line.startswith(f"{path / file}: {field}: ")


def test_a_bad_default_is_reported_once_for_all_domains(tmp_path, capsys):
    path = folder(tmp_path, "dmarc: {pct: 101}\n", a="domain: a.example\n", b="domain: b.example\n")
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{path / '_defaults.yaml'}: dmarc.pct: must be 0-100 (got 101; RFC 7489 6.3)", "2 files checked: 1 error, 0 warnings"]


@pytest.mark.parametrize(
    ("defaults", "field"),
    [
        ("domain: a.example\n", "domain"),
        ("backend: {bucket: b-state, region: us-east-1, key: one.tfstate}\n", "backend.key"),
        ("mta_sts: {bucket: one-bucket}\n", "mta_sts.bucket"),
    ],
    ids=["the domain", "one state key for every stack", "one policy bucket for every domain"],
)
def test_per_domain_values_are_refused_in_the_defaults(tmp_path, defaults, field):
    path = folder(tmp_path, defaults, a="domain: a.example\n")
    with pytest.raises(ConfigError) as exc:
        load_configs([path])
    (line,) = exc.value.lines
    assert line.startswith(f"{path / '_defaults.yaml'}: {field}: must not be set in the shared defaults")


def test_defaults_must_be_a_mapping(tmp_path):
    path = folder(tmp_path, "- ttl\n", a="domain: a.example\n")
    with pytest.raises(ConfigError, match=r"_defaults\.yaml: \(top level\): must be a mapping"):
        load_configs([path])


def test_defaults_file_is_not_a_domain(tmp_path):
    path = folder(tmp_path, DEFAULTS, a="domain: a.example\n")
    assert config_files([path]) == [path / "a.yaml"]
    with pytest.raises(ConfigError, match=r"file: is the shared defaults, not a domain"):
        load_configs([path / "_defaults.yaml"])


def test_a_file_named_alone_uses_its_folder_defaults(tmp_path):
    path = folder(tmp_path, DEFAULTS, a="domain: a.example\n")
    (config,) = load_configs([path / "a.yaml"])
    assert config.ttl == 300


def test_show_defaults_lists_what_each_domain_inherited(tmp_path, capsys):
    path = folder(tmp_path, DEFAULTS, a="domain: a.example\nttl: 60\ndmarc: {p: reject}\n")
    assert main(["records", "--show-defaults", "--format", "json", str(path)]) == 0
    rows = json.loads(capsys.readouterr().out)
    src = str(path / "_defaults.yaml")
    assert rows == [
        {"domain": "a.example", "field": "mx", "value": [{"host": "mx1.agency.example", "preference": 10}], "file": src},
        {"domain": "a.example", "field": "tls_rpt", "value": {"rua": ["mailto:tls@agency.example"]}, "file": src},
        {"domain": "a.example", "field": "dmarc.rua", "value": ["mailto:dmarc@agency.example"], "file": src},
    ]
    assert main(["records", "--show-defaults", str(path)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["DOMAIN", "FIELD", "FROM", "VALUE"]
    assert table[3].split() == ["a.example", "dmarc.rua", src, '["mailto:dmarc@agency.example"]']


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="an empty file"),
        pytest.param("# shared settings go here\n\n# none yet\n", id="only comments"),
        pytest.param("---\n", id="only a document marker"),
    ],
)
def test_an_empty_defaults_file_means_no_defaults(tmp_path, text):
    """YAML reads an empty document as null: the folder has no shared defaults, not a broken file."""
    path = folder(tmp_path, text, **{"example.gov": "domain: example.gov\nttl: 60\n"})
    (config,) = load_configs([path])
    assert (config.domain, config.ttl, config.inherited) == ("example.gov", 60, ())
