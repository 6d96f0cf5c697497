"""Benchmark: synthesizing N generated domains (half full with the MTA-STS site and SES, half parked)
through ``python main.py`` as ``cdktf synth`` runs it, against the floor of a tiny JSON writer.

Each measurement is a fresh process (imports included); memory is the peak resident set of the
process and all its children (the jsii Node.js processes, the parallel workers), sampled every
20 ms. The marginal cost is (time(N) - time(1)) / (N - 1). The floor writes each domain's plan
as JSON with Python's json module, one file per stack: the least any synth could cost.
``validate`` and ``records`` are timed on the largest N.

    pipenv run python bench/synth.py [--sizes 1 100 1000] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"synth_seconds": 20.0, "synth_mib": 500.0, "validate_seconds": 2.0, "records_seconds": 2.0}  # at N = 1000

DEFAULTS = "dmarc: {rua: [mailto:dmarc-reports@agency.example]}\nbackend: {bucket: agency-terraform-state, region: us-east-1}\n"


def domain_file(i: int) -> tuple[str, str]:
    """Domain ``i``: even ones send and receive mail (MX, SPF, SES in two regions, TLS-RPT, MTA-STS), odd ones are parked."""
    name = f"d{i}.example.gov"
    if i % 2:
        return name, f"domain: {name}\nmail: none\n"
    return name, (
        f"domain: {name}\n"
        "mx: [{host: aspmx.l.google.com, preference: 10}, {host: alt1.aspmx.l.google.com, preference: 20}]\n"
        "spf: {terms: [include:amazonses.com, include:_spf.google.com], all: softfail}\n"
        "ses: {regions: [us-west-2, us-east-1]}\n"
        f"tls_rpt: {{rua: [mailto:tls@{name}]}}\n"
        "mta_sts: {mode: enforce}\n"
    )


def generate(n: int, folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "_defaults.yaml").write_text(DEFAULTS)
    for i in range(n):
        name, text = domain_file(i)
        (folder / f"{name}.yaml").write_text(text)
    return folder


FLOOR = r"""
import json, sys
from pathlib import Path
from maildns.config import load_configs
from maildns.plan import plan
out = Path(sys.argv[2])
for p in plan(load_configs([sys.argv[1]])):
    doc = {"resource": {"aws_route53_record": {r.id: {"name": r.name, "type": r.type, "ttl": r.ttl, "records": list(r.values)} for r in p.all_records}}}
    folder = out / "stacks" / p.stack_name
    folder.mkdir(parents=True)
    (folder / "cdk.tf.json").write_text(json.dumps(doc, indent=2, sort_keys=True))
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


def measure(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Seconds and peak MiB of one command."""
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "CHECKPOINT_DISABLE": "1", **(env or {})}
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


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
        platform.processor(),
    )
    load = os.getloadavg()[0]
    return f"{platform.system()} {platform.machine()}, {cpu}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, load average {load:.1f} at start"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--jobs", type=int, help="MAILDNS_JOBS for main.py (default: one process per core)")
    args = parser.parse_args()
    env = {"MAILDNS_JOBS": str(args.jobs)} if args.jobs else {}

    print(machine())
    print(f"{'domains':>7}  {'synth s':>8}  {'peak MiB':>8}  {'ms/domain':>9}  {'floor s':>7}  {'ratio':>6}")
    results: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            configs = generate(n, Path(tmp, f"config-{n}"))
            results[n] = measure([sys.executable, "main.py"], {**env, "MAILDNS_CONFIG": str(configs), "CDKTF_OUTDIR": f"{tmp}/out-{n}"})
            floor, _ = measure([sys.executable, "-c", FLOOR, str(configs), f"{tmp}/floor-{n}"])
            first = results[min(results)]
            marginal = (results[n][0] - first[0]) / (n - min(results)) * 1000 if n > min(results) else float("nan")
            print(f"{n:>7}  {results[n][0]:>8.2f}  {results[n][1]:>8.0f}  {marginal:>9.1f}  {floor:>7.2f}  {results[n][0] / floor:>5.1f}x")
        largest = max(args.sizes)
        configs = Path(tmp, f"config-{largest}")
        checks = {command: measure([sys.executable, "-m", "maildns", command, str(configs)])[0] for command in ("validate", "records")}
        print(f"maildns validate on {largest} domains: {checks['validate']:.2f} s; maildns records: {checks['records']:.2f} s")
    if largest == 1000:
        met = {
            "synth_seconds": results[1000][0] <= TARGETS["synth_seconds"],
            "synth_mib": results[1000][1] <= TARGETS["synth_mib"],
            "validate_seconds": checks["validate"] <= TARGETS["validate_seconds"],
            "records_seconds": checks["records"] <= TARGETS["records_seconds"],
        }
        print("targets: " + ", ".join(f"{k} <= {TARGETS[k]:g} {'met' if ok else 'MISSED'}" for k, ok in met.items()))
        print(
            json.dumps(
                {
                    "n": 1000,
                    "synth_seconds": round(results[1000][0], 2),
                    "peak_mib": round(results[1000][1]),
                    **{k: round(v, 2) for k, v in checks.items()},
                }
            )
        )


if __name__ == "__main__":
    main()
