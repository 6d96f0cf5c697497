"""Turn what a domain publishes into config data, noting each value maildns cannot publish as it is."""

from __future__ import annotations

from collections import Counter
from typing import Any

from maildns.config.adopt import set_name
from maildns.importer.imported import Imported
from maildns.importer.live import Live, RecordSet
from maildns.importer.lockdown import lockdown
from maildns.importer.wildcards import wildcards
from maildns.records import mta_sts as sts
from maildns.records.dkim import colon_list, dkim_name, parse_dkim
from maildns.records.dmarc import TAG_ORDER, dmarc_name, is_dmarc, report_uris
from maildns.records.mx import parse_mx
from maildns.records.spf import is_spf, parse_spf
from maildns.records.tags import parse_tags
from maildns.records.tls_rpt import parse_tls_rpt, rua_uris, tls_rpt_name

DMARC_INTEGERS = ("pct", "ri")
DMARC_LISTS = ("rua", "ruf")


def convert(live: Live) -> Imported:
    """The config data that publishes what ``live`` holds, as far as maildns can express it."""
    if (parked := lockdown(live)) is not None:
        data, parked_ttls, parked_adopt = parked
        out = Imported(live.domain, data)
        _ttls(out, parked_ttls)
        out.data["adopt"] = parked_adopt
        return out
    out = Imported(live.domain, {"domain": live.domain})
    adopt: list[str] = []
    ttls: dict[str, int] = {}
    domain = live.domain

    if (mx := live.get(domain, "MX")) is not None:
        hosts = []
        for value in mx.values:
            parsed = parse_mx(value)
            if isinstance(parsed, tuple):
                hosts.append({"host": parsed[1], "preference": parsed[0]})
            else:
                out.note(("mx",), f"has a value maildns cannot publish ({parsed.message}); it is left out", value, parsed.rule)
        out.data["mx"] = hosts
        adopt.append(set_name("mx"))
        ttls["mx"] = mx.ttl

    if (apex := live.get(domain, "TXT")) is not None:
        _apex(out, apex)
        adopt.append(set_name("spf"))  # the apex TXT set: SPF and every other value share it
        ttls["spf"] = apex.ttl
    else:
        out.note(
            ("spf",),
            "no TXT record is published at the domain, so no SPF: the config's v=spf1 -all says it sends no mail; set spf.terms if it does",
            None,
            "RFC 7208 3",
        )

    keys: list[dict[str, Any]] = []
    key_ttls: set[int] = set()
    for selector in live.selectors:
        name = dkim_name(selector, domain)
        if (alias := live.get(name, "CNAME")) is not None:
            # The signer keeps the key at the target (RFC 6376 3.6.2.1): delegated, as published.
            keys.append({"selector": selector, "cname": alias.values[0]})
            key_ttls.add(alias.ttl)
            adopt.append(set_name("dkim", selector))
        elif (found := live.get(name, "TXT")) is not None and (key := _dkim(out, selector, found)) is not None:
            keys.append(key)
            key_ttls.add(found.ttl)
            adopt.append(set_name("dkim", selector))
    if keys:
        out.data["dkim"] = keys
        ttls["dkim"] = min(key_ttls)
        if len(key_ttls) > 1:
            out.note(
                ("ttl_overrides", "dkim"),
                "differs between DKIM keys; one TTL applies to all of them",
                sorted(key_ttls),
                "see README: Configuration",
            )

    wildcards(out, live)
    if (alias := live.get(dmarc_name(domain), "CNAME")) is not None:
        out.data["dmarc"] = {"cname": alias.values[0]}  # delegated to a vendor, who keeps the policy
        adopt.append(set_name("dmarc"))
        ttls["dmarc"] = alias.ttl
    elif (dmarc := live.get(dmarc_name(domain), "TXT")) is not None:
        _dmarc(out, dmarc)
        adopt.append(set_name("dmarc"))  # the config always publishes _dmarc, so an existing set is imported
        ttls["dmarc"] = dmarc.ttl
    elif live.wildcard(dmarc_name(domain), "TXT") is None:
        out.note(("dmarc",), "no DMARC record is published: the config's default v=DMARC1; p=reject will be created", None, "RFC 7489 6.1")

    if (alias := live.get(tls_rpt_name(domain), "CNAME")) is not None:
        out.data["tls_rpt"] = {"cname": alias.values[0]}
        adopt.append(set_name("tls_rpt"))
        ttls["tls_rpt"] = alias.ttl
    elif (tls := live.get(tls_rpt_name(domain), "TXT")) is not None and _tls_rpt(out, tls):
        adopt.append(set_name("tls_rpt"))
        ttls["tls_rpt"] = tls.ttl

    if (alias := live.get(sts.txt_name(domain), "CNAME")) is not None:
        out.note(
            ("mta_sts",),
            f"{alias.name} is an alias of {alias.values[0]}, which maildns does not publish; left as it is, not managed",
            alias.values[0],
            "RFC 8461 3.1",
        )
    if (txt := live.get(sts.txt_name(domain), "TXT")) is not None and _mta_sts(out, live, txt):
        adopt.append(set_name("mta_sts"))
        ttls["mta_sts"] = txt.ttl
        host = sts.policy_host(domain)
        if host in live.cnames:
            out.note(
                ("mta_sts",),
                f"{host} is an alias of {live.cnames[host]}: delete it in the change that deploys the stack, whose A and AAAA aliases cannot coexist with it",
                host,
                "RFC 1034 3.6.2",
            )
        for type_ in ("A", "AAAA"):
            if (through := live.wildcard(host, type_)) is not None:
                out.note(
                    ("mta_sts",),
                    f"{host} {type_} answers only through the wildcard {through.owner}: the first deploy creates the policy site's {type_} alias there, which takes {host} out of the wildcard",
                    through.shown,
                    "RFC 4592 2.2.1",
                )
        adopt += [set_name(f"mta_sts_{t.lower()}") for t in ("A", "AAAA") if live.get(host, t) is not None]

    _ttls(out, ttls)
    out.data["adopt"] = adopt
    return out


def _ttls(out: Imported, ttls: dict[str, int]) -> None:
    """The most common TTL as ``ttl``, the others as ``ttl_overrides``."""
    if not ttls:
        return
    base = Counter(ttls.values()).most_common(1)[0][0]
    out.data["ttl"] = base
    overrides = {key: value for key, value in ttls.items() if value != base}
    if overrides:
        out.data["ttl_overrides"] = overrides


def _apex(out: Imported, apex: RecordSet) -> None:
    spf = [v for v in apex.values if is_spf(v)]
    out.data["apex_txt"] = [v for v in apex.values if not is_spf(v)]
    if not out.data["apex_txt"]:
        del out.data["apex_txt"]
    if not spf:
        out.note(
            ("spf",),
            "is not published (no v=spf1 value at the domain): the config's v=spf1 -all says the domain sends no mail; set spf.terms if it does",
            None,
            "RFC 7208 4.5",
        )
        return
    for extra in spf[1:]:
        out.note(
            ("spf",),
            "is published twice, which makes every SPF check a permerror; merge this one into spf.terms, the first deploy deletes it",
            extra,
            "RFC 7208 4.5",
        )
    terms: list[str] = []
    section: dict[str, Any] = {}
    record = parse_spf(spf[0])
    for i, term in enumerate(record.terms):
        if term.term is not None and term.term.mechanism == "all":
            section["all"] = {"-": "fail", "~": "softfail", "?": "neutral"}.get(term.term.qualifier, "pass")
            if rest := record.terms[i + 1 :]:
                out.note(
                    ("spf",),
                    "has terms after all, which receivers ignore; they are left out",
                    " ".join(t.text for t in rest),
                    "RFC 7208 5.1",
                )
            break
        if term.modifier and term.name in ("redirect", "exp"):
            if term.name in section:
                out.note(("spf", term.name), "is given twice, a permerror; the second is left out", term.text, "RFC 7208 6")
            else:
                section[term.name] = term.value
            continue
        if term.modifier:
            # Receivers ignore modifiers they do not know (RFC 7208 6).
            out.note(("spf",), "has a modifier receivers ignore, which maildns does not publish; it is left out", term.text, "RFC 7208 6")
            continue
        terms.append(term.text)
    section = {"terms": terms, **section} if terms else section
    if section.get("all") is not None and "redirect" in section:
        out.note(("spf", "redirect"), "is ignored when all is present; it is left out", section.pop("redirect"), "RFC 7208 6.1")
    if "all" not in section and "redirect" not in section:
        out.note(
            ("spf", "all"),
            "is not published, so other senders get neutral; maildns publishes -all unless spf.all says softfail",
            None,
            "RFC 7208 4.7",
        )
    out.data["spf"] = section


def _dkim(out: Imported, selector: str, found: RecordSet) -> dict[str, Any] | None:
    if len(found.values) > 1:
        out.note(
            ("dkim",),
            f"{found.name} has {len(found.values)} TXT records, which verifiers need not accept; left as it is, not managed",
            list(found.values),
            "RFC 6376 3.6.2.2",
            selector,
        )
        return None
    (text,) = found.values
    record = parse_dkim(text)
    if unusable := [p for p in record.problems if p.fatal]:
        # Verifiers refuse the record (RFC 6376 3.6.1, 3.2): there is no key to manage.
        out.note(
            ("dkim",),
            f"{found.name} is not a DKIM key record verifiers accept (it {unusable[0].message}); left as it is, not managed",
            text,
            unusable[0].rule,
            selector,
        )
        return None
    tags = record.tags
    if not tags["p"]:
        # A revoked key (RFC 6376 3.6.1): maildns publishes it as v=DKIM1; p= (revoked: true).
        if set(tags) - {"v", "p"}:
            out.note(
                ("dkim",),
                f"{found.name}: a revoked key is published as v=DKIM1; p=, without the other tags",
                text,
                "RFC 6376 3.6.1",
                selector,
            )
        return {"selector": selector, "revoked": True}
    key: dict[str, Any] = {"selector": selector, "key_type": tags.get("k", "rsa").lower(), "public_key": "".join(tags["p"].split())}
    if "h" in tags:
        key["hash_algorithms"] = [h.lower() for h in colon_list(tags["h"])]
    flags = [f.lower() for f in colon_list(tags.get("t"))]
    if "y" in flags:
        key["testing"] = True
    if "s" in flags:
        key["strict"] = True  # RFC 6376 3.6.1: no subdomain signs with this key
    if services := [t.lower() for t in colon_list(tags.get("s"))]:
        key["service_types"] = services
    unknown = sorted(set(tags) - {"v", "k", "p", "h", "t", "s"})
    dropped = [f"{tag}={tags[tag]}" for tag in unknown] + [f"t={f}" for f in flags if f not in ("y", "s")]
    if dropped:
        out.note(
            ("dkim",),
            f"{found.name}: maildns does not publish {', '.join(dropped)}; left out at the first deploy",
            text,
            "RFC 6376 3.6.1",
            selector,
        )
    return key


def _dmarc(out: Imported, found: RecordSet) -> None:
    records = [v for v in found.values if is_dmarc(v)]
    if len(found.values) > 1:
        out.note(
            ("dmarc",),
            f"has {len(found.values)} TXT records at {found.name}; receivers then apply no DMARC policy at all",
            list(found.values),
            "RFC 7489 6.6.3",
        )
    if not records:
        out.note(
            ("dmarc",),
            "is not a DMARC record (it must start with v=DMARC1): the config's default v=DMARC1; p=reject replaces it",
            found.values[0],
            "RFC 7489 6.3",
        )
        return
    text = records[0]
    parsed = parse_tags(text, "RFC 7489 6.4")
    if unreadable := [p for p in parsed.problems if p.fatal]:
        out.note(
            ("dmarc",),
            f"cannot be read ({unreadable[0].message}): the config's default v=DMARC1; p=reject replaces it",
            text,
            "RFC 7489 6.4",
        )
        return
    tags = list(parsed.pairs)
    if tags[0] != ("v", "DMARC1") or len(tags) < 2 or tags[1][0] != "p":
        out.note(("dmarc",), "must start with v=DMARC1; p=...; the config puts them first", text, "RFC 7489 6.3")
    section: dict[str, Any] = {}
    for tag, value in tags[1:] if tags[0][0] == "v" else tags:
        if tag in section:
            out.note(("dmarc", tag), "is given twice; the first is kept", text, "RFC 7489 6.3")
        elif tag in DMARC_LISTS:
            section[tag] = list(report_uris(value))
        elif tag in DMARC_INTEGERS:
            section[tag] = int(value) if value.isdigit() else value
        elif tag in TAG_ORDER:
            section[tag] = value
        else:
            out.note(("dmarc",), f"has the tag {tag}, which maildns does not publish; it is left out", f"{tag}={value}", "RFC 7489 6.3")
    out.data["dmarc"] = section


def _tls_rpt(out: Imported, found: RecordSet) -> bool:
    record = parse_tls_rpt(found.values[0])
    if len(found.values) > 1 or record.fatal:
        out.note(
            ("tls_rpt",),
            f"{found.name} is not one v=TLSRPTv1; rua=... record; left as it is, not managed",
            list(found.values),
            "RFC 8460 3",
        )
        return False
    out.data["tls_rpt"] = {"rua": list(rua_uris(record.get("rua")))}
    return True


def _mta_sts(out: Imported, live: Live, found: RecordSet) -> bool:
    if live.policy is None:
        out.note(
            ("mta_sts",),
            f"{found.name} is published but the policy could not be fetched ({live.policy_error}); add mta_sts by hand, the record is left as it is",
            list(found.values),
            "RFC 8461 3.3",
        )
        return False
    policy = sts.parse_policy(live.policy.decode("ascii", errors="backslashreplace"))
    mode, max_age = policy.mode, policy.max_age
    if policy.version != "STSv1" or not mode or max_age is None:
        out.note(
            ("mta_sts",),
            f"the policy at {sts.policy_url(live.domain)} is not an STSv1 policy with mode and max_age; add mta_sts by hand, the record is left as it is",
            live.policy.decode("ascii", errors="backslashreplace"),
            "RFC 8461 3.2",
        )
        return False
    patterns = list(policy.mx)
    hosts = [m["host"] for m in out.data.get("mx", []) if m["host"] != "."]
    section: dict[str, Any] = {"mode": mode, "max_age": max_age}
    if hosts and all(h in patterns for h in hosts):
        extra = [p for p in patterns if p not in hosts]
    else:
        section["include_mx"] = False
        extra = patterns
    if extra:
        section["patterns"] = extra
    out.data["mta_sts"] = section
    return True
