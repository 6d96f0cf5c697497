"""An authoritative DNS server for the live tests: NSD on a loopback address and a free port,
started and stopped by its pid, and zones signed with ldns-signzone."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.message
import dns.query

from tests.conftest import with_default_signals

NSD = "/usr/sbin/nsd"
SOA = "{origin}. 300 IN SOA ns1.{origin}. hostmaster.{origin}. 1 3600 600 86400 300\n"


def require(*programs: str) -> None:
    """The live tests need NSD and ldnsutils; ``make test`` installs them (apt-get)."""
    missing = [p for p in programs if shutil.which(p) is None and not Path(p).exists()]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} not installed; `make dns-servers` installs them")


def loopback_addresses(count: int) -> list[str]:
    """``count`` addresses in one random 127.x.y.0/24, unlikely to be used by another test run."""
    x, y = random.randint(20, 250), random.randint(0, 255)
    return [f"127.{x}.{y}.{10 + i}" for i in range(count)]


def free_port(addresses: list[str]) -> int:
    """A port free for UDP and TCP on every address (the kernel picks it for the first one)."""
    for _ in range(50):
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind((addresses[0], 0))
        port = probe.getsockname()[1]
        probe.close()
        sockets = []
        try:
            for address in addresses:
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    s = socket.socket(socket.AF_INET, kind)
                    sockets.append(s)
                    s.bind((address, port))
            return port
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port on the loopback addresses")


def zone_text(origin: str, nameservers: dict[str, str], body: str) -> str:
    """A zone: SOA, NS records with their glue (``nameservers`` maps host to address), then ``body``."""
    head = SOA.format(origin=origin)
    for host, address in nameservers.items():
        head += f"{origin}. 300 IN NS {host}.\n"
        if host.endswith("." + origin):
            head += f"{host}. 300 IN A {address}\n"
    return head + body


@dataclass
class Nsd:
    """One NSD process serving ``zones`` (origin -> zone text) on ``address``:``port``."""

    folder: Path
    address: str
    port: int
    zones: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        require(NSD)
        self.folder.mkdir(parents=True, exist_ok=True)
        conf = [
            "server:",
            f"  ip-address: {self.address}@{self.port}",
            f"  port: {self.port}",
            '  username: ""',
            '  chroot: ""',
            f'  zonesdir: "{self.folder}"',
            f'  pidfile: "{self.folder}/nsd.pid"',
            f'  xfrdfile: "{self.folder}/xfrd.state"',
            f'  zonelistfile: "{self.folder}/zone.list"',
            '  database: ""',
            f'  logfile: "{self.folder}/nsd.log"',
            "  server-count: 1",
            "  hide-version: yes",
            "remote-control:",
            "  control-enable: no",
        ]
        for origin, text in self.zones.items():
            (self.folder / f"{origin}.zone").write_text(text)
            conf += ["zone:", f"  name: {origin}", f"  zonefile: {origin}.zone"]
        (self.folder / "nsd.conf").write_text("\n".join(conf) + "\n")
        self.process = subprocess.Popen(
            with_default_signals([NSD, "-d", "-c", str(self.folder / "nsd.conf")]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_ready(next(iter(self.zones)))

    def wait_ready(self, origin: str) -> None:
        """Until the server answers for ``origin`` with data (NSD reads zones after binding)."""
        query = dns.message.make_query(origin, "SOA")
        end = time.monotonic() + 10
        while time.monotonic() < end:
            if self.process is not None and self.process.poll() is not None:
                log = (self.folder / "nsd.log").read_text() if (self.folder / "nsd.log").exists() else ""
                raise RuntimeError(f"nsd exited with {self.process.returncode}: {log}")
            try:
                if dns.query.udp(query, self.address, port=self.port, timeout=0.2).answer:
                    return
            except (OSError, dns.exception.Timeout):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nsd on {self.address}:{self.port} did not answer for {origin}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        path = self.folder / "nsd.log"
        return path.read_text() if path.exists() else ""


def sign_zone(folder: Path, origin: str, text: str, *, expired: bool = False) -> tuple[str, str]:
    """Sign ``text`` with a fresh ECDSA P-256 KSK and ZSK (ldns-keygen, ldns-signzone); returns the
    signed zone and the DS record (one line) for the parent. ``expired`` signs with a validity
    period entirely in the past."""
    require("ldns-keygen", "ldns-signzone", "ldns-key2ds")
    folder.mkdir(parents=True, exist_ok=True)
    unsigned = folder / f"{origin}.unsigned"
    unsigned.write_text(text)

    def keygen(*flags: str) -> str:
        out = subprocess.run(
            ["ldns-keygen", "-a", "ECDSAP256SHA256", *flags, origin], cwd=folder, check=True, capture_output=True, text=True
        )
        return out.stdout.strip()

    ksk, zsk = keygen("-k"), keygen()
    period = ["-i", "20200101000000", "-e", "20200201000000"] if expired else []
    subprocess.run(
        ["ldns-signzone", "-n", *period, "-f", str(folder / f"{origin}.signed"), str(unsigned), ksk, zsk],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    ds = subprocess.run(["ldns-key2ds", "-n", "-2", f"{ksk}.key"], cwd=folder, check=True, capture_output=True, text=True).stdout.strip()
    return (folder / f"{origin}.signed").read_text(), ds
