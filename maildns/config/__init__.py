"""Domain configuration: one YAML file per domain, validated into frozen pydantic models.

``fields`` holds the reusable field types, ``models`` each section's settings and rules,
``domain`` the rules across a domain's sections, with one home for each rule that cuts across
features: ``parked`` (mail: none), ``adopt``, ``features`` (BIMI, MAIL FROM, DNSSEC) and
``profiles`` (opt-in stricter rules). ``messages`` translates pydantic's errors into problems,
``loading`` reads the files, ``defaults`` merges ``_defaults.yaml``, and ``resolved`` is what a
config means once every default applies.
"""

from maildns.config.dkim import DkimKey, DkimRotation
from maildns.config.domain import Config
from maildns.config.loading import config_files, duplicate_domains, load_config, load_configs, parse_config
from maildns.config.models import Backend, Dmarc, MtaSts, MxHost, Ses, Spf, TlsRpt, TtlOverrides
from maildns.config.resolved import Resolved, resolve
from maildns.errors import ConfigError, Problem

__all__ = [
    "Backend",
    "Config",
    "ConfigError",
    "DkimKey",
    "DkimRotation",
    "Dmarc",
    "MtaSts",
    "MxHost",
    "Problem",
    "Resolved",
    "Ses",
    "Spf",
    "TlsRpt",
    "TtlOverrides",
    "config_files",
    "duplicate_domains",
    "load_config",
    "load_configs",
    "parse_config",
    "resolve",
]
