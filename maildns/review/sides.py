"""BASE and HEAD of ``maildns diff``: each a synth output folder, one stack file or a git revision,
read as stacks. BASE is empty only when asked for (``--base-empty``), never by a name that is missing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from maildns.review.reading import InputError, Stacks, load_stacks
from maildns.revision import commit_of, synthesized

# What can only be a revision: an abbreviated or full object name, or revision syntax (gitrevisions(7)).
REVISION_LIKE = re.compile(r"[0-9a-fA-F]{7,64}|.*[~^@:].*|[A-Z_]*HEAD")
EMPTY_HINT = "--base-empty reviews against nothing"
NO_STACKS = "holds no stacks (no */cdk.tf.json in it or in its stacks/ folder{})"


def read_sides(base: str | None, head: str, *, base_empty: bool = False) -> tuple[Stacks, Stacks]:
    """The stacks of BASE and HEAD. InputError (a usage error) for a side that is neither an existing
    path nor a revision here, or that holds no stacks; RevisionError when a revision cannot be
    synthesized (``invalid`` when its configs are at fault)."""
    if base_empty and base is not None:
        raise InputError(f"--base-empty stands for BASE: give HEAD alone, not {base} as well")
    if base is None and not base_empty:
        raise InputError(f"BASE is missing: name a revision (origin/main), a synth output, or pass --base-empty (HEAD is {head})")
    head_is = _locate(head)
    if head_is is None:
        raise InputError(f"{head} is neither a path nor a git revision (OLD may be missing, for a first synth; NEW may not)")
    base_is = None if base is None else _locate(base)
    if base is not None and base_is is None:
        raise InputError(_missing_base(base))
    old = {} if base is None else _stacks(base, base_is, hint=f"; {EMPTY_HINT}")
    return old, _stacks(head, head_is, hint="")


def _locate(text: str) -> Path | str | None:
    """An existing path, a commit, or None; a name that can only be a revision and is not one here
    is an error, so a shallow clone cannot pass for a first synth. A path wins over a revision of
    the same name (``git diff`` asks for ``--`` there)."""
    path = Path(text)
    if path.exists():
        return path
    commit = commit_of(text)
    if commit is not None:
        return commit
    if REVISION_LIKE.fullmatch(text):
        raise InputError(f"{text} is not a git revision here (nor a path); in CI fetch the history (fetch-depth: 0)")
    return None


def _stacks(text: str, where: Path | str | None, *, hint: str) -> Stacks:
    if isinstance(where, Path):
        stacks = load_stacks(where)
        if not stacks:  # a typo, one level too deep, or an artifact that did not arrive
            raise InputError(f"{text} {NO_STACKS.format(hint)}")
        return stacks
    with synthesized(text) as out:  # a revision without configs is honestly empty
        return load_stacks(out)


def _missing_base(text: str) -> str:
    suggestion = _remote_branch(text)
    hint = f"did you mean {suggestion}? {EMPTY_HINT}" if suggestion else EMPTY_HINT
    return f"{text} is neither a path nor a git revision here ({hint})"


def _remote_branch(text: str) -> str | None:
    """The remote-tracking branch a pull-request checkout has instead of a local ``text`` branch:
    one that exists here (``origin/main``), else ``origin/<text>`` when ``text`` is a branch name."""
    try:
        found = subprocess.run(
            ["git", "for-each-ref", "--format=%(refname:short)", f"refs/remotes/*/{text}"], capture_output=True, text=True, check=False
        ).stdout.split()
        valid = subprocess.run(["git", "check-ref-format", "--branch", text], capture_output=True, check=False).returncode == 0
    except OSError:  # no git on PATH
        return None
    if found:
        return found[0]
    looks_like_path = "/" in text or "\\" in text or text.startswith(".") or "." in text
    return f"origin/{text}" if valid and not looks_like_path else None


# What a revision is synthesized from: an edit to these that is not committed is not in HEAD's output.
SYNTH_INPUTS = ("config", "main.py", "cdktf.json")


def uncommitted(head: str) -> str | None:
    """A note when HEAD names a revision while the working tree holds uncommitted changes to what
    is synthesized (``config/``): ``diff main HEAD`` would otherwise say "no changes" about them."""
    if Path(head).exists() or commit_of(head) is None:
        return None
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "--", *SYNTH_INPUTS], capture_output=True, text=True, check=False
        )
    except OSError:  # no git on PATH
        return None
    changed = [line[3:] for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not changed:
        return None
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return (
        f"note: {len(changed)} uncommitted change{'s' * (len(changed) != 1)} ({shown}) are not in {head}, which is reviewed as "
        "committed: commit them, or run maildns synth and pass cdktf.out as NEW"
    )
