"""A domain's DKIM keys (RFC 6376 3.6.1): a key, a revocation or a CNAME to the signer's key,
each with its place in a rotation, and how long the rotation's steps last."""

from __future__ import annotations

import contextlib
import datetime
from typing import Annotated, Any

from pydantic import model_validator

from maildns.config.base import Model
from maildns.config.fields import (
    ROTATION_RULE,
    CnameTarget,
    DkimSelector,
    DkimState,
    Flag,
    HashAlgorithm,
    KeyType,
    Rule,
    ServiceType,
    integer,
    one_of,
    repeats,
)
from maildns.errors import RuleError
from maildns.records import dkim as dkim_records


class DkimKey(Model):
    selector: DkimSelector
    """The selector the signer puts in ``s=``; the record is ``<selector>._domainkey.<domain>``."""
    key_type: Annotated[KeyType, one_of(KeyType, "RFC 6376 3.6.1, RFC 8463")] = "rsa"
    """Key algorithm (``k=``)."""
    public_key: Annotated[str, Rule("RFC 6376 3.6.1")]
    """Base64 public key (``p=``): SubjectPublicKeyInfo for rsa, the raw 32-byte key for ed25519."""
    hash_algorithms: tuple[HashAlgorithm, ...] = ()
    """Optional ``h=`` list; sha1 is refused (RFC 8301)."""
    testing: Flag = False
    """Publish ``t=y``: verifiers treat failures as unsigned (RFC 6376 3.6.1)."""
    strict: Flag = False
    """Publish ``t=s``: the key signs only for the domain itself, never a subdomain (RFC 6376 3.6.1); with testing, ``t=y:s``."""
    service_types: tuple[ServiceType, ...] = ()
    """Optional ``s=`` list: ``email``, or ``*`` for every service (the default when omitted) (RFC 6376 3.6.1)."""
    revoked: Flag = False
    """Publish ``v=DKIM1; p=``: an empty key revokes the selector (RFC 6376 3.6.1); give no public_key.
    The older spelling of ``state: revoked``."""
    cname: CnameTarget | None = None
    """Publish a CNAME to this name instead of a key: the signer (Microsoft 365, a sending service) keeps the key there."""
    state: Annotated[DkimState, one_of(DkimState, ROTATION_RULE)] = "active"
    """Lifecycle: ``staged`` (published, not signing yet), ``active``, ``retiring`` (published, no
    new mail), ``revoked`` (publishes ``p=``; the public_key may stay in the file, as a record)."""
    since: datetime.date | None = None
    """The day the key entered its state, when the git history cannot tell (it wins over it)."""

    @model_validator(mode="before")
    @classmethod
    def _revoked_has_no_key(cls, data: Any) -> Any:
        # A revoked or delegated selector publishes no p= of its own, so public_key is required only
        # otherwise; ``revoked: true`` and ``state: revoked`` are one state (docs/configuration.md).
        if not isinstance(data, dict):
            return data
        revoked = data.get("revoked") is True or str(data.get("state", "")).strip().lower() == "revoked"
        if (revoked or data.get("cname") is not None) and "public_key" not in data:
            data = {**data, "public_key": ""}
        if data.get("revoked") is True and "state" not in data:
            data = {**data, "state": "revoked"}
        return data

    @property
    def published_key(self) -> str:
        """The ``p=`` this key publishes: empty once revoked."""
        return "" if self.revoked or self.state == "revoked" else self.public_key

    @model_validator(mode="after")
    def _key_without_white_space(self) -> DkimKey:
        # A key pasted across lines: p= is base64 without white space (RFC 6376 3.6.1). A key
        # that is not base64 is left as written for ``rules`` to report.
        if self.public_key:
            with contextlib.suppress(RuleError):
                object.__setattr__(self, "public_key", dkim_records.public_key_bytes(self.public_key)[0])
        return self

    def rules(self) -> list[RuleError]:
        # Each hash and service appears once (RFC 6376 3.6.1: a tag-list names no tag or value twice).
        found = repeats(self.hash_algorithms, lambda h: h, "", "RFC 6376 3.6.1", "a hash algorithm", prefix=("hash_algorithms",))
        found += repeats(self.service_types, lambda t: t, "", "RFC 6376 3.6.1", "a service type", prefix=("service_types",))
        if self.revoked and self.state != "revoked":
            found.insert(
                0, RuleError("must be revoked with revoked: true, or drop revoked", ROTATION_RULE, value=self.state, path=("state",))
            )
        if self.cname is not None:
            # The key record and its tags are at the target, published by whoever holds the key.
            return [
                RuleError(f"must not be set with cname: {why}", "RFC 6376 3.6.2.1", value=getattr(self, tag), path=(tag,))
                for tag, why in dkim_records.CNAME_EXCLUDES
                if tag in self.model_fields_set and getattr(self, tag) not in ("", False, ())
            ] + found
        if self.revoked:
            if self.public_key:
                message = "must not be set with revoked: true; a revoked selector publishes an empty p="
                found.insert(0, RuleError(message, "RFC 6376 3.6.1", value=self.public_key, path=("public_key",)))
            return found
        if self.state == "revoked" and not self.public_key:
            return found
        try:
            _, data = dkim_records.public_key_bytes(self.public_key)
            dkim_records.check_public_key(self.key_type, data)
        except RuleError as exc:
            found.insert(0, RuleError(exc.message, exc.rule, value=self.public_key, path=("public_key",)))
        return found

    @property
    def text(self) -> str:
        """The published value: the key record, or the CNAME's target."""
        if self.cname is not None:
            return self.cname
        if not self.published_key:
            return dkim_records.render_revoked()
        return dkim_records.render_dkim(
            key_type=self.key_type,
            public_key=self.public_key,
            hash_algorithms=self.hash_algorithms,
            flags=dkim_records.flags(testing=self.testing, strict=self.strict),
            service_types=self.service_types,
        )


class DkimRotation(Model):
    """How long each step of a DKIM key rotation lasts; usually set once in ``_defaults.yaml``."""

    retiring_days: Annotated[int, integer(0, 3650, ROTATION_RULE)] = 7
    """Days a key stays ``retiring`` (mail signed with it still in flight) before it may be revoked."""
    revoked_days: Annotated[int, integer(0, 3650, ROTATION_RULE)] = 7
    """Days a selector stays ``revoked`` before it may be deleted."""
