"""Every config rule returns its failures and one place raises them all: N independent problems, N lines.

README (Configuration) promises every problem of every file; octodns' validators append their
reasons the same way. Each case breaks several independent rules at once and lists every line.
"""

from __future__ import annotations

import pytest

from tests.config.samples import FILE, RSA_2048, domain

ADOPT = "see README: Adopting a live domain"
MX = [{"host": "mx1.example.net", "preference": 10}, {"host": "mx2.example.net", "preference": 20}]

CASES = [
    pytest.param(
        domain(
            zone="example.gov",
            zone_id="Z123",
            mx=MX,
            mta_sts={"mode": "enforce", "include_mx": False, "patterns": ["mail.example.org"]},
            adopt=["tls_rpt", "dkim:google"],
        ),
        [
            "zone_id: must not be set with zone: give the zone by name or by id (got Z123; see README: Configuration)",
            f"adopt[0]: names a record set this config does not publish; remove it or add its section (got tls_rpt; {ADOPT})",
            f"adopt[1]: names a record set this config does not publish; remove it or add its section (got dkim:google; {ADOPT})",
            "mx[0].host: matches no mta_sts pattern, so senders would not deliver to it in enforce mode; add a pattern or use mode none (got mx1.example.net; RFC 8461 4.1)",
            "mx[1].host: matches no mta_sts pattern, so senders would not deliver to it in enforce mode; add a pattern or use mode none (got mx2.example.net; RFC 8461 4.1)",
        ],
        id="zone and zone_id, two uncovered MX hosts and two unpublished adopt names: five lines",
    ),
    pytest.param(
        domain(
            zone="other.gov",
            zone_id="Z123",
            spf={"terms": ["include:example.gov"], "redirect": "example.gov"},
            mx=[{"host": ".", "preference": 10}, {"host": ".", "preference": 0}],
            dkim=[{"selector": "s1.x", "revoked": True}, {"selector": "s1-x", "revoked": True}, {"selector": "s1.x", "revoked": True}],
            apex_txt=["a", "a"],
        ),
        [
            "zone_id: must not be set with zone: give the zone by name or by id (got Z123; see README: Configuration)",
            "zone: must contain the domain example.gov (got other.gov; RFC 1034 4.2)",
            "spf.terms[0]: includes the domain's own record, a loop that ends in permerror (got include:example.gov; RFC 7208 5.2)",
            "spf.redirect: points to the domain's own record, a loop that ends in permerror (got example.gov; RFC 7208 6.1)",
            "mx[1].host: repeats an MX host (got .; RFC 5321 5.1)",
            'mx: must be the only MX, with preference 0, when it is a null MX (got ["10 .", "0 ."]; RFC 7505 3)',
            "spf: must be v=spf1 -all on a domain with a null MX (got v=spf1 include:example.gov redirect=example.gov; RFC 7505 4)",
            "dkim[2].selector: repeats a selector (got s1.x; RFC 6376 3.6.2.1)",
            "dkim[1].selector: gives the record id dkim-s1-x, as selector s1.x does; rename one (got s1-x; construct ids are unique in a stack)",
            "apex_txt[1]: repeats a value (got a; Route53 ChangeResourceRecordSets)",
        ],
        id="RFC 1034 4.2, 7208 5.2 and 6.1, 7505 3 and 4, 6376 3.6.2.1: every domain-wide rule at once",
    ),
    pytest.param(
        domain(
            ses={"regions": ["us-east-1", "us-east-1"], "identity": "existing", "easy_dkim": False, "mail_from": "bounce"},
            dmarc={"rua": ["mailto:a@example.gov", "mailto:a@example.gov!10m"], "ruf": ["mailto:f@example.gov", "mailto:f@example.gov"]},
            tls_rpt={"rua": ["mailto:t@example.gov", "mailto:t@example.gov"]},
            dkim=[
                {"selector": "g", "public_key": "not base64!", "hash_algorithms": ["sha256", "sha256"]},
                {"selector": "r", "revoked": True, "public_key": RSA_2048[:20]},
            ],
        ),
        [
            "dkim[0].public_key: is not valid base64 (got not base64!; RFC 6376 3.6.1)",
            "dkim[0].hash_algorithms[1]: repeats a hash algorithm (got sha256; RFC 6376 3.6.1)",
            f"dkim[1].public_key: must not be set with revoked: true; a revoked selector publishes an empty p= (got {RSA_2048[:20]}; RFC 6376 3.6.1)",
            "ses.regions[1]: repeats a region (got us-east-1; AWS SES regions)",
            "ses.identity: must be managed without easy_dkim: an existing identity publishes only its DKIM tokens (got existing; AWS SES DKIM)",
            "ses.mail_from: must not be set with ses.identity: existing: MAIL FROM is a setting of the identity, so its owner sets it (got bounce; AWS SES custom MAIL FROM)",
            "dmarc.rua[1]: repeats a report address (got mailto:a@example.gov!10m; RFC 7489 6.2)",
            "dmarc.ruf[1]: repeats a report address (got mailto:f@example.gov; RFC 7489 6.2)",
            "tls_rpt.rua[1]: repeats a report URI (got mailto:t@example.gov; RFC 8460 3)",
        ],
        id="every section's own rules at once: dkim, ses, dmarc and tls_rpt",
    ),
    pytest.param(
        domain(mail="none", profile="bod-18-01", dmarc={"p": "none", "pct": 50}, spf={"terms": ["mx"]}, adopt=["tls_rpt", "mta_sts"]),
        [
            'spf.terms: must not be set when mail is none: a parked domain publishes v=spf1 -all (got ["mx"]; RFC 7208 5.1)',
            "dmarc.p: must not be set when mail is none: a parked domain publishes v=DMARC1; p=reject; sp=reject with only rua (got none; RFC 7489 6.3)",
            "dmarc.pct: must not be set when mail is none: a parked domain publishes v=DMARC1; p=reject; sp=reject with only rua (got 50; RFC 7489 6.3)",
            f"adopt[0]: names a record set this config does not publish; remove it or add its section (got tls_rpt; {ADOPT})",
            f"adopt[1]: names a record set this config does not publish; remove it or add its section (got mta_sts; {ADOPT})",
            "dmarc.p: must be reject under profile bod-18-01 (got none; BOD 18-01)",
            "dmarc.pct: must be 100 (or unset) under profile bod-18-01 (got 50; BOD 18-01)",
            "dmarc.rua: must include mailto:reports@dmarc.cyber.dhs.gov under profile bod-18-01 (got []; BOD 18-01)",
        ],
        id="a parked domain under a profile: parked, adopt and profile rules all report",
    ),
    pytest.param(
        domain(
            mx=[{"host": "mx.example.gov", "preference": 10}, {"host": "mx.example.gov", "preference": 20}],
            adopt=["spf", "spf", "tls_rpt"],
            bimi={"logo": "https://example.gov/logo.svg"},
            dmarc={"p": "none"},
        ),
        [
            "mx[1].host: repeats an MX host (got mx.example.gov; RFC 5321 5.1)",
            f"adopt[1]: repeats a record set (got spf; {ADOPT})",
            f"adopt[2]: names a record set this config does not publish; remove it or add its section (got tls_rpt; {ADOPT})",
            "dmarc.p: must be quarantine or reject to publish BIMI: receivers show no logo for p=none (got none; BIMI draft-10 7.1)",
        ],
        id="rules of different homes (domain, adopt, features) in one file",
    ),
]


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_every_independent_problem_is_its_own_line(refused, data, expected):
    assert refused(data) == [f"{FILE}: {line}" for line in expected]
