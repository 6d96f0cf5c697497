"""The checks of the flag table (``maildns.review.flags.RULES``): each reads the old and new view of
one stack and yields ``(code, reason)`` for every risky change it finds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from maildns.records.dkim import is_dkim_name, parse_dkim
from maildns.records.dmarc import dmarc_name, is_dmarc, parse_dmarc
from maildns.records.mta_sts import is_sts_txt, pattern_matches
from maildns.records.mta_sts import parse_txt as parse_sts_txt
from maildns.records.mta_sts import txt_name as sts_txt_name
from maildns.records.spf import SpfRecord, is_spf, parse_spf
from maildns.records.tls_rpt import is_tls_rpt, parse_tls_rpt, tls_rpt_name
from maildns.review.blocks import blocks, is_computed
from maildns.review.mail import Mail, View, find, mx_hosts, uris
from maildns.review.senders import WIDE_IPV4, WIDE_IPV6, senders

Found = tuple[str, str]  # code, reason

# OctoDNS refuses a plan that updates or deletes more than 30% of a zone's existing records, and
# only checks zones with at least 10 (octodns/provider/plan.py: MAX_SAFE_*_PCENT, MIN_EXISTING_RECORDS).
CHANGE_SHARE = 0.3
CHANGE_SHARE_MIN_RECORDS = 10

_DMARC_RANK = {"none": 0, "quarantine": 1, "reject": 2}
_MODE_RANK = {"none": 0, "testing": 1, "enforce": 2}
# SPF ``all`` from weakest to strongest; no ``all`` and no ``redirect`` ends neutral (RFC 7208 4.7).
_ALL_RANK = {"+": 0, "?": 1, "~": 2, "-": 3}
_ALL_NAME = {"+": "+all (pass)", "?": "?all (neutral)", "~": "~all (softfail)", "-": "-all (fail)"}


def removed_stack_note(stack: str) -> str:
    return (
        f"stack {stack} removed from the synth output: nothing in this output destroys its resources; "
        f"its records stay published until the deploy pipeline runs a destroy for it (cdktf destroy {stack})"
    )


def stack_removed(old: View, new: View) -> Iterator[Found]:
    yield "stack-removed", removed_stack_note(old.stack)


def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{seconds} s, {n} {unit}{'s' * (n != 1)}"
    return f"{seconds} s"


def _cname(view: Mail, name: str) -> str | None:
    """The target of the CNAME at ``name`` (a record delegated to a vendor), or None."""
    rs = view.records.get((name.lower(), "CNAME"))
    return rs.values[0].rstrip(".").lower() if rs and rs.values else None


def _delegation(what: str, name: str, before: str | None, after: str | None, *, published: bool) -> Iterator[Found]:
    """A record delegated by CNAME (``before``/``after`` its targets) removed, pointed elsewhere, or
    changed in form (a CNAME to a record of the domain's own or back; ``published``: the name still
    has a record): receivers then read what another zone publishes, or nothing."""
    kind = what.lower()
    if before is not None and after is None and not published:
        yield f"{kind}-removed", f"{what} record {name} (a CNAME to {before}) removed: receivers find no {what} record"
    elif before is not None and after is None:
        yield f"{kind}-delegation-ended", f"{what} record {name} no longer a CNAME to {before}: it is published here now"
    elif before is None and after is not None and published:
        yield f"{kind}-delegated", f"{what} record {name} becomes a CNAME to {after}: receivers read whatever that name publishes"
    elif before is not None and after is not None and before != after:
        yield (
            f"{kind}-target-changed",
            f"{what} record {name} CNAME target changed {before} -> {after}: receivers read the new target's record",
        )


def dmarc(old: View, new: View) -> Iterator[Found]:
    name = dmarc_name(old.mail.domain)
    before, after = find(old.mail, is_dmarc, name), find(new.mail, is_dmarc, name)
    was_cname, now_cname = _cname(old.mail, name), _cname(new.mail, name)
    if was_cname is not None or now_cname is not None:
        yield from _delegation("DMARC", name, was_cname, now_cname, published=(after if was_cname else before) is not None)
        return
    if before is None:
        return
    if after is None:
        yield "dmarc-removed", f"DMARC record {name} removed: receivers apply no policy to mail that fails SPF and DKIM"
        return
    a, b = parse_dmarc(before).tags, parse_dmarc(after).tags
    for tag, fallback in (("p", None), ("sp", "p")):
        if tag == "sp" and "sp" not in a and "sp" not in b:
            continue  # sp follows p on both sides: the p flag says it (RFC 7489 6.3)
        was = a.get(tag, a.get(fallback or "", "none")).lower()
        now = b.get(tag, b.get(fallback or "", "none")).lower()
        if _DMARC_RANK.get(now, 0) < _DMARC_RANK.get(was, 0):
            what = "policy" if tag == "p" else "subdomain policy"
            yield (
                f"dmarc-{tag}-weakened",
                f"DMARC {tag} weakened {was} -> {now}: the {what} no longer {'rejects' if was == 'reject' else 'quarantines'} failing mail (RFC 7489 6.3)",
            )
        if _DMARC_RANK.get(now, 0) > _DMARC_RANK.get(was, 0) and (tag == "p" or "sp" in b):
            yield (
                "dmarc-policy-strengthened",
                f"DMARC {tag} strengthened {was} -> {now}: legitimate mail that fails alignment is now "
                f"{'rejected' if now == 'reject' else 'quarantined'}; check aggregate reports first (RFC 7489 6.3, 7.2)",
            )
    for tag, what in (("adkim", "DKIM"), ("aspf", "SPF")):
        if a.get(tag, "r").lower() == "s" and b.get(tag, "r").lower() == "r":
            yield (
                "dmarc-alignment-loosened",
                f"DMARC {tag} loosened s -> r: {what} passes for any subdomain of the organisational domain, not only the exact one (RFC 7489 3.1)",
            )
    was_pct, now_pct = a.get("pct", "100"), b.get("pct", "100")
    was_n, now_n = _percent(was_pct), _percent(now_pct)
    if was_n is not None and now_n is not None and now_n < was_n:
        yield "dmarc-pct-lowered", f"DMARC pct lowered {was_pct} -> {now_pct}: the policy applies to fewer failing messages (RFC 7489 6.3)"
    for tag in ("rua", "ruf"):
        for uri in sorted(uris(a.get(tag)) - uris(b.get(tag))):
            kind = "aggregate" if tag == "rua" else "failure"
            yield "report-address-removed", f"DMARC {tag} address {uri} removed: its owner stops receiving {kind} reports"


def _percent(text: str) -> int | None:
    """A ``pct`` value to compare: ASCII digits (RFC 7489 6.4 ``1*3DIGIT``), else None; ``str.isdigit``
    alone takes ``²`` and strings int() refuses."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


def _spf_all(record: SpfRecord) -> str | None:
    """The ``all`` qualifier, ``?`` when there is neither ``all`` nor ``redirect`` (RFC 7208 4.7)."""
    if record.all is not None:
        return record.all
    return None if any(t.name == "redirect" for t in record.terms) else "?"


def _includes(record: SpfRecord) -> set[str]:
    return {t.text.lstrip("+-~?").lower() for t in record.terms if t.name == "include"}


def spf(old: View, new: View) -> Iterator[Found]:
    names = sorted({n for n, t in old.mail.records if t == "TXT"} | {n for n, t in new.mail.records if t == "TXT"})
    for name in names:
        before, after = find(old.mail, is_spf, name), find(new.mail, is_spf, name)
        if before is None:
            continue
        if after is None:
            yield (
                "spf-removed",
                f"SPF record of {name} removed: receivers can no longer tell authorised senders from forgers (RFC 7208 2.6.1 none)",
            )
            continue
        a, b = parse_spf(before), parse_spf(after)
        was, now = _spf_all(a), _spf_all(b)
        if was is not None and now is not None and _ALL_RANK[now] < _ALL_RANK[was]:
            yield (
                "spf-all-loosened",
                f"SPF of {name} loosened {_ALL_NAME[was]} -> {_ALL_NAME[now]}: mail from unlisted hosts is rejected less (RFC 7208 4.7, 8)",
            )
        for term in sorted(_includes(b) - _includes(a)):
            yield "spf-include-added", f"SPF of {name} adds {term}: everyone that domain authorises may now send as {name}"
        old_senders, new_senders = senders(a), senders(b)
        for term, wider in sorted(new_senders.items()):
            if term in old_senders:
                continue
            if wider is not None:
                yield (
                    "spf-sender-wide",
                    f"SPF of {name} adds {term}: every host of that network may send as {name}, "
                    f"wider than /{WIDE_IPV4} IPv4 or /{WIDE_IPV6} IPv6 (RFC 7208 5.6)",
                )
            else:
                yield "spf-sender-added", f"SPF of {name} adds the sender {term}: the hosts it names may now send as {name} (RFC 7208 5)"
        if b.redirect and b.redirect != a.redirect:
            yield (
                "spf-redirect",
                f"SPF of {name} redirects to {b.redirect}: that domain's record, its senders and its all, now decide for {name} (RFC 7208 6.1)",
            )
        for term in sorted(_includes(a) - _includes(b)):
            yield "spf-include-removed", f"SPF of {name} drops {term}: mail sent through it fails SPF"


def _uncovered(view: Mail) -> set[str]:
    if not view.policy or view.policy.mode != "enforce":
        return set()
    return {h for h in mx_hosts(view) if h and not any(pattern_matches(p, h) for p in view.policy.mx)}


def mx(old: View, new: View) -> Iterator[Found]:
    before_mode = old.mail.policy.mode if old.mail.policy else None
    after_mode = new.mail.policy.mode if new.mail.policy else None
    if "enforce" in (before_mode, after_mode):
        listed = new.mail.policy.mx if new.mail.policy else ()
        for host in sorted(mx_hosts(old.mail) - mx_hosts(new.mail)):
            still = any(pattern_matches(p, host) for p in listed)
            yield (
                "mx-removed-under-enforce",
                (
                    f"MX host {host} removed while MTA-STS is in enforce mode"
                    + (" and the policy still lists it" if still else "; check the remaining hosts take all the mail")
                ),
            )
    for host in sorted(_uncovered(new.mail) - _uncovered(old.mail)):
        yield (
            "mx-not-covered",
            f"MX host {host} is not covered by the enforce policy's mx: lines: senders refuse to deliver to it (RFC 8461 4.1)",
        )


def mta_sts(old: View, new: View) -> Iterator[Found]:
    a, b = old.mail.policy, new.mail.policy
    if a is not None and a.mode in _MODE_RANK and (b is None or _MODE_RANK.get(b.mode or "", 0) < _MODE_RANK[a.mode]):
        now = "removed" if b is None else b.mode
        yield (
            "mta-sts-mode-lowered",
            f"MTA-STS mode lowered {a.mode} -> {now}: senders stop refusing unauthenticated TLS to the MX hosts (RFC 8461 5)",
        )
    name = sts_txt_name(old.mail.domain)
    id_before = parse_sts_txt(find(old.mail, is_sts_txt, name) or "").get("id")
    id_after = parse_sts_txt(find(new.mail, is_sts_txt, name) or "").get("id")
    if id_before and id_after and id_before != id_after:
        keep = (
            f"senders keep the old policy up to its max_age ({_duration(a.max_age)})"
            if a and a.max_age is not None
            else "senders keep the old policy up to its max_age"
        )
        same = "; the policy itself did not change" if a and b and a.text == b.text else ""
        yield "mta-sts-id-changed", f"MTA-STS id changed {id_before} -> {id_after}: {keep}{same} (RFC 8461 3.3)"
    if a and b and a.max_age is not None and b.max_age is not None and a.max_age != b.max_age:
        how = "lowered" if b.max_age < a.max_age else "raised"
        yield (
            f"mta-sts-max-age-{how}",
            f"MTA-STS max_age {how} {_duration(a.max_age)} -> {_duration(b.max_age)}: senders cache the policy that long (RFC 8461 3.2)",
        )


def _revoked(type_: str, values: tuple[str, ...]) -> bool:
    """A key record whose every value has an empty ``p=``: the key is revoked (RFC 6376 3.6.1)."""
    return type_ == "TXT" and bool(values) and all(parse_dkim(v).tags.get("p", None) == "" for v in values)


def dkim(old: View, new: View) -> Iterator[Found]:
    for key, rs in sorted(new.mail.records.items()):
        replaced = (key[0], "CNAME" if key[1] == "TXT" else "TXT") in old.mail.records  # dkim-key-replaced says it
        if is_dkim_name(key[0]) and not is_computed(key[0]) and key not in old.mail.records and not replaced:
            yield "dkim-key-added", f"DKIM key {rs.name} added: check the sender that signs with it is the one intended (RFC 6376 3.6.2.1)"
    for key, rs in sorted(old.mail.records.items()):
        if not is_dkim_name(key[0]) or key[1] not in ("TXT", "CNAME"):
            continue
        # SES Easy DKIM CNAMEs are named by tokens known after apply; SES rotates the keys behind them.
        ses = "${" in key[0]
        cname = key[1] == "CNAME" and not ses
        after = new.mail.records.get(key)
        if after is None and is_computed(key[0]):
            continue  # an SES token's record: ses_identity says what happened to its identity
        other = new.mail.records.get((key[0], "CNAME" if key[1] == "TXT" else "TXT"))
        delegated = f" (a CNAME to {rs.values[0].rstrip('.')})" if cname and rs.values else ""
        if after is None and other is not None and not ses:
            form = f"a CNAME to {other.values[0].rstrip('.')}" if other.type == "CNAME" and other.values else "a key record"
            yield (
                "dkim-key-replaced",
                f"DKIM selector {rs.name} becomes {form}: mail signed with the old key and still in flight fails DKIM",
            )
        elif after is None and _revoked(key[1], rs.values):
            yield (
                "dkim-revoked-selector-removed",
                f"DKIM selector {rs.name} removed after its revocation (p= empty): the last step of a rotation",
            )
        elif after is None:
            when = "" if cname else " before it was revoked"
            yield (
                "dkim-selector-removed",
                f"DKIM selector {rs.name}{delegated} removed{when}: mail signed with it and still in flight fails DKIM (RFC 6376 3.6.2.2)",
            )
        elif sorted(after.values) != sorted(rs.values) and cname:
            yield (
                "dkim-target-changed",
                f"DKIM selector {rs.name} CNAME target changed {rs.values[0].rstrip('.')} -> {after.values[0].rstrip('.')}: "
                "mail signed with the key at the old target and still in flight fails DKIM unless the new one publishes it",
            )
        elif sorted(after.values) != sorted(rs.values) and _revoked(key[1], after.values):
            yield (
                "dkim-key-revoked",
                f"DKIM key of {rs.name} revoked (p= empty, RFC 6376 3.6.1): mail signed with it and still in flight fails DKIM",
            )
        elif sorted(after.values) != sorted(rs.values):
            yield (
                "dkim-key-replaced",
                f"DKIM key of {rs.name} replaced in place: mail signed with the old key and still in flight fails DKIM",
            )


def rotation_history(old: View, new: View) -> Iterator[Found]:
    """The DKIM rotation flags only the git history shows (a key's ``state``, when it changed):
    ``maildns diff`` adds them from ``maildns.rotation`` when both sides are revisions
    (``report.with_flags``); the synth output alone raises none."""
    return iter(())


def tls_rpt(old: View, new: View) -> Iterator[Found]:
    name = tls_rpt_name(old.mail.domain)
    was_cname, now_cname = _cname(old.mail, name), _cname(new.mail, name)
    if was_cname is not None or now_cname is not None:
        published = find(new.mail if was_cname else old.mail, is_tls_rpt, name) is not None
        yield from _delegation("TLS-RPT", name, was_cname, now_cname, published=published)
        return
    before = parse_tls_rpt(find(old.mail, is_tls_rpt, name) or "").get("rua")
    after = parse_tls_rpt(find(new.mail, is_tls_rpt, name) or "").get("rua")
    for uri in sorted(uris(before) - uris(after)):
        yield "report-address-removed", f"TLS-RPT rua address {uri} removed: its owner stops receiving TLS reports (RFC 8460 3)"


def share(old: View, new: View) -> Iterator[Found]:
    existing = len(old.mail.records)
    touched = sum(new.mail.records.get(k) != rs for k, rs in old.mail.records.items())
    if existing >= CHANGE_SHARE_MIN_RECORDS and touched > existing * CHANGE_SHARE:
        yield (
            "many-records-changed",
            f"{touched} of {existing} record sets changed or removed at once (over {CHANGE_SHARE:.0%}): check this is one intended change",
        )


def ttls_and_order(old: View, new: View) -> Iterator[Found]:
    for key, rs in sorted(old.mail.records.items()):
        after = new.mail.records.get(key)
        if after is None:
            continue
        if after.ttl != rs.ttl:
            yield "ttl-changed", f"TTL of {rs.name} {rs.type} {rs.ttl} -> {after.ttl}: caches hold the old answer up to the old TTL"
        if after.values != rs.values and sorted(after.values) == sorted(rs.values):
            yield "values-reordered", f"values of {rs.name} {rs.type} reordered: resolvers see the same set"


def comments(old: View, new: View) -> Iterator[Found]:
    before, after = blocks(old.doc), blocks(new.doc)
    for address in sorted(before.keys() & after.keys()):
        a, b = before[address], after[address]
        if not (isinstance(a, Mapping) and isinstance(b, Mapping)):
            continue
        for attr in ("comment", "description"):
            if a.get(attr) != b.get(attr):
                yield "comment-changed", f"{attr} of {address} changed: no effect on mail"
