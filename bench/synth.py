"""Benchmark: wall time and peak memory of synthesizing N generated domains (N = 1, 10, 100),
with maildns' raw resource classes and with the prebuilt provider bindings, and the ratio.

Each measurement is a fresh process (imports included, as in `cdktf synth`); memory is the
peak resident set of that process plus its jsii Node.js child, sampled every 20 ms.

    pipenv run python bench/synth.py [--sizes 1 10 100] [--skip-prebuilt]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import importlib, sys
from maildns.config import parse_config

def domain(i):
    name = f"d{i}.example.gov"
    return {
        "domain": name,
        "mx": [{"host": "aspmx.l.google.com", "preference": 10}, {"host": "alt1.aspmx.l.google.com", "preference": 20}],
        "spf": {"terms": ["include:amazonses.com", "include:_spf.google.com"], "all": "softfail"},
        "ses": {"regions": ["us-west-2", "us-east-1"]},
        "dmarc": {"p": "reject", "rua": [f"mailto:dmarc@{name}"]},
        "tls_rpt": {"rua": [f"mailto:tls@{name}"]},
        "mta_sts": {"mode": "enforce"},
    }

mode, n, outdir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if mode == "prebuilt":
    # Swap every maildns.aws class, wherever maildns uses it, for the prebuilt binding it mirrors.
    import pkgutil
    import maildns.aws, maildns.constructs
    from tests.synth.prebuilt import drop_in_replacements, load_prebuilt
    replacements = drop_in_replacements(load_prebuilt())
    packages = [maildns.aws, maildns.constructs]
    users = [importlib.import_module(f"{p.__name__}.{m.name}") for p in packages for m in pkgutil.iter_modules(p.__path__)]
    users.append(importlib.import_module("maildns.stacks.domain"))
    for user in users:
        for name, replacement in replacements.items():
            if hasattr(user, name):
                setattr(user, name, replacement)

from maildns.stacks import build_app
configs = tuple(parse_config(domain(i), f"d{i}.yaml") for i in range(n))
build_app(configs, outdir=outdir).synth()
"""


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration):
            continue
    return total


def measure(argv: list[str]) -> tuple[float, float]:
    """Seconds and peak MiB of one command."""
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CHECKPOINT_DISABLE": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    if process.returncode:
        sys.exit(f"benchmark command failed: {' '.join(argv)}\n{stderr.decode()}")
    return elapsed, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--skip-prebuilt", action="store_true", help="measure maildns' own classes only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        seconds, mib = measure([sys.executable, "main.py"])
        print(f"python main.py on config/: {seconds:.2f} s, peak {mib:.0f} MiB\n")
        print(f"{'domains':>7}  {'maildns s':>9}  {'MiB':>6}  {'prebuilt s':>10}  {'MiB':>6}  {'time ratio':>10}  {'memory ratio':>12}")
        for n in args.sizes:
            ours = measure([sys.executable, "-c", CHILD, "raw", str(n), f"{tmp}/raw-{n}"])
            if args.skip_prebuilt:
                print(f"{n:>7}  {ours[0]:>9.2f}  {ours[1]:>6.0f}")
                continue
            theirs = measure([sys.executable, "-c", CHILD, "prebuilt", str(n), f"{tmp}/prebuilt-{n}"])
            same = all(
                (Path(tmp, f"raw-{n}") / p.relative_to(Path(tmp, f"prebuilt-{n}"))).read_bytes() == p.read_bytes()
                for p in Path(tmp, f"prebuilt-{n}").rglob("cdk.tf.json")
            )
            print(
                f"{n:>7}  {ours[0]:>9.2f}  {ours[1]:>6.0f}  {theirs[0]:>10.2f}  {theirs[1]:>6.0f}"
                f"  {theirs[0] / ours[0]:>9.1f}x  {theirs[1] / ours[1]:>11.1f}x"
                + ("" if same else "  (outputs differ!)")
            )


if __name__ == "__main__":
    main()
