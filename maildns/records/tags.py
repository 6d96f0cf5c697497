"""Published record text read back: tag lists (DKIM, DMARC, TLS-RPT, MTA-STS, BIMI) and the
problems found in them, as values; nothing here raises on what a domain publishes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One problem in published text: what is wrong and the rule that says so. ``fatal`` when
    receivers refuse the whole record for it (an SPF permerror, a DKIM key that does not parse)."""

    message: str
    rule: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})"


@dataclass(frozen=True)
class TagList:
    """A ``tag=value; tag=value`` record as published: every pair in order, and the problems."""

    text: str
    pairs: tuple[tuple[str, str], ...]
    problems: tuple[Finding, ...] = ()

    @property
    def tags(self) -> dict[str, str]:
        """Each tag once, the first occurrence, as receivers read a list with a repeated tag."""
        tags: dict[str, str] = {}
        for tag, value in self.pairs:
            tags.setdefault(tag, value)
        return tags

    def get(self, tag: str, default: str | None = None) -> str | None:
        return self.tags.get(tag, default)

    @property
    def version(self) -> str | None:
        """The value of a leading ``v=`` tag, or None."""
        return self.pairs[0][1] if self.pairs and self.pairs[0][0] == "v" else None

    @property
    def fatal(self) -> bool:
        return any(problem.fatal for problem in self.problems)

    def with_problems(self, *found: Finding) -> TagList:
        return TagList(self.text, self.pairs, self.problems + found)


def parse_tags(text: str, rule: str) -> TagList:
    """``tag=value`` pairs separated by ``;`` with optional white space around each part, a
    trailing ``;`` allowed (RFC 6376 3.2, RFC 7489 6.4, RFC 8460 3, RFC 8461 3.1). Tag names are
    compared without case; a part without ``=`` and a repeated tag are problems (``rule`` cites
    the protocol's tag-list section), the pair list keeps everything else in order."""
    pairs: list[tuple[str, str]] = []
    problems: list[Finding] = []
    seen: set[str] = set()
    for part in text.split(";"):
        if not part.strip():
            continue
        tag, equals, value = part.partition("=")
        tag = tag.strip().lower()
        if not equals or not tag:
            problems.append(Finding(f"{part.strip()!r} is not tag=value", rule))
            continue
        if tag in seen:
            problems.append(Finding(f"the tag {tag} is given twice; the first is used", rule, fatal=False))
        seen.add(tag)
        pairs.append((tag, value.strip()))
    return TagList(text, tuple(pairs), tuple(problems))


def has_version(text: str, version: str) -> bool:
    """Whether ``text`` starts with the tag ``v=<version>``, white space around ``=`` allowed
    and case ignored, followed by ``;``, white space or the end (RFC 7489 6.4, RFC 6376 3.6.1)."""
    tag, equals, rest = text.partition("=")
    if not equals or tag.strip().lower() != "v":
        return False
    value = rest.lstrip()
    if value[: len(version)].lower() != version.lower():
        return False
    after = value[len(version) :]
    return not after or after[0] in "; \t"
