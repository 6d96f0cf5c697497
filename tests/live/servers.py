"""Real servers for the live tests: an authoritative DNS server (dnslib) and an HTTPS server
with a certificate from a throw-away CA, both on loopback."""

from __future__ import annotations

import datetime
import http.server
import ssl
import threading
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from dnslib import AAAA, CNAME, MX, QTYPE, RR, TXT, A, DNSRecord
from dnslib.server import BaseResolver, DNSServer

from maildns.records import Record
from maildns.records.txt import character_strings, split_txt


class Zone(BaseResolver):
    """Answers from a fixed set of records; NXDOMAIN for names it does not hold."""

    def __init__(self, records: Iterable[Record]):
        self.rrs: dict[tuple[str, str], list[RR]] = {}
        for record in records:
            for value in record.values:
                self.add(record.name, record.type, value, record.ttl)

    def add(self, name: str, type_: str, value: str, ttl: int = 300) -> None:
        if type_ == "TXT":
            # Published the way Route53 publishes the provider's element: split strings.
            rdata = TXT([s.encode("ascii") for s in character_strings(split_txt(value))])
        elif type_ == "MX":
            preference, host = value.split(" ", 1)
            rdata = MX(host + ".", int(preference))
        else:
            rdata = {"A": A, "AAAA": AAAA, "CNAME": CNAME}[type_](value)
        self.rrs.setdefault((name.lower(), type_), []).append(RR(name + ".", getattr(QTYPE, type_), rdata=rdata, ttl=ttl))

    def remove(self, name: str, type_: str) -> None:
        self.rrs.pop((name, type_), None)

    def resolve(self, request: DNSRecord, handler) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        rrs = self.rrs.get((name, QTYPE[request.q.qtype]), [])
        if not rrs and not any(key[0] == name for key in self.rrs):
            reply.header.rcode = 3  # NXDOMAIN
        for rr in rrs:
            reply.add_answer(rr)
        return reply


def start_dns(zone: Zone) -> tuple[DNSServer, str]:
    server = DNSServer(zone, port=0, address="127.0.0.1")
    server.start_thread()
    return server, f"127.0.0.1:{server.server.server_address[1]}"


def make_ca_and_cert(folder: Path, host: str) -> tuple[Path, Path, Path]:
    """A CA certificate and a leaf certificate for ``host`` signed by it (PEM files)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "maildns test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem, cert_pem, key_pem = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return ca_pem, cert_pem, key_pem


class PolicySite:
    """An HTTPS server for one policy host; tests change what it serves through attributes."""

    def __init__(self, address: str, cert: Path, key: Path, path: str, body: bytes):
        self.path, self.body, self.content_type, self.status = path, body, "text/plain", 200
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                found = self.path == site.path
                self.send_response(site.status if found else 404)
                if site.status in (301, 302) and found:
                    self.send_header("Location", "https://example.org/")
                self.send_header("Content-Type", site.content_type)
                self.end_headers()
                if found:
                    self.wfile.write(site.body)

            def log_message(self, *args) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = http.server.ThreadingHTTPServer((address, 443), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
