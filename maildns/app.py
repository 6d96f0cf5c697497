"""The cdktf app (``cdktf synth`` runs ``python -m maildns.app``): one stack per config/<domain>.yaml.

MAILDNS_CONFIG names another folder or file. Bad input prints one line per problem and exits 1
before anything is written. Stacks whose inputs are unchanged since an earlier synth come from
the synth cache (``MAILDNS_NO_CACHE=1`` synthesizes every stack). SIGTERM and SIGHUP end the run
as Ctrl-C does: no worker or Node.js process is left, nor any staging folder.
"""

import os
import sys

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")  # before jsii starts Node

from maildns.config import ConfigError, config_files
from maildns.fanout import synth, workers
from maildns.synthesis import configs as kept
from maildns.synthesis.cache import cache_folder
from maildns.synthesis.staging import end_children, ending_cleanly


def main(prog: str = "maildns.app") -> int:
    """Synthesize every config of MAILDNS_CONFIG (default ``config``); ``prog`` starts usage lines."""
    path = os.environ.get("MAILDNS_CONFIG", "config")
    files = config_files([path])
    if not files:
        print(f"{prog}: no .yaml files in {path}", file=sys.stderr)
        return 2  # nothing to synthesize is a setup mistake, not an empty success
    try:
        configs = kept.load(files, cache_folder())
    except ConfigError as exc:
        print("\n".join(exc.lines), file=sys.stderr)
        return 1
    # Many stacks are synthesized by one process per core, with the same bytes as one app.
    try:
        jobs = workers()
    except ValueError as exc:  # MAILDNS_JOBS is not a number
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    with ending_cleanly():
        try:
            synth(configs, jobs=jobs)
        except BaseException:
            end_children()
            raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
