"""`python -m bench.simulator_speed [--scale 1000000]`: time the Ploomes simulator itself, so that it is never what
a benchmark of the connector measures.

Startup, one keyset page (as the connector asks: Id range, time window, every expand, $count), a LastUpdateDate
scan over every row, a $skip deep into LastUpdateDate order, and resident memory, all over loopback HTTP.
"""

from __future__ import annotations

import argparse
import resource
import time

import httpx

from simulators.ploomes.config import PloomesConfig
from simulators.ploomes.simulator import PloomesSimulator


def _best_of(client: httpx.Client, path: str, params: dict[str, str], repeat: int = 5) -> tuple[float, dict]:
    best, body = float("inf"), {}
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, params=params)
        best = min(best, time.perf_counter() - started)
        response.raise_for_status()
        body = response.json()
    return best, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    sim = PloomesSimulator(PloomesConfig(scale=args.scale, rate_limit_per_minute=None))
    print(f"startup: {time.perf_counter() - started:.2f} s for {args.scale} contacts")
    ids = sim.dataset.tables["Contacts"].ids
    middle = int(ids[len(ids) // 2])
    cases = {
        "keyset page, Id gt X, $select=Id": {
            "$filter": f"Id gt {middle}",
            "$orderby": "Id",
            "$top": "300",
            "$select": "Id",
        },
        "keyset page, every field": {"$filter": f"Id gt {middle}", "$orderby": "Id", "$top": "300"},
        "keyset page, window + all expands + $count": {
            "$filter": f"(LastUpdateDate le 2030-01-01T00:00:00Z) and Id gt {middle}",
            "$orderby": "Id",
            "$top": "300",
            "$count": "true",
            "$expand": "OtherProperties,Phones,Tags",
        },
        "LastUpdateDate gt X over all rows + $count": {
            "$filter": "LastUpdateDate gt 2000-01-01T00:00:00Z",
            "$orderby": "LastUpdateDate",
            "$top": "300",
            "$count": "true",
        },
        "$orderby=LastUpdateDate, $skip to the middle": {
            "$orderby": "LastUpdateDate",
            "$top": "300",
            "$skip": str(len(ids) // 2),
        },
    }
    with (
        sim.serve() as base_url,
        httpx.Client(base_url=base_url, headers={"User-Key": sim.api_key}, timeout=120) as client,
    ):
        for label, params in cases.items():
            seconds, body = _best_of(client, "/Contacts", params)
            count = body.get("@odata.count")
            print(f"{label}: {seconds * 1000:.1f} ms ({len(body['value'])} rows{f', count {count}' if count else ''})")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
