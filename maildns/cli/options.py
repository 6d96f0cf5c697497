"""Options that several commands take, each defined once: its type, default, metavar and help.

A command adds the ones it takes with ``add_*``; a value an option refuses is a one-line usage
error (exit 2) naming the option, the same in every command.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import ssl
from collections.abc import Callable, Sequence

from maildns.cli.base import UsageError


def nameserver(text: str) -> tuple[str, int]:
    """``ADDR``, ``ADDR:PORT`` or ``[IPv6]:PORT`` -> (address, port), for ``check --nameserver``."""
    host, port = text, "53"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        address = str(ipaddress.ip_address(host))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an IP address (with an optional :port)") from None
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} has port {port!r}; a port is 1-65535")
    return address, int(port)


def count(what: str) -> Callable[[str], int]:
    """A ``--jobs N`` type: a count of ``what`` (processes, domains), at least 1."""

    def parse(text: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {what} (1 or more)")
        return int(text)

    return parse


def positive_seconds(text: str) -> float:
    """``--timeout``/``--deadline``: a positive, finite number of seconds (``nan`` would wait forever)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive, finite number of seconds")
    return value


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """The TLS settings for the policy host; a CA file that cannot be read is a usage error."""
    try:
        return ssl.create_default_context(cafile=ca_file)
    except ssl.SSLError as exc:  # a subclass of OSError: test it first
        raise UsageError(f"--ca-file {ca_file}: holds no PEM certificate ({exc.reason or exc})") from None
    except OSError as exc:
        raise UsageError(f"--ca-file {ca_file}: {exc.strerror or exc}") from None


def add_nameserver(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nameserver", type=nameserver, metavar="ADDR[:PORT]", help="ask this server instead of the system resolver")


def add_ca_file(parser: argparse.ArgumentParser) -> None:
    """``--ca-file PEM``; the command reads it with ``tls_context(args.ca_file)``."""
    parser.add_argument("--ca-file", metavar="PEM", help="trust these CA certificates for the policy host")


def add_timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout", type=positive_seconds, default=5.0, metavar="SECONDS", help="per query and per HTTPS fetch (default: 5)"
    )


def add_jobs(parser: argparse.ArgumentParser, *, what: str, default: int | None, help: str) -> None:
    """``--jobs N``: how many ``what`` (processes, domains) run at the same time."""
    parser.add_argument("--jobs", type=count(what), default=default, metavar="N", help=help)


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str], help: str | None = None) -> None:
    """``--format``: the first choice is the default."""
    parser.add_argument("--format", choices=tuple(choices), default=choices[0], help=help)
