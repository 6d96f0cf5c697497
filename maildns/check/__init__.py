"""Live verification: do DNS and the MTA-STS site publish what the config says?"""

from __future__ import annotations

import dns.exception
import dns.resolver

from maildns.check.lookup import Result, check_records, published
from maildns.check.policy import check_policy
from maildns.check.preflight import preflight
from maildns.plan import DomainPlan
from maildns.records.mta_sts import policy_host, policy_url


def check_domain(
    plan: DomainPlan,
    res: dns.resolver.Resolver,
    *,
    ca_file: str | None = None,
    timeout: float = 10.0,
) -> list[Result]:
    """Every record of the plan against DNS, then the MTA-STS policy file over HTTPS."""
    results = check_records(plan.all_records, res)
    if plan.policy is not None:
        host, url = policy_host(plan.domain), policy_url(plan.domain)
        try:
            addresses = published(res, host, "A")
        except (dns.exception.DNSException, OSError) as exc:
            results.append(Result(url, "HTTPS", "error", detail=f"looking up {host}: {exc or type(exc).__name__}"))
        else:
            results.append(check_policy(url, addresses[0] if addresses else None, plan.policy, ca_file=ca_file, timeout=timeout))
    results.extend(preflight(plan, res))
    return results
