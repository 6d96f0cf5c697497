"""Before the first deploy: what live DNS would make it fail (CAA that shuts out ACM, a policy
host another CloudFront distribution serves) or lose (apex TXT values the config does not list).
Only problems are reported."""

from __future__ import annotations

import http.client
import socket
import ssl

import dns.exception
import dns.resolver

from maildns.check.lookup import Dns, Result, published
from maildns.plan import DomainPlan
from maildns.records.mta_sts import POLICY_PATH, policy_host
from maildns.records.spf import is_spf

# The CA names ACM accepts in a CAA issue property; any one of them lets ACM issue.
# @see https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html
AMAZON_CAS = ("amazon.com", "amazontrust.com", "awstrust.com", "amazonaws.com")
KNOWN_TAGS = (b"issue", b"issuewild", b"iodef")
CRITICAL = 128  # RFC 8659 4.1: the issuer critical flag


def preflight(plan: DomainPlan, res: Dns, *, distribution: str | None = None, context: ssl.SSLContext | None = None) -> list[Result]:
    """CAA for the MTA-STS certificate and, with ``context``, a CloudFront distribution other than
    ``distribution`` (the one the stack's state holds, from ``--state``) serving the policy host
    (when the config has mta_sts); and the apex TXT values the next deploy would delete."""
    results = []
    if plan.policy is not None:
        results.extend(check_caa(policy_host(plan.domain), plan.config.zone_name, res))
        if context is not None:
            results.extend(check_cloudfront_alias(policy_host(plan.domain), distribution, res, context))
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


CLOUDFRONT_SUFFIX = ".cloudfront.net"
# Headers CloudFront adds to every response it serves (a Via naming it, and the request id).
# @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html
CLOUDFRONT_REQUEST_ID = "X-Amz-Cf-Id"
FREE_ALIAS = (
    "remove {host} from that distribution's alternate domain names (CloudFront UpdateDistribution) before the deploy,"
    " or the new distribution's alias is refused midway through the apply (CNAMEAlreadyExists)"
)


def check_cloudfront_alias(host: str, distribution: str | None, res: Dns, context: ssl.SSLContext) -> list[Result]:
    """An error when ``host`` is served by a CloudFront distribution the stack's state does not own:
    CloudFront lets one distribution hold an alternate domain name, so the stack's own distribution
    cannot take the alias. Seen by a CNAME to ``*.cloudfront.net``, or, behind a Route53 alias,
    by the headers CloudFront adds to the policy host's answer. Failed look-ups and fetches are
    reported by the record and policy checks, not here."""
    try:
        target = next((t.rstrip(".") for t in published(res, host, "CNAME") if t.rstrip(".").endswith(CLOUDFRONT_SUFFIX)), None)
        addresses = published(res, host, "A") if target is None else ()
        timeout = res.lifetime()  # the fetch shares the domain's deadline
    except (dns.exception.DNSException, OSError):
        return []
    if target is None and not (addresses and _served_by_cloudfront(host, addresses[0], context, timeout)):
        return []
    if distribution is not None and target in (None, distribution):
        return []  # the state's own distribution (behind an alias, the one the state holds)
    which = f"the CloudFront distribution {target}" if target else "a CloudFront distribution"
    owner = f"the stack's state holds {distribution}" if distribution else "the stack's state holds none (or no --state was given)"
    detail = f"is served by {which}; {owner}: {FREE_ALIAS.format(host=host)}"
    return [Result(host, "CloudFront", "error", published=(target,) if target else (), detail=detail)]


def _served_by_cloudfront(host: str, address: str, context: ssl.SSLContext, timeout: float) -> bool:
    """Whether the HTTPS answer of ``host`` at ``address`` carries CloudFront's headers."""
    try:
        raw = socket.create_connection((address, 443), timeout=timeout)
    except OSError:
        return False
    connection = http.client.HTTPSConnection(host, 443, context=context, timeout=timeout)
    connection.sock = raw  # closed with the connection, even if the TLS handshake fails
    try:
        connection.sock = context.wrap_socket(raw, server_hostname=host)
        connection.request("GET", "/" + POLICY_PATH, headers={"Host": host, "User-Agent": "maildns-check"})
        response = connection.getresponse()
        via = response.getheader("Via", "") or ""
        return response.getheader(CLOUDFRONT_REQUEST_ID) is not None or "cloudfront" in via.lower()
    except (OSError, ssl.SSLError, http.client.HTTPException):
        return False
    finally:
        connection.close()
