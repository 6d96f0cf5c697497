"""Live verification: do DNS and the MTA-STS site publish what the config says?"""

from __future__ import annotations

from collections.abc import Sequence

import dns.exception
import dns.resolver

from maildns.check.lookup import Result, check_records, published
from maildns.check.policy import check_policy
from maildns.config import Config
from maildns.records import Record
from maildns.records.mta_sts import config_policy, policy_host, policy_url


def check_domain(
    config: Config,
    records: Sequence[Record],
    res: dns.resolver.Resolver,
    *,
    ca_file: str | None = None,
    timeout: float = 10.0,
) -> list[Result]:
    """Every record of ``records`` against DNS, then the MTA-STS policy file over HTTPS."""
    results = check_records(records, res)
    if config.mta_sts is not None:
        url = policy_url(config.domain)
        try:
            addresses = published(res, policy_host(config.domain), "A")
        except (dns.exception.DNSException, OSError) as exc:
            results.append(Result(url, "HTTPS", "error", detail=f"looking up {policy_host(config.domain)}: {exc or type(exc).__name__}"))
        else:
            results.append(check_policy(url, addresses[0] if addresses else None, config_policy(config), ca_file=ca_file, timeout=timeout))
    return results
