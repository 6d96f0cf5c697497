"""Every record set maildns publishes has one ``adopt`` name, and the name leads back to the set:
``maildns records --format json`` shows it, ``adopt`` takes it, the stack imports that set."""

from __future__ import annotations

import pytest

from maildns.config.adopt import adopt_name, adopted_record_id
from maildns.plan import plan
from tests.terraform.matrix import features, options

# Upserted on the first apply (allow_overwrite): their value is a function of their name.
UPSERTED = ("ses-dkim-", "mta-sts-certificate-validation")
PLANS = plan(options()) + plan(features())


@pytest.mark.parametrize("domain_plan", PLANS, ids=[p.domain for p in PLANS])
def test_each_record_set_has_an_adopt_name_that_leads_back_to_it(domain_plan):
    for record in domain_plan.all_records:
        name = domain_plan.adopt_name(record)
        if record.id.startswith(UPSERTED):
            assert name is None, record.id
            continue
        assert name is not None, record.id
        assert adopt_name(name) == name, name
        assert adopted_record_id(name) == record.id


def test_the_sets_the_review_found_unadoptable_have_names():
    """BIMI, a parked *._domainkey, SES MAIL FROM MX and TXT, _amazonses, a DS in the parent and a
    DMARC report authorisation (RFC 7489 7.1)."""
    names = {p.adopt_name(r) for p in PLANS for r in p.all_records}
    assert {
        "bimi:default",
        "dkim:*",
        "mail_from_mx:us-west-2",
        "mail_from_spf:us-east-1",
        "ses_verification",
        "ds:mail.brand.gov",
        "dmarc_report_auth:example.gov",
    } <= names
