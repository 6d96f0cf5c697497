"""DNSSEC of a zone: signed or not, the parent's DS matching a key, and the answers' signatures (RFC 4035 5)."""

from __future__ import annotations

import time
from collections.abc import Iterable

import dns.dnssec
import dns.exception
import dns.name
import dns.rdata
import dns.rdatatype
import dns.resolver
import dns.rrset

from maildns.check.lookup import Dns, Result, Status, failure


def _signed(lookup: Dns, name: str, type_: str) -> tuple[dns.rrset.RRset | None, dns.rrset.RRset | None]:
    """The RRset of ``name``/``type_`` and the RRSIGs covering it, asked with the DO bit (RFC 3225)."""
    answer = lookup.resolve(name, type_, dnssec=True)
    rdtype = dns.rdatatype.from_text(type_)
    owner = dns.name.from_text(name)
    rrset = sigs = None
    for found in answer.response.answer:
        if found.name == owner and found.rdtype == rdtype:
            rrset = found
        elif found.name == owner and found.rdtype == dns.rdatatype.RRSIG and found.covers == rdtype:
            sigs = found
    return rrset, sigs


def _same(origin: dns.name.Name, key: dns.rdata.Rdata, ds: dns.rdata.Rdata) -> bool:
    """Whether ``ds`` is the digest of ``key`` (RFC 4034 5.1.4); a digest type dnspython does not
    know matches nothing."""
    try:
        return bool(dns.dnssec.make_ds(origin, key, ds.digest_type) == ds)  # type: ignore[attr-defined]
    except dns.exception.DNSException:
        return False


def _why(sigs: dns.rrset.RRset, exc: Exception) -> str:
    """Why no signature validated: the validity period (RFC 4034 3.1.5) says more than dnspython's message."""
    now = time.time()
    if all(sig.expiration < now for sig in sigs):
        latest = max(sig.expiration for sig in sigs)
        return f"every RRSIG expired (the latest on {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(latest))})"
    if all(sig.inception > now for sig in sigs):
        return "no RRSIG is valid yet (inception in the future)"
    return f"no RRSIG validates with the zone's DNSKEYs ({exc})"


def check_dnssec(zone: str, names: Iterable[tuple[str, str]], lookup: Dns) -> Result:
    """One result for ``zone``: a notice when it is unsigned, an error when the chain is broken
    (no DS at the parent matches a DNSKEY, a signature is missing, expired or wrong), ok when
    every RRset of ``names`` (plus the DNSKEY and SOA sets) validates against the zone's keys."""
    origin = dns.name.from_text(zone)
    try:
        keys, key_sigs = _signed(lookup, zone, "DNSKEY")
    except dns.resolver.NXDOMAIN:
        return Result(zone, "DNSSEC", "error", detail=f"{zone} does not exist (NXDOMAIN)")
    except (dns.exception.DNSException, OSError) as exc:
        return Result(zone, "DNSSEC", "error", detail=f"looking up {zone} DNSKEY: {failure(exc)}")
    if keys is None:
        return Result(
            zone, "DNSSEC", "notice", detail="the zone is not signed (no DNSKEY); resolvers cannot authenticate its answers (RFC 4033)"
        )
    problems: list[str] = []
    notes: list[str] = []
    try:
        ds_answer = lookup.resolve(zone, "DS")
        ds_set = list(ds_answer.rrset or ())
    except dns.resolver.NXDOMAIN:
        ds_set = []
    except (dns.exception.DNSException, OSError) as exc:
        ds_set = []
        problems.append(f"looking up {zone} DS: {failure(exc)}")
    tags = sorted(dns.dnssec.key_id(key) for key in keys)
    if not ds_set and not problems:
        notes.append(f"the parent publishes no DS for {zone}: resolvers treat the zone as unsigned (RFC 4035 5.2)")
    elif ds_set:
        matches = [ds for ds in ds_set for key in keys if ds.key_tag == dns.dnssec.key_id(key) and _same(origin, key, ds)]
        if not matches:
            ds_tags = sorted({ds.key_tag for ds in ds_set})
            problems.append(f"no DS at the parent matches a DNSKEY (DS key tags {ds_tags}, DNSKEY key tags {tags}; RFC 4035 5.2)")
    checked = [(zone, "DNSKEY"), (zone, "SOA"), *names]
    valid = 0
    failed: list[str] = []
    for name, type_ in dict.fromkeys(checked):
        try:
            rrset, sigs = (keys, key_sigs) if (name, type_) == (zone, "DNSKEY") else _signed(lookup, name, type_)
        except dns.resolver.NXDOMAIN:
            continue  # a missing record is reported by the record check
        except (dns.exception.DNSException, OSError) as exc:
            problems.append(f"{name} {type_}: {failure(exc)}")
            continue
        if rrset is None:
            continue
        if sigs is None:
            failed.append(f"{name} {type_}: no RRSIG (RFC 4035 3.1.1)")
            continue
        try:
            dns.dnssec.validate(rrset, sigs, {origin: keys})
            valid += 1
        except dns.exception.ValidationFailure as exc:
            failed.append(f"{name} {type_}: {_why(sigs, exc)}")
    if failed:
        problems.append(f"the signatures of {len(failed)} of {len(failed) + valid} RRsets do not validate (RFC 4035 5.3)")
    if problems:
        return Result(zone, "DNSSEC", "error", detail="; ".join(problems), notes=tuple(failed + notes))
    status: Status = "notice" if notes else "ok"
    detail = f"signed (DNSKEY key tags {tags}); {valid} RRsets validate" + (f"; {notes[0]}" if notes else "; the parent's DS matches")
    return Result(zone, "DNSSEC", status, detail=detail)
