"""Fetch an MTA-STS policy the way a sending MTA does (RFC 8461 3.3) and compare its bytes."""

from __future__ import annotations

import difflib
import http.client
import socket
import ssl
from urllib.parse import urlsplit

from maildns.check.lookup import Result
from maildns.records.mta_sts import parse_policy

PORT = 443  # RFC 8461 3.3: the policy is fetched over HTTPS on the default port
# A policy is a few hundred octets (a line per MX pattern); 64 KiB is ample, and reading no more
# keeps a misconfigured host that serves something huge from costing time and memory.
MAX_BODY = 64 * 1024


def fetch(url: str, address: str, context: ssl.SSLContext, timeout: float) -> tuple[int, str, bytes]:
    """GET ``url`` from ``address`` with SNI and certificate checks for the URL's host; no
    redirects; at most ``MAX_BODY`` + 1 octets of the body are read."""
    host = urlsplit(url).hostname or ""
    raw = socket.create_connection((address, PORT), timeout=timeout)
    connection = http.client.HTTPSConnection(host, PORT, context=context, timeout=timeout)
    connection.sock = raw  # closed with the connection, even if the TLS handshake fails
    try:
        connection.sock = context.wrap_socket(raw, server_hostname=host)
        connection.request("GET", urlsplit(url).path, headers={"Host": host, "User-Agent": "maildns-check"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", "") or "", response.read(MAX_BODY + 1)
    finally:
        connection.close()


def policy_differences(expected: bytes, body: bytes) -> tuple[str, ...]:
    """The lines that differ, ``-`` as rendered and ``+`` as served, line ends shown (CRLF matters)."""
    old = expected.decode("ascii", errors="replace").splitlines(keepends=True)
    new = body.decode("ascii", errors="replace").splitlines(keepends=True)
    return tuple(
        f"{line[0]} {line[1:]!r}"
        for line in difflib.unified_diff(old, new, n=0)
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    )


def check_policy(url: str, address: str | None, expected: bytes, context: ssl.SSLContext, timeout: float) -> Result:
    """The policy file must answer 200, as text/plain, with exactly the bytes maildns rendered."""
    host = urlsplit(url).hostname or ""
    if address is None:
        return Result(url, "HTTPS", "missing", detail=f"{host} has no address")
    try:
        status, content_type, body = fetch(url, address, context, timeout)
    except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
        return Result(url, "HTTPS", "error", detail=str(exc) or type(exc).__name__)
    problems = []
    if status != 200:
        problems.append(f"HTTP {status}; senders accept only 200, without redirects (RFC 8461 3.3)")
    if content_type.split(";")[0].strip().lower() != "text/plain":
        problems.append(f"Content-Type {content_type or '(none)'}; must be text/plain (RFC 8461 3.2)")
    notes: tuple[str, ...] = ()
    if len(body) > MAX_BODY:
        problems.append(f"the body is over {MAX_BODY} octets, the most maildns reads; a policy is a few hundred")
    elif body != expected:
        problems.append("the policy differs from the rendered one")
        # What senders make of the served policy, read as they read it (RFC 8461 3.2).
        served = parse_policy(body.decode("ascii", errors="backslashreplace"))
        problems.extend(f"the served policy {problem}" for problem in served.problems)
        notes = policy_differences(expected, body)
    return Result(url, "HTTPS", "mismatch" if problems else "ok", detail="; ".join(problems), notes=notes)
