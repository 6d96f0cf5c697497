"""The review of records delegated by CNAME: a DKIM selector, ``_dmarc`` and ``_smtp._tls`` pointing at
a vendor's name. A removed delegation is as risky as a removed record (RFC 6376 3.6.2.2, RFC 7489 6.1);
a changed target or a change of form is medium: receivers then read another zone's record."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from maildns.review import render_text, review
from tests.cli.test_diff import LOGIN_GOV, Edit, delete, record


def cname(key: str, name: str, target: str) -> Edit:
    """Publish ``name`` as a CNAME to ``target`` under the resource ``key`` (replacing what it was)."""

    def edit(doc: dict[str, Any]) -> None:
        body = doc["resource"]["aws_route53_record"].setdefault(key, {"zone_id": "Z1", "ttl": 3600})
        body.update(name=name, type="CNAME", records=[target])

    return edit


def restore(key: str) -> Edit:
    """Put back the record ``key`` as the shipped stack publishes it."""
    return lambda doc: doc["resource"]["aws_route53_record"].update({key: copy.deepcopy(record(key)(LOGIN_GOV))})


def nothing(doc: dict[str, Any]) -> None:
    return None


S1 = "selector1._domainkey.login.gov"
T1 = "selector1-login-gov._domainkey.tenant.onmicrosoft.com"
VENDOR = "login-gov._dmarc.vendor.example"
TLS = "login-gov._smtp._tls.vendor.example"

CASES = [
    pytest.param(cname("dkim_s1", S1, T1), cname("dkim_s1", S1, "x" + T1), {("medium", "dkim-target-changed")},
                 f"CNAME target changed {T1} -> x{T1}", id="DKIM CNAME target changed is medium"),
    pytest.param(cname("dkim_s1", S1, T1), delete("aws_route53_record", "dkim_s1"), {("high", "dkim-selector-removed")},
                 f"{S1} (a CNAME to {T1}) removed", id="DKIM CNAME removed is high, as a removed key (RFC 6376 3.6.2.2)"),
    pytest.param(nothing, cname("dkim_google", "google._domainkey.login.gov", T1), {("high", "dkim-key-replaced")},
                 f"becomes a CNAME to {T1}", id="DKIM key replaced by a CNAME is high, as a key replaced in place"),
    pytest.param(nothing, cname("dmarc", "_dmarc.login.gov", VENDOR), {("medium", "dmarc-delegated")},
                 f"becomes a CNAME to {VENDOR}", id="DMARC policy delegated to a vendor is medium"),
    pytest.param(cname("dmarc", "_dmarc.login.gov", VENDOR), cname("dmarc", "_dmarc.login.gov", "x" + VENDOR),
                 {("medium", "dmarc-target-changed")}, f"{VENDOR} -> x{VENDOR}", id="DMARC CNAME target changed is medium"),
    pytest.param(cname("dmarc", "_dmarc.login.gov", VENDOR), delete("aws_route53_record", "dmarc"), {("high", "dmarc-removed")},
                 f"(a CNAME to {VENDOR}) removed", id="DMARC CNAME removed is high, as a removed policy (RFC 7489 6.1)"),
    pytest.param(cname("dmarc", "_dmarc.login.gov", VENDOR), restore("dmarc"), {("medium", "dmarc-delegation-ended")},
                 "no longer a CNAME", id="DMARC CNAME replaced by a policy of its own is medium"),
    pytest.param(cname("tls_rpt", "_smtp._tls.login.gov", TLS), cname("tls_rpt", "_smtp._tls.login.gov", "x" + TLS),
                 {("medium", "tls-rpt-target-changed")}, f"{TLS} -> x{TLS}", id="TLS-RPT CNAME target changed is medium"),
    pytest.param(cname("tls_rpt", "_smtp._tls.login.gov", TLS), delete("aws_route53_record", "tls_rpt"),
                 {("medium", "tls-rpt-removed")}, "receivers find no TLS-RPT record", id="TLS-RPT CNAME removed is medium, as removed report addresses (RFC 8460 3)"),
]  # fmt: skip


@pytest.mark.parametrize(("before", "after", "expected", "words"), CASES)
def test_each_delegated_change_raises_its_flag(before: Edit, after: Edit, expected: set, words: str):
    old, new = copy.deepcopy(LOGIN_GOV), copy.deepcopy(LOGIN_GOV)
    before(old)
    before(new)
    after(new)
    report = review({"login-gov": old}, {"login-gov": new})
    assert {(f.severity, f.code) for f in report.flags} == expected
    assert words in render_text(report)


def test_an_unchanged_delegation_raises_nothing():
    old = copy.deepcopy(LOGIN_GOV)
    cname("dmarc", "_dmarc.login.gov", VENDOR)(old)
    assert review({"login-gov": old}, {"login-gov": copy.deepcopy(old)}).flags == ()
    assert record("dmarc")(old)["type"] == "CNAME"
