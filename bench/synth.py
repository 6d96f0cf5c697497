"""Benchmark: a full synth of N full domains, the synth after one of them changed, and OctoDNS's
plan of the same domains, in one run.

Each full domain has MX, SPF, a 2048-bit DKIM key, DMARC (from ``_defaults.yaml``), TLS-RPT and
MTA-STS (maildns also builds each policy site). Each measurement is a fresh process (imports
included), timed through ``python main.py`` as ``cdktf synth`` runs it; memory is the peak
resident set of the process and all its children (the jsii Node.js processes, the parallel
workers), sampled every 20 ms.

- full: no cache (``MAILDNS_NO_CACHE=1``): every stack synthesized.
- one changed: a synth fills an empty cache, one domain's file changes, and the next synth is
  timed: it synthesizes that stack and copies the others from the cache.
- floor: a tiny writer that loads the same configs and writes each stack's records as JSON with
  Python's json module: the least any synth could cost.
- OctoDNS: ``octodns-sync`` (a plan: no ``--doit``) of the same records, read from YAML zone
  files into an empty YAML target; only when OctoDNS is installed (``make bench`` installs it into
  ``bench/.venv``; ``--octodns PATH`` names another ``octodns-sync``).

``validate`` and ``records`` are timed on the largest N.

    pipenv run python bench/synth.py [--sizes 1 1000] [--jobs N] [--octodns PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OCTODNS = ROOT / "bench" / ".venv" / "bin" / "octodns-sync"
# Targets at N = 1000 (issue: synth at the speed of a plan).
FULL_RATIO, CHANGED_SECONDS, CHANGED_RATIO, PEAK_MIB = 4.0, 2.0, 1.5, 500.0

DEFAULTS = "dmarc: {rua: [mailto:dmarc-reports@agency.example]}\nbackend: {bucket: agency-terraform-state, region: us-east-1}\n"
DKIM_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkcuOOdgaWfHIKM1ILlzPOHBPJKLxU9+1+ufIprNdjrD+QQ6/uJtc/tP5s1MUwYU/fld2Y1QwXC5JHdE6JXP31XwCtvbfIwn/Dr/EaRB3PomOp0SNbTtFMmvuxPF87HidvzDH3cWXcmyjMx6XU1i9O3nBs66Z+8i4gfh/PZdjJs6wcNp9urJjCo23KYzbiNAn7FJjbD4g3NucMvkBXHIsOMLvb7WzIekpxL2bjz6XlDfK1t4VTLv4IqIlLMfhYGwwaWPhgyra7qezYkp6a2XSoLWxPWRbfb1bNmVUJ7vBeB6NdFnr9n/7TqbhDVEo9/XyO1MIsuNTTZuhurlZqoXx0QIDAQAB"


def domain_file(i: int, mx: str = "aspmx.l.google.com") -> tuple[str, str]:
    """Full domain ``i``: MX, SPF, DKIM, DMARC, TLS-RPT and MTA-STS."""
    name = f"d{i}.example.gov"
    return name, (
        f"domain: {name}\n"
        f"mx: [{{host: {mx}, preference: 10}}, {{host: alt1.aspmx.l.google.com, preference: 20}}]\n"
        "spf: {terms: [include:_spf.google.com], all: softfail}\n"
        f"dkim: [{{selector: google, key_type: rsa, public_key: {DKIM_KEY}}}]\n"
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


def octodns_config(configs: Path, folder: Path) -> Path:
    """The records maildns plans for ``configs`` as OctoDNS YAML zones, and a config that plans
    them into an empty YAML target. Records known only after apply (the policy host's address
    records, aliases of a CloudFront distribution; the ACM validation record) become a CNAME."""
    from maildns.config import load_configs
    from maildns.plan import plan

    zones, target = folder / "zones", folder / "target"
    zones.mkdir(parents=True)
    target.mkdir()
    names = []
    for p in plan(load_configs([str(configs)])):
        records: dict[str, list[dict[str, object]]] = {}
        for r in p.all_records:
            label = "" if r.name == p.domain else r.name.removesuffix("." + p.domain)
            if "<" in label:  # a name known after apply (the ACM validation record)
                label = f"_{r.id}"
            if r.type == "MX":
                values: list[object] = [{"preference": int(v.split()[0]), "exchange": v.split()[1].rstrip(".") + "."} for v in r.values]
                records.setdefault(label, []).append({"type": "MX", "ttl": r.ttl, "values": values})
            elif r.type == "TXT":
                records.setdefault(label, []).append({"type": "TXT", "ttl": r.ttl, "values": [v.replace(";", "\\;") for v in r.values]})
            elif r.computed or r.type in ("A", "AAAA"):
                if not any(rec["type"] == "CNAME" for rec in records.get(label, [])):
                    records.setdefault(label, []).append({"type": "CNAME", "ttl": r.ttl, "value": "d111111abcdef8.cloudfront.net."})
            else:
                records.setdefault(label, []).append({"type": r.type, "ttl": r.ttl, "values": list(r.values)})
        (zones / f"{p.domain}.yaml").write_text(json.dumps(records, indent=1))  # JSON is YAML
        names.append(p.domain)
    config = {
        "providers": {
            "config": {"class": "octodns.provider.yaml.YamlProvider", "directory": str(zones), "enforce_order": False},
            "target": {"class": "octodns.provider.yaml.YamlProvider", "directory": str(target)},
        },
        "zones": {f"{name}.": {"sources": ["config"], "targets": ["target"]} for name in names},
    }
    path = folder / "config.yaml"
    path.write_text(json.dumps(config, indent=1))
    return path


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
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1000])
    parser.add_argument("--jobs", type=int, help="MAILDNS_JOBS for main.py (default: one process per core)")
    parser.add_argument("--octodns", type=Path, default=OCTODNS, help=f"octodns-sync to compare with (default: {OCTODNS})")
    args = parser.parse_args()
    env = {"MAILDNS_JOBS": str(args.jobs)} if args.jobs else {}
    octodns = args.octodns if args.octodns.is_file() else None

    print(machine())
    if octodns is None:
        print(f"OctoDNS: not installed ({args.octodns}; `make bench` installs it)")
    header = ("domains", "full s", "peak MiB", "one changed s", "floor s", "OctoDNS plan s", "full/OctoDNS", "changed/OctoDNS")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            configs = generate(n, Path(tmp, f"config-{n}"))
            run = {**env, "MAILDNS_CONFIG": str(configs)}
            full, peak = measure([sys.executable, "main.py"], {**run, "MAILDNS_NO_CACHE": "1", "CDKTF_OUTDIR": f"{tmp}/full-{n}"})
            cache = {**run, "MAILDNS_CACHE": f"{tmp}/cache-{n}", "CDKTF_OUTDIR": f"{tmp}/out-{n}"}
            measure([sys.executable, "main.py"], cache)  # fills the cache
            name, text = domain_file(n // 2, mx="aspmx2.googlemail.com")
            (configs / f"{name}.yaml").write_text(text)
            changed, _ = measure([sys.executable, "main.py"], cache)
            floor, _ = measure([sys.executable, "-c", FLOOR, str(configs), f"{tmp}/floor-{n}"])
            plan_s = float("nan")
            if octodns is not None:
                config = octodns_config(configs, Path(tmp, f"octodns-{n}"))
                plan_s, _ = measure([str(octodns), f"--config-file={config}"])
                shutil.rmtree(Path(tmp, f"octodns-{n}"))
            rows.append((n, full, peak, changed, floor, plan_s, full / plan_s, changed / plan_s))
            print("  ".join(f"{h}: {v:.2f}" if isinstance(v, float) else f"{h}: {v}" for h, v in zip(header, rows[-1], strict=True)))
        largest = max(args.sizes)
        configs = Path(tmp, f"config-{largest}")
        checks = {command: measure([sys.executable, "-m", "maildns", command, str(configs)])[0] for command in ("validate", "records")}
    print()
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join("---:" for _ in header) + " |")
    for row in rows:
        n, full, peak, changed, floor, plan_s, full_ratio, changed_ratio = row
        cells = [str(n), f"{full:.2f}", f"{peak:.0f}", f"{changed:.2f}", f"{floor:.2f}"]
        cells += [f"{plan_s:.2f}", f"{full_ratio:.1f}x", f"{changed_ratio:.2f}x"] if octodns else ["", "", ""]
        print("| " + " | ".join(cells) + " |")
    print()
    plan_l = rows[-1][5]
    ratio = "" if octodns is None else f" ({checks['validate'] / plan_l:.2f}x and {checks['records'] / plan_l:.2f}x OctoDNS's plan)"
    print(f"maildns validate on {largest} domains: {checks['validate']:.2f} s; maildns records: {checks['records']:.2f} s{ratio}")
    if largest == 1000:
        _, full, peak, changed, _, plan_s, _, _ = rows[-1]
        met = {
            f"one changed <= {CHANGED_SECONDS:g} s": changed <= CHANGED_SECONDS,
            f"peak <= {PEAK_MIB:g} MiB": peak <= PEAK_MIB,
        }
        if octodns is not None:
            met[f"full <= {FULL_RATIO:g}x OctoDNS"] = full <= FULL_RATIO * plan_s
            met[f"one changed <= {CHANGED_RATIO:g}x OctoDNS"] = changed <= CHANGED_RATIO * plan_s
            met["validate <= 1x OctoDNS"] = checks["validate"] <= plan_s
            met["records <= 1x OctoDNS"] = checks["records"] <= plan_s
        print("targets: " + ", ".join(f"{k} {'met' if ok else 'MISSED'}" for k, ok in met.items()))
        print(
            json.dumps(
                {
                    "n": 1000,
                    "full": round(full, 2),
                    "peak_mib": round(peak),
                    "one_changed": round(changed, 2),
                    "octodns_plan": None if octodns is None else round(plan_s, 2),
                    **{k: round(v, 2) for k, v in checks.items()},
                }
            )
        )


if __name__ == "__main__":
    main()
