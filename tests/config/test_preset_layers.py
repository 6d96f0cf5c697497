"""How a domain file, its provider preset and ``_defaults.yaml`` combine, and what a parked folder accepts.

Layers, lowest first: ``_defaults.yaml``, the preset, the domain file (docs/configuration.md:
Provider presets). A delegated section (``cname``) and one of tags replace each other whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from maildns.config import ConfigError, load_config
from maildns.plan import plan_one
from tests.config.samples import RSA_2048

T1 = "selector1-example-gov._domainkey.tenant.onmicrosoft.com"
T2 = "selector2-example-gov._domainkey.tenant.onmicrosoft.com"
PRESET = "provider microsoft-365 (maildns/config/providers.py)"


def folder(tmp_path: Path, defaults: str, domain: str, name: str = "example.gov.yaml") -> Path:
    (tmp_path / "_defaults.yaml").write_text(defaults)
    (tmp_path / name).write_text(domain)
    return tmp_path / name


def test_the_preset_lies_between_the_defaults_and_the_domain_file(tmp_path):
    """The preset's mx beats the defaults' mx; the domain's spf.all stays beside the preset's terms."""
    path = folder(
        tmp_path,
        "ttl: 300\nmx: [{host: mx.org.example, preference: 10}]\nmta_sts: {mode: enforce}\n",
        f"domain: example.gov\nprovider: {{name: microsoft-365, dkim_targets: [{T1}, {T2}]}}\nspf: {{all: softfail}}\n",
    )
    config = load_config(path)
    assert [(m.preference, m.host) for m in config.mx] == [(0, "example-gov.mail.protection.outlook.com")]
    assert config.spf.text == "v=spf1 include:spf.protection.outlook.com ~all"
    sources = {path: source for path, _, source in config.inherited}
    assert sources == {
        ("ttl",): str(tmp_path / "_defaults.yaml"),
        ("mx",): PRESET,
        ("dkim",): PRESET,
        ("spf", "terms"): PRESET,
        ("mta_sts", "mode"): str(tmp_path / "_defaults.yaml"),
        ("mta_sts", "patterns"): PRESET,
    }


def test_the_domain_file_overrides_what_the_preset_fills(tmp_path):
    path = folder(tmp_path, "", f"domain: example.gov\nprovider: google-workspace\ndkim: [{{selector: s1, public_key: {RSA_2048}}}]\n")
    config = load_config(path)
    assert [k.selector for k in config.dkim] == ["s1"]
    assert ("dkim",) not in {p for p, _, _ in config.inherited}


def test_a_preset_without_defaults_file_is_filled_too(tmp_path):
    path = tmp_path / "example.gov.yaml"
    path.write_text("domain: example.gov\nprovider: google-workspace\n")
    config = load_config(path)
    assert [(m.preference, m.host) for m in config.mx] == [(1, "smtp.google.com")]
    assert {source for _, _, source in config.inherited} == {"provider google-workspace (maildns/config/providers.py)"}


def test_a_delegated_dmarc_replaces_the_defaults_tags(tmp_path):
    """RFC 7489 6.1: _dmarc is one record; a domain whose vendor publishes it takes none of the shared tags."""
    path = folder(
        tmp_path, "dmarc: {p: quarantine, rua: [mailto:d@org.example]}\n", "domain: example.gov\ndmarc: {cname: x._dmarc.vendor.example}\n"
    )
    (record,) = [r for r in plan_one(load_config(path)).records if r.id == "dmarc"]
    assert (record.type, record.values) == ("CNAME", ("x._dmarc.vendor.example",))


def test_a_domain_with_tags_replaces_a_delegated_default(tmp_path):
    path = folder(
        tmp_path, "tls_rpt: {cname: x._smtp._tls.vendor.example}\n", "domain: example.gov\ntls_rpt: {rua: [mailto:t@example.gov]}\n"
    )
    (record,) = [r for r in plan_one(load_config(path)).records if r.id == "tls-rpt"]
    assert (record.type, record.values) == ("TXT", ("v=TLSRPTv1;rua=mailto:t@example.gov",))


def test_an_imported_parked_domain_validates_in_a_parked_folder(tmp_path):
    """RFC 7505 3: the null MX an import writes is the value the parked domain publishes."""
    path = folder(
        tmp_path,
        "mail: none\n",
        "domain: parked.gov\nmx: [{host: ., preference: 0}]\nspf: {all: fail}\ndmarc: {p: reject, sp: reject}\n",
        "parked.gov.yaml",
    )
    (mx,) = [r for r in plan_one(load_config(path)).records if r.id == "mx"]
    assert mx.values == ("0 .",)


@pytest.mark.parametrize(
    ("defaults", "domain", "line"),
    [
        pytest.param(
            "mail: none\n",
            "domain: bad.gov\nmx: [{host: mx.bad.gov, preference: 10}]\n",
            "bad.gov.yaml: mx: must not be set when mail is none, which _defaults.yaml sets (mail: full in the domain file overrides it): "
            'a parked domain publishes only the null MX 0 . (got ["10 mx.bad.gov"]; RFC 7505 3)',
            id="an inherited mail: none names _defaults.yaml and the way out",
        ),
        pytest.param(
            "ttl: 300\n",
            "domain: bad.gov\nmail: none\nmx: [{host: mx.bad.gov, preference: 10}]\n",
            "bad.gov.yaml: mx: must not be set when mail is none: "
            'a parked domain publishes only the null MX 0 . (got ["10 mx.bad.gov"]; RFC 7505 3)',
            id="the domain's own mail: none says nothing of the defaults",
        ),
    ],
)
def test_a_refusal_says_where_mail_none_comes_from(tmp_path, defaults, domain, line):
    path = folder(tmp_path, defaults, domain, "bad.gov.yaml")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert exc.value.lines == [f"{tmp_path}/{line}"]
