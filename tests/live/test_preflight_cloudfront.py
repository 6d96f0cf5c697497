"""Preflight in ``maildns check``: a policy host that a CloudFront distribution the stack's state
does not own already serves. CloudFront gives an alternate domain name to one distribution only,
so the stack's own distribution would be refused the alias midway through the apply
(CNAMEAlreadyExists). Real NSD and HTTPS servers on loopback, as in test_check."""

from __future__ import annotations

import os

import pytest

from tests.live.test_check import CONFIG, OTHERS, run
from tests.live.world import DISTRIBUTION, World

pytestmark = [pytest.mark.live, pytest.mark.skipif(os.geteuid() != 0, reason="binding port 443 needs root")]

HOST = "mta-sts.example.gov"
# What CloudFront adds to each response it serves.
CLOUDFRONT = {"Via": "1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)", "X-Amz-Cf-Id": "x9Yw1rLSt2dQ7Z=="}
FREE = (
    f"remove {HOST} from that distribution's alternate domain names (CloudFront UpdateDistribution) before the deploy,"
    " or the new distribution's alias is refused midway through the apply (CNAMEAlreadyExists)"
)
TOKENS = ["abcdefghijklmnopqrstuvwxyz234567", "bcdefghijklmnopqrstuvwxyz234567a", "cdefghijklmnopqrstuvwxyz234567ab"]
VALIDATION = ("_3639ac514e785e898d2646601fa951d5.mta-sts.example.gov", "_98d2646601fa951d53639ac514e785e8.xlfgrmvvlj.acm-validations.aws")


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path, CONFIG, OTHERS)
    yield w
    w.stop()


def cloudfront_lines(out: list[str]) -> list[str]:
    return [line for line in out if f"{HOST} CloudFront" in line]


def test_a_site_behind_a_route53_alias_on_another_distribution_before_the_first_deploy(world, capsys):
    """The live A/AAAA aliases hide the distribution; CloudFront's headers on the policy answer show it."""
    args = world.start()
    assert world.site is not None
    world.site.headers = CLOUDFRONT
    code, out = run(args, capsys)
    assert code == 1
    assert cloudfront_lines(out) == [
        f"error    {HOST} CloudFront: is served by a CloudFront distribution;"
        f" the stack's state holds none (or no --state was given): {FREE}"
    ]


def test_the_stacks_own_distribution_is_not_reported(world, capsys):
    """With --state holding this domain's distribution, CloudFront serving the host is the stack's own."""
    for token in TOKENS:
        world.add(f"{token}._domainkey.example.gov. 3600 IN CNAME {token}.dkim.amazonses.com.")
    world.add(f"{VALIDATION[0]}. 3600 IN CNAME {VALIDATION[1]}.")
    state = world.state_file({"us-west-2": TOKENS}, VALIDATION)
    args = world.start(extra=("--state", str(state)))
    assert world.site is not None
    world.site.headers = CLOUDFRONT
    code, out = run(args, capsys)
    assert cloudfront_lines(out) == []
    assert code == 0, "\n".join(out)


def test_a_site_without_cloudfront_is_not_reported(world, capsys):
    code, out = run(world.start(), capsys)
    assert cloudfront_lines(out) == []
    assert code == 0, "\n".join(out)


def test_a_cname_to_another_distribution_is_named(world, capsys):
    """A CNAME to ``*.cloudfront.net`` names the distribution; the state holds a different one."""
    other = "d2222222222222.cloudfront.net"
    world.remove(HOST, "A")
    world.remove(HOST, "AAAA")
    world.add(f"{HOST}. 300 IN CNAME {other}.")
    state = world.state_file({"us-west-2": TOKENS}, VALIDATION)
    code, out = run(world.start(extra=("--state", str(state))), capsys)
    assert code == 1
    assert cloudfront_lines(out) == [
        f"error    {HOST} CloudFront: is served by the CloudFront distribution {other}; the stack's state holds {DISTRIBUTION}: {FREE}"
    ]
