"""Ask DNS servers for each record maildns manages and compare the answers with the rendered records."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import dns.exception
import dns.flags
import dns.rdata
import dns.rdatatype
import dns.resolver

from maildns.records import Record
from maildns.records.mx import mx_text
from maildns.records.txt import answer_text

# Statuses that do not fail the check: ``notice`` reports a fact worth knowing (an unsigned zone).
PASSING = ("ok", "skipped", "notice")
EDNS_PAYLOAD = 1232  # the DNS flag day 2020 size: large enough for RRSIGs, small enough not to fragment


@dataclass(frozen=True)
class Answer:
    """What one server answered: its values, or the error that stood for an answer."""

    server: str
    values: tuple[str, ...] = ()
    error: str = ""


Status = Literal["ok", "notice", "skipped", "mismatch", "missing", "inconsistent", "error"]


@dataclass(frozen=True)
class Result:
    """The outcome for one record set, policy file or rule: ok, notice, skipped, mismatch,
    missing, inconsistent or error.

    ``servers`` holds each authoritative server's answer (its values, or its error) when they
    disagree; ``notes`` are extra lines (an SPF lookup chain) printed below the result.
    """

    name: str
    type: str
    status: Status
    expected: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    detail: str = ""
    servers: tuple[Answer, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status in PASSING


class DeadlinePassed(dns.exception.Timeout):
    """The overall time allowed for one domain is used up; the remaining queries are not sent."""

    def __init__(self, seconds: float) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # dnspython's constructor is unannotated
        self.seconds = seconds

    def __str__(self) -> str:
        return f"the deadline of {self.seconds:g} s for this domain passed before the query was sent"


@dataclass
class Dns:
    """One way of asking DNS (the system resolver or one server), with a per-query timeout and
    an overall deadline (a ``time.monotonic()`` value) shared by every query of one domain."""

    resolver: dns.resolver.Resolver
    timeout: float
    deadline: float
    budget: float
    label: str = "resolver"

    def lifetime(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlinePassed(self.budget)
        return min(self.timeout, remaining)

    def resolve(self, name: str, type_: str, *, dnssec: bool = False) -> dns.resolver.Answer:
        """The answer (possibly empty). NXDOMAIN, timeouts and refusals raise."""
        res = self.resolver
        if dnssec:
            res = clone(res)
            res.use_edns(0, dns.flags.DO, EDNS_PAYLOAD)
        return res.resolve(name, type_, raise_on_no_answer=False, search=False, lifetime=self.lifetime())

    def server(self, address: str, port: int, label: str) -> Dns:
        """Ask ``address``:``port`` directly, within the same deadline."""
        res = dns.resolver.Resolver(configure=False)
        res.nameservers = [address]
        res.port = port
        return Dns(res, self.timeout, self.deadline, self.budget, label)


def clone(res: dns.resolver.Resolver) -> dns.resolver.Resolver:
    copy = dns.resolver.Resolver(configure=False)
    copy.nameservers = list(res.nameservers)
    copy.port = res.port
    return copy


def resolver(nameserver: tuple[str, int] | None = None, timeout: float = 5.0) -> dns.resolver.Resolver:
    """The system resolver, or one that asks ``nameserver`` (address, port) directly."""
    if nameserver is None:
        r = dns.resolver.Resolver()
    else:
        r = dns.resolver.Resolver(configure=False)
        r.nameservers = [nameserver[0]]
        r.port = nameserver[1]
    r.lifetime = timeout
    return r


def start(nameserver: tuple[str, int] | None, timeout: float, deadline: float) -> Dns:
    """A ``Dns`` for one domain: its deadline starts now."""
    label = f"{nameserver[0]}:{nameserver[1]}" if nameserver else "resolver"
    return Dns(resolver(nameserver, timeout), timeout, time.monotonic() + deadline, deadline, label)


def text(rdata: dns.rdata.Rdata, type_: str) -> str:
    """One answer value in the form maildns renders it."""
    if type_ == "TXT":
        return answer_text(rdata.strings)  # type: ignore[attr-defined]
    if type_ == "MX":
        return mx_text(rdata.preference, str(rdata.exchange))  # type: ignore[attr-defined]
    return str(rdata).rstrip(".").lower()


def published(lookup: Dns, name: str, type_: str) -> tuple[str, ...]:
    """What the DNS answers for ``name``/``type_``; empty for NXDOMAIN or no data."""
    try:
        answer = lookup.resolve(name, type_)
    except dns.resolver.NXDOMAIN:
        return ()
    return tuple(sorted(text(rdata, type_) for rdata in answer)) if answer.rrset else ()


def failure(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def check_records(records: Iterable[Record], servers: Sequence[Dns]) -> list[Result]:
    """One Result per record set, asking every server of ``servers``; when they disagree the
    record is ``inconsistent`` and each server's answer is kept.

    Values known only after apply are checked for presence when the name is known (the MTA-STS
    host), and skipped when the name itself is (SES tokens without ``--state``)."""
    results = []
    for record in records:
        expected = tuple(sorted(record.values))
        if record.computed and "<" in record.name:
            results.append(Result(record.name, record.type, "skipped", expected, detail="name known after apply (give --state)"))
            continue
        answers: list[Answer] = []
        for server in servers:
            try:
                answers.append(Answer(server.label, published(server, record.name, record.type)))
            except (dns.exception.DNSException, OSError) as exc:
                answers.append(Answer(server.label, error=failure(exc)))
        if len({(a.values, a.error) for a in answers}) > 1:
            results.append(
                Result(
                    record.name, record.type, "inconsistent", expected, detail="the authoritative servers disagree", servers=tuple(answers)
                )
            )
            continue
        if answers[0].error:
            results.append(Result(record.name, record.type, "error", expected, detail=answers[0].error))
            continue
        live = answers[0].values
        status: Status
        if not live:
            status = "missing"
        elif record.computed:
            status = "ok"  # any answer will do: the value is the distribution's, chosen by AWS
        else:
            status = "ok" if live == expected else "mismatch"
        results.append(Result(record.name, record.type, status, expected, live))
    return results


def differences(expected: Sequence[str], found: Sequence[str]) -> list[str]:
    """``-`` for each expected value not found, ``+`` for each found value not expected."""
    return [f"- {v!r}" for v in expected if v not in found] + [f"+ {v!r}" for v in found if v not in expected]
