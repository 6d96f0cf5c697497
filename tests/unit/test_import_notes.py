"""``maildns import`` notes only decisions: a record written in other words that say the same gets
one ``# spelling:`` line beside its field and no warning; every note is beside its field; a domain
is written as ``mail: none`` or with ``provider:`` only when that renders exactly what it publishes."""

from __future__ import annotations

import pytest
import yaml

from maildns.config import parse_config
from maildns.importer import import_live
from maildns.importer.live import Live, Probed, RecordSet, Wildcard
from maildns.plan import plan_one
from maildns.records import mta_sts as sts
from tests.config.samples import RSA_2048

DOMAIN = "example.gov"
FILE = "out/example.gov.yaml"
DMARC = f"_dmarc.{DOMAIN}"


def live(*sets: tuple[str, str, tuple[str, ...]], ttl: int = 3600) -> Live:
    found = Live(DOMAIN, selectors=("google", "selector1", "selector2"))
    for name, type_, values in sets:
        found.sets[(name, type_)] = RecordSet(name, type_, tuple(sorted(values)), ttl)
    return found


def spelling_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("# spelling:")]


@pytest.mark.parametrize(
    ("published", "kinds"),
    [
        ("v=DMARC1; p=reject; rua=mailto:d@example.gov;", "trailing ;"),
        ("v=DMARC1; p=reject; rua=mailto:d@example.gov; sp=none", "tag order"),
        ("v=DMARC1; p=Reject", "case"),
        ("v=DMARC1;p=reject", "white space"),
        ("V=DMARC1; p=reject; adkim=S ;", "trailing ;, case, white space"),
    ],
    ids=[
        "RFC 7489 6.4: a trailing semicolon is allowed",
        "RFC 7489 6.3: tags after p in any order",
        "RFC 7489 6.4: policy values without case",
        "RFC 7489 6.4: white space around tags",
        "all at once, one line",
    ],
)
def test_a_dmarc_record_spelt_otherwise_gets_one_spelling_line_and_no_warning(published, kinds):
    written = import_live(live((DOMAIN, "TXT", ("v=spf1 -all",)), (DMARC, "TXT", (published,))), FILE)
    assert (written.notes, written.errors) == ((), ())
    assert spelling_lines(written.text) == [
        f"# spelling: dmarc: {DMARC} TXT is written in maildns's spelling ({kinds}); receivers read the same"
    ]
    # One line: the values are not repeated, and the line sits just above the field.
    assert written.text.index(spelling_lines(written.text)[0]) < written.text.index("\ndmarc:")


def test_a_dmarc_record_that_says_something_else_is_a_decision_note():
    """RFC 7489 6.3: p must follow v; a record without it is read by lenient receivers only."""
    written = import_live(live((DOMAIN, "TXT", ("v=spf1 -all",)), (DMARC, "TXT", ("v=DMARC1; rua=mailto:d@example.gov; p=none",))), FILE)
    assert [str(n) for n in written.notes] == [
        f"{FILE}: dmarc: must start with v=DMARC1; p=...; the config puts them first (got v=DMARC1; rua=mailto:d@example.gov; p=none; RFC 7489 6.3)",
        f"{FILE}: dmarc: {DMARC} TXT is published differently; the first deploy writes ['v=DMARC1; p=none; rua=mailto:d@example.gov']"
        ' (got ["v=DMARC1; rua=mailto:d@example.gov; p=none"]; the config\'s rendering)',
    ]
    assert spelling_lines(written.text) == []


def sts_live(policy: bytes) -> Live:
    found = live(
        (DOMAIN, "MX", ("10 mx1.example.gov", "20 mx2.example.gov")),
        (DOMAIN, "TXT", ("v=spf1 mx -all",)),
        (DMARC, "TXT", ("v=DMARC1; p=reject",)),
        (sts.txt_name(DOMAIN), "TXT", ("v=STSv1; id=20240101",)),
    )
    found.policy = policy
    return found


@pytest.mark.parametrize(
    ("policy", "kinds"),
    [
        (b"version: STSv1\nmode: enforce\nmx: mx1.example.gov\nmx: mx2.example.gov\nmax_age: 86400\n", "LF line ends"),
        (b"version: STSv1\r\nmode: enforce\r\nmx: mx2.example.gov\r\nmx: mx1.example.gov\r\nmax_age: 86400\r\n", "unsorted mx: lines"),
        (b"version: STSv1\nmode: enforce\nmx: mx2.example.gov\nmx: mx1.example.gov\nmax_age: 86400\n", "LF line ends, unsorted mx: lines"),
    ],
    ids=["RFC 8461 3.2: lines end in CRLF", "RFC 8461 3.2: mx lines in any order", "both"],
)
def test_a_policy_spelt_otherwise_gets_its_spelling_line(policy, kinds):
    written = import_live(sts_live(policy), FILE)
    assert (written.notes, written.errors) == ((), ())
    url = sts.policy_url(DOMAIN)
    # The _mta-sts id follows the policy's bytes: its change is said on the policy's line, not apart.
    assert spelling_lines(written.text) == [
        f"# spelling: mta_sts: the policy at {url} is written in maildns's spelling ({kinds}), which gives it a new id"
        f" in _mta-sts.{DOMAIN}; senders read the same policy"
    ]


def lockdown(*extra: tuple[str, str, tuple[str, ...]], dmarc: str = "v=DMARC1; p=reject; sp=reject") -> Live:
    return live(
        (DOMAIN, "MX", ("0 .",)),
        (DOMAIN, "TXT", ("v=spf1 -all",)),
        (DMARC, "TXT", (dmarc,)),
        (f"*._domainkey.{DOMAIN}", "TXT", ("v=DKIM1; p=",)),
        *extra,
    )


def test_the_lockdown_set_is_written_as_mail_none_with_its_wildcard_adopted():
    """RFC 7505 3, RFC 7208 5.1, RFC 7489 6.3, RFC 6376 3.6.1: records/parked.py's set, value for value."""
    published = lockdown()
    written = import_live(published, FILE)
    assert (written.notes, written.errors) == ((), ())
    data = yaml.safe_load(written.text)
    assert data == {"domain": DOMAIN, "mail": "none", "ttl": 3600, "adopt": ["mx", "spf", "dmarc", "dkim:*"]}
    records = {(r.name, r.type): r.values for r in plan_one(parse_config(data, FILE)).all_records}
    assert records == {key: s.values for key, s in published.sets.items()}


@pytest.mark.parametrize(
    "extra",
    [
        ((f"_smtp._tls.{DOMAIN}", "TXT", ("v=TLSRPTv1;rua=mailto:t@example.gov",)),),
        ((f"s1._domainkey.{DOMAIN}", "TXT", (f"v=DKIM1; k=rsa; p={RSA_2048}",)),),
        ((f"selector1._domainkey.{DOMAIN}", "CNAME", ("selector1-example-gov._domainkey.tenant.onmicrosoft.com",)),),
    ],
    ids=["a TLS-RPT record: it receives mail", "a key of its own", "a delegated selector"],
)
def test_the_lockdown_set_and_more_is_not_parked(extra):
    assert "mail" not in yaml.safe_load(import_live(lockdown(*extra), FILE).text)


def test_a_wildcard_at_the_policy_host_is_noted_beside_mta_sts():
    """RFC 4592 2.2.1: the A alias the stack creates at mta-sts takes the name out of the wildcard."""
    found = sts_live(b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.gov\r\nmx: mx2.example.gov\r\nmax_age: 86400\r\n")
    host = sts.policy_host(DOMAIN)
    found.wildcards[(host, "A")] = Wildcard(f"*.{DOMAIN}", Probed(("192.0.2.80",), 300))
    written = import_live(found, FILE)
    assert [str(n) for n in written.notes] == [
        f"{FILE}: mta_sts: {host} A answers only through the wildcard *.{DOMAIN}: the first deploy creates the policy site's A alias"
        f' there, which takes {host} out of the wildcard (got ["192.0.2.80"]; RFC 4592 2.2.1)'
    ]
    assert "mta_sts_a" not in yaml.safe_load(written.text)["adopt"]


def test_a_domain_beyond_its_preset_keeps_what_the_preset_does_not_fill():
    """Google's MX, and a second SPF include: the preset fills MX and the key, the file keeps its SPF terms."""
    found = live(
        (DOMAIN, "MX", ("1 smtp.google.com",)),
        (DOMAIN, "TXT", ("v=spf1 include:_spf.google.com include:amazonses.com ~all",)),
        (f"google._domainkey.{DOMAIN}", "TXT", (f"v=DKIM1; k=rsa; p={RSA_2048}",)),
        (DMARC, "TXT", ("v=DMARC1; p=reject",)),
    )
    data = yaml.safe_load(import_live(found, FILE).text)
    assert data["provider"] == {"name": "google-workspace", "dkim_key": RSA_2048}
    assert data["spf"] == {"terms": ["include:_spf.google.com", "include:amazonses.com"], "all": "softfail"}
    assert "mx" not in data and "dkim" not in data


def test_microsoft_mx_with_another_preference_overrides_the_presets():
    """The preset publishes preference 0; a domain that publishes 10 keeps its own mx over the preset."""
    found = live(
        (DOMAIN, "MX", ("10 example-gov.mail.protection.outlook.com",)),
        (DOMAIN, "TXT", ("v=spf1 include:spf.protection.outlook.com -all",)),
        (DMARC, "TXT", ("v=DMARC1; p=reject",)),
    )
    data = yaml.safe_load(import_live(found, FILE).text)
    assert data["provider"] == "microsoft-365" and data["spf"] == {"all": "fail"}  # the include comes from the preset
    assert data["mx"] == [{"host": "example-gov.mail.protection.outlook.com", "preference": 10}]


def test_an_mta_sts_record_delegated_by_cname_is_noted_not_dropped():
    """maildns publishes _mta-sts as the TXT of its own policy (RFC 8461 3.1); a CNAME there is left alone, and said so."""
    found = live(
        (DOMAIN, "TXT", ("v=spf1 -all",)),
        (DMARC, "TXT", ("v=DMARC1; p=reject",)),
        (sts.txt_name(DOMAIN), "CNAME", ("example-gov._mta-sts.vendor.example",)),
    )
    written = import_live(found, FILE)
    assert [str(n) for n in written.notes] == [
        f"{FILE}: mta_sts: _mta-sts.{DOMAIN} is an alias of example-gov._mta-sts.vendor.example, which maildns does not publish;"
        " left as it is, not managed (got example-gov._mta-sts.vendor.example; RFC 8461 3.1)"
    ]
    assert "mta_sts" not in yaml.safe_load(written.text)["adopt"]
