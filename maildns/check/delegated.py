"""Records delegated by CNAME (a DKIM selector, ``_dmarc``, ``_smtp._tls``): follow each to its
target and validate the record found there, as receivers do when they query the name.

The CNAME itself is compared by ``lookup.check_records``; a target that answers with no usable
record breaks DKIM, DMARC or TLS reporting as surely as a missing record would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import dns.exception

from maildns.check.dmarc import check_report_authorizations
from maildns.check.lookup import Dns, Result, failure, published
from maildns.errors import RuleError
from maildns.records import Record
from maildns.records.dkim import is_dkim_name, key_problems, parse_dkim
from maildns.records.dmarc import is_dmarc, parse_dmarc, report_uris
from maildns.records.tags import Finding
from maildns.records.tls_rpt import is_tls_rpt, parse_tls_rpt, rua_uris
from maildns.records.uri import tlsrpt_uri


def _dkim(values: tuple[str, ...]) -> tuple[str | None, tuple[Finding, ...]]:
    keys = [v for v in values if "p" in parse_dkim(v).tags]
    if not keys:
        return None, (Finding("publishes no DKIM key record", "RFC 6376 3.6.2.1"),)
    if len(keys) > 1:
        return None, (Finding(f"publishes {len(keys)} key records; verifiers need not accept that", "RFC 6376 3.6.2.2"),)
    return keys[0], key_problems(keys[0])


def _one(values: tuple[str, ...], is_kind: Callable[[str], bool], kind: str, reader: str, rule: str) -> str | Finding:
    """The one record of ``kind`` among the values, or why there is none: ``reader`` (receivers,
    senders) discards them all when there are several."""
    records = [v for v in values if is_kind(v)]
    if len(records) != 1:
        what = f"no {kind} record" if not records else f"{len(records)} {kind} records, which {reader} discard"
        return Finding(f"publishes {what}", rule)
    return records[0]


def _dmarc(values: tuple[str, ...]) -> tuple[str | None, tuple[Finding, ...]]:
    record = _one(values, is_dmarc, "DMARC", "receivers", "RFC 7489 6.6.3")
    if isinstance(record, Finding):
        return None, (record,)
    return record, tuple(p for p in parse_dmarc(record).problems if p.fatal)


def _tls_rpt(values: tuple[str, ...]) -> tuple[str | None, tuple[Finding, ...]]:
    record = _one(values, is_tls_rpt, "TLS-RPT", "senders", "RFC 8460 3")
    if isinstance(record, Finding):
        return None, (record,)
    parsed = parse_tls_rpt(record)
    found = list(parsed.problems)
    for uri in rua_uris(parsed.get("rua")):
        try:
            tlsrpt_uri(uri)
        except RuleError as exc:
            found.append(Finding(f"has the report URI {uri}, which {exc.message}", exc.rule))
    return record, tuple(found)


def _reader(record: Record) -> Callable[[tuple[str, ...]], tuple[str | None, tuple[Finding, ...]]] | None:
    if record.type != "CNAME" or record.computed:
        return None
    if record.id.startswith("dkim-") and is_dkim_name(record.name):
        return _dkim
    return {"dmarc": _dmarc, "tls-rpt": _tls_rpt}.get(record.id)


def check_delegated(domain: str, records: Iterable[Record], lookup: Dns) -> list[Result]:
    """One result per delegated record: the TXT at its CNAME's target, read by the record's own
    parser; for DMARC, the target's report addresses must authorise reports about ``domain`` too."""
    results: list[Result] = []
    for record in records:
        read = _reader(record)
        if read is None:
            continue
        (target,) = record.values
        try:
            values = published(lookup, target, "TXT")
        except (dns.exception.DNSException, OSError) as exc:
            results.append(Result(target, "TXT", "error", detail=f"following the CNAME {record.name}: {failure(exc)}"))
            continue
        text, problems = read(values)
        if problems:
            detail = f"the CNAME target of {record.name} " + "; ".join(str(p) for p in problems)
            results.append(Result(target, "TXT", "error", published=values, detail=detail))
            continue
        results.append(Result(target, "TXT", "ok", published=values, detail=f"the CNAME target of {record.name}"))
        if record.id == "dmarc" and text is not None:
            tags = parse_dmarc(text).tags
            uris = report_uris(tags.get("rua")) + report_uris(tags.get("ruf"))
            results.extend(check_report_authorizations(domain, uris, lookup))
    return results
