"""Whether a record the config renders says the same as the one published, in other words: the
spelling differences (tag order, a trailing ``;``, case, white space, line ends) a reviewer need
not decide anything about. Published text is read through ``records/``, as everywhere else."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from maildns.records.dkim import colon_list, parse_dkim
from maildns.records.dmarc import parse_dmarc, report_uris
from maildns.records.mta_sts import Policy, parse_policy, parse_txt
from maildns.records.mx import parse_mx
from maildns.records.spf import is_spf, parse_spf
from maildns.records.tags import TagList
from maildns.records.tls_rpt import parse_tls_rpt, rua_uris

# Tags whose values are compared without case (RFC 6376 3.6.1, RFC 7489 6.4, RFC 8460 3).
CASELESS = {"v", "k", "h", "t", "s", "p_dmarc", "sp", "adkim", "aspf", "fo", "rf"}


def _tags(record: TagList, kind: str) -> object:
    """The meaning of a tag list: each tag's value, lists as tuples, case dropped where it carries
    none; and its problems (a DMARC p that is not second is read by some receivers only)."""
    meaning: dict[str, object] = {}
    for tag, value in record.tags.items():
        if kind == "dkim" and tag == "p":
            meaning[tag] = "".join(value.split())  # white space inside the key is folding (RFC 6376 3.6.1)
        elif kind == "dkim" and tag in ("h", "t", "s"):
            meaning[tag] = tuple(item.lower() for item in colon_list(value))
        elif tag in ("rua", "ruf"):
            meaning[tag] = report_uris(value) if kind == "dmarc" else rua_uris(value)
        elif tag in CASELESS or (kind == "dmarc" and tag == "p"):
            meaning[tag] = value.lower()
        elif kind == "sts" and tag == "id":
            continue  # the id follows the policy's bytes: the policy's own line says why it changes
        else:
            meaning[tag] = value
    return sorted(meaning.items()), sorted(p.message for p in record.problems)


def _meaning(record_id: str, value: str) -> object:
    """What receivers read in one published value of the record set ``record_id``."""
    if record_id == "spf":
        if is_spf(value):
            record = parse_spf(value)
            return ("spf", tuple(term.text.lower() for term in record.terms))
        return value
    if record_id == "dmarc":
        return _tags(parse_dmarc(value), "dmarc")
    if record_id.startswith("dkim-"):
        return _tags(parse_dkim(value), "dkim")
    if record_id == "tls-rpt":
        return _tags(parse_tls_rpt(value), "tls")
    if record_id == "mta-sts":
        return _tags(parse_txt(value), "sts")
    if record_id == "mx":
        return parse_mx(value)
    return value.lower().rstrip(".")


def _folded(values: Sequence[str], keep: str) -> list[str]:
    """The values with every kind of spelling folded away but ``keep``."""
    out = []
    for value in values:
        text = value.rstrip().rstrip(";")
        text = text if keep == "case" else text.lower()
        parts = [part if keep == "white space" else "".join(part.split()) for part in text.split(";")]
        if keep != "white space":
            parts = [part for part in parts if part]
        parts = parts if keep == "tag order" else sorted(parts)
        trailing = keep == "trailing ;" and value.rstrip().endswith(";")
        out.append(";".join(parts) + (";" if trailing else ""))
    return sorted(out)


KINDS = ("tag order", "trailing ;", "case", "white space")


def _reasons(rendered: Sequence[str], published: Sequence[str]) -> list[str]:
    return [kind for kind in KINDS if _folded(rendered, kind) != _folded(published, kind)] or ["spelling"]


def spelling_only(record_id: str, rendered: Sequence[str], published: Sequence[str]) -> list[str] | None:
    """The kinds of difference when the rendered values say what the published ones say, or None
    when they say something else (then the first deploy changes what receivers read)."""
    if Counter(map(repr, (_meaning(record_id, v) for v in rendered))) != Counter(map(repr, (_meaning(record_id, v) for v in published))):
        return None
    return _reasons(rendered, published)


def _policy_meaning(policy: Policy) -> tuple[object, ...]:
    return (policy.version, (policy.mode or "").lower(), policy.max_age, sorted(p.lower() for p in policy.mx))


def policy_spelling(rendered: bytes, published: bytes) -> list[str] | None:
    """The kinds of difference between two MTA-STS policies that say the same (RFC 8461 3.2:
    CRLF line ends, ``mx:`` lines in any order), or None when they say something else."""
    ours, theirs = (parse_policy(p.decode("ascii", errors="backslashreplace")) for p in (rendered, published))
    if _policy_meaning(ours) != _policy_meaning(theirs):
        return None
    reasons = []
    if b"\r\n" not in published or published.replace(b"\r\n", b"").count(b"\n"):
        reasons.append("LF line ends")
    if list(theirs.mx) != sorted(theirs.mx) or list(theirs.mx) != list(ours.mx):
        reasons.append("unsorted mx: lines")
    if not reasons:
        reasons.append("case or white space")
    return reasons
