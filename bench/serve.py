"""`python -m bench.serve ploomes|hivestr|erp [flags]`: a simulator in its own process, as a real API would be.

It takes the simulator's own command-line flags, then prints one JSON line before serving: the base URL, the
credentials, and the truth a benchmark needs to compute the minimum number of requests (row counts, children per
parent) and, for Ploomes, the Ids of 1% of every incremental table's rows for the "1% changed" run. The pipeline
under test runs in another process, so the simulator's CPU time never counts as the connector's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import Counter
from typing import Any

from bench.clock import ScaledTime
from simulators.core.server import serve_foreground

# Every this-many-th row of a dated table is changed by the "1% changed" run.
CHANGE_EVERY = 100


def _ploomes(argv: list[str], scaled: ScaledTime | None) -> tuple[Any, dict[str, Any]]:
    if scaled is not None:
        raise SystemExit("--time-scale: scale Ploomes time with --rate-limit and --latency instead")
    from simulators.ploomes.__main__ import config_from_args, parse_args
    from simulators.ploomes.simulator import PloomesSimulator

    sim = PloomesSimulator(config_from_args(parse_args(argv)))
    tables = sim.dataset.tables
    info = {
        "api_key": sim.api_key,
        "rows": {endpoint: len(table) for endpoint, table in tables.items()},
        "change_ids": {
            endpoint: [int(i) for i in table.ids[::CHANGE_EVERY]]
            for endpoint, table in tables.items()
            if table.entity.dated
        },
    }
    return sim, info


def _hivestr(argv: list[str], scaled: ScaledTime | None) -> tuple[Any, dict[str, Any]]:
    from simulators.hivestr.__main__ import config_from_args, parse_args
    from simulators.hivestr.simulator import HivestrSimulator

    config = config_from_args(parse_args(argv))
    if scaled is not None:
        config = dataclasses.replace(config, clock=scaled.epoch)
    sim = HivestrSimulator(config)
    info = {
        "api_key": sim.api_key,
        "api_secret": sim.api_secret,
        "api_prefix": "/api/v1",
        "rows": sim.counts(),
        "broadcast_inventory": sum(r["media_type"] in ("TV", "RADIO") for r in sim.records("inventory")),
        "notes_per_client": sorted(Counter(r["client_id"] for r in sim.records("notes")).values()),
        "tasks_per_deal": sorted(Counter(r["deal_id"] for r in sim.records("tasks")).values()),
    }
    return sim, info


def _erp(argv: list[str], scaled: ScaledTime | None) -> tuple[Any, dict[str, Any]]:
    if scaled is not None:
        raise SystemExit("--time-scale: scale the ERP's time with --requests-per-window and --latency instead")
    from simulators.erp.__main__ import config_from_args, parse_args
    from simulators.erp.simulator import ErpSimulator

    sim = ErpSimulator(config_from_args(parse_args(argv)))
    info = {
        "token": sim.config.token,
        "api_prefix": "/api",
        "rows": sim.counts(),
        "registers": sorted(sim.clients_by_register()),  # digits only
    }
    return sim, info


SIMULATORS = {"ploomes": _ploomes, "hivestr": _hivestr, "erp": _erp}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__)
    parser.add_argument("system", choices=sorted(SIMULATORS))
    parser.add_argument("--time-scale", type=float, help="run the simulator's clock this many times faster")
    args, flags = parser.parse_known_args(argv)
    scaled = ScaledTime.starting_now(args.time_scale) if args.time_scale else None
    sim, info = SIMULATORS[args.system](flags, scaled)
    if scaled is not None:
        info["scaled_time"] = scaled.to_json()

    def announce(base_url: str) -> None:
        print(json.dumps({"base_url": base_url, **info}), flush=True)

    serve_foreground(sim.app, port=0, log_level="warning", on_started=announce)


if __name__ == "__main__":
    main(sys.argv[1:])
