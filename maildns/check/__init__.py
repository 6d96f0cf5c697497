"""Live verification: do DNS and the MTA-STS site publish what the config says, and do they follow the RFCs?"""

from __future__ import annotations

import dataclasses
import ssl
from dataclasses import dataclass

import dns.exception
import dns.resolver

from maildns.check.authoritative import NoServers, authoritative_servers, parent_server
from maildns.check.delegated import check_delegated
from maildns.check.dmarc import check_report_authorizations
from maildns.check.dnssec import check_dnssec
from maildns.check.lookup import Dns, Result, check_records, failure, published, start
from maildns.check.mx import check_mx_targets
from maildns.check.policy import check_policy
from maildns.check.preflight import preflight
from maildns.check.spf import check_spf
from maildns.check.state import Applied, apply_state
from maildns.config.resolved import Resolved
from maildns.plan import DomainPlan
from maildns.records import Record
from maildns.records.dkim import dkim_name
from maildns.records.mta_sts import policy_host, policy_url


@dataclass(frozen=True)
class Options:
    """How ``maildns check`` asks: where to start, per-query timeout, per-domain deadline."""

    nameserver: tuple[str, int] | None
    timeout: float
    deadline: float
    context: ssl.SSLContext
    authoritative: bool = False


def _distribution_addresses(records: tuple[Record, ...], distribution: str, lookup: Dns) -> tuple[tuple[Record, ...], list[Result]]:
    """The policy host's A and AAAA must be the distribution's own addresses: look them up and
    put them in place of the placeholders (an alias record answers with the target's addresses)."""
    out: list[Record] = []
    errors: list[Result] = []
    for record in records:
        if record.id in ("mta-sts-a", "mta-sts-aaaa"):
            try:
                addresses = published(lookup, distribution, record.type)
            except (dns.exception.DNSException, OSError) as exc:
                errors.append(
                    Result(distribution, record.type, "error", detail=f"looking up the distribution of {record.name}: {failure(exc)}")
                )
                continue
            if not addresses:
                # Nothing to compare with: the alias cannot be shown right (nor is it skipped).
                detail = f"the distribution {distribution} of {record.name} has no {record.type} address"
                errors.append(Result(record.name, record.type, "error", detail=detail))
                continue
            out.append(dataclasses.replace(record, values=addresses, computed=False))
        else:
            out.append(record)
    return tuple(out), errors


def check_domain(plan: DomainPlan, options: Options, applied: Applied | None = None) -> list[Result]:
    """Every record of the plan against DNS (each authoritative server with ``authoritative``),
    the rules only live DNS can show (MX targets, the SPF lookup chain, report authorisations,
    DNSSEC), then the MTA-STS policy file over HTTPS. The deadline starts when this is called."""
    lookup = start(options.nameserver, options.timeout, options.deadline)
    config = plan.config
    zone = config.zone_name  # with only a zone_id, the domain is taken as the zone's apex
    results: list[Result] = []
    checked = apply_state(config.domain, plan.all_records, applied)
    if applied is not None and applied.distribution:
        checked, errors = _distribution_addresses(checked, applied.distribution, lookup)
        results.extend(errors)
    servers = [lookup]
    if options.authoritative:
        try:
            # --nameserver is the starting point as given; otherwise a server of the parent zone.
            start_at = lookup if options.nameserver is not None else parent_server(zone, lookup)
            servers = authoritative_servers(zone, start_at, lookup)
        except (NoServers, dns.exception.DNSException, OSError) as exc:
            results.append(Result(zone, "NS", "error", detail=f"finding the authoritative servers: {failure(exc)}"))
    results.extend(staged_keys(config, check_records(checked, servers), authoritative=options.authoritative))
    results.extend(check_delegated(config.domain, checked, lookup))
    results.extend(check_mx_targets(tuple(host for _, host in config.mx), lookup))
    results.append(check_spf(config.domain, lookup))
    results.extend(check_report_authorizations(config.domain, config.report_uris, lookup))
    known = [(r.name, r.type) for r in checked if "<" not in r.name and not r.computed]
    results.append(check_dnssec(zone, known, lookup))
    if plan.policy is not None:
        url = policy_url(config.domain)
        host = policy_host(config.domain)
        try:
            addresses = published(lookup, host, "A")
            timeout = lookup.lifetime()
        except (dns.exception.DNSException, OSError) as exc:
            results.append(Result(url, "HTTPS", "error", detail=f"looking up {host}: {failure(exc)}"))
        else:
            results.append(check_policy(url, addresses[0] if addresses else None, plan.policy, options.context, timeout))
    distribution = applied.distribution if applied is not None else None
    found = preflight(plan, lookup, distribution=distribution, context=options.context)
    results.extend(_fold_apex_txt(config.domain, results, found))
    return results


def staged_keys(config: Resolved, results: list[Result], *, authoritative: bool) -> list[Result]:
    """Each staged DKIM key's result says whether it may become active: only once every
    authoritative server serves it (docs/configuration.md, "Rotating a DKIM key")."""
    staged = {dkim_name(k.selector, config.domain): k.selector for k in config.dkim if k.state == "staged"}
    out = []
    for result in results:
        selector = staged.get(result.name) if result.type == "TXT" else None
        if selector is not None:
            if result.status == "ok" and authoritative:
                note = f"staged key {selector}: every authoritative server serves it, so it may become active once its TTL has passed"
            elif result.status == "ok":
                note = f"staged key {selector}: run check --authoritative before it becomes active"
            else:
                note = f"staged key {selector}: not served as configured, so it must not become active yet"
            out.append(dataclasses.replace(result, detail="; ".join(filter(None, (result.detail, note)))))
        else:
            out.append(result)
    return out


def _fold_apex_txt(domain: str, results: list[Result], found: list[Result]) -> list[Result]:
    """The preflight results ``found``, less the apex TXT values the next deploy would delete
    when the apex TXT set is already a ``mismatch`` in ``results``: that result (replaced in
    place) names them, so they are said once."""
    apex = [r for r in found if (r.name, r.type) == (domain, "TXT")]
    at = next((i for i, r in enumerate(results) if (r.name, r.type) == (domain, "TXT") and r.status == "mismatch"), None)
    if not apex or at is None:
        return found
    values = [value for r in apex for value in r.published]
    it = "it" if len(values) == 1 else "them"
    deleted = f"would be deleted by the next deploy: {', '.join(map(repr, values))}; list {it} in apex_txt to keep {it}"
    results[at] = dataclasses.replace(results[at], detail="; ".join(filter(None, (results[at].detail, deleted))))
    return [r for r in found if r not in apex]
