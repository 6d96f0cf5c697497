"""Config errors and warnings of bimi, ses.mail_from and dnssec: one line each, located, with the rule cited."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from maildns.config import ConfigError, load_configs, parse_config
from maildns.config.features import cross_domain_problems
from maildns.lint import warnings
from tests.config.samples import FILE, domain

LOGO = "https://example.gov/logo.svg"
VMC = "https://example.gov/vmc.pem"


def lines(**fields: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(domain(**fields), FILE)
    return [line.removeprefix(f"{FILE}: ") for line in caught.value.lines]


REFUSED = [
    pytest.param(
        {"bimi": {"logo": LOGO}, "dmarc": {"p": "none"}},
        ["dmarc.p: must be quarantine or reject to publish BIMI: receivers show no logo for p=none (got none; BIMI draft-10 7.1)"],
        id="BIMI draft-10 7.1: no BIMI with DMARC p=none",
    ),
    pytest.param(
        {"bimi": {"logo": LOGO}, "dmarc": {"p": "reject", "sp": "none"}},
        ["dmarc.sp: must not be none to publish BIMI: receivers show no logo for sp=none (got none; BIMI draft-10 7.1)"],
        id="BIMI draft-10 7.1: no BIMI with DMARC sp=none",
    ),
    pytest.param(
        {"bimi": {"logo": LOGO}, "dmarc": {"p": "quarantine", "pct": 99}},
        ["dmarc.pct: must be 100 (or unset) to publish BIMI: receivers show no logo below pct=100 (got 99; BIMI draft-10 7.1)"],
        id="BIMI draft-10 7.1: no BIMI below pct=100",
    ),
    pytest.param(
        {"bimi": {"logo": LOGO}, "dmarc": {"p": "none", "sp": "none", "pct": 99}},
        [
            "dmarc.p: must be quarantine or reject to publish BIMI: receivers show no logo for p=none (got none; BIMI draft-10 7.1)",
            "dmarc.sp: must not be none to publish BIMI: receivers show no logo for sp=none (got none; BIMI draft-10 7.1)",
            "dmarc.pct: must be 100 (or unset) to publish BIMI: receivers show no logo below pct=100 (got 99; BIMI draft-10 7.1)",
        ],
        id="BIMI draft-10 7.1: every weak DMARC tag is its own line",
    ),
    pytest.param(
        {"bimi": {"logo": "http://example.gov/logo.svg"}},
        [
            "bimi.logo: must be an https: URI: receivers fetch BIMI files over HTTPS only (got http://example.gov/logo.svg; BIMI draft-10 4.3)"
        ],
        id="BIMI draft-10 4.3: the logo is fetched over https",
    ),
    pytest.param(
        {"bimi": {"logo": LOGO, "authority": "http://example.gov/vmc.pem"}},
        [
            "bimi.authority: must be an https: URI: receivers fetch BIMI files over HTTPS only (got http://example.gov/vmc.pem; BIMI draft-10 4.3)"
        ],
        id="BIMI draft-10 4.3: the authority is fetched over https",
    ),
    pytest.param(
        {"bimi": {"logo": "https://example.gov/logo.png"}},
        ["bimi.logo: must end in .svg: receivers display only an SVG logo (got https://example.gov/logo.png; BIMI draft-10 4.3.2)"],
        id="BIMI draft-10 4.3.2: the logo is an SVG file",
    ),
    pytest.param(
        {"bimi": {"logo": "https://example.gov/a,b.svg"}},
        ["bimi.logo: has ','; percent-encode it as %2C (got https://example.gov/a,b.svg; BIMI draft-10 4.3)"],
        id="BIMI draft-10 4.3: a comma in a URI is percent-encoded",
    ),
    pytest.param(
        {"bimi": {"logo": "https://example.gov/a;b.svg"}},
        ["bimi.logo: has ';'; percent-encode it as %3B (got https://example.gov/a;b.svg; BIMI draft-10 4.3)"],
        id="BIMI draft-10 4.3: a semicolon would end the tag",
    ),
    pytest.param(
        {"bimi": {"logo": "https://192.0.2.1/logo.svg"}},
        [
            "bimi.logo: must name its host by a fully qualified domain name, not an IP address (got https://192.0.2.1/logo.svg; BIMI draft-10 4.3)"
        ],
        id="BIMI draft-10 4.3: the URI names a fully qualified domain name",
    ),
    pytest.param(
        {"bimi": {"logo": LOGO, "selector": "brand_1"}},
        ["bimi.selector: must be dot-separated letters, digits and hyphens, no underscore (got brand_1; BIMI draft-10 4.4)"],
        id="BIMI draft-10 4.4: a selector is LDH labels",
    ),
    pytest.param(
        {"bimi": {"authority": VMC}},
        ["bimi.logo: is required (got nothing; BIMI draft-10 4.3)"],
        id="BIMI draft-10 4.3: l= is required",
    ),
    pytest.param(
        {"ses": {"regions": ["us-west-2"], "mail_from": "bounce.mail"}},
        [
            "ses.mail_from: must be one label such as bounce; maildns adds -<region> and the domain (got bounce.mail; AWS SES custom MAIL FROM)"
        ],
        id="SES: mail_from is one label",
    ),
    pytest.param(
        {"ses": {"regions": ["us-west-2"], "identity": "existing", "mail_from": "bounce"}},
        [
            "ses.mail_from: must not be set with ses.identity: existing: MAIL FROM is a setting of the identity, so its owner sets it"
            " (got bounce; AWS SES custom MAIL FROM)"
        ],
        id="SES: no MAIL FROM for an identity another owner keeps",
    ),
    pytest.param(
        {"ses": {"regions": ["us-west-2"], "mail_from": "bounce_1"}},
        [
            "ses.mail_from: must be letters, digits and hyphens, no underscore: it is a host name mail is sent from (got bounce_1; RFC 1123 2.1)"
        ],
        id="RFC 1123 2.1: the MAIL FROM label is a host name label",
    ),
    pytest.param(
        {"ses": {"regions": ["us-west-2"], "mail_from": "b" * 54}},
        [f"ses.mail_from: makes the label {'b' * 54}-us-west-2 64 octets long; a label is at most 63 (got {'b' * 54}; RFC 1035 2.3.4)"],
        id="RFC 1035 2.3.4: the label with its region fits 63 octets",
    ),
    pytest.param(
        {"ses": {"regions": ["us-west-2"], "mail_from": "bounce"}, "mx": [{"host": "bounce-us-west-2.example.gov", "preference": 10}]},
        [
            "ses.mail_from: makes bounce-us-west-2.example.gov, which is also an MX host of the domain; a MAIL FROM domain receives no mail (got bounce; AWS SES custom MAIL FROM)"
        ],
        id="SES: the MAIL FROM domain is not an MX host of the domain",
    ),
    pytest.param(
        {"dnssec": {"signing": True}, "domain": "mail.example.gov", "zone": "example.gov"},
        [
            "dnssec.signing: must be false while the zone is example.gov: signing would sign every name in example.gov, not only mail.example.gov (got true; Route53 DNSSEC signs a whole hosted zone)"
        ],
        id="Route53: only a zone that is the domain itself is signed",
    ),
    pytest.param(
        {"dnssec": {"signing": True}, "zone_id": "Z0123456789ABCDEFGHIJ"},
        [
            "dnssec.signing: must be false with zone_id: maildns signs only a zone it finds by the domain's name, so the zone is the domain itself (got true; Route53 DNSSEC signs a whole hosted zone)"
        ],
        id="Route53: a zone given by id is not signed",
    ),
    pytest.param(
        {"dnssec": {"publish_ds": True}},
        ["dnssec.publish_ds: must not be set without dnssec.signing: true (got true; see README: Configuration)"],
        id="a DS record needs signing",
    ),
    pytest.param(
        {"dnssec": {"alarm_topic_arn": "arn:aws:sns:us-east-1:123456789012:dns"}},
        [
            "dnssec.alarm_topic_arn: must not be set without dnssec.signing: true (got arn:aws:sns:us-east-1:123456789012:dns; see README: Configuration)"
        ],
        id="alarms need signing",
    ),
    pytest.param(
        {"dnssec": {"signing": True, "alarm_topic_arn": "arn:aws:sqs:us-east-1:123456789012:dns"}},
        [
            "dnssec.alarm_topic_arn: must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:dns-alarms (got arn:aws:sqs:us-east-1:123456789012:dns; Amazon SNS ARNs)"
        ],
        id="the alarm topic is an SNS topic",
    ),
    pytest.param(
        {"dnssec": {"signing": "yes"}},
        ["dnssec.signing: must be true or false (got yes; see README: Configuration)"],
        id="signing is a boolean",
    ),
]


@pytest.mark.parametrize(("fields", "expected"), REFUSED)
def test_refused_with_one_line_per_problem(fields, expected):
    assert lines(**fields) == expected


ACCEPTED = [
    pytest.param({"bimi": {"logo": LOGO, "authority": VMC}}, id="BIMI with the default DMARC p=reject"),
    pytest.param(
        {"bimi": {"logo": LOGO}, "dmarc": {"p": "quarantine", "pct": 100, "sp": "reject"}}, id="BIMI with quarantine at 100 percent"
    ),
    pytest.param(
        {"bimi": {"logo": "https://EXAMPLE.gov/Logo.SVG", "selector": "brand.2026"}}, id="BIMI: a dotted selector and an upper-case suffix"
    ),
    pytest.param({"ses": {"regions": ["us-west-2", "eu-west-1"], "mail_from": "bounce"}}, id="MAIL FROM in two regions"),
    pytest.param({"dnssec": {"signing": True, "publish_ds": True}, "zone": "example.gov"}, id="DNSSEC where the zone is the domain"),
    pytest.param({"dnssec": {"signing": False}, "domain": "mail.example.gov", "zone": "example.gov"}, id="DNSSEC off in a parent zone"),
]


@pytest.mark.parametrize("fields", ACCEPTED)
def test_accepted(fields):
    parse_config(domain(**fields), FILE)


def test_bimi_urls_are_normalised():
    """The host is lower-cased (RFC 3986 3.2.2); the path is kept as given."""
    config = parse_config(domain(bimi={"logo": "https://EXAMPLE.gov/Logo.SVG", "authority": "https://Certs.Example.gov/v.pem"}), FILE)
    assert config.bimi is not None
    assert (config.bimi.logo, config.bimi.authority) == ("https://example.gov/Logo.SVG", "https://certs.example.gov/v.pem")


def test_a_mail_from_name_that_is_another_domain_of_the_run_is_refused(tmp_path):
    """Two stacks would each create the MX and TXT record sets at one name (RFC 2181 5: one RRset per name and type)."""
    (tmp_path / "example.gov.yaml").write_text("domain: example.gov\nses: {regions: [us-west-2], mail_from: bounce}\n")
    (tmp_path / "bounce.yaml").write_text("domain: bounce-us-west-2.example.gov\n")
    with pytest.raises(ConfigError) as caught:
        load_configs([tmp_path])
    assert caught.value.lines == [
        f"{tmp_path / 'example.gov.yaml'}: ses.mail_from: makes bounce-us-west-2.example.gov, the domain configured in"
        f" {tmp_path / 'bounce.yaml'}; both would publish MX and TXT there (got bounce; one record set per name and type (RFC 2181 5))"
    ]


def test_mail_from_names_of_other_regions_do_not_collide():
    a = parse_config(domain(ses={"regions": ["us-west-2"], "mail_from": "bounce"}), FILE)
    b = parse_config({"domain": "bounce-us-east-1.example.gov"}, "config/b.yaml")
    assert cross_domain_problems([a, b]) == []


def test_apex_spf_including_amazonses_is_warned_with_mail_from():
    """RFC 7208 2.4: SPF checks the MAIL FROM domain, which is no longer the apex for SES mail."""
    config = parse_config(
        domain(spf={"terms": ["include:_spf.google.com", "include:amazonses.com"]}, ses={"regions": ["us-west-2"], "mail_from": "bounce"}),
        FILE,
    )
    assert [str(p) for p in warnings([config])[FILE]] == [
        f"{FILE}: spf.terms[1]: no longer serves SES mail: with ses.mail_from SES sends from its own MAIL FROM domains; remove it"
        " (got include:amazonses.com; RFC 7208 2.4)"
    ]


def test_apex_spf_including_amazonses_is_not_warned_without_mail_from():
    config = parse_config(domain(spf={"terms": ["include:amazonses.com"]}, ses={"regions": ["us-west-2"]}), FILE)
    assert warnings([config])[FILE] == []


def test_the_readme_lists_these_messages():
    """docs/configuration.md "Validation rules" shows each refusal above exactly (the long-label one shortened)."""
    readme = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    section = readme.split("### BIMI, SES custom MAIL FROM and DNSSEC", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"\| `([^`]+)`(?: \(for `domain: [^`]+`\))? \|$", section, re.MULTILINE))
    expected = {line for param in REFUSED for line in param.values[1]}
    shortened = {line for line in expected if "b" * 54 in line}
    assert expected - shortened <= documented, sorted(expected - shortened - documented)
