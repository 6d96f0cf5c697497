"""Warnings (maildns.lint): where an RFC says SHOULD, one line in the error format, never fatal."""

from __future__ import annotations

import pytest

from maildns.config import parse_config
from maildns.lint import warnings
from tests.config.samples import FILE, RSA_1024, RSA_2048, domain
from tests.fixtures import LOGIN_GOV


def lint(*datas, files=None):
    configs = [parse_config(data, file) for data, file in zip(datas, files or [FILE] * len(datas), strict=True)]
    return {file: [str(p) for p in found] for file, found in warnings(configs).items()}


def spf_of(octets):
    """SPF terms that render a record of exactly ``octets`` octets."""
    terms = [f"ip4:192.0.2.{i}" for i in range(28)]
    base = len("v=spf1 " + " ".join(terms) + " -all")
    return [*terms, "a:" + "x" * (octets - base - len(" a:.gov")) + ".gov"]


WARNED = [
    pytest.param(
        {"spf": {"terms": spf_of(451)}},
        "spf.terms: render a record of 451 octets; above 450 the answer may not fit in 512 octets (got v=spf1 ip4:192.0.2.0 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 ...; RFC 7208 3.4)",
        id="RFC 7208 3.4: an SPF record above 450 octets is warned",
    ),
    pytest.param(
        {"spf": {"all": "softfail", "exp": "why.example.gov"}},
        "spf.exp: is never shown: no term and no all gives a fail result (got why.example.gov; RFC 7208 6.2)",
        id="RFC 7208 6.2: exp without any fail result is warned",
    ),
    pytest.param(
        {"dkim": [{"selector": "s1", "public_key": RSA_1024}]},
        f"dkim[0].public_key: is a 1024-bit RSA key; signers SHOULD use at least 2048 bits (got {RSA_1024[:77]}...; RFC 8301 3.2)",
        id="RFC 8301 3.2: an RSA key under 2048 bits is warned",
    ),
    pytest.param(
        {"dmarc": {"rua": ["mailto:a@example.gov", "mailto:b@example.gov", "mailto:c@example.gov"]}},
        'dmarc.rua: lists 3 URIs; receivers need send to only the first 2 (got ["mailto:a@example.gov", "mailto:b@example.gov", "mailto:c@example.gov"]; RFC 7489 6.2)',
        id="RFC 7489 6.2: more than two rua URIs are warned",
    ),
    pytest.param(
        {"dmarc": {"ruf": ["mailto:a@example.gov", "mailto:b@example.gov", "mailto:c@example.gov"]}},
        'dmarc.ruf: lists 3 URIs; receivers need send to only the first 2 (got ["mailto:a@example.gov", "mailto:b@example.gov", "mailto:c@example.gov"]; RFC 7489 6.2)',
        id="RFC 7489 6.2: more than two ruf URIs are warned",
    ),
    pytest.param(
        {"dmarc": {"rua": ["mailto:dmarc@vendor.example.com"]}},
        'dmarc.rua[0]: sends reports outside example.gov: vendor.example.com must publish TXT "v=DMARC1" at example.gov._report._dmarc.vendor.example.com (got mailto:dmarc@vendor.example.com; RFC 7489 7.1)',
        id="RFC 7489 7.1: an external rua destination must authorise the domain",
    ),
    pytest.param(
        {"dmarc": {"ruf": ["mailto:f@sister.gov"], "fo": "1"}},
        'dmarc.ruf[0]: sends reports outside example.gov: sister.gov must publish TXT "v=DMARC1" at example.gov._report._dmarc.sister.gov (got mailto:f@sister.gov; RFC 7489 7.1)',
        id="RFC 7489 7.1: an external ruf destination must authorise the domain",
    ),
    pytest.param(
        {"dmarc": {"fo": "d:s"}},
        "dmarc.fo: has no effect without ruf: failure reports need a destination (got d:s; RFC 7489 6.3)",
        id="RFC 7489 6.3: fo without ruf is warned",
    ),
    pytest.param(
        {"dmarc": {"fo": "1:0", "ruf": ["mailto:f@example.gov"]}},
        "dmarc.fo: has both 0 and 1; 0 is redundant with 1, which already reports every failure 0 reports (got 1:0; RFC 7489 6.3)",
        id="RFC 7489 6.3: fo 0 with 1 is warned",
    ),
]


@pytest.mark.parametrize("fields, line", WARNED)
def test_warned(fields, line):
    assert lint(domain(**fields)) == {FILE: [f"{FILE}: {line}"]}


QUIET = [
    pytest.param({}, id="the default config has no warning"),
    pytest.param({"spf": {"terms": spf_of(450)}}, id="RFC 7208 3.4: 450 octets are fine"),
    pytest.param(
        {"spf": {"terms": ["-ip4:192.0.2.1"], "all": "softfail", "exp": "why.example.gov"}},
        id="RFC 7208 6.2: exp with a failing term is shown",
    ),
    pytest.param({"dkim": [{"selector": "s1", "public_key": RSA_2048}]}, id="RFC 8301 3.2: a 2048-bit key is fine"),
    pytest.param({"dmarc": {"rua": ["mailto:a@example.gov", "mailto:b@example.gov"]}}, id="RFC 7489 6.2: two URIs are fine"),
    pytest.param(
        {"dmarc": {"rua": ["mailto:reports@dmarc.cyber.dhs.gov"]}}, id="RFC 7489 7.1: dmarc.cyber.dhs.gov authorises every domain"
    ),
    pytest.param(
        {"dmarc": {"rua": ["mailto:d@reports.example.gov", "mailto:d@example.gov"]}},
        id="RFC 7489 7.1: the domain itself and a name below it are internal",
    ),
    pytest.param(
        {"domain": "mail.example.gov", "dmarc": {"rua": ["mailto:d@example.gov"]}}, id="RFC 7489 7.1: a name above the domain is internal"
    ),
    pytest.param({"dmarc": {"fo": "1", "ruf": ["mailto:f@example.gov"]}}, id="RFC 7489 6.3: fo with ruf is fine"),
]


@pytest.mark.parametrize("fields", QUIET)
def test_quiet(fields):
    assert lint(domain(**fields)) == {FILE: []}


def test_a_managed_destination_needs_no_warning():
    """RFC 7489 7.1: when maildns also manages the destination it publishes the authorisation itself."""
    found = lint(domain(dmarc={"rua": ["mailto:d@agency.gov"]}), {"domain": "agency.gov"}, files=["a.yaml", "b.yaml"])
    assert found == {"a.yaml": [], "b.yaml": []}


def test_an_authorisation_name_over_253_octets_is_warned():
    """RFC 1035 2.3.4 and RFC 7489 7.1: a destination cannot publish a name longer than 253 octets."""
    long = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 44, "gov"])
    found = lint(domain(domain=long, dmarc={"rua": ["mailto:d@agency.gov"]}), {"domain": "agency.gov"}, files=["a.yaml", "b.yaml"])
    name = f"{long}._report._dmarc.agency.gov"
    assert found == {
        "a.yaml": [
            f"a.yaml: dmarc.rua[0]: sends reports outside {long}, but the authorisation name {name} would be {len(name)} octets (at most 253), so agency.gov cannot accept them (got mailto:d@agency.gov; RFC 7489 7.1)"
        ],
        "b.yaml": [],
    }


def test_the_example_config_has_no_warning():
    from maildns.config import load_config

    config = load_config(LOGIN_GOV)
    assert warnings([config]) == {str(LOGIN_GOV): []}
