"""`make demo`: a Ploomes account simulated on loopback, loaded into warehouse.duckdb, changed, and loaded again.

The demo writes to its own pipeline and dataset (`ploomes_demo`), so it never mixes simulated rows or cursors
with a real account's `ploomes` dataset in the same warehouse file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from pipelines.common import DEFAULT_DUCKDB, RunOptions, summary
from pipelines.ploomes_pipeline import run_pipeline
from simulators.ploomes import PloomesConfig, PloomesSimulator

DEMO_KEY = "demo-user-key"
DATASET = "ploomes_demo"
# The real API allows 120 requests/minute; the demo runs at 5x with light latency so it takes seconds, not minutes.
DEMO_RATE = 600

EXAMPLE_QUERIES = {
    "Open deal value by pipeline stage": f"""
        select p.name as pipeline, s.name as stage, count(*) as deals, round(sum(d.amount), 2) as amount
        from {DATASET}.deals d
        join {DATASET}.deal_stages s on s.id = d.stage_id
        join {DATASET}.deal_pipelines p on p.id = s.pipeline_id
        group by all order by pipeline, min(s.ordination) limit 8""",
    "Best-selling products (order line items)": f"""
        select pr.name as product, sum(op.quantity) as units, round(sum(op.total), 2) as revenue
        from {DATASET}.order_products op join {DATASET}.products pr on pr.id = op.product_id
        group by all order by revenue desc limit 5""",
    "Custom fields are plain columns": f"""
        select table_name, name as field, kind, columns from {DATASET}.custom_fields
        where table_name = 'contacts' and columns is not null order by name limit 8""",
}


def _run(label: str, options: RunOptions) -> None:
    started = time.monotonic()
    report = run_pipeline(options)
    print(f"\n== {label} ==")
    print(summary(report, time.monotonic() - started))


def _show(title: str, sql: str, path: Path) -> None:
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    print(f"\n-- {title}\n{' | '.join(names)}")
    for row in rows:
        print(" | ".join("" if v is None else str(v) for v in row))


def main() -> int:
    sim = PloomesSimulator(
        PloomesConfig(scale=2000, seed=7, api_keys=(DEMO_KEY,), rate_limit_per_minute=DEMO_RATE, latency=0.05)
    )
    with sim.serve() as base_url:
        print(f"Ploomes simulator on {base_url} (User-Key {DEMO_KEY}); warehouse: {DEFAULT_DUCKDB}")
        options = RunOptions(
            pipeline_name=DATASET,
            dataset_name=DATASET,
            full_refresh=True,
            progress=False,
            extra={"api_key": DEMO_KEY, "base_url": base_url, "rate_limit_per_minute": DEMO_RATE},
        )
        _run("First load: the whole account", options)

        contacts = list(sim.records("Contacts"))[:3]
        for contact in contacts:
            sim.update("Contacts", contact["Id"], {"Name": contact["Name"] + " (renomeado)"})
        new_deal = sim.insert("Deals", {"Title": "Negócio criado durante a demo", "Amount": 98765.43})
        print(f"\nChanged in the simulator: renamed contacts {[c['Id'] for c in contacts]}, new deal {new_deal['Id']}")

        options.full_refresh = False
        _run("Second load: only what changed", options)

        ids = ", ".join(str(c["Id"]) for c in contacts)
        _show(
            "The renamed contacts, merged in place",
            f"select id, name from {DATASET}.contacts where id in ({ids})",
            DEFAULT_DUCKDB,
        )
        _show(
            "The new deal", f"select id, title, amount from {DATASET}.deals where id = {new_deal['Id']}", DEFAULT_DUCKDB
        )
        for title, sql in EXAMPLE_QUERIES.items():
            _show(title, sql, DEFAULT_DUCKDB)
    print(
        f"\nExplore it yourself: .venv/bin/python -c \"import duckdb; duckdb.connect('{DEFAULT_DUCKDB.name}')"
        f".sql('show all tables').show()\"  or  .venv/bin/dlt pipeline {DATASET} info"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
