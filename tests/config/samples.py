"""Shared test data for config tests: the file name in messages, a minimal domain, DKIM keys."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FILE = "config/example.gov.yaml"


def rsa_key(bits: int) -> str:
    """A base64 SubjectPublicKeyInfo of an RSA key of exactly ``bits`` bits (a modulus, not a real key)."""
    n = (1 << (bits - 1)) | 0xC3A5 | 1
    der = rsa.RSAPublicNumbers(65537, n).public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


RSA_1024 = rsa_key(1024)
RSA_2048 = rsa_key(2048)
ED25519 = base64.b64encode(bytes(range(32))).decode("ascii")


def domain(**fields: Any) -> dict[str, Any]:
    return {"domain": "example.gov", **fields}
