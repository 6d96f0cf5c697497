"""``adopt: ['dkim:*']``: the wildcard a parked domain revokes every key with (RFC 6376 3.6.1 at
``*._domainkey``, records/parked.py) is adopted as ``dkim:*``; a domain that publishes no such
wildcard is told so, without contradicting itself."""

from __future__ import annotations

import pytest

from maildns.config import resolve
from maildns.plan import plan_one
from tests.config.samples import FILE, domain

RULE = "see README: Adopting a live domain"


@pytest.mark.parametrize("name", ["dkim:*", " DKIM:* "], ids=["as import writes it", "case and white space folded"])
def test_a_parked_domain_adopts_its_wildcard(accepted, name):
    config = accepted(domain(mail="none", adopt=["mx", "spf", "dmarc", name]))
    assert resolve(config).adopt == ("mx", "spf", "dmarc", "dkim-wildcard")
    (wildcard,) = [r for r in plan_one(config).all_records if r.id == "dkim-wildcard"]
    assert (wildcard.name, wildcard.values) == ("*._domainkey.example.gov", ("v=DKIM1; p=",))


def test_a_domain_with_mail_publishes_no_wildcard_to_adopt(refused):
    assert refused(domain(adopt=["dkim:*"])) == [
        f"{FILE}: adopt[0]: names a record set this config does not publish; remove it or add its section (got dkim:*; {RULE})"
    ]


STAR = (
    "names a DKIM selector with *: a selector is letters, digits and hyphens, and dkim:* alone names the wildcard"
    " *._domainkey of a parked domain (got {name}; RFC 6376 3.1)"
)


@pytest.mark.parametrize(
    "name",
    ["dkim:*.mail", "dkim:a*"],
    ids=["RFC 6376 3.1: a selector below the wildcard is no selector", "RFC 6376 3.1: * is no selector character"],
)
def test_other_stars_are_refused_with_one_true_reason(refused, name):
    assert refused(domain(mail="none", adopt=[name])) == [f"{FILE}: adopt[0]: {STAR.format(name=name)}"]
