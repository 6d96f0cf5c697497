"""``adopt`` and ``ses.identity``: which live record sets a stack imports, and who owns the SES identity."""

from __future__ import annotations

import pytest

from maildns.config import resolve
from tests.config.samples import FILE, RSA_2048, domain

RULE = "see README: Adopting a live domain"
MX = [{"host": "mx.example.net", "preference": 10}]
KEY = {"selector": "google", "public_key": RSA_2048}

REFUSED = [
    pytest.param(
        domain(adopt=["cname"]),
        f"adopt[0]: must be one of mx, spf, dmarc, tls_rpt, mta_sts, mta_sts_a, mta_sts_aaaa, ses_verification, dkim:<selector>, bimi:<selector>, mail_from_mx:<region>, mail_from_spf:<region>, ds:<child> or dmarc_report_auth:<domain> (got cname; {RULE})",
        id="an unknown record set",
    ),
    pytest.param(
        domain(adopt=["mx"]),
        f"adopt[0]: names a record set this config does not publish; remove it or add its section (got mx; {RULE})",
        id="mx without MX hosts: Terraform refuses an import block without its resource",
    ),
    pytest.param(
        domain(mx=MX, adopt=["tls_rpt"]),
        f"adopt[0]: names a record set this config does not publish; remove it or add its section (got tls_rpt; {RULE})",
        id="tls_rpt without a tls_rpt section",
    ),
    pytest.param(
        domain(mx=MX, adopt=["spf", "mta_sts"]),
        f"adopt[1]: names a record set this config does not publish; remove it or add its section (got mta_sts; {RULE})",
        id="mta_sts without an mta_sts section",
    ),
    pytest.param(
        domain(dkim=[KEY], adopt=["dkim:selector1"]),
        f"adopt[0]: names a record set this config does not publish; remove it or add its section (got dkim:selector1; {RULE})",
        id="a DKIM selector the config has no key for",
    ),
    pytest.param(
        domain(adopt=["dkim:s_1"]),
        "adopt[0]: names a DKIM selector that is not valid: it must be dot-separated letters, digits and hyphens, no underscore (got dkim:s_1; RFC 6376 3.1)",
        id="RFC 6376 3.1: a DKIM selector has no underscore",
    ),
    pytest.param(domain(adopt=["spf", "SPF"]), f"adopt[1]: repeats a record set (got spf; {RULE})", id="a record set named twice"),
    pytest.param(
        domain(adopt=["bimi"]),
        "adopt[0]: must be one of mx, spf, dmarc, tls_rpt, mta_sts, mta_sts_a, mta_sts_aaaa, ses_verification, dkim:<selector>,"
        " bimi:<selector>, mail_from_mx:<region>, mail_from_spf:<region>, ds:<child> or dmarc_report_auth:<domain>"
        f" (got bimi; a bimi set is named with its selector, bimi:<selector>; {RULE})",
        id="a kind without its key",
    ),
    pytest.param(
        domain(mx=MX, adopt=["bimi:default"]),
        f"adopt[0]: names a record set this config does not publish; remove it or add its section (got bimi:default; {RULE})",
        id="bimi without a bimi section",
    ),
    pytest.param(
        domain(mx=MX, ses={"regions": ["us-west-2"], "mail_from": "bounce"}, adopt=["mail_from_mx:us-east-1"]),
        f"adopt[0]: names a record set this config does not publish; remove it or add its section (got mail_from_mx:us-east-1; {RULE})",
        id="a MAIL FROM MX of a region the config does not send from",
    ),
    pytest.param(
        domain(ses={"regions": ["us-west-2"]}, adopt=["ses_verification"]),
        f"adopt[0]: names a record set this config does not publish; remove it or add its section (got ses_verification; {RULE})",
        id="the _amazonses TXT with Easy DKIM, which publishes none",
    ),
    pytest.param(
        domain(adopt=["ds:example"]),
        "adopt[0]: names a signed child domain that is not valid: it must have at least 2 labels (got ds:example; RFC 1035 2.3.1)",
        id="RFC 1035 2.3.1: a DS names a domain",
    ),
    pytest.param(
        domain(mx=MX, dkim=[KEY], adopt=["dkim:*"]),
        f"adopt[0]: names a record set this config does not publish; remove it or add its section (got dkim:*; {RULE})",
        id="dkim:* on a domain that is not parked, which publishes no wildcard",
    ),
    pytest.param(
        domain(ses={"regions": ["us-west-2"], "identity": "shared"}),
        "ses.identity: must be managed or existing (got shared; see README: Configuration)",
        id="identity is managed or existing",
    ),
    pytest.param(
        domain(ses={"regions": ["us-west-2"], "identity": "existing", "easy_dkim": False}),
        "ses.identity: must be managed without easy_dkim: an existing identity publishes only its DKIM tokens (got existing; AWS SES DKIM)",
        id="an existing identity without Easy DKIM has nothing to publish",
    ),
]


@pytest.mark.parametrize("data, line", REFUSED)
def test_refused(refused, data, line):
    assert refused(data) == [f"{FILE}: {line}"]


def test_adopt_names_become_record_ids(accepted):
    config = accepted(
        domain(
            mx=MX,
            dkim=[KEY, {**KEY, "selector": "s1.mail"}],
            tls_rpt={"rua": ["mailto:tls@example.gov"]},
            mta_sts={"mode": "testing"},
            adopt=[" MX ", "spf", "dmarc", "tls_rpt", "mta_sts", "mta_sts_a", "mta_sts_aaaa", "dkim:google", "dkim:S1.mail"],
        )
    )
    assert resolve(config).adopt == ("mx", "spf", "dmarc", "tls-rpt", "mta-sts", "mta-sts-a", "mta-sts-aaaa", "dkim-google", "dkim-s1-mail")


def test_ses_identity_is_managed_by_default(accepted):
    assert resolve(accepted(domain(ses={"regions": ["us-west-2"]}))).ses.managed is True
    assert resolve(accepted(domain(ses={"regions": ["us-west-2"], "identity": "existing"}))).ses.managed is False


def test_every_published_set_has_an_adopt_name(accepted):
    """BIMI, the MAIL FROM MX and TXT, the _amazonses TXT, a DS in the parent and a report
    authorisation are adopted as the others are (Route53 refuses to create a set that exists)."""
    config = accepted(
        domain(
            mx=MX,
            dmarc={"p": "reject"},
            bimi={"logo": "https://example.gov/logo.svg"},
            ses={"regions": ["us-west-2", "us-east-1"], "mail_from": "bounce", "easy_dkim": False},
            adopt=[
                "bimi:default",
                "mail_from_mx:us-west-2",
                "MAIL_FROM_SPF:us-east-1",
                "ses_verification",
                "ds:mail.example.gov",
                "dmarc_report_auth:example.org",
            ],
        )
    )
    assert resolve(config).adopt == (
        "bimi-default",
        "ses-mail-from-us-west-2-mx",
        "ses-mail-from-us-east-1-spf",
        "ses-verification",
        "dnssec-ds-mail-example-gov",
        "dmarc-report-auth-example-org",
    )


def test_a_parked_domain_adopts_its_dkim_wildcard(accepted):
    """RFC 6376 3.6.1: a parked domain's ``*._domainkey`` revocation may be live already."""
    config = accepted(domain(mail="none", adopt=["dkim:*", "mx"]))
    assert resolve(config).adopt == ("dkim-wildcard", "mx")
