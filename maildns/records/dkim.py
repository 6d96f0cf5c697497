"""DKIM key records (RFC 6376 3.6.1) and the SES Easy DKIM CNAMEs."""

from __future__ import annotations

import base64
import binascii
import re

from maildns.errors import RuleError
from maildns.records.names import domain_name
from maildns.records.tags import Finding, TagList, parse_tags

_BASE64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
MIN_RSA_BITS = 1024  # MUST (RFC 8301 3.2)
RECOMMENDED_RSA_BITS = 2048  # SHOULD (RFC 8301 3.2)
MAX_VERIFIED_RSA_BITS = 4096  # verifiers MUST support 1024-4096 bits, and need not more (RFC 8301 3.2)


def dkim_name(selector: str, domain: str) -> str:
    """``<selector>._domainkey.<domain>`` (RFC 6376 3.6.2.1)."""
    return f"{selector}._domainkey.{domain}"


def is_dkim_name(name: str) -> bool:
    """Whether ``name`` is where a DKIM key is published: ``<selector>._domainkey.<domain>``."""
    selector, sep, _ = name.partition("._domainkey.")
    return bool(sep and selector)


KEY_TYPES = ("rsa", "ed25519")
SERVICE_TYPES = ("email", "*")


def parse_dkim(text: str) -> TagList:
    """A published key record (RFC 6376 3.6.1): its tags, and problems for a ``v=`` that is not
    first or not DKIM1, a missing ``p=``, an unknown ``k=``, a repeated tag (which makes the
    record invalid, RFC 6376 3.2). An empty ``p=`` is a revoked key, not a problem."""
    listed = parse_tags(text, "RFC 6376 3.2")
    # Any tag-list problem, a repeated tag included, makes a key record invalid (RFC 6376 3.2).
    record = TagList(text, listed.pairs, tuple(Finding(p.message, p.rule) for p in listed.problems))
    found: list[Finding] = []
    tags = record.tags
    if "v" in tags and (record.version != "DKIM1"):
        found.append(Finding("must have v=DKIM1 as its first tag, or no v=", "RFC 6376 3.6.1"))
    if "p" not in tags:
        found.append(Finding("has no p= tag, which is required", "RFC 6376 3.6.1"))
    if tags.get("k", "rsa").lower() not in KEY_TYPES:
        found.append(Finding(f"has k={tags['k']}; verifiers know rsa and ed25519", "RFC 8463 3"))
    # Unknown service types are ignored, but a key whose s= names neither * nor email signs no mail.
    if "s" in tags and not {t.lower() for t in colon_list(tags["s"])} & set(SERVICE_TYPES):
        found.append(Finding(f"has s={tags['s']}; a key for mail lists email or *", "RFC 6376 3.6.1"))
    return record.with_problems(*found)


# The tags of a key record that a config's DkimKey says, beside p=.
KEY_TAGS = ("v", "h", "k", "s", "t", "p")


def key_fields(record: TagList) -> dict[str, object]:
    """A parsed key record as the config's DKIM key fields (``render_dkim`` gives the text back):
    ``key_type``, ``public_key``, and ``hash_algorithms``, ``service_types``, ``testing``, ``strict``
    when published. Unknown t= flags and s= types are left out, as verifiers ignore them (RFC 6376 3.6.1)."""
    tags = record.tags
    fields: dict[str, object] = {"key_type": tags.get("k", "rsa").lower(), "public_key": tags.get("p", "")}
    if "h" in tags:
        fields["hash_algorithms"] = tuple(h.lower() for h in colon_list(tags["h"]))
    services = tuple(t.lower() for t in colon_list(tags.get("s")) if t.lower() in SERVICE_TYPES)
    if services:
        fields["service_types"] = services
    flags = {f.lower() for f in colon_list(tags.get("t"))}
    fields.update({name: True for flag, name in (("y", "testing"), ("s", "strict")) if flag in flags})
    return fields


def unused_tags(record: TagList) -> tuple[str, ...]:
    """What a key record says that a DKIM key of the config does not: other tags (n=, g=, ...), and
    t= flags and s= types verifiers ignore, as ``t=x``, sorted."""
    tags = record.tags
    other = {t for t in tags if t not in KEY_TAGS}
    other |= {f"t={f}" for f in colon_list(tags.get("t")) if f.lower() not in ("y", "s")}
    other |= {f"s={t}" for t in colon_list(tags.get("s")) if t.lower() not in SERVICE_TYPES}
    return tuple(sorted(other))


def key_problems(text: str) -> tuple[Finding, ...]:
    """What makes ``text`` unusable as the key of a selector: a record verifiers refuse, a revoked
    (empty) key, a key that is not base64 of its ``k=`` type or is too weak (RFC 6376 3.6.1, RFC 8301 3.2)."""
    record = parse_dkim(text)
    fatal = tuple(p for p in record.problems if p.fatal)
    if fatal:
        return fatal
    key = record.tags.get("p", "")
    if not key:
        return (Finding("is a revoked key (empty p=)", "RFC 6376 3.6.1"),)
    try:
        check_public_key(record.tags.get("k", "rsa").lower(), public_key_bytes(key)[1])
    except RuleError as exc:
        return (Finding(f"has a key that {exc.message}", exc.rule),)
    return ()


def colon_list(value: str | None) -> tuple[str, ...]:
    """The items of a published ``h=`` or ``t=`` value: colon-separated, white space
    around each ignored (RFC 6376 3.6.1)."""
    return tuple(item.strip() for item in (value or "").split(":") if item.strip())


def record_id(selector: str) -> str:
    """The stable Terraform name of a selector's record: ``dkim-`` and the selector, dots as hyphens;
    the wildcard ``*`` (a parked domain's revocation) is ``dkim-wildcard``."""
    if selector == "*":
        return "dkim-wildcard"
    return f"dkim-{selector.replace('.', '-')}"


def public_key_bytes(value: object) -> tuple[str, bytes]:
    """The ``p=`` value without white space, and the key bytes it encodes (RFC 6376 3.6.1)."""
    if not isinstance(value, str):
        raise RuleError("must be the base64 public key", "RFC 6376 3.6.1")
    text = re.sub(r"\s+", "", value)
    if not text or not _BASE64.match(text) or len(text) % 4:
        raise RuleError("is not valid base64", "RFC 6376 3.6.1")
    try:
        return text, base64.b64decode(text, validate=True)
    except binascii.Error:
        raise RuleError("is not valid base64", "RFC 6376 3.6.1") from None


def check_public_key(key_type: str, data: bytes) -> None:
    """The key must parse as the declared type and be strong enough.

    RSA keys are DER SubjectPublicKeyInfo (RFC 6376 3.6.1) of at least 1024 bits (RFC 8301 3.2);
    Ed25519 keys are the raw 32-byte public key (RFC 8463 4.2).
    """
    if key_type == "ed25519":
        if len(data) != 32:
            raise RuleError(f"is {len(data)} bytes; an ed25519 key is the raw 32-byte public key", "RFC 8463 4.2")
        return
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_der_public_key,
    )

    try:
        key = load_der_public_key(data)
    except ValueError:
        raise RuleError("is not a DER-encoded RSA public key (SubjectPublicKeyInfo)", "RFC 6376 3.6.1") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise RuleError("is not an RSA key; set key_type to match the key", "RFC 6376 3.6.1")
    # cryptography also reads a bare PKCS#1 RSAPublicKey; verifiers parse only SubjectPublicKeyInfo.
    if key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) != data:
        raise RuleError(
            "is a PKCS#1 RSAPublicKey, not a SubjectPublicKeyInfo; convert it with "
            "`openssl rsa -RSAPublicKey_in -in key.pem -pubout` and publish the base64 between the PEM lines",
            "RFC 6376 3.6.1",
        )
    if key.key_size < MIN_RSA_BITS:
        raise RuleError(f"is a {key.key_size}-bit RSA key; at least {MIN_RSA_BITS} bits are required", "RFC 8301 3.2")


def rsa_bits(data: bytes) -> int:
    """Size of a validated RSA key, for the under-2048-bit warning (RFC 8301 3.2 SHOULD)."""
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    return load_der_public_key(data).key_size  # type: ignore[union-attr]


def flags(*, testing: bool = False, strict: bool = False) -> tuple[str, ...]:
    """The ``t=`` flags (RFC 6376 3.6.1): ``y`` (testing), ``s`` (no subdomains in the i= identity)."""
    return (("y",) if testing else ()) + (("s",) if strict else ())


# What a key delegated by CNAME does not say itself: the record at the target holds it.
CNAME_EXCLUDES = (
    ("public_key", "the key is the record at the target"),
    ("revoked", "revoke the key at the target, or publish revoked: true without cname"),
    ("key_type", "the key's k= is the record at the target"),
    ("hash_algorithms", "the key's h= is the record at the target"),
    ("testing", "the key's t= is the record at the target"),
    ("strict", "the key's t= is the record at the target"),
    ("service_types", "the key's s= is the record at the target"),
)


def render_dkim(
    *,
    key_type: str,
    public_key: str,
    hash_algorithms: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    service_types: tuple[str, ...] = (),
) -> str:
    """``v=DKIM1; [h=...; ]k=...; [s=...; ][t=...; ]p=...``: v first, each tag once (RFC 6376 3.6.1)."""
    parts = ["v=DKIM1"]
    if hash_algorithms:
        parts.append("h=" + ":".join(hash_algorithms))
    parts.append(f"k={key_type}")
    if service_types:
        parts.append("s=" + ":".join(service_types))
    if flags:
        parts.append("t=" + ":".join(flags))
    parts.append(f"p={public_key}")
    return "; ".join(parts)


def render_revoked() -> str:
    """``v=DKIM1; p=``: an empty p= means the key has been revoked (RFC 6376 3.6.1)."""
    return "v=DKIM1; p="


def ses_dkim_cname(domain: str, token: str) -> tuple[str, str]:
    """The CNAME that SES Easy DKIM asks for, per token: name and target.

    @see https://docs.aws.amazon.com/ses/latest/dg/send-email-authentication-dkim-easy.html
    """
    return f"{token}._domainkey.{domain}", f"{token}.dkim.amazonses.com"


def parse_selector(value: object) -> str:
    """A selector (RFC 6376 3.1): dot-separated labels of letters, digits and hyphens."""
    if isinstance(value, str) and "_" in value:
        raise RuleError("must be dot-separated letters, digits and hyphens, no underscore", "RFC 6376 3.1")
    return domain_name(value, min_labels=1, top_level=False)


def parse_hash_algorithm(value: object) -> str:
    """An ``h=`` algorithm: sha256 only, since RFC 8301 3.1 forbids sha1."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text == "sha1":
        raise RuleError("must not be sha1: signers and verifiers must not use it", "RFC 8301 3.1")
    if text != "sha256":
        raise RuleError("must be sha256", "RFC 8301 3.1")
    return text
