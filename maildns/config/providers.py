"""Mailbox provider presets: the records Google Workspace and Microsoft 365 document, in one place per provider.

``provider: google-workspace`` (or ``microsoft-365``) fills ``mx``, ``spf.terms``, ``dkim`` and,
when the domain has an ``mta_sts`` section, ``mta_sts.patterns``. The preset is a layer of its
own between the shared defaults and the domain file (lowest first): ``_defaults.yaml``, the
preset, the domain file. Mappings merge key by key and lists are replaced whole, as with the
defaults, so a domain file that lists ``mx`` or ``spf.terms`` itself replaces the preset's list,
and ``records --show-defaults`` lists every value the preset filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from maildns.errors import RuleError
from maildns.records import dkim as dkim_records
from maildns.records.dkim import parse_dkim
from maildns.records.names import domain_name

PRESETS_RULE = "see docs/configuration.md: Provider presets"
SOURCE = "provider {name} (maildns/config/providers.py)"

# Google Workspace.
# MX: one host, smtp.google.com, priority 1; the five aspmx hosts remain valid for older setups.
# @see https://support.google.com/a/answer/174125 (Google Workspace MX record values)
GOOGLE_MX = ((1, "smtp.google.com"),)
GOOGLE_LEGACY_MX = (
    (1, "aspmx.l.google.com"),
    (5, "alt1.aspmx.l.google.com"),
    (5, "alt2.aspmx.l.google.com"),
    (10, "alt3.aspmx.l.google.com"),
    (10, "alt4.aspmx.l.google.com"),
)
# @see https://support.google.com/a/answer/10685031 (Define your SPF record: include:_spf.google.com)
GOOGLE_SPF = "include:_spf.google.com"
# The default selector of a key generated in the Admin console is "google", published as TXT.
# @see https://support.google.com/a/answer/174126 (Generate your DKIM key)
GOOGLE_DKIM_SELECTOR = "google"
# MTA-STS policy mx lines for Google's MX hosts, as Google's policy example lists them.
# @see https://support.google.com/a/answer/9276511 (Set up MTA-STS and TLS reporting)
GOOGLE_STS_PATTERNS = ("smtp.google.com", "aspmx.l.google.com", "*.aspmx.l.google.com")

# Microsoft 365.
# MX: <domain with dots as hyphens>.mail.protection.outlook.com, priority 0, TTL 1 hour; newer
# tenants are shown other targets (under mx.microsoft) that cannot be derived: give provider.mx.
# @see https://learn.microsoft.com/en-us/microsoft-365/admin/get-help-with-domains/create-dns-records-at-any-dns-hosting-provider
MICROSOFT_MX_SUFFIX = "mail.protection.outlook.com"
MICROSOFT_MX_PREFERENCE = 0
# @see https://learn.microsoft.com/en-us/defender-office-365/email-authentication-spf-configure
MICROSOFT_SPF = "include:spf.protection.outlook.com"
# DKIM: selector1 and selector2 as CNAMEs to targets the Defender portal shows (TTL 1 hour);
# Microsoft rotates the keys behind them.
# @see https://learn.microsoft.com/en-us/defender-office-365/email-authentication-dkim-configure
MICROSOFT_DKIM_SELECTORS = ("selector1", "selector2")
# MTA-STS: mx: *.mail.protection.outlook.com covers every Exchange Online MX host.
# @see https://learn.microsoft.com/en-us/purview/enhancing-mail-flow-with-mta-sts
MICROSOFT_STS_PATTERNS = ("*.mail.protection.outlook.com",)

# Which provider fields belong to which provider, for the rule that refuses the others.
OWN_FIELDS = {"google-workspace": ("dkim_key", "legacy_mx"), "microsoft-365": ("mx", "dkim_targets")}


def source(provider: Any) -> str | None:
    """The origin shown for values a preset filled, or None when ``provider`` names no preset."""
    name = _name(provider)
    return SOURCE.format(name=name) if name in OWN_FIELDS else None


def _name(provider: Any) -> Any:
    name = provider.get("name") if isinstance(provider, Mapping) else provider
    return name.strip().lower() if isinstance(name, str) else name


def preset_fields(provider: Any, domain: Any, *, mta_sts: bool) -> dict[str, Any]:
    """The fields a ``provider`` value (as written: a name or a mapping) fills for ``domain``, as
    config data. A value that names no preset fills nothing (validation reports it)."""
    name = _name(provider)
    options: Mapping[str, Any] = provider if isinstance(provider, Mapping) else {}
    mx: tuple[tuple[int, str], ...]
    patterns: tuple[str, ...]
    if name == "google-workspace":
        mx, spf, patterns = (GOOGLE_LEGACY_MX if options.get("legacy_mx") is True else GOOGLE_MX), GOOGLE_SPF, GOOGLE_STS_PATTERNS
        key = _google_key(options.get("dkim_key"))
        dkim = [{"selector": GOOGLE_DKIM_SELECTOR, "public_key": key}] if key else []
    elif name == "microsoft-365":
        target = options.get("mx") or _microsoft_mx(domain)
        mx, spf, patterns = ((MICROSOFT_MX_PREFERENCE, target),) if target else (), MICROSOFT_SPF, MICROSOFT_STS_PATTERNS
        targets = options.get("dkim_targets")
        pairs = zip(MICROSOFT_DKIM_SELECTORS, targets, strict=True) if isinstance(targets, list) and len(targets) == 2 else ()
        dkim = [{"selector": selector, "cname": cname} for selector, cname in pairs]
    else:
        return {}
    fields: dict[str, Any] = {"spf": {"terms": [spf]}}
    if mx:
        fields["mx"] = [{"host": host, "preference": preference} for preference, host in mx]
    if dkim:
        fields["dkim"] = dkim
    if mta_sts:
        fields["mta_sts"] = {"patterns": list(patterns)}
    return fields


def _microsoft_mx(domain: Any) -> str | None:
    try:
        return f"{domain_name(domain).replace('.', '-')}.{MICROSOFT_MX_SUFFIX}"
    except RuleError:
        return None


def _google_key(value: Any) -> str | None:
    """The ``p=`` of the key the Admin console shows: the whole ``v=DKIM1; k=rsa; p=...`` or only the base64."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    key = (parse_dkim(text).get("p") or "") if text.lower().startswith("v=dkim1") else text
    try:
        dkim_records.check_public_key("rsa", dkim_records.public_key_bytes(key)[1])
    except RuleError:
        return None
    return dkim_records.public_key_bytes(key)[0]


def provider_rules(name: str, options: Mapping[str, Any]) -> list[RuleError]:
    """Each option of the other provider is an error; Microsoft's targets are two, and Google's key is a valid RSA key."""
    found = [
        RuleError(f"must not be set with provider {name}: it is a {other} option", PRESETS_RULE, value=value, path=(field,))
        for other, fields in OWN_FIELDS.items()
        if other != name
        for field in fields
        if (value := options.get(field)) not in (None, False, ())
    ]
    targets = options.get("dkim_targets") or ()
    if name == "microsoft-365" and targets and len(targets) != len(MICROSOFT_DKIM_SELECTORS):
        found.append(
            RuleError(
                "must list two targets, for selector1 then selector2: Microsoft 365 rotates between them",
                "Microsoft 365 DKIM",
                value=list(targets),
                path=("dkim_targets",),
            )
        )
    dkim_key = options.get("dkim_key")
    if isinstance(dkim_key, str) and name == "google-workspace":
        text = dkim_key.strip()
        key = (parse_dkim(text).get("p") or "") if text.lower().startswith("v=dkim1") else text
        try:
            dkim_records.check_public_key("rsa", dkim_records.public_key_bytes(key)[1])
        except RuleError as exc:
            found.append(RuleError(exc.message, exc.rule, value=dkim_key, path=("dkim_key",)))
    return found


def under_preset(data: Any) -> Any:
    """Config data over its preset: what loading a domain file without shared defaults makes, for
    data built without the loader. Data that already holds the preset's values is unchanged."""
    if not isinstance(data, Mapping) or data.get("provider") is None or data.get("mail") == "none":
        return data
    from maildns.config.defaults import merge

    fields = preset_fields(data["provider"], data.get("domain"), mta_sts=isinstance(data.get("mta_sts"), Mapping))
    return merge(fields, data, "")[0] if fields else data
