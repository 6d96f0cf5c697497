"""Warnings: what the RFCs say SHOULD (or SHOULD NOT) be, printed by ``validate`` but never fatal."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from maildns.config import Config
from maildns.config.defaults import relocate
from maildns.errors import FieldPath, Problem
from maildns.records import dkim as dkim_records
from maildns.records import dmarc as dmarc_records
from maildns.records import mail_from as mail_from_records
from maildns.records import spf as spf_records
from maildns.records.names import MAX_NAME
from maildns.records.uri import uri_domain

MIN_MAX_AGE = 86400  # an MTA-STS policy cached less than a day protects little (RFC 8461 10)
MAX_REPORT_URIS = 2  # receivers need send reports to only two URIs per tag (RFC 7489 6.2)


def warnings(configs: Sequence[Config]) -> dict[str, list[Problem]]:
    """Warnings per config file (``config.source``); every file has a key."""
    managed = {config.domain for config in configs}
    out: dict[str, list[Problem]] = {}
    for config in configs:
        lines = out.setdefault(config.source, [])
        lines.extend(_spf(config))
        lines.extend(_dkim(config))
        lines.extend(_dmarc(config, managed))
        lines.extend(_mail_from(config))
        lines.extend(_mta_sts(config))
        # A warning about an inherited value names _defaults.yaml, the file to change.
        lines[:] = relocate(lines, {path: file for path, _, file in config.inherited})
    return out


def _spf(config: Config) -> Iterator[Problem]:
    spf = config.spf
    text = spf.text
    if len(text) > spf_records.WARN_OCTETS:
        # Other TXT records share the apex answer, which must stay under 512 octets (RFC 7208 3.4).
        yield _warning(
            config.source,
            ("spf", "terms"),
            f"render a record of {len(text)} octets; above {spf_records.WARN_OCTETS} the answer may not fit in 512 octets",
            text,
            "RFC 7208 3.4",
        )
    for i, network in spf_records.pass_networks(spf.terms):
        if network.prefixlen < spf_records.WIDE_PREFIX[network.version]:
            yield _warning(
                config.source,
                ("spf", "terms", i),
                f"authorises a whole /{network.prefixlen} IPv{network.version} network; a pass network shorter than /{spf_records.WIDE_PREFIX[network.version]} is almost always a mistake",
                str(spf.terms[i]),
                "RFC 7208 5.6",
            )
    if spf.exp is not None and spf.qualifier != "fail" and not any(t.qualifier == "-" for t in spf.terms):
        # Only a fail result shows the explanation (RFC 7208 6.2).
        yield _warning(config.source, ("spf", "exp"), "is never shown: no term and no all gives a fail result", spf.exp, "RFC 7208 6.2")


def _dkim(config: Config) -> Iterator[Problem]:
    for i, key in enumerate(config.dkim):
        if key.key_type != "rsa" or key.revoked or key.cname is not None:
            continue
        bits = dkim_records.rsa_bits(dkim_records.public_key_bytes(key.public_key)[1])
        if bits < dkim_records.RECOMMENDED_RSA_BITS:
            yield _warning(
                config.source,
                ("dkim", i, "public_key"),
                f"is a {bits}-bit RSA key; signers SHOULD use at least {dkim_records.RECOMMENDED_RSA_BITS} bits",
                key.public_key,
                "RFC 8301 3.2",
            )
        elif bits > dkim_records.MAX_VERIFIED_RSA_BITS:
            yield _warning(
                config.source,
                ("dkim", i, "public_key"),
                f"is a {bits}-bit RSA key; verifiers need support only up to {dkim_records.MAX_VERIFIED_RSA_BITS} bits, so some will not verify it",
                key.public_key,
                "RFC 8301 3.2",
            )


def _dmarc(config: Config, managed: set[str]) -> Iterator[Problem]:
    dmarc = config.dmarc
    domain = config.domain
    if dmarc.cname is not None and config.profile is not None:
        # The profile's DMARC requirements are about a record the vendor publishes.
        message = f"leaves the {config.profile} DMARC requirements (p=reject, reports to CISA) to the record at the target, which validate cannot read"
        yield _warning(config.source, ("dmarc", "cname"), message, dmarc.cname, "BOD 18-01")
    for tag in ("rua", "ruf"):
        uris = getattr(dmarc, tag)
        if len(uris) > MAX_REPORT_URIS:
            yield _warning(
                config.source,
                ("dmarc", tag),
                f"lists {len(uris)} URIs; receivers need send to only the first {MAX_REPORT_URIS}",
                list(uris),
                "RFC 7489 6.2",
            )
        for i, uri in enumerate(uris):
            destination = uri_domain(uri)
            if not dmarc_records.is_external(domain, destination) or destination in dmarc_records.WILDCARD_AUTHORIZED:
                continue
            name = dmarc_records.report_authorization_name(domain, destination)
            if len(name) > MAX_NAME:
                message = f"sends reports outside {domain}, but the authorisation name {name} would be {len(name)} octets (at most {MAX_NAME}), so {destination} cannot accept them"
            elif destination in managed:
                continue  # the plan publishes the authorisation in the destination's stack
            else:
                message = f'sends reports outside {domain}: {destination} must publish TXT "v=DMARC1" at {name}'
            yield _warning(config.source, ("dmarc", tag, i), message, uri, "RFC 7489 7.1")
    if dmarc.pct == 0:
        yield _warning(config.source, ("dmarc", "pct"), "is 0: the policy applies to no failing mail, as if p were none", 0, "RFC 7489 6.3")
    if dmarc.ri == 0:
        yield _warning(
            config.source,
            ("dmarc", "ri"),
            "is 0 seconds: no receiver reports that often, so each uses its own interval (the default is 86400)",
            0,
            "RFC 7489 6.3",
        )
    for tag in ("rua", "ruf"):
        for i, uri in enumerate(getattr(dmarc, tag)):
            if dmarc_records.size_limit(uri) == 0:
                yield _warning(
                    config.source, ("dmarc", tag, i), "has a size limit of 0: no report fits, so none is sent", uri, "RFC 7489 6.2"
                )
    if dmarc.fo is not None and not dmarc.ruf:
        # fo selects when failure reports are sent; without ruf there is nowhere to send them.
        yield _warning(
            config.source, ("dmarc", "fo"), "has no effect without ruf: failure reports need a destination", dmarc.fo, "RFC 7489 6.3"
        )
    if dmarc.fo is not None and {"0", "1"} <= set(dmarc.fo.split(":")):
        # 1 asks for a report when any mechanism fails, which includes every case of 0 (all fail).
        yield _warning(
            config.source,
            ("dmarc", "fo"),
            "has both 0 and 1; 0 is redundant with 1, which already reports every failure 0 reports",
            dmarc.fo,
            "RFC 7489 6.3",
        )


def _mail_from(config: Config) -> Iterator[Problem]:
    if config.ses is None or config.ses.mail_from is None:
        return
    # With a custom MAIL FROM domain SES mail is checked against that domain's SPF record, never
    # the apex's (RFC 7208 2.4: SPF checks the MAIL FROM identity), so the include only spends one
    # of the ten lookups (RFC 7208 4.6.4) and authorises every SES customer to use the apex.
    for i, term in enumerate(config.spf.terms):
        if term.mechanism == "include" and term.argument == mail_from_records.SES_SPF_INCLUDE:
            yield _warning(
                config.source,
                ("spf", "terms", i),
                "no longer serves SES mail: with ses.mail_from SES sends from its own MAIL FROM domains; remove it",
                str(term),
                "RFC 7208 2.4",
            )


def _mta_sts(config: Config) -> Iterator[Problem]:
    sts = config.mta_sts
    if sts is not None and sts.mode != "none" and sts.max_age < MIN_MAX_AGE:
        # A policy cached for less than a day protects little more than the first delivery:
        # an attacker who blocks the policy fetch downgrades every sender whose cache expired.
        yield _warning(
            config.source,
            ("mta_sts", "max_age"),
            f"is {sts.max_age} seconds in {sts.mode} mode; below {MIN_MAX_AGE} (a day) senders soon forget the policy and an attacker who blocks its fetch downgrades them",
            sts.max_age,
            "RFC 8461 3.2, 10",
        )


def _warning(file: str, path: FieldPath, message: str, value: Any, rule: str) -> Problem:
    return Problem(file, path, message, value, rule, severity="warning")
