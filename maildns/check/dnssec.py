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
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.dsbase import DSBase

from maildns.check.lookup import Dns, Result, Status, failure

KNOWN_DIGESTS = (1, 2, 4)  # SHA-1, SHA-256, SHA-384: the DS digest types dnspython computes (RFC 8624 3.3)


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


def _ds_text(ds: DSBase) -> str:
    """A DS as the parent publishes it, the digest cut to its first 16 hex digits."""
    digest = ds.digest.hex()
    return f"DS {ds.key_tag} {ds.algorithm} {ds.digest_type} {digest[:16]}{'...' if len(digest) > 16 else ''}"


def _unmatched(origin: dns.name.Name, ds: DSBase, keys: dns.rrset.RRset) -> str:
    """Why ``ds`` matches no DNSKEY of the zone: its key tag, then its algorithm, then its digest
    (RFC 4034 5.2: a DS names a key by all three)."""
    same_tag = [key for key in keys if isinstance(key, DNSKEY) and dns.dnssec.key_id(key) == ds.key_tag]
    if not same_tag:
        return f"{_ds_text(ds)} names no DNSKEY of the zone (no key has tag {ds.key_tag})"
    if not any(key.algorithm == ds.algorithm for key in same_tag):
        return f"{_ds_text(ds)} has algorithm {ds.algorithm}, the DNSKEY with tag {ds.key_tag} has {int(same_tag[0].algorithm)}"
    if ds.digest_type not in KNOWN_DIGESTS:
        return f"{_ds_text(ds)} has digest type {ds.digest_type}, which maildns cannot compute (RFC 8624 3.3)"
    return f"{_ds_text(ds)} has a digest that is not the digest of the DNSKEY with tag {ds.key_tag}"


def _parent_ds(lookup: Dns, zone: str) -> tuple[list[DSBase], str]:
    """The DS set the parent publishes for ``zone`` and, when it cannot be read, why."""
    try:
        return [ds for ds in lookup.resolve(zone, "DS").rrset or () if isinstance(ds, DSBase)], ""
    except dns.resolver.NXDOMAIN:
        return [], ""
    except (dns.exception.DNSException, OSError) as exc:
        return [], f"looking up {zone} DS: {failure(exc)}"


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
    ds_set, ds_failed = _parent_ds(lookup, zone)
    if keys is None:
        if ds_set:
            # The DS says the zone is signed; with no DNSKEY to match it every answer is bogus.
            shown = ", ".join(_ds_text(ds) for ds in ds_set)
            detail = (
                f"the parent publishes {shown} but the zone has no DNSKEY: validating resolvers find every answer bogus"
                " and cannot resolve the domain (RFC 4035 5.2)"
            )
            return Result(zone, "DNSSEC", "error", detail=detail)
        if ds_failed:
            return Result(zone, "DNSSEC", "error", detail=f"the zone is not signed (no DNSKEY), and {ds_failed}")
        return Result(
            zone, "DNSSEC", "notice", detail="the zone is not signed (no DNSKEY); resolvers cannot authenticate its answers (RFC 4033)"
        )
    problems: list[str] = [ds_failed] if ds_failed else []
    notes: list[str] = []
    tags = sorted(dns.dnssec.key_id(key) for key in keys)
    if not ds_set and not problems:
        notes.append(f"the parent publishes no DS for {zone}: resolvers treat the zone as unsigned (RFC 4035 5.2)")
    elif ds_set:
        unmatched = [ds for ds in ds_set if not any(ds.key_tag == dns.dnssec.key_id(key) and _same(origin, key, ds) for key in keys)]
        if len(unmatched) == len(ds_set):
            ds_tags = sorted({ds.key_tag for ds in ds_set})
            problems.append(f"no DS at the parent matches a DNSKEY (DS key tags {ds_tags}, DNSKEY key tags {tags}; RFC 4035 5.2)")
        elif unmatched:
            # Another DS leads to a key, so resolvers validate today; this one is stale or mistyped,
            # and becomes the only DS the moment the matching one is removed (RFC 4035 5.2).
            problems.append(f"{len(unmatched)} of {len(ds_set)} DS records at the parent match no DNSKEY (RFC 4035 5.2)")
        notes.extend(_unmatched(origin, ds, keys) for ds in unmatched)
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
