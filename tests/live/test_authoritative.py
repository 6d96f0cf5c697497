"""Finding a zone's servers from a server of its parent: the delegation (a referral with glue,
RFC 1034 4.2.1) and, for a server outside the zone, its address looked up separately."""

from __future__ import annotations

import pytest

from maildns.check.authoritative import NoServers, authoritative_servers
from maildns.check.lookup import start
from tests.live.nsd import Nsd, free_port, loopback_addresses, zone_text

pytestmark = pytest.mark.live


@pytest.fixture
def parent(tmp_path):
    (address,) = loopback_addresses(1)
    prefix = address.rsplit(".", 1)[0]
    port = free_port([address])
    delegation = (
        "example.gov. 300 IN NS ns1.example.gov.\nexample.gov. 300 IN NS ns3.example.net.\n"
        f"ns1.example.gov. 300 IN A {prefix}.21\nns1.example.gov. 300 IN AAAA ::1\n"
        "nowhere.gov. 300 IN NS ns.nowhere.gov.\n"
    )
    zones = {
        "gov": zone_text("gov", {"ns.nic.gov": address}, f"ns.nic.gov. 300 IN A {address}\n" + delegation),
        "example.net": zone_text("example.net", {"ns.nic.gov": address}, f"ns3.example.net. 300 IN A {prefix}.23\n"),
    }
    server = Nsd(tmp_path / "parent", address, port, zones)
    server.start()
    yield prefix, start((address, port), 2.0, 10.0)
    server.stop()


def test_servers_come_from_the_referral_and_its_glue(parent):
    prefix, lookup = parent
    servers = authoritative_servers("example.gov", lookup)
    assert [s.label for s in servers] == [f"ns1.example.gov ({prefix}.21)", "ns1.example.gov (::1)", f"ns3.example.net ({prefix}.23)"]
    assert {s.resolver.port for s in servers} == {lookup.resolver.port}


def test_a_name_server_without_any_address_is_reported(parent):
    _, lookup = parent
    with pytest.raises(NoServers, match=r"^name server ns\.nowhere\.gov of nowhere\.gov has no address$"):
        authoritative_servers("nowhere.gov", lookup)
