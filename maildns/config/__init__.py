"""Domain configuration: one YAML file per domain, validated into frozen pydantic models.

``fields`` holds the reusable field types, ``models`` the settings and their cross-field rules,
``profiles`` the opt-in stricter rules, ``messages`` the translation of pydantic's errors into
problems, ``loading`` the files, and ``resolved`` what a config means once every default applies.
"""

from maildns.config.loading import config_files, duplicate_domains, load_config, load_configs, parse_config
from maildns.config.models import Backend, Config, DkimKey, Dmarc, MtaSts, MxHost, Ses, Spf, TlsRpt, TtlOverrides
from maildns.config.resolved import Resolved, resolve
from maildns.errors import ConfigError, Problem

__all__ = [
    "Backend",
    "Config",
    "ConfigError",
    "DkimKey",
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
