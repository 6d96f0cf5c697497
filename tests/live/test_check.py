"""``maildns check`` against real servers: NSD serving zones built from ``maildns records
--format zone`` (a second NSD for the domain's second name server) and an HTTPS server for the
policy host, all started here on loopback addresses and stopped by pid."""

from __future__ import annotations

import itertools
import json
import os
import time

import pytest
import yaml

from maildns.cli import main
from tests.fixtures import LOGIN_GOV
from tests.live.world import World

pytestmark = [
    pytest.mark.live,
    # RFC 8461 3.3 fixes the policy fetch to port 443, so the test server needs it.
    pytest.mark.skipif(os.geteuid() != 0, reason="binding port 443 needs root"),
]

CONFIG = {
    "domain": "example.gov",
    "mx": [{"host": "mx1.example.net", "preference": 10}, {"host": "mx2.example.net", "preference": 20}],
    "spf": {"terms": ["include:_spf.example.net"], "all": "softfail"},
    "ses": {"regions": ["us-west-2"]},
    "dmarc": {"p": "reject", "rua": ["mailto:dmarc@example.gov", "mailto:dmarc@reports.example.org"]},
    "tls_rpt": {"rua": ["mailto:tls@example.gov"]},
    "mta_sts": {"mode": "enforce", "max_age": 86400},
}
OTHERS = {
    "example.net": (
        "mx1.example.net. 300 IN A 192.0.2.25\n"
        "mx2.example.net. 300 IN AAAA 2001:db8::25\n"
        '_spf.example.net. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
    ),
    "example.org": 'example.gov._report._dmarc.reports.example.org. 300 IN TXT "v=DMARC1"\n',
}
DMARC = "v=DMARC1; p=reject; rua=mailto:dmarc@example.gov,mailto:dmarc@reports.example.org"
POLICY_URL = "https://mta-sts.example.gov/.well-known/mta-sts.txt"


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path, CONFIG, OTHERS)
    yield w
    w.stop()


def run(args: list[str], capsys) -> tuple[int, list[str]]:
    code = main(args)
    return code, capsys.readouterr().out.splitlines()


def following(out: list[str], line: str) -> list[str]:
    """The indented lines printed below ``line``."""
    at = out.index(line) + 1
    end = at
    while end < len(out) and out[end].startswith("    "):
        end += 1
    return out[at:end]


def test_zone_output_loads_unchanged_and_everything_is_ok(world, capsys):
    """The zone fragment of ``records --format zone`` is served as is; every check passes."""
    args = world.start(extra=("--authoritative",))
    assert "\n".join(world.lines).startswith(world.generated.rstrip("\n"))
    code, out = run(args, capsys)
    assert code == 0, "\n".join(out)
    assert out[-1] == "17 checked: 0 failed"
    assert "ok       _dmarc.example.gov TXT" in out
    assert "ok       example.gov SPF: 1 DNS lookups of 10, 0 void of 2" in out
    assert "ok       mx1.example.net MX target" in out
    assert "ok       example.gov._report._dmarc.reports.example.org TXT" in out
    assert "notice   example.gov DNSSEC: the zone is not signed (no DNSKEY); resolvers cannot authenticate its answers (RFC 4033)" in out
    assert f"ok       {POLICY_URL} HTTPS" in out
    assert "skipped  <ses-us-west-2-token-1>._domainkey.example.gov CNAME: name known after apply (give --state)" in out


def test_missing_mx_and_changed_dmarc_show_what_differs(world, capsys):
    world.remove("example.gov", "MX")
    world.remove("_dmarc.example.gov", "TXT")
    world.add('_dmarc.example.gov. 3600 IN TXT "v=DMARC1; p=none"')
    code, out = run(world.start(), capsys)
    assert code == 1
    assert following(out, "missing  example.gov MX") == ["    - '10 mx1.example.net'", "    - '20 mx2.example.net'"]
    assert following(out, "mismatch _dmarc.example.gov TXT") == [f"    - {DMARC!r}", "    + 'v=DMARC1; p=none'"]
    assert out[-1].endswith(": 2 failed")


def test_second_spf_record_is_named(world, capsys):
    """RFC 7208 4.5: two SPF records make every check a permerror."""
    world.add('example.gov. 3600 IN TXT "v=spf1 -all"')
    code, out = run(world.start(), capsys)
    assert code == 1
    assert following(out, "mismatch example.gov TXT") == ["    + 'v=spf1 -all'"]
    assert "error    example.gov SPF: example.gov publishes 2 SPF records; every check of it is a permerror (RFC 7208 4.5)" in out


def test_spf_over_ten_lookups_through_nested_includes_shows_the_chain(world, capsys):
    """RFC 7208 4.6.4: include and redirect count through every level; 12 here, the limit is 10."""
    chain = ["_spf"] + [f"l{i}" for i in range(1, 12)]
    world.others["example.net"] = world.others["example.net"].replace('_spf.example.net. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n', "")
    for here, there in itertools.pairwise(chain):
        world.others["example.net"] += f'{here}.example.net. 300 IN TXT "v=spf1 include:{there}.example.net -all"\n'
    world.others["example.net"] += 'l11.example.net. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"\n'
    code, out = run(world.start(), capsys)
    assert code == 1
    line = "error    example.gov SPF: 12 DNS lookups, over the limit of 10; receivers return permerror (RFC 7208 4.6.4)"
    shown = following(out, line)
    assert shown[0] == "    example.gov include:_spf.example.net"
    assert shown[1] == "      _spf.example.net include:l1.example.net"
    assert shown[-1] == "                        l9.example.net include:l10.example.net"
    assert len(shown) == 11


def test_include_without_spf_record_is_an_error(world, capsys):
    world.others["example.net"] = world.others["example.net"].replace('"v=spf1 ip4:192.0.2.0/24 -all"', '"google-site-verification=abc"')
    code, out = run(world.start(), capsys)
    assert code == 1
    assert (
        "error    example.gov SPF: _spf.example.net publishes no SPF record, so example.gov include:_spf.example.net"
        " is a permerror at receivers (RFC 7208 5.2)"
    ) in out


def test_servers_that_disagree_are_named_with_their_answers(world, capsys):
    world.remove("_dmarc.example.gov", "TXT", world.second())
    world.second().append('_dmarc.example.gov. 3600 IN TXT "v=DMARC1; p=none"')
    code, out = run(world.start(extra=("--authoritative",)), capsys)
    assert code == 1
    assert following(out, "inconsistent _dmarc.example.gov TXT: the authoritative servers disagree") == [
        f"    ns1.example.gov ({world.ns1}): {DMARC!r}",
        f"    ns2.example.gov ({world.ns2}): 'v=DMARC1; p=none'",
    ]


def test_stale_mta_sts_id_is_a_mismatch(world, capsys):
    """RFC 8461 3.1: senders refetch the policy only when the id changes."""
    world.remove("_mta-sts.example.gov", "TXT")
    world.add('_mta-sts.example.gov. 3600 IN TXT "v=STSv1; id=20240101"')
    code, out = run(world.start(), capsys)
    assert code == 1
    shown = following(out, "mismatch _mta-sts.example.gov TXT")
    assert shown[0].startswith("    - 'v=STSv1; id=") and shown[1] == "    + 'v=STSv1; id=20240101'"


def test_missing_report_authorisation(world, capsys):
    world.others["example.org"] = ""
    code, out = run(world.start(), capsys)
    assert code == 1
    assert (
        "missing  example.gov._report._dmarc.reports.example.org TXT: reports.example.org does not authorise DMARC"
        " reports about example.gov; receivers will not send them (RFC 7489 7.1)"
    ) in out


def test_wildcard_report_authorisation_counts(world, capsys):
    world.others["example.org"] = '*._report._dmarc.reports.example.org. 300 IN TXT "v=DMARC1"\n'
    code, out = run(world.start(), capsys)
    assert code == 0, "\n".join(out)
    assert "ok       example.gov._report._dmarc.reports.example.org TXT" in out


@pytest.mark.parametrize(
    ("target", "detail"),
    [
        (
            "mx1.example.net. 300 IN CNAME mx2.example.net.",
            "mx1.example.net is a CNAME to mx2.example.net; an MX target must not be an alias (RFC 2181 10.3)",
        ),
        (
            'mx1.example.net. 300 IN TXT "no address"',
            "mx1.example.net has no A or AAAA record; mail to it cannot be delivered (RFC 5321 5.1)",
        ),
    ],
    ids=["an MX target that is a CNAME", "an MX target without an address"],
)
def test_mx_targets_are_looked_up(world, capsys, target, detail):
    world.others["example.net"] = world.others["example.net"].replace("mx1.example.net. 300 IN A 192.0.2.25\n", target + "\n")
    code, out = run(world.start(), capsys)
    assert code == 1
    assert f"error    mx1.example.net MX target: {detail}" in out


TOKENS = ["abcdefghijklmnopqrstuvwxyz234567", "bcdefghijklmnopqrstuvwxyz234567a", "cdefghijklmnopqrstuvwxyz234567ab"]
VALIDATION = ("_3639ac514e785e898d2646601fa951d5.mta-sts.example.gov", "_98d2646601fa951d53639ac514e785e8.xlfgrmvvlj.acm-validations.aws")


def publish_applied(world: World, tokens: list[str]) -> None:
    for token in tokens:
        world.add(f"{token}._domainkey.example.gov. 3600 IN CNAME {token}.dkim.amazonses.com.")
    world.add(f"{VALIDATION[0]}. 3600 IN CNAME {VALIDATION[1]}.")


def test_state_file_checks_ses_cnames_distribution_and_acm(world, capsys):
    publish_applied(world, TOKENS)
    state = world.state_file({"us-west-2": TOKENS}, VALIDATION)
    code, out = run(world.start(extra=("--state", str(state))), capsys)
    assert code == 0, "\n".join(out)
    assert f"ok       {TOKENS[0]}._domainkey.example.gov CNAME" in out
    assert f"ok       {VALIDATION[0]} CNAME" in out
    assert not [line for line in out if line.startswith("skipped")]


def test_state_file_finds_a_wrong_ses_cname_and_a_policy_host_off_the_distribution(world, capsys):
    publish_applied(world, [TOKENS[0], TOKENS[1], "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"])
    world.remove("mta-sts.example.gov", "AAAA")
    world.add("mta-sts.example.gov. 60 IN AAAA ::2")
    state = world.state_file({"us-west-2": TOKENS}, VALIDATION)
    code, out = run(world.start(extra=("--state", str(state))), capsys)
    assert code == 1
    assert f"missing  {TOKENS[2]}._domainkey.example.gov CNAME" in out
    assert following(out, "mismatch mta-sts.example.gov AAAA") == ["    - '::1'", "    + '::2'"]


def test_unreadable_state_file_is_a_usage_error(world, capsys):
    args = world.start(extra=("--state", str(world.folder / "missing.tfstate")))
    assert main(args) == 2
    assert capsys.readouterr().err == f"maildns check: --state {world.folder / 'missing.tfstate'}: No such file or directory\n"


def test_signed_zone_validates(world, capsys):
    code, out = run(world.start(sign={}), capsys)
    assert code == 0, "\n".join(out)
    line = next(line for line in out if " DNSSEC" in line)
    assert line.startswith("ok       example.gov DNSSEC: signed (DNSKEY key tags [")
    assert line.endswith("; the parent's DS matches")


def test_expired_signatures_are_an_error(world, capsys):
    code, out = run(world.start(sign={"expired": True}), capsys)
    assert code == 1
    line = next(line for line in out if " DNSSEC" in line)
    assert line.startswith("error    example.gov DNSSEC: the signatures of 7 of 7 RRsets do not validate (RFC 4035 5.3)")
    assert "    example.gov DNSKEY: every RRSIG expired (the latest on 2020-02-01 00:00:00 UTC)" in following(out, line)


def test_ds_without_a_matching_key_is_an_error(world, capsys):
    world.ds_override = "example.gov. 300 IN DS 12345 13 2 " + "ab" * 32
    code, out = run(world.start(sign={}), capsys)
    assert code == 1
    line = next(line for line in out if " DNSSEC" in line)
    assert line.startswith("error    example.gov DNSSEC: no DS at the parent matches a DNSKEY (DS key tags [12345], DNSKEY key tags [")


def test_a_server_that_never_answers_costs_at_most_the_deadline(world, capsys):
    args = world.start()
    at = args.index("--nameserver")
    args[at + 1] = f"{world.silent_address}:{world.port}"
    started = time.monotonic()
    code, out = run([*args, "--timeout", "0.5", "--deadline", "1.5"], capsys)
    elapsed = time.monotonic() - started
    assert code == 1
    assert elapsed < 3, elapsed
    assert next(line for line in out if line.startswith("error    example.gov MX")).endswith("timed out.")
    assert "error    mta-sts.example.gov A: the deadline of 1.5 s for this domain passed before the query was sent" in out
    assert all(line.startswith(("error ", "skipped ")) for line in out[:-1] if not line.startswith("    "))


def test_an_authoritative_server_that_never_answers_is_named(world, capsys):
    world.ns2 = world.silent_address  # ns2's glue points at an address where nothing answers
    code, out = run(world.start(extra=("--authoritative", "--timeout", "0.3", "--deadline", "3")), capsys)
    assert code == 1
    shown = following(out, "inconsistent _dmarc.example.gov TXT: the authoritative servers disagree")
    assert shown[0] == f"    ns1.example.gov ({world.ns1}): {DMARC!r}"
    assert shown[1].startswith(f"    ns2.example.gov ({world.silent_address}): error: The resolution lifetime expired")


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        ({"content_type": "text/html"}, "Content-Type text/html; must be text/plain (RFC 8461 3.2)"),
        ({"status": 301}, "HTTP 301; senders accept only 200, without redirects (RFC 8461 3.3)"),
    ],
    ids=["wrong content type", "a redirect"],
)
def test_policy_file_is_fetched_as_senders_fetch_it(world, capsys, change, detail):
    args = world.start()
    for attribute, value in change.items():
        setattr(world.site, attribute, value)
    code, out = run(args, capsys)
    assert code == 1
    assert f"mismatch {POLICY_URL} HTTPS: {detail}" in out


def test_stale_policy_file_prints_the_lines_that_differ(world, capsys):
    args = world.start()
    world.site.body = world.site.body.replace(b"mode: enforce", b"mode: testing")
    code, out = run(args, capsys)
    assert code == 1
    assert following(out, f"mismatch {POLICY_URL} HTTPS: the policy differs from the rendered one") == [
        "    - 'mode: enforce\\r\\n'",
        "    + 'mode: testing\\r\\n'",
    ]


def test_a_served_policy_senders_cannot_use_says_why(world, capsys):
    """RFC 8461 3.2: the served policy is read with the parser the review and import use."""
    args = world.start()
    world.site.body = world.site.body.replace(b"mode: enforce", b"mode: enforcing").replace(b"max_age: 86400", b"max_age: 1d")
    code, out = run(args, capsys)
    assert code == 1
    assert (
        f"mismatch {POLICY_URL} HTTPS: the policy differs from the rendered one;"
        " the served policy has mode 'enforcing'; it is enforce, testing or none (RFC 8461 3.2);"
        " the served policy has max_age '1d'; it is 0-31557600 seconds (RFC 8461 3.2)"
    ) in out


def test_a_huge_policy_body_is_cut_at_64_kib(world, capsys):
    args = world.start()
    world.site.body = b"x" * (1024 * 1024)
    code, out = run(args, capsys)
    assert code == 1
    assert f"mismatch {POLICY_URL} HTTPS: the body is over 65536 octets, the most maildns reads; a policy is a few hundred" in out
    assert max(map(len, out)) < 300


def test_untrusted_certificate_is_an_error(world, capsys):
    args = world.start()
    at = args.index("--ca-file")
    code, out = run(args[:at] + args[at + 2 :], capsys)  # the system CAs do not know the test CA
    assert code == 1
    policy_line = next(line for line in out if "mta-sts.txt" in line)
    assert policy_line.startswith(f"error    {POLICY_URL} HTTPS: ")
    assert "CERTIFICATE_VERIFY_FAILED" in policy_line


def test_more_than_two_void_lookups_are_an_error(world, capsys):
    """RFC 7208 4.6.4: a third lookup that finds nothing is a permerror."""
    world.others["example.net"] = world.others["example.net"].replace(
        '"v=spf1 ip4:192.0.2.0/24 -all"', '"v=spf1 a:gone1.example.net a:gone2.example.net mx:gone3.example.net -all"'
    )
    code, out = run(world.start(), capsys)
    assert code == 1
    line = "error    example.gov SPF: 3 void lookups, over the limit of 2 (RFC 7208 4.6.4)"
    assert following(out, line) == ["    example.gov include:_spf.example.net", "      _spf.example.net mx:gone3.example.net"]


LOGIN_GOV_OTHERS = {
    "google.com": "".join(
        f"{host}.google.com. 300 IN A 192.0.2.{i}\n" for i, host in enumerate(["aspmx.l", "alt1.aspmx.l", "alt2.aspmx.l"], 1)
    )
    + '_spf.google.com. 300 IN TXT "v=spf1 include:_netblocks.google.com ~all"\n'
    + '_netblocks.google.com. 300 IN TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all"\n',
    "googlemail.com": "".join(f"aspmx{i}.googlemail.com. 300 IN AAAA 2001:db8::{i}\n" for i in range(2, 6)),
    "amazonses.com": 'amazonses.com. 300 IN TXT "v=spf1 ip4:198.51.100.0/24 -all"\n',
    # The address of BOD 18-01 accepts reports about any domain: a wildcard (RFC 7489 7.1).
    "dmarc.cyber.dhs.gov": '*._report._dmarc.dmarc.cyber.dhs.gov. 300 IN TXT "v=DMARC1"\n',
}


def test_login_gov_as_the_runbook_checks_it(tmp_path, capsys):
    """Every authoritative server, a signed zone, the applied SES tokens and ACM record: all ok."""
    world = World(tmp_path, yaml.safe_load(LOGIN_GOV.read_text()), LOGIN_GOV_OTHERS)
    try:
        tokens = {region: [f"{region.replace('-', '')}{i}{'x' * 24}" for i in range(3)] for region in ("us-west-2", "us-east-1")}
        for values in tokens.values():
            for token in values:
                world.add(f"{token}._domainkey.login.gov. 3600 IN CNAME {token}.dkim.amazonses.com.")
        validation = ("_0123456789abcdef0123456789abcdef.mta-sts.login.gov", "_fedcba9876543210fedcba9876543210.acm-validations.aws")
        world.add(f"{validation[0]}. 3600 IN CNAME {validation[1]}.")
        state = world.state_file(tokens, validation)
        args = world.start(sign={}, extra=("--authoritative", "--state", str(state)))
        args[1] = str(LOGIN_GOV)
        code, out = run(args, capsys)
    finally:
        world.stop()
    assert code == 0, "\n".join(out)
    assert out[-1] == "26 checked: 0 failed"
    assert "ok       login.gov SPF: 3 DNS lookups of 10, 0 void of 2" in out
    assert "ok       login.gov._report._dmarc.dmarc.cyber.dhs.gov TXT" in out
    assert next(line for line in out if " DNSSEC" in line).startswith("ok       login.gov DNSSEC: signed")


def test_json_output_keeps_each_servers_answer(world, capsys):
    world.remove("_dmarc.example.gov", "TXT", world.second())
    code, out = run(world.start(extra=("--authoritative", "--format", "json")), capsys)
    assert code == 1
    results = json.loads("\n".join(out))
    dmarc = next(r for r in results if r["name"] == "_dmarc.example.gov")
    assert dmarc["domain"] == "example.gov" and dmarc["status"] == "inconsistent"
    assert dmarc["servers"] == [
        {"server": f"ns1.example.gov ({world.ns1})", "values": [DMARC], "error": ""},
        {"server": f"ns2.example.gov ({world.ns2})", "values": [], "error": ""},
    ]
