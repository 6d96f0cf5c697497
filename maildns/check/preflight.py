"""Before the first deploy: what live DNS would make it fail (CAA that shuts out ACM) or lose
(apex TXT values the config does not list). Only problems are reported."""

from __future__ import annotations

import dns.exception
import dns.resolver

from maildns.check.lookup import Dns, Result, published
from maildns.plan import DomainPlan
from maildns.records.mta_sts import policy_host
from maildns.records.spf import is_spf

# The CA names ACM accepts in a CAA issue property; any one of them lets ACM issue.
# @see https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html
AMAZON_CAS = ("amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com")
KNOWN_TAGS = (b"issue", b"issuewild", b"iodef")
CRITICAL = 128  # RFC 8659 4.1: the issuer critical flag


def preflight(plan: DomainPlan, res: Dns) -> list[Result]:
    """CAA for the MTA-STS certificate (when the config has mta_sts) and the apex TXT values that
    the next deploy would delete."""
    results = []
    if plan.policy is not None:
        results.extend(check_caa(policy_host(plan.domain), plan.config.zone_name, res))
    results.extend(check_apex_txt(plan, res))
    return results


def relevant_caa(name: str, zone: str, res: Dns) -> tuple[str, list[tuple[int, bytes, bytes]]]:
    """The relevant CAA set: the first non-empty one from ``name`` up the tree (RFC 8659 3), as
    far as the hosted zone's apex. Above it the names belong to the registry (a CAA set at a
    top-level domain is unheard of), and an authoritative server given as ``--nameserver``
    refuses to answer for them."""
    labels = name.split(".")
    for i in range(len(labels)):
        here = ".".join(labels[i:])
        if len(here) < len(zone):
            break
        try:
            answer = res.resolve(here, "CAA")
        except dns.resolver.NXDOMAIN:
            continue
        if answer.rrset is not None and len(answer.rrset):
            return here, [(r.flags, r.tag.lower(), r.value) for r in answer.rrset]
    return "", []


def check_caa(host: str, zone: str, res: Dns) -> list[Result]:
    """An error when the CAA set that governs ``host`` lets no Amazon CA issue: ACM would never
    validate the certificate and the distribution would wait for it forever."""
    try:
        where, properties = relevant_caa(host, zone, res)
    except (dns.exception.DNSException, OSError) as exc:
        return [Result(host, "CAA", "error", detail=f"looking up CAA: {exc or type(exc).__name__}")]
    shown = tuple(f'{flags} {tag.decode("ascii", "replace")} "{value.decode("ascii", "replace")}"' for flags, tag, value in properties)
    unknown = [tag.decode("ascii", "replace") for flags, tag, _ in properties if flags & CRITICAL and tag not in KNOWN_TAGS]
    if unknown:
        detail = f"CAA at {where} has the critical property {unknown[0]}, which no CA may ignore: ACM will not issue (RFC 8659 4.1)"
        return [Result(host, "CAA", "error", published=shown, detail=detail)]
    # Only issue properties govern a certificate for a name without a wildcard (RFC 8659 4.2, 4.3).
    issuers = [value.decode("ascii", "replace").split(";")[0].strip().lower() for _, tag, value in properties if tag == b"issue"]
    if issuers and not any(issuer in AMAZON_CAS for issuer in issuers):
        allowed = ", ".join(sorted({i for i in issuers if i}))
        who = f"only {allowed}, no Amazon CA ({', '.join(AMAZON_CAS)})" if allowed else "no CA at all"
        detail = f'CAA at {where} allows {who}: ACM cannot issue the certificate for {host}; add 0 issue "amazon.com" (RFC 8659 4.2)'
        return [Result(host, "CAA", "error", expected=(f'0 issue "{AMAZON_CAS[0]}"',), published=shown, detail=detail)]
    return []


def check_apex_txt(plan: DomainPlan, res: Dns) -> list[Result]:
    """Route53 keeps one TXT set per name, and the stack writes the whole apex set: a live value
    the config does not list (a site verification) would be deleted."""
    apex = next((r for r in plan.records if r.name == plan.domain and r.type == "TXT"), None)
    if apex is None:
        return []
    try:
        live = published(res, plan.domain, "TXT")
    except (dns.exception.DNSException, OSError):
        return []  # check_records reports the failed lookup of the same set
    # A different SPF record is replaced, not lost: check_records shows that as a mismatch.
    return [
        Result(
            plan.domain, "TXT", "mismatch", published=(value,), detail="would be deleted by the next deploy; list it in apex_txt to keep it"
        )
        for value in live
        if value not in apex.values and not is_spf(value)
    ]
