"""``maildns check`` must never pass what is wrong: a DS no key matches, addresses it cannot know,
a TTL other than the config's, a truncated policy; real NSD and HTTPS servers on loopback."""

from __future__ import annotations

import json
import os

import pytest

from tests.live.test_check import CONFIG, DMARC, OTHERS, following, run
from tests.live.world import World

pytestmark = [
    pytest.mark.live,
    # RFC 8461 3.3 fixes the policy fetch to port 443, so the test server needs it.
    pytest.mark.skipif(os.geteuid() != 0, reason="binding port 443 needs root"),
]

FAKE_DIGEST = "ab" * 32


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path, CONFIG, OTHERS)
    yield w
    w.stop()


def dnssec_lines(out: list[str]) -> list[str]:
    line = next(line for line in out if " DNSSEC" in line)
    return [line, *following(out, line)]


def test_a_ds_for_an_unsigned_zone_is_an_error(world, capsys):
    """RFC 4035 5.2: a DS at the parent says the zone is signed; without a DNSKEY to match it,
    validating resolvers find every answer bogus and the domain does not resolve at all."""
    world.ds_override = f"example.gov. 300 IN DS 12345 13 2 {FAKE_DIGEST}"
    code, out = run(world.start(), capsys)
    assert code == 1
    assert dnssec_lines(out) == [
        "error    example.gov DNSSEC: the parent publishes DS 12345 13 2 abababababababab... but the zone has no DNSKEY:"
        " validating resolvers find every answer bogus and cannot resolve the domain (RFC 4035 5.2)"
    ]


def _fields(ds: str) -> tuple[str, str, str, str]:
    """Owner, key tag, algorithm and digest type of one DS line from ldns-key2ds."""
    owner, _ttl, _class, _type, tag, algorithm, digest_type, _digest = ds.split()
    return owner, tag, algorithm, digest_type


@pytest.mark.parametrize(
    ("published", "first", "note"),
    [
        (
            lambda real: [real, f"example.gov. 300 IN DS 12345 13 2 {FAKE_DIGEST}"],
            "error    example.gov DNSSEC: 1 of 2 DS records at the parent match no DNSKEY (RFC 4035 5.2)",
            "DS 12345 13 2 abababababababab... names no DNSKEY of the zone (no key has tag 12345)",
        ),
        (
            lambda real: [f"{_fields(real)[0]} 300 IN DS {_fields(real)[1]} 8 2 {FAKE_DIGEST}"],
            "error    example.gov DNSSEC: no DS at the parent matches a DNSKEY (DS key tags [{tag}], DNSKEY key tags [",
            "DS {tag} 8 2 abababababababab... has algorithm 8, the DNSKEY with tag {tag} has 13",
        ),
        (
            lambda real: [f"{_fields(real)[0]} 300 IN DS {_fields(real)[1]} 13 2 {FAKE_DIGEST}"],
            "error    example.gov DNSSEC: no DS at the parent matches a DNSKEY (DS key tags [{tag}], DNSKEY key tags [",
            "DS {tag} 13 2 abababababababab... has a digest that is not the digest of the DNSKEY with tag {tag}",
        ),
    ],
    ids=[
        "a stale DS beside the one that matches",
        "the key's tag with another algorithm",
        "the key's tag and algorithm with another digest",
    ],
)
def test_each_ds_that_matches_no_key_is_named(world, capsys, published, first, note):
    """RFC 4034 5.2, RFC 4035 5.2: a DS names one DNSKEY by key tag, algorithm and digest; one
    that names none leaves the zone bogus when it is the only one, and is named in every case."""
    real: list[str] = []
    world.ds_change = lambda ds: (real.append(ds), published(ds))[1]
    code, out = run(world.start(sign={}), capsys)
    tag = _fields(real[0])[1]
    assert code == 1
    lines = dnssec_lines(out)
    assert lines[0].startswith(first.format(tag=tag)), lines[0]
    assert lines[1:] == [f"    {note.format(tag=tag)}"]


def test_an_unlisted_apex_txt_value_is_reported_once(world, capsys):
    """Route53 keeps one TXT set per name: the value the next deploy deletes is named on the
    apex TXT mismatch itself, not on a second line about the same set."""
    world.add('example.gov. 3600 IN TXT "google-site-verification=4tT0kEn"')
    code, out = run(world.start(), capsys)
    assert code == 1
    apex = [line for line in out if line.startswith(("mismatch", "missing", "error")) and " example.gov TXT" in line]
    assert apex == [
        "mismatch example.gov TXT: would be deleted by the next deploy: 'google-site-verification=4tT0kEn'; list it in apex_txt to keep it"
    ]
    assert following(out, apex[0]) == ["    + 'google-site-verification=4tT0kEn'"]
    assert out[-1] == "17 checked: 1 failed"


@pytest.mark.parametrize("output", ["text", "json"])
def test_only_failures_prints_what_fails_and_counts_everything(world, capsys, output):
    world.remove("_dmarc.example.gov", "TXT")
    code, out = run(world.start(extra=("--only-failures", "--format", output)), capsys)
    assert code == 1
    if output == "json":
        assert [(r["name"], r["type"], r["status"]) for r in json.loads("\n".join(out))] == [("_dmarc.example.gov", "TXT", "missing")]
    else:
        assert out == ["missing  _dmarc.example.gov TXT", f"    - {DMARC!r}", "17 checked: 1 failed"]


def test_only_failures_prints_the_summary_alone_when_all_pass(world, capsys):
    code, out = run(world.start(extra=("--only-failures",)), capsys)
    assert (code, out) == (0, ["17 checked: 0 failed"])


POLICY_URL = "https://mta-sts.example.gov/.well-known/mta-sts.txt"


def test_a_policy_cut_short_is_an_error_even_when_the_part_sent_matches(world, capsys):
    """RFC 9112 6.3: a body that ends before its Content-Length is incomplete; what arrived,
    here exactly the rendered policy, is not taken as the policy."""
    args = world.start()
    world.site.length = len(world.policy) + 100
    code, out = run(args, capsys)
    assert code == 1
    assert (
        f"error    {POLICY_URL} HTTPS: the body ended after {len(world.policy)} of the {len(world.policy) + 100} octets"
        " its Content-Length announced (RFC 9112 6.3)"
    ) in out


def test_a_policy_with_its_exact_length_is_ok(world, capsys):
    args = world.start()
    world.site.length = len(world.policy)
    code, out = run(args, capsys)
    assert code == 0, "\n".join(out)
    assert f"ok       {POLICY_URL} HTTPS" in out


@pytest.mark.parametrize(("type_", "address"), [("A", "192.0.2.99"), ("AAAA", "2001:db8::99")], ids=["A", "AAAA"])
def test_without_state_the_policy_host_address_is_skipped_whatever_it_is(world, capsys, type_, address):
    """Without --state the distribution, and so its addresses, are unknown: an address is not
    compared, and not called ok either (skipped, with the reason)."""
    world.remove("mta-sts.example.gov", type_)
    world.add(f"mta-sts.example.gov. 60 IN {type_} {address}")
    _, out = run(world.start(), capsys)
    shown = [line for line in out if line.split(":")[0].split()[1:] == ["mta-sts.example.gov", type_]]
    assert shown == [f"skipped  mta-sts.example.gov {type_}: the distribution's addresses are known after apply (give --state)"]


@pytest.mark.parametrize("type_", ["A", "AAAA"])
def test_without_state_a_policy_host_without_an_address_is_still_missing(world, capsys, type_):
    world.remove("mta-sts.example.gov", type_)
    _, out = run(world.start(), capsys)
    assert f"missing  mta-sts.example.gov {type_}" in out


def test_a_distribution_without_an_address_is_an_error(world, capsys):
    """With --state the addresses are the distribution's: when it has none there is nothing to
    compare with, and the record is neither ok nor skipped."""
    world.others["cloudfront.net"] = "d111abcdef8.cloudfront.net. 60 IN A " + world.site_address + "\n"
    state = world.state_file({}, ("_x.mta-sts.example.gov", "_y.acm-validations.aws"))
    code, out = run(world.start(extra=("--state", str(state))), capsys)
    assert code == 1
    assert (
        "error    mta-sts.example.gov AAAA: the distribution d111abcdef8.cloudfront.net of mta-sts.example.gov has no AAAA address" in out
    )
    assert "ok       mta-sts.example.gov A" in out


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ('_dmarc.example.gov. 300 IN TXT "{dmarc}"', "mismatch _dmarc.example.gov TXT: TTL 300, the config says 3600"),
        ('_dmarc.example.gov. 86400 IN TXT "{dmarc}"', "mismatch _dmarc.example.gov TXT: TTL 86400, the config says 3600"),
        ('_dmarc.example.gov. 0 IN TXT "{dmarc}"', "mismatch _dmarc.example.gov TXT: TTL 0, the config says 3600"),
    ],
    ids=["lower", "higher", "zero"],
)
def test_an_authoritative_ttl_other_than_the_configs_is_a_mismatch(world, capsys, line, shown):
    """RFC 1035 3.2.1: the TTL is part of the record; an authoritative answer (AA) carries the
    zone's own, which the next deploy would change (docs/commands.md argues mismatch)."""
    world.remove("_dmarc.example.gov", "TXT")
    world.add(line.format(dmarc=DMARC))
    code, out = run(world.start(), capsys)
    assert code == 1
    assert shown in out
    assert following(out, shown) == []  # the values are the config's: nothing else differs
    assert out[-1] == "17 checked: 1 failed"


def test_a_ttl_and_a_value_that_differ_are_both_shown(world, capsys):
    world.remove("_dmarc.example.gov", "TXT")
    world.add('_dmarc.example.gov. 300 IN TXT "v=DMARC1; p=none"')
    code, out = run(world.start(), capsys)
    assert code == 1
    assert following(out, "mismatch _dmarc.example.gov TXT: TTL 300, the config says 3600") == [
        f"    - {DMARC!r}",
        "    + 'v=DMARC1; p=none'",
    ]


def test_ttls_of_records_known_from_the_state_are_compared(world, capsys):
    tokens = ["abcdefghijklmnopqrstuvwxyz234567", "bcdefghijklmnopqrstuvwxyz234567a", "cdefghijklmnopqrstuvwxyz234567ab"]
    validation = ("_3639ac514e785e898d2646601fa951d5.mta-sts.example.gov", "_98d2646601fa951d53639ac514e785e8.acm-validations.aws")
    for token in tokens:
        world.add(f"{token}._domainkey.example.gov. {300 if token == tokens[1] else 3600} IN CNAME {token}.dkim.amazonses.com.")
    world.add(f"{validation[0]}. 3600 IN CNAME {validation[1]}.")
    state = world.state_file({"us-west-2": tokens}, validation)
    code, out = run(world.start(extra=("--state", str(state))), capsys)
    assert code == 1
    assert f"mismatch {tokens[1]}._domainkey.example.gov CNAME: TTL 300, the config says 3600" in out
    assert out[-1] == "17 checked: 1 failed"
