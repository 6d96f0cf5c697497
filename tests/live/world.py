"""A small DNS world for ``maildns check``: the domain's zone built from ``maildns records
--format zone``, its parent, the other domains it names, an HTTPS policy site; all on loopback."""

from __future__ import annotations

import contextlib
import io
import json
import socket
from collections.abc import Callable
from pathlib import Path

import yaml

from maildns.cli import main
from maildns.config import parse_config
from maildns.plan import plan_one
from maildns.records.mta_sts import POLICY_PATH
from tests.live.nsd import Nsd, free_port, loopback_addresses, sign_zone, zone_text
from tests.live.servers import PolicySite, make_ca_and_cert

DISTRIBUTION = "d111abcdef8.cloudfront.net"


def records_zone(config_file: Path) -> str:
    """Exactly what ``maildns records --format zone`` prints for the config."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["records", "--format", "zone", str(config_file)]) == 0
    return out.getvalue()


class World:
    """Two authoritative servers for the domain (ns1 also serves the parent and the other zones),
    an address that never answers, and the policy site. Tests edit zones, then ``start()``."""

    def __init__(self, folder: Path, config: dict, others: dict[str, str]):
        self.folder = folder
        self.config = config
        self.domain: str = config["domain"]
        self.parent = self.domain.split(".", 1)[1]
        self.config_file = folder / f"{self.domain}.yaml"
        self.config_file.write_text(yaml.safe_dump(config))
        policy = plan_one(parse_config(config, str(self.config_file))).policy
        assert policy is not None, "the live tests serve a policy"
        self.policy: bytes = policy
        self.ns1, self.ns2, self.site_address, self.silent_address = loopback_addresses(4)
        self.port = free_port([self.ns1, self.ns2, self.silent_address])
        self.generated = records_zone(self.config_file)
        self.lines = self.generated.splitlines()
        self.lines += [f"mta-sts.{self.domain}. 60 IN A {self.site_address}", f"mta-sts.{self.domain}. 60 IN AAAA ::1"]
        self.others = dict(others)
        self.others["cloudfront.net"] = f"{DISTRIBUTION}. 60 IN A {self.site_address}\n{DISTRIBUTION}. 60 IN AAAA ::1\n"
        self.second_lines: list[str] | None = None  # what ns2 serves, when it differs
        self.signed: dict[str, bool] = {}
        self.ds_override: str | None = None
        self.ds_change: Callable[[str], list[str]] | None = None  # the real DS line -> the lines the parent publishes
        self.servers: list[Nsd] = []
        self.silent: socket.socket | None = None
        self.site: PolicySite | None = None
        self.ca: Path | None = None

    # --- editing, before start()
    def remove(self, name: str, type_: str, lines: list[str] | None = None) -> None:
        target = self.lines if lines is None else lines
        keep = [line for line in target if line.startswith(";") or line.split()[:1] != [name + "."] or line.split()[3] != type_]
        assert len(keep) < len(target), f"no {name} {type_} to remove"
        target[:] = keep

    def add(self, line: str) -> None:
        self.lines.append(line)

    def second(self) -> list[str]:
        """The lines ns2 serves; editing them makes the servers disagree."""
        if self.second_lines is None:
            self.second_lines = list(self.lines)
        return self.second_lines

    # --- running
    def _zone(self, lines: list[str], sign: dict[str, object] | None) -> tuple[str, str | None]:
        nameservers = {f"ns1.{self.domain}": self.ns1, f"ns2.{self.domain}": self.ns2}
        text = zone_text(self.domain, nameservers, "\n".join(lines) + "\n")
        if sign is None:
            return text, None
        return sign_zone(self.folder / "keys", self.domain, text, **sign)  # type: ignore[arg-type]

    def start(self, *, sign: dict[str, object] | None = None, extra: tuple[str, ...] = ()) -> list[str]:
        """Start everything; the ``maildns check`` arguments that use it."""
        domain_zone, ds = self._zone(self.lines, sign)
        second_zone = domain_zone if self.second_lines is None else self._zone(self.second_lines, None)[0]
        delegation = (
            f"{self.domain}. 300 IN NS ns1.{self.domain}.\n{self.domain}. 300 IN NS ns2.{self.domain}.\n"
            f"ns1.{self.domain}. 300 IN A {self.ns1}\nns2.{self.domain}. 300 IN A {self.ns2}\n"
        )
        if self.ds_change is not None and ds is not None:
            delegation += "".join(line + "\n" for line in self.ds_change(ds))
        elif self.ds_override is not None:
            delegation += self.ds_override + "\n"
        elif ds is not None:
            delegation += ds + "\n"
        zones = {
            self.domain: domain_zone,
            self.parent: zone_text(
                self.parent, {f"ns.nic.{self.parent}": self.ns1}, f"ns.nic.{self.parent}. 300 IN A {self.ns1}\n" + delegation
            ),
        }
        zones.update({origin: zone_text(origin, {f"ns.nic.{self.parent}": self.ns1}, body) for origin, body in self.others.items()})
        self.servers = [Nsd(self.folder / "ns1", self.ns1, self.port, zones)]
        if self.ns2 != self.silent_address:
            self.servers.append(Nsd(self.folder / "ns2", self.ns2, self.port, {self.domain: second_zone}))
        for server in self.servers:
            server.start()
        # A server that never answers: a bound socket nobody reads.
        self.silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.silent.bind((self.silent_address, self.port))
        host = f"mta-sts.{self.domain}"
        self.ca, cert, key = make_ca_and_cert(self.folder, host)
        self.site = PolicySite(self.site_address, cert, key, "/" + POLICY_PATH, self.policy)
        return [
            "check",
            str(self.config_file),
            "--nameserver",
            f"{self.ns1}:{self.port}",
            "--ca-file",
            str(self.ca),
            "--timeout",
            "2",
            *extra,
        ]

    def stop(self) -> None:
        if self.site is not None:
            self.site.stop()
        if self.silent is not None:
            self.silent.close()
        for server in self.servers:
            server.stop()

    def state_file(self, tokens: dict[str, list[str]], validation: tuple[str, str]) -> Path:
        """A Terraform state (format 4) with what apply would have created for the domain."""
        resources: list[dict[str, object]] = [
            {
                "mode": "managed",
                "type": "aws_ses_domain_dkim",
                "name": f"ses_dkim_{region.replace('-', '_')}",
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [{"attributes": {"domain": self.domain, "dkim_tokens": list(values)}}],
            }
            for region, values in tokens.items()
        ]
        resources.append(
            {
                "mode": "managed",
                "type": "aws_cloudfront_distribution",
                "name": "mta_sts",
                "instances": [{"attributes": {"aliases": [f"mta-sts.{self.domain}"], "domain_name": DISTRIBUTION}}],
            }
        )
        resources.append(
            {
                "mode": "managed",
                "type": "aws_acm_certificate",
                "name": "mta_sts",
                "instances": [
                    {
                        "attributes": {
                            "domain_name": f"mta-sts.{self.domain}",
                            "domain_validation_options": [
                                {
                                    "domain_name": f"mta-sts.{self.domain}",
                                    "resource_record_name": validation[0] + ".",
                                    "resource_record_type": "CNAME",
                                    "resource_record_value": validation[1] + ".",
                                }
                            ],
                        }
                    }
                ],
            }
        )
        path = self.folder / "terraform.tfstate"
        path.write_text(
            json.dumps({"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "test", "outputs": {}, "resources": resources})
        )
        return path
