"""A message about a value YAML changed quotes what was written, says what YAML made of it, and how to quote it.

YAML 1.1 ("Language-Independent Types") reads 1:20 as a base-60 number (80), 0755 as octal (493),
yes/no/on/off as true/false and ~ as null, before maildns sees the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from maildns.config import ConfigError, load_config, load_configs


def lines(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "example.gov.yaml"
    path.write_text("domain: example.gov\n" + text)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    return [line.removeprefix(f"{path}: ") for line in exc.value.lines]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            "dkim:\n  - {selector: 1:20, revoked: true}\n",
            "dkim[0].selector: must be text, and YAML reads 1:20 as the number 80 (base 60): quote it ('1:20') (got 1:20; RFC 1035 2.3.1)",
            id="sexagesimal 1:20 where text belongs",
        ),
        pytest.param(
            "dkim:\n  - {selector: 0755, revoked: true}\n",
            "dkim[0].selector: must be text, and YAML reads 0755 as the number 493 (octal): quote it ('0755') (got 0755; RFC 1035 2.3.1)",
            id="octal 0755 where text belongs",
        ),
        pytest.param(
            "dkim:\n  - {selector: 20230601, revoked: true}\n",
            "dkim[0].selector: must be text, and YAML reads 20230601 as a number: quote it ('20230601') (got 20230601; RFC 1035 2.3.1)",
            id="a number YAML kept as written",
        ),
        pytest.param(
            "zone: yes\n",
            "zone: must be text, and YAML reads yes as the true/false value true: quote it ('yes') (got yes; RFC 1035 2.3.1)",
            id="yes where text belongs",
        ),
        pytest.param(
            "dmarc: {p: off}\n",
            "dmarc.p: must be none, quarantine or reject; YAML reads off as the true/false value false: quote it ('off') (got off; RFC 7489 6.3)",
            id="off in a closed set",
        ),
        pytest.param(
            "mta_sts: {mode: on}\n",
            "mta_sts.mode: must be enforce, testing or none; YAML reads on as the true/false value true: quote it ('on') (got on; RFC 8461 3.2)",
            id="on in a closed set",
        ),
        pytest.param(
            "adopt: [no]\n",
            "adopt[0]: must be text, and YAML reads no as the true/false value false: quote it ('no') (got no; see README: Adopting a live domain)",
            id="no in a list",
        ),
        pytest.param(
            "dmarc: {rua: [1.5e+3]}\n",
            "dmarc.rua[0]: must be text, and YAML reads 1.5e+3 as the number 1500.0: quote it ('1.5e+3') (got 1.5e+3; RFC 7489 6.2)",
            id="a float in exponent form",
        ),
        pytest.param(
            "dmarc: {pct: 101}\n",
            "dmarc.pct: must be 0-100 (got 101; RFC 7489 6.3)",
            id="a number YAML kept as written: nothing to add",
        ),
        pytest.param(
            "dmarc: {pct: 0150}\n",
            "dmarc.pct: must be 0-100; YAML reads 0150 as the number 104 (octal) (got 0150; RFC 7489 6.3)",
            id="octal in a number field: no advice to quote",
        ),
        pytest.param(
            "ttl: ~\n",
            "ttl: must be a whole number 0-2147483647; YAML reads ~ as null, no value (got ~; RFC 2181 8)",
            id="null in a number field",
        ),
        pytest.param(
            "bimi: {logo: ~}\ndmarc: {p: reject}\n",
            "bimi.logo: must be an https: URI such as https://example.gov/logo.svg; YAML reads ~ as null, no value: quote it ('~') (got ~; BIMI draft-10 4.3)",
            id="null where text belongs",
        ),
        pytest.param(
            "dmarc:\n  <<: {pct: 0150}\n",
            "dmarc.pct: must be 0-100; YAML reads 0150 as the number 104 (octal) (got 0150; RFC 7489 6.3)",
            id="a value from a merge key",
        ),
    ],
)
def test_messages_quote_what_was_written(tmp_path, text, line):
    assert lines(tmp_path, text) == [line]


def test_a_quoted_value_is_shown_as_it_is(tmp_path):
    """Quotes keep text: the message is the ordinary one, with no word about YAML."""
    assert lines(tmp_path, "dmarc: {p: 'off'}\n") == ["dmarc.p: must be none, quarantine or reject (got off; RFC 7489 6.3)"]


def test_a_value_written_over_a_merge_is_the_one_quoted(tmp_path):
    """Keys written beside a merge key override the merged ones (YAML 1.1 merge key type)."""
    assert lines(tmp_path, "dmarc:\n  <<: {pct: 1:40}\n  pct: 0150\n") == [
        "dmarc.pct: must be 0-100; YAML reads 0150 as the number 104 (octal) (got 0150; RFC 7489 6.3)"
    ]


def test_a_value_from_the_shared_defaults_is_quoted_in_that_file(tmp_path):
    (tmp_path / "_defaults.yaml").write_text("dmarc: {sp: no}\n")
    (tmp_path / "example.gov.yaml").write_text("domain: example.gov\n")
    with pytest.raises(ConfigError) as exc:
        load_configs([tmp_path])
    assert exc.value.lines == [
        f"{tmp_path / '_defaults.yaml'}: dmarc.sp: must be none, quarantine or reject; YAML reads no as the true/false value false: quote it ('no') (got no; RFC 7489 6.3)"
    ]
