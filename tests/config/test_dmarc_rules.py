"""DMARC policy rules (RFC 7489 6.2, 6.3): refused inputs, accepted ones, and the rendered tag order."""

from __future__ import annotations

import pytest

from maildns.records.dmarc import render_dmarc
from tests.config.samples import FILE, domain

REFUSED = [
    pytest.param(
        {"p": "block"},
        "dmarc.p: must be none, quarantine or reject (got block; RFC 7489 6.3)",
        id="RFC 7489 6.3: p is none, quarantine or reject",
    ),
    pytest.param(
        {"sp": "x"},
        "dmarc.sp: must be none, quarantine or reject (got x; RFC 7489 6.3)",
        id="RFC 7489 6.3: sp is none, quarantine or reject",
    ),
    pytest.param({"pct": 101}, "dmarc.pct: must be 0-100 (got 101; RFC 7489 6.3)", id="RFC 7489 6.3: pct is at most 100"),
    pytest.param({"pct": -1}, "dmarc.pct: must be 0-100 (got -1; RFC 7489 6.3)", id="RFC 7489 6.3: pct is at least 0"),
    pytest.param(
        {"pct": "50"},
        "dmarc.pct: must be a whole number 0-100, not text: drop the quotes (got 50; RFC 7489 6.3)",
        id="RFC 7489 6.3: pct is a number, not text",
    ),
    pytest.param({"adkim": "x"}, "dmarc.adkim: must be r or s (got x; RFC 7489 6.3)", id="RFC 7489 6.3: adkim is r or s"),
    pytest.param({"aspf": "relaxed"}, "dmarc.aspf: must be r or s (got relaxed; RFC 7489 6.3)", id="RFC 7489 6.3: aspf is r or s"),
    pytest.param(
        {"fo": "2"}, "dmarc.fo: has '2'; fo options are 0, 1, d and s (got 2; RFC 7489 6.3)", id="RFC 7489 6.3: fo options are 0, 1, d, s"
    ),
    pytest.param({"fo": "1:1"}, "dmarc.fo: repeats an option (got 1:1; RFC 7489 6.3)", id="RFC 7489 6.3: fo names each option once"),
    pytest.param({"rf": "iodef"}, "dmarc.rf: must be afrf (got iodef; RFC 7489 6.3)", id="RFC 7489 6.3: rf is afrf"),
    pytest.param({"ri": -1}, "dmarc.ri: must be 0-4294967295 (got -1; RFC 7489 6.3)", id="RFC 7489 6.3: ri is unsigned"),
    pytest.param({"ri": 4294967296}, "dmarc.ri: must be 0-4294967295 (got 4294967296; RFC 7489 6.3)", id="RFC 7489 6.3: ri fits 32 bits"),
    pytest.param(
        {"rua": ["https://r.example.com"]},
        "dmarc.rua[0]: must be a mailto: URI such as mailto:dmarc@example.org (got https://r.example.com; RFC 7489 6.2)",
        id="RFC 7489 6.2: rua is mailto:",
    ),
    pytest.param(
        {"rua": ["mailto:a@example.com!10x"]},
        "dmarc.rua[0]: has a size limit that is not <digits>[k|m|g|t] (got mailto:a@example.com!10x; RFC 7489 6.2)",
        id="RFC 7489 6.2: the size suffix is digits and a unit",
    ),
    pytest.param(
        {"rua": ["mailto:a,b@example.com"]},
        "dmarc.rua[0]: has ',' in the address; percent-encode it as %2C (got mailto:a,b@example.com; RFC 7489 6.2)",
        id="RFC 7489 6.2: a comma in a URI is percent-encoded",
    ),
    pytest.param(
        {"ruf": ["mailto:a;b@example.com"]},
        "dmarc.ruf[0]: has ';' in the address; percent-encode it as %3B (got mailto:a;b@example.com; RFC 7489 6.2)",
        id="RFC 7489 6.2: a semicolon in a URI is percent-encoded",
    ),
    pytest.param(
        {"rua": ["mailto:a!b@example.com"]},
        "dmarc.rua[0]: has '!' in the address; percent-encode it as %21 (got mailto:a!b@example.com; RFC 7489 6.2)",
        id="RFC 7489 6.2: a ! in the address is percent-encoded, not read as a size",
    ),
    pytest.param(
        {"rua": ["mailto:a!b@example.com!10m"]},
        "dmarc.rua[0]: has '!' in the address; percent-encode it as %21 (got mailto:a!b@example.com!10m; RFC 7489 6.2)",
        id="RFC 7489 6.2: only the last ! after the @ starts the size",
    ),
    pytest.param(
        {"rua": ["mailto:a#b@example.com"]},
        "dmarc.rua[0]: has '#' in the address; percent-encode it as %23 (got mailto:a#b@example.com; RFC 6068 2)",
        id="RFC 6068 2: a # in the address is percent-encoded",
    ),
    pytest.param(
        {"rua": ["mailto:a?b@example.com"]},
        "dmarc.rua[0]: has '?' in the address; percent-encode it as %3F (got mailto:a?b@example.com; RFC 6068 2)",
        id="RFC 6068 2: a ? in the address is percent-encoded",
    ),
    pytest.param(
        {"rua": ["mailto:{a}@example.com"]},
        "dmarc.rua[0]: has '{' in the address; percent-encode it as %7B (got mailto:{a}@example.com; RFC 6068 2)",
        id="RFC 6068 2: a { in the address is percent-encoded",
    ),
    pytest.param(
        {"rua": ["mailto:a}@example.com"]},
        "dmarc.rua[0]: has '}' in the address; percent-encode it as %7D (got mailto:a}@example.com; RFC 6068 2)",
        id="RFC 6068 2: a } in the address is percent-encoded",
    ),
    pytest.param(
        {"ruf": ["mailto:a|b@example.com"]},
        "dmarc.ruf[0]: has '|' in the address; percent-encode it as %7C (got mailto:a|b@example.com; RFC 6068 2)",
        id="RFC 6068 2: a | in the address is percent-encoded",
    ),
    pytest.param(
        {"ruf": ["mailto:a^b@example.com"]},
        "dmarc.ruf[0]: has '^' in the address; percent-encode it as %5E (got mailto:a^b@example.com; RFC 6068 2)",
        id="RFC 6068 2: a ^ in the address is percent-encoded",
    ),
    pytest.param(
        {"ruf": ["mailto:a`b@example.com"]},
        "dmarc.ruf[0]: has '`' in the address; percent-encode it as %60 (got mailto:a`b@example.com; RFC 6068 2)",
        id="RFC 6068 2: a backtick in the address is percent-encoded",
    ),
    pytest.param(
        {"rua": ["mailto:a b@example.com"]},
        "dmarc.rua[0]: has an invalid local part 'a b' (got mailto:a b@example.com; RFC 5322 3.4.1)",
        id="RFC 5322 3.4.1: the local part is a dot-atom",
    ),
    pytest.param(
        {"ruf": ["mailto:a@example"]},
        "dmarc.ruf[0]: has a domain that must have at least 2 labels (got mailto:a@example; RFC 1035 2.3.1)",
        id="RFC 7489 6.2: the address domain is a full name",
    ),
    pytest.param(
        {"rua": ["mailto:a@example.com", "MAILTO:a@Example.com!10m"]},
        "dmarc.rua[1]: repeats a report address (got mailto:a@example.com!10m; RFC 7489 6.2)",
        id="RFC 7489 6.2: each report address once",
    ),
    pytest.param(
        {"rua": "mailto:a@example.com"},
        "dmarc.rua: must be a list (got mailto:a@example.com; see README: Configuration)",
        id="the rua list is a YAML list",
    ),
]


@pytest.mark.parametrize("dmarc, line", REFUSED)
def test_refused(refused, dmarc, line):
    assert refused(domain(dmarc=dmarc)) == [f"{FILE}: {line}"]


ACCEPTED = [
    pytest.param({}, "v=DMARC1; p=reject", id="RFC 7489 6.3: the default is p=reject"),
    pytest.param(
        {"p": "NONE", "sp": "quarantine", "pct": 0},
        "v=DMARC1; p=none; sp=quarantine; pct=0",
        id="RFC 7489 6.3: values are case-insensitive, pct 0 is allowed",
    ),
    pytest.param(
        {"pct": 100, "adkim": "s", "aspf": "r", "fo": "D:S:1", "rf": "afrf"},
        "v=DMARC1; p=reject; pct=100; adkim=s; aspf=r; fo=d:s:1; rf=afrf",
        id="RFC 7489 6.3: every tag, v and p first",
    ),
    pytest.param({"fo": 1}, "v=DMARC1; p=reject; fo=1", id="RFC 7489 6.3: fo given as a YAML number"),
    pytest.param({"fo": "0:1"}, "v=DMARC1; p=reject; fo=0:1", id="RFC 7489 6.3: fo 0 and 1 together are valid (with a warning)"),
    pytest.param({"ri": 0}, "v=DMARC1; p=reject; ri=0", id="RFC 7489 6.3: ri 0"),
    pytest.param({"ri": 4294967295}, "v=DMARC1; p=reject; ri=4294967295", id="RFC 7489 6.3: ri 2^32-1"),
    pytest.param(
        {"rua": ["mailto:a%21b%23c@example.gov!10k"]},
        "v=DMARC1; p=reject; rua=mailto:a%21b%23c@example.gov!10k",
        id="RFC 6068 2: percent-encoded ! and # with a size suffix",
    ),
    pytest.param(
        {"rua": ["mailto:d@example.gov!10M", "mailto:x%2Cy@B\u00fccher.example"]},
        "v=DMARC1; p=reject; rua=mailto:d@example.gov!10m,mailto:x%2Cy@xn--bcher-kva.example",
        id="RFC 7489 6.2: size suffix, percent-encoding, A-label domain",
    ),
]


@pytest.mark.parametrize("dmarc, text", ACCEPTED)
def test_accepted(accepted, dmarc, text):
    assert accepted(domain(dmarc=dmarc)).dmarc.text == text


def test_v_and_p_come_first_whatever_the_input_order():
    """RFC 7489 6.3: v=DMARC1 is first and p second, whatever order the tags are given in."""
    text = render_dmarc({"ruf": ("mailto:f@example.gov",), "pct": 50, "p": "quarantine", "sp": "reject"})
    assert text == "v=DMARC1; p=quarantine; sp=reject; pct=50; ruf=mailto:f@example.gov"
