"""DKIM key rules (RFC 6376 3.6.1, RFC 8301, RFC 8463): refused inputs and what accepted ones render."""

from __future__ import annotations

import pytest

from maildns.records.dkim import render_dkim
from tests.config.samples import ED25519, FILE, RSA_1024, RSA_2048, domain, rsa_key

# An Ed25519 key as DER SubjectPublicKeyInfo: valid base64 of a real key, but not RSA.
ED25519_DER = "MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik="
RSA_512 = rsa_key(512)


def key(**fields):
    return {"selector": "s1", "public_key": RSA_2048, **fields}


REFUSED = [
    pytest.param(
        key(selector="s_1"),
        "dkim[0].selector: must be dot-separated letters, digits and hyphens, no underscore (got s_1; RFC 6376 3.1)",
        id="RFC 6376 3.1: a selector has no underscore",
    ),
    pytest.param(
        key(selector="-s"),
        "dkim[0].selector: has label '-s': labels are letters, digits and hyphens, not starting or ending with a hyphen (got -s; RFC 1123 2.1)",
        id="RFC 6376 3.1: selector labels are LDH",
    ),
    pytest.param(
        key(selector="a..b"),
        "dkim[0].selector: has an empty label (got a..b; RFC 1035 2.3.4)",
        id="RFC 6376 3.1: selector labels are not empty",
    ),
    pytest.param(
        key(selector=".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 40])),
        "dkim[0].selector: makes the record name 255 octets long; a name is at most 253 (got "
        + "a" * 63
        + ".bbbbbbbbbbbbb...; RFC 1035 2.3.4)",
        id="RFC 1035 2.3.4: the selector record name is at most 253 octets",
    ),
    pytest.param(
        key(public_key="not base64!"),
        "dkim[0].public_key: is not valid base64 (got not base64!; RFC 6376 3.6.1)",
        id="RFC 6376 3.6.1: p is base64",
    ),
    pytest.param(
        key(public_key="AAAA"),
        "dkim[0].public_key: is not a DER-encoded RSA public key (SubjectPublicKeyInfo) (got AAAA; RFC 6376 3.6.1)",
        id="RFC 6376 3.6.1: an RSA p is a SubjectPublicKeyInfo",
    ),
    pytest.param(
        key(public_key=ED25519_DER),
        f"dkim[0].public_key: is not an RSA key; set key_type to match the key (got {ED25519_DER}; RFC 6376 3.6.1)",
        id="RFC 6376 3.6.1: the key matches k=",
    ),
    pytest.param(
        key(public_key=RSA_512),
        f"dkim[0].public_key: is a 512-bit RSA key; at least 1024 bits are required (got {RSA_512[:77]}...; RFC 8301 3.2)",
        id="RFC 8301 3.2: RSA keys under 1024 bits are refused",
    ),
    pytest.param(
        key(key_type="ed25519", public_key="AAAA"),
        "dkim[0].public_key: is 3 bytes; an ed25519 key is the raw 32-byte public key (got AAAA; RFC 8463 4.2)",
        id="RFC 8463 4.2: an ed25519 p is 32 bytes",
    ),
    pytest.param(
        key(key_type="dsa"),
        "dkim[0].key_type: must be rsa or ed25519 (got dsa; did you mean rsa? RFC 6376 3.6.1, RFC 8463)",
        id="RFC 6376 3.6.1: k is rsa or ed25519",
    ),
    pytest.param(
        key(hash_algorithms=["sha1"]),
        "dkim[0].hash_algorithms[0]: must not be sha1: signers and verifiers must not use it (got sha1; RFC 8301 3.1)",
        id="RFC 8301 3.1: h=sha1 is refused",
    ),
    pytest.param(
        key(hash_algorithms=["md5"]), "dkim[0].hash_algorithms[0]: must be sha256 (got md5; RFC 8301 3.1)", id="RFC 8301 3.1: h is sha256"
    ),
    pytest.param(
        key(hash_algorithms=["sha256", "SHA256"]),
        "dkim[0].hash_algorithms[1]: repeats a hash algorithm (got sha256; RFC 6376 3.6.1)",
        id="RFC 6376 3.6.1: h names each hash once",
    ),
    pytest.param({"selector": "s1"}, "dkim[0].public_key: is required (got nothing; RFC 6376 3.6.1)", id="RFC 6376 3.6.1: p is required"),
]


@pytest.mark.parametrize("dkim, line", REFUSED)
def test_refused(refused, dkim, line):
    assert refused(domain(dkim=[dkim])) == [f"{FILE}: {line}"]


def test_a_selector_is_published_once(refused):
    """RFC 6376 3.6.2.1: one key record per selector name (selectors compare without case)."""
    assert refused(domain(dkim=[key(), key(selector="S1")])) == [f"{FILE}: dkim[1].selector: repeats a selector (got s1; RFC 6376 3.6.2.1)"]


@pytest.mark.parametrize("first, second", [("s1.x", "s1-x"), ("s1-x", "S1.X")], ids=["a dot then a hyphen", "a hyphen then a dot"])
def test_selectors_that_give_the_same_record_id_are_refused(refused, first, second):
    """Each selector's record is named dkim-<selector with dots as hyphens>; two records cannot share a name."""
    other = second.lower()
    assert refused(domain(dkim=[key(selector=first), key(selector=second)])) == [
        f"{FILE}: dkim[1].selector: gives the record id dkim-s1-x, as selector {first} does; rename one (got {other}; construct ids are unique in a stack)"
    ]


ACCEPTED = [
    pytest.param(key(), f"v=DKIM1; k=rsa; p={RSA_2048}", id="RFC 6376 3.6.1: v first, then k and p"),
    pytest.param(key(public_key=RSA_1024), f"v=DKIM1; k=rsa; p={RSA_1024}", id="RFC 8301 3.2: 1024 bits are accepted (with a warning)"),
    pytest.param(
        key(key_type="ed25519", public_key=ED25519), f"v=DKIM1; k=ed25519; p={ED25519}", id="RFC 8463 4.2: a raw 32-byte ed25519 key"
    ),
    pytest.param(
        key(hash_algorithms=["SHA256"], testing=True),
        f"v=DKIM1; h=sha256; k=rsa; t=y; p={RSA_2048}",
        id="RFC 6376 3.6.1: h and t in a fixed order, each once",
    ),
    pytest.param(
        key(public_key=RSA_2048[:100] + "\n  " + RSA_2048[100:]),
        f"v=DKIM1; k=rsa; p={RSA_2048}",
        id="RFC 6376 3.6.1: white space in p is dropped",
    ),
]


@pytest.mark.parametrize("dkim, text", ACCEPTED)
def test_accepted(accepted, dkim, text):
    assert accepted(domain(dkim=[dkim])).dkim[0].text == text


@pytest.mark.parametrize(
    "selector, name",
    [
        pytest.param("20230601", "20230601._domainkey.example.gov", id="RFC 6376 3.1: an all-digit selector is a valid sub-domain"),
        pytest.param("k1.mail", "k1.mail._domainkey.example.gov", id="RFC 6376 3.1: a selector may have several labels"),
        pytest.param("Sélecteur", "xn--slecteur-b1a._domainkey.example.gov", id="RFC 5891 4.4: an IDN selector becomes an A-label"),
    ],
)
def test_accepted_selectors(accepted, selector, name):
    from maildns.plan import plan_one

    config = accepted(domain(dkim=[key(selector=selector)]))
    assert [r.name for r in plan_one(config).records if r.id.startswith("dkim-")] == [name]


def test_render_puts_v_first_and_each_tag_once():
    """RFC 6376 3.6.1: v (if present) is the first tag; a tag-list names each tag once (3.2)."""
    text = render_dkim(key_type="rsa", public_key="AAAA", hash_algorithms=("sha256",), flags=("y", "s"))
    tags = [part.split("=", 1)[0] for part in text.split("; ")]
    assert tags == ["v", "h", "k", "t", "p"]
    assert text == "v=DKIM1; h=sha256; k=rsa; t=y:s; p=AAAA"
