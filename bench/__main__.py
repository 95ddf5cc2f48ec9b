"""`python -m bench [--size full|small] [--only NAME,...]`: run the benchmarks, print one table, write the JSON.

The figures go to bench/results/<size>.json (git-ignored), with the machine they ran on. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from bench.scenarios import SCENARIOS, SIZES
from bench.table import render

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "load_average": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--only", help=f"comma-separated scenarios (default all: {', '.join(SCENARIOS)})")
    parser.add_argument("--out", type=Path, help="JSON file to write (default bench/results/<size>.json)")
    parser.add_argument(
        "--ploomes-speedup",
        type=float,
        help="run Ploomes time this many times faster (rate x N, latency / N; default: the size's, 10 at full; "
        "1 is the real rate and latency)",
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(SCENARIOS)
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    size = SIZES[args.size]
    if args.ploomes_speedup:
        size = dataclasses.replace(size, ploomes_speedup=args.ploomes_speedup)
    results: dict[str, Any] = {
        "size": args.size,
        "ploomes_speedup": size.ploomes_speedup,
        "machine_before": machine(),
        "scenarios": {},
    }
    out = args.out or RESULTS / f"{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        scenario_started = time.monotonic()
        results["scenarios"][name] = SCENARIOS[name](size)
        results["scenarios"][name]["scenario_seconds"] = time.monotonic() - scenario_started
        results["machine_after"] = machine()
        results["total_seconds"] = time.monotonic() - started
        out.write_text(json.dumps(results, indent=2) + "\n")  # after each scenario: a long run keeps what it measured
    print(render(results))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
