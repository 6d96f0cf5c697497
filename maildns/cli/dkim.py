"""``maildns dkim rotate``: write the next step of a DKIM key rotation into a domain's file and print the rest.

The steps (docs/configuration.md, "Rotating a DKIM key"): stage a new selector; after its TTL,
activate it and retire the old key; after ``retiring_days``, revoke the old key; after
``revoked_days``, delete it. Each run writes one step, refused (nothing written) when the
rotation rules say it is too early. The file is edited as text, so its comments stay.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import re
import sys
from pathlib import Path

from maildns import rotation
from maildns.cli.base import EXIT_INVALID, EXIT_OK, Commands, UsageError, _files
from maildns.config import Config, ConfigError, load_config, parse_config
from maildns.config.defaults import merge
from maildns.config.loading import defaults_file
from maildns.config.reading import read_yaml
from maildns.errors import RuleError
from maildns.records import dkim as dkim_records

KEY_DIR_ENV = "MAILDNS_KEY_DIR"
RSA_BITS = dkim_records.RECOMMENDED_RSA_BITS
ITEM = re.compile(r"^(\s*)-\s")


def register(commands: Commands) -> None:
    dkim = commands.add_parser("dkim", help="DKIM key rotation", description="DKIM key rotation")
    actions = dkim.add_subparsers(dest="action", required=True, metavar="ACTION")
    rotate = actions.add_parser(
        "rotate", help="write the next rotation step into a domain's file", description="write the next rotation step into a domain's file"
    )
    rotate.add_argument("domain", metavar="DOMAIN", help="the domain whose key to rotate")
    rotate.add_argument("paths", nargs="*", metavar="PATH", help="config files or folders (default: config/)")
    rotate.add_argument("--selector", help="the new selector (default: s<year>q<quarter>, e.g. s2026q4)")
    rotate.add_argument("--key-type", choices=dkim_records.KEY_TYPES, default="rsa", help="algorithm of a generated key (default: rsa)")
    rotate.add_argument("--public-key", help="publish this base64 key, which the signer generated, instead of generating a pair")
    rotate.add_argument(
        "--key-dir",
        help=f"folder for the generated private key, outside the repository (default: ${KEY_DIR_ENV} or ~/.local/share/maildns/dkim)",
    )
    rotate.set_defaults(handler=cmd_rotate)


def default_selector(now: dt.datetime, taken: set[str]) -> str:
    """``s<year>q<quarter>`` of today, with b, c, ... when that is taken already."""
    base = f"s{now.year}q{(now.month - 1) // 3 + 1}"
    for suffix in ("", *"bcdefghijklmnopqrstuvwxyz"):
        candidate = f"{base}{suffix}"
        if candidate not in taken:
            return candidate
    raise UsageError(f"every selector {base}, {base}b ... {base}z is taken; give --selector")


def generate(key_type: str) -> tuple[str, bytes]:
    """A new key pair: the ``p=`` value (RFC 6376 3.6.1, RFC 8463 4.2) and the private key as PKCS #8 PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

    private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    if key_type == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        public = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return base64.b64encode(public).decode("ascii"), bytes(pem)


# --- editing the file as text -------------------------------------------------------------------


def _block(lines: list[str]) -> tuple[int, int] | None:
    """The ``dkim:`` block: its key line and the end of its last item (None: no dkim key)."""
    for start, line in enumerate(lines):
        if re.match(r"^dkim:", line):
            if not re.fullmatch(r"dkim:\s*(#.*)?\n?", line):
                raise UsageError("dkim must be a block list (- selector: ...) for rotate to edit it")
            end = start + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t"):
                end += 1
            while end > start + 1 and not lines[end - 1].strip():
                end -= 1
            return start, end
    return None


def _items(lines: list[str], block: tuple[int, int]) -> list[tuple[int, int, str]]:
    """Each list item of the block: (first line, with the comments above it; end; selector)."""
    starts = [i for i in range(block[0] + 1, block[1]) if ITEM.match(lines[i])]
    if starts:
        indent = ITEM.match(lines[starts[0]]).group(1)  # type: ignore[union-attr]
        starts = [i for i in starts if ITEM.match(lines[i]).group(1) == indent]  # type: ignore[union-attr]
    heads = []
    for i in starts:
        head = i
        while head - 1 > block[0] and lines[head - 1].lstrip().startswith("#"):
            head -= 1
        heads.append(head)
    found = []
    for n, (head, first) in enumerate(zip(heads, starts, strict=True)):
        end = heads[n + 1] if n + 1 < len(heads) else block[1]
        text = "".join(lines[first:end])
        if "{" in lines[first]:
            raise UsageError("each dkim entry must be a block mapping (selector: on its own line) for rotate to edit it")
        selector = re.search(r"selector:\s*['\"]?([^'\"\s#]+)", text)
        found.append((head, end, selector.group(1).lower() if selector else ""))
    return found


def _set_state(lines: list[str], item: tuple[int, int, str], state: str) -> None:
    head, end, _ = item
    first = next(i for i in range(head, end) if ITEM.match(lines[i]))
    indent = " " * (len(ITEM.match(lines[first]).group(1)) + 2)  # type: ignore[union-attr]
    for i in range(end - 1, first - 1, -1):
        if re.match(rf"^({indent}|\s*-\s+)since:", lines[i]):
            del lines[i]  # the date of the state it leaves
    end = min(end, len(lines))
    for i in range(first, end):
        found = re.match(rf"^({indent}|\s*-\s+)state:\s*[^#\n]*?(\s*#.*)?$", lines[i].rstrip("\n"))
        if found:
            lines[i] = f"{found.group(1)}state: {state}{found.group(2) or ''}\n"
            return
    at = next(i for i in range(first, end) if "selector:" in lines[i])
    lines.insert(at + 1, f"{indent}state: {state}\n")


def _new_item(indent: str, selector: str, key_type: str, public_key: str) -> list[str]:
    inner = indent + "  "
    return [
        f"{indent}- selector: {selector}\n",
        f"{inner}key_type: {key_type}\n",
        f"{inner}state: staged\n",
        f"{inner}public_key: >-\n",
        f"{inner}  {public_key}\n",
    ]


# --- the command --------------------------------------------------------------------------------


def _find(args: argparse.Namespace) -> Config:
    domain = args.domain.strip().rstrip(".").lower()
    for file in _files(args):
        try:
            config = load_config(file)
        except ConfigError:
            continue
        if config.domain == domain:
            return config
    raise UsageError(f"no valid config file for the domain {domain} in {' '.join(args.paths or ['config'])}")


def _parse(file: Path, text: str) -> Config:
    import yaml

    data = yaml.safe_load(text)
    shared = defaults_file(file.parent)
    if shared is not None and isinstance(data, dict):
        data = merge(read_yaml(shared) or {}, data, str(shared))[0]
    return parse_config(data, str(file))


def _key_dir(args: argparse.Namespace, file: Path) -> Path:
    folder = Path(args.key_dir or os.environ.get(KEY_DIR_ENV) or Path.home() / ".local/share/maildns/dkim").expanduser().resolve()
    try:
        top = rotation.top_of(file)
    except rotation.HistoryError:
        top = file.resolve().parent
    if folder == top or top in folder.parents:
        raise UsageError(f"--key-dir: {folder} is inside the repository {top}; a private key never goes there")
    return folder


def cmd_rotate(args: argparse.Namespace) -> int:
    config = _find(args)
    file = Path(config.source)
    now = rotation.now()
    try:
        top = rotation.top_of(file)
        points = rotation.history(top, file.resolve().relative_to(top).as_posix(), "HEAD")
    except rotation.HistoryError:
        points = []  # not a repository, or no commit yet: the file alone, dated now
    points.append(rotation.snapshot_of_config(config, now))
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    block = _block(lines)
    items = _items(lines, block) if block else []
    own = {k.selector: k for k in config.dkim if getattr(k, "cname", None) is None}
    by_state = {state: sorted(s for s, k in own.items() if k.state == state) for state in rotation.STATES}
    private: bytes | None = None
    if by_state["staged"]:
        targets = {**dict.fromkeys(by_state["active"], "retiring"), **dict.fromkeys(by_state["staged"], "active")}
        done = f"activated {', '.join(by_state['staged'])}" + (
            f" and retired {', '.join(by_state['active'])}" if by_state["active"] else ""
        )
        done += f": switch the signer to {', '.join(by_state['staged'])} as this change deploys"
        later, old = (["revoke", "delete"] if by_state["active"] else []), by_state["active"]
    elif by_state["retiring"]:
        targets = dict.fromkeys(by_state["retiring"], "revoked")
        done, later, old = f"revoked {', '.join(by_state['retiring'])}", ["delete"], by_state["retiring"]
    elif by_state["revoked"]:
        targets = {}
        done, later, old = f"deleted {', '.join(by_state['revoked'])}", [], by_state["revoked"]
        for head, end, selector in reversed(items):
            if selector in by_state["revoked"]:
                del lines[head:end]
    else:
        selector = _new_selector(args, set(own) | {k.selector for k in config.dkim}, now)
        if args.public_key:
            public_key, key_type = "".join(args.public_key.split()), args.key_type
        else:
            public_key, private = generate(args.key_type)
            key_type = args.key_type
        indent = ITEM.match(lines[items[0][0]]).group(1) if items and ITEM.match(lines[items[0][0]]) else "  "  # type: ignore[union-attr]
        new = _new_item(indent, selector, key_type, public_key)
        if block is None:
            lines += ["\n", "dkim:\n", *new]
        else:
            lines[block[1] : block[1]] = new
        done = f"staged {selector} ({key_type})"
        later, old, targets = ["activate", "revoke", "delete"], by_state["active"], {}
        by_state["staged"] = [selector]
    # Bottom up: an edit moves only the lines below it.
    for item in reversed(items):
        if item[2] in targets:
            _set_state(lines, item, targets[item[2]])
    text = "".join(lines)
    try:
        changed = _parse(file, text)
    except ConfigError as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        return EXIT_INVALID
    refused = rotation.refusals(str(file), points, rotation.snapshot_of_config(changed, now))
    if refused:
        print("\n".join(str(p) for p in refused), file=sys.stderr)
        return EXIT_INVALID
    if private is not None:
        done += f"; private key written to {_write_private(args, file, config.domain, by_state['staged'][0], private)} (mode 0600)"
    file.write_text(text, encoding="utf-8")
    print(f"{file}: {done}")
    _print_plan(later, staged=by_state["staged"], retired=old, new=rotation.snapshot_of_config(changed, now), now=now, domain=config.domain)
    return EXIT_OK


def _new_selector(args: argparse.Namespace, taken: set[str], now: dt.datetime) -> str:
    if args.selector is None:
        return default_selector(now, taken)
    try:
        selector = dkim_records.parse_selector(args.selector)
    except RuleError as exc:
        raise UsageError(f"--selector: {exc.message} (got {args.selector})") from None
    if selector in taken:
        raise UsageError(f"--selector: {selector} is in the file already; a rotation publishes a new selector")
    return selector


def _write_private(args: argparse.Namespace, file: Path, domain: str, selector: str, pem: bytes) -> Path:
    folder = _key_dir(args, file)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{domain}.{selector}.pem"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} exists already; a private key is never overwritten") from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return path


def _print_plan(later: list[str], *, staged: list[str], retired: list[str], new: rotation.Snapshot, now: dt.datetime, domain: str) -> None:
    if not later:
        print("rotation complete")
        return
    old = ", ".join(retired) or "the old key"
    when = now
    print(f"next steps (one `maildns dkim rotate {domain}` each, once the one before is merged and deployed):")
    for step in later:
        if step == "activate":
            when += dt.timedelta(seconds=new.ttl)
            print(
                f"  {rotation.when_text(when)}  activate {', '.join(staged)}"
                + (f" and retire {old}" if retired else "")
                + f" (TTL {new.ttl} s; `maildns check --authoritative` shows when every server publishes it)"
            )
        elif step == "revoke" and retired:
            when += new.retiring_days * rotation.DAY
            print(f"  {rotation.when_text(when)}  revoke {old} ({new.retiring_days} days retiring)")
        elif step == "delete" and retired:
            when += new.revoked_days * rotation.DAY
            print(f"  {rotation.when_text(when)}  delete {old} ({new.revoked_days} days revoked)")
