"""Fetch an MTA-STS policy the way a sending MTA does (RFC 8461 3.3) and compare its bytes."""

from __future__ import annotations

import http.client
import socket
import ssl
from urllib.parse import urlsplit

from maildns.check.lookup import Result

PORT = 443  # RFC 8461 3.3: the policy is fetched over HTTPS on the default port


def fetch(url: str, address: str, *, ca_file: str | None = None, timeout: float = 10.0) -> tuple[int, str, bytes]:
    """GET ``url`` from ``address`` with SNI and certificate checks for the URL's host; no redirects."""
    host = urlsplit(url).hostname or ""
    context = ssl.create_default_context(cafile=ca_file)
    raw = socket.create_connection((address, PORT), timeout=timeout)
    connection = http.client.HTTPSConnection(host, PORT, context=context, timeout=timeout)
    connection.sock = raw  # closed with the connection, even if the TLS handshake fails
    try:
        connection.sock = context.wrap_socket(raw, server_hostname=host)
        connection.request("GET", urlsplit(url).path, headers={"Host": host, "User-Agent": "maildns-check"})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def check_policy(url: str, address: str | None, expected: bytes, *, ca_file: str | None = None, timeout: float = 10.0) -> Result:
    """The policy file must answer 200, as text/plain, with exactly the bytes maildns rendered."""
    host = urlsplit(url).hostname or ""
    shown = (expected.decode("ascii"),)
    if address is None:
        return Result(url, "HTTPS", "missing", shown, detail=f"{host} has no address")
    try:
        status, content_type, body = fetch(url, address, ca_file=ca_file, timeout=timeout)
    except (OSError, ssl.SSLError, http.client.HTTPException) as exc:
        return Result(url, "HTTPS", "error", shown, detail=str(exc) or type(exc).__name__)
    problems = []
    if status != 200:
        problems.append(f"HTTP {status}; senders accept only 200, without redirects (RFC 8461 3.3)")
    if content_type.split(";")[0].strip().lower() != "text/plain":
        problems.append(f"Content-Type {content_type or '(none)'}; must be text/plain (RFC 8461 3.2)")
    if body != expected:
        problems.append("the policy differs from the rendered one")
    published = (body.decode("ascii", errors="replace"),)
    return Result(url, "HTTPS", "mismatch" if problems else "ok", shown, published, "; ".join(problems))
