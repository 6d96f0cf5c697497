"""``maildns check`` walking SPF includes and redirects against a real DNS server on loopback: an
included or redirected record that receivers refuse is an error naming the chain and the term
(RFC 7208 4.6, 5.2), and so is a record that reaches itself through a %{d} or %{o} macro."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from maildns.check.lookup import start
from maildns.check.spf import check_spf
from maildns.cli.options import nameserver
from tests.live.zones import Zone, serve_zones

pytestmark = pytest.mark.live

# Each case publishes "<case>.example.net" TXT "v=spf1 include:bad.<case>.example.net -all" and
# the included record below; the error names the chain and the term receivers refuse.
INVALID_INCLUDED = [
    pytest.param("ip4", "v=spf1 ip4:192.0.2.300 -all", "ip4:192.0.2.300", "RFC 7208 5.6", id="RFC 7208 5.6: an IPv4 octet over 255"),
    pytest.param("unknown", "v=spf1 foo:bar.example.net -all", "foo:bar.example.net", "RFC 7208 5", id="RFC 7208 5: an unknown mechanism"),
    pytest.param("v4prefix", "v=spf1 ip4:192.0.2.0/33 -all", "ip4:192.0.2.0/33", "RFC 7208 5.6", id="RFC 7208 5.6: an IPv4 prefix over 32"),
    pytest.param(
        "v6prefix", "v=spf1 ip6:2001:db8::/129 -all", "ip6:2001:db8::/129", "RFC 7208 5.6", id="RFC 7208 5.6: an IPv6 prefix over 128"
    ),
    pytest.param("dualcidr", "v=spf1 a//129 -all", "a//129", "RFC 7208 5.6", id="RFC 7208 5.6: a dual CIDR over 128"),
    pytest.param(
        "zeros", "v=spf1 ip4:192.0.2.0/024 -all", "ip4:192.0.2.0/024", "RFC 7208 12", id="RFC 7208 12: a prefix with a leading zero"
    ),
    pytest.param("noarg", "v=spf1 include: -all", "include:", "RFC 7208 5.2", id="RFC 7208 5.2: include without a domain"),
    pytest.param("allarg", "v=spf1 -all:example.net", "-all:example.net", "RFC 7208 5.1", id="RFC 7208 5.1: all with an argument"),
    pytest.param("qualmod", "v=spf1 ?redirect=example.net", "?redirect=example.net", "RFC 7208 5", id="RFC 7208 12: a qualified modifier"),
    pytest.param(
        "redirect2",
        "v=spf1 redirect=a.example.net redirect=b.example.net",
        "redirect= twice",
        "RFC 7208 6",
        id="RFC 7208 6: redirect twice",
    ),
    pytest.param("exp2", "v=spf1 -all exp=a.example.net exp=b.example.net", "exp= twice", "RFC 7208 6", id="RFC 7208 6: exp twice"),
    pytest.param(
        "macro", "v=spf1 exists:%{x}.example.net -all", "exists:%{x}.example.net", "RFC 7208 7.1", id="RFC 7208 7.1: an unknown macro"
    ),
    pytest.param("percent", "v=spf1 exists:50%.example.net -all", "exists:50%.example.net", "RFC 7208 7.1", id="RFC 7208 7.1: a lone %"),
    pytest.param(
        "digit0", "v=spf1 exists:%{d0}.example.net -all", "exists:%{d0}.example.net", "RFC 7208 7.3", id="RFC 7208 7.3: a digit of 0"
    ),
    pytest.param("ctr", "v=spf1 exists:%{c}.example.net -all", "exists:%{c}.example.net", "RFC 7208 7.3", id="RFC 7208 7.3: c outside exp"),
    pytest.param("modifier", "v=spf1 -all foo=%{z", "foo=%{z", "RFC 7208 7.1", id="RFC 7208 7.1: a modifier with a broken macro"),
]


@pytest.fixture(scope="module")
def lookup(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One NSD serving every case of this module; stopped after the module, by its process."""
    zone = Zone("example.net")
    for case, published, _, _ in (p.values for p in INVALID_INCLUDED):
        zone.add(f"{case}.example.net", "TXT", f"v=spf1 include:bad.{case}.example.net -all")
        zone.add(f"bad.{case}.example.net", "TXT", published)
    extra = {
        # An include of a +all record passes every host on the internet.
        "plusall": "v=spf1 include:open.plusall.example.net -all",
        "open.plusall": "v=spf1 ip4:192.0.2.0/24 +all",
        "bareall": "v=spf1 redirect=open.bareall.example.net",
        "open.bareall": "v=spf1 all",
        # A redirect and a second-level include reach an invalid record.
        "redirected": "v=spf1 redirect=bad.redirected.example.net",
        "bad.redirected": "v=spf1 ip4:192.0.2.300 -all",
        "nested": "v=spf1 include:mid.nested.example.net -all",
        "mid.nested": "v=spf1 include:bad.nested.example.net -all",
        "bad.nested": "v=spf1 ip6:2001:db8::/129 -all",
        # Self-references through macros (RFC 7208 7.3).
        "selfd": "v=spf1 include:%{d} -all",
        "selfo": "v=spf1 include:back.selfo.example.net -all",
        "back.selfo": "v=spf1 include:%{o} -all",
        "selfredirect": "v=spf1 ip4:192.0.2.1 redirect=%{d}",
        # Everything receivers accept, ptr and unknown modifiers included: no false alarm.
        "valid": "v=spf1 include:ok.valid.example.net -all",
        "ok.valid": "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:a.valid.example.net/24//64 exists:%{ir}.%{v}._spf.%{d2} ptr ?all foo=bar",
        "a.valid": "192.0.2.1",
    }
    for name, value in extra.items():
        zone.add(f"{name}.example.net", "A" if name == "a.valid" else "TXT", value)
    serve = serve_zones(tmp_path_factory)
    address = next(serve)(zone)
    yield lambda: start(nameserver(address), 2.0, 30.0)
    next(serve, None)


@pytest.mark.parametrize(("case", "published", "term", "rule"), INVALID_INCLUDED)
def test_an_invalid_included_record_is_an_error_naming_the_chain_and_the_term(lookup, case, published, term, rule):
    """RFC 7208 4.6, 5.2: a syntax error in an included record makes the include a permerror."""
    result = check_spf(f"{case}.example.net", lookup())
    assert result.status == "error"
    assert result.detail.startswith(f"bad.{case}.example.net (reached through {case}.example.net include:bad.{case}.example.net): ")
    assert term in result.detail
    assert f"({rule}); receivers return permerror for it (RFC 7208 4.6)" in result.detail


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        pytest.param(
            "plusall",
            "open.plusall.example.net (reached through plusall.example.net include:open.plusall.example.net) ends in +all,"
            " which passes every host on the internet as the domain's sender (RFC 7208 5.1, 5.2)",
            id="RFC 7208 5.1, 5.2: +all inside an include",
        ),
        pytest.param(
            "bareall",
            "open.bareall.example.net (reached through bareall.example.net redirect=open.bareall.example.net) ends in all,"
            " which passes every host on the internet as the domain's sender (RFC 7208 5.1, 5.2)",
            id="RFC 7208 4.6.2, 6.1: all without a qualifier is +all, behind a redirect",
        ),
        pytest.param(
            "redirected",
            "bad.redirected.example.net (reached through redirected.example.net redirect=bad.redirected.example.net):"
            " ip4:192.0.2.300: has '192.0.2.300', which is not an IPv4 address (RFC 7208 5.6); receivers return permerror for it (RFC 7208 4.6)",
            id="RFC 7208 6.1: an invalid redirected record",
        ),
        pytest.param(
            "nested",
            "bad.nested.example.net (reached through nested.example.net include:mid.nested.example.net -> mid.nested.example.net"
            " include:bad.nested.example.net): ip6:2001:db8::/129: has prefix length '129'; it is 0-128 (RFC 7208 5.6);"
            " receivers return permerror for it (RFC 7208 4.6)",
            id="RFC 7208 5.2: an invalid record two includes down",
        ),
        pytest.param(
            "selfd",
            "selfd.example.net include:%{d} loops back to selfd.example.net (%{d} expands to selfd.example.net);"
            " receivers stop at 10 lookups (RFC 7208 4.6.4)",
            id="RFC 7208 7.3: include:%{d} is the record itself",
        ),
        pytest.param(
            "selfo",
            "selfo.example.net include:back.selfo.example.net -> back.selfo.example.net include:%{o} loops back to"
            " selfo.example.net (%{o} expands to selfo.example.net); receivers stop at 10 lookups (RFC 7208 4.6.4)",
            id="RFC 7208 7.3: include:%{o} in an included record is the sender's own record",
        ),
        pytest.param(
            "selfredirect",
            "selfredirect.example.net redirect=%{d} loops back to selfredirect.example.net (%{d} expands to selfredirect.example.net);"
            " receivers stop at 10 lookups (RFC 7208 4.6.4)",
            id="RFC 7208 6.1, 7.3: redirect=%{d} is the record itself",
        ),
    ],
)
def test_records_that_pass_everyone_or_loop_are_errors(lookup, case, detail):
    result = check_spf(f"{case}.example.net", lookup())
    assert (result.status, result.detail) == ("error", detail)


def test_a_valid_included_record_with_every_kind_of_term_is_ok(lookup):
    """RFC 7208 5.5, 6: ptr and unknown modifiers are valid; macros that need the message are counted, not followed."""
    result = check_spf("valid.example.net", lookup())
    assert (result.status, result.detail) == ("ok", "4 DNS lookups of 10, 0 void of 2")
