"""`make demo`: Ploomes and Hivestr accounts simulated on loopback, loaded into warehouse.duckdb, changed, and
loaded again to show the incremental load.

The demo writes to its own pipelines and datasets (`ploomes_demo`, `hivestr_demo`), so it never mixes simulated rows
or cursors with a real account's `ploomes` or `hivestr` datasets in the same warehouse file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from pipelines import hivestr_pipeline, ploomes_pipeline
from pipelines.common import DEFAULT_DUCKDB, RunOptions, print_outcome
from simulators.hivestr import HivestrConfig, HivestrSimulator
from simulators.ploomes import PloomesConfig, PloomesSimulator

DEMO_KEY = "demo-user-key"
DATASET = "ploomes_demo"
HIVESTR_DATASET = "hivestr_demo"
# The real API allows 120 requests/minute; the demo runs at 5x with light latency so it takes seconds, not minutes.
DEMO_RATE = 600

EXAMPLE_QUERIES = {
    "Open pipeline by stage (the dbt mart ploomes__open_pipeline_by_stage)": f"""
        select pipeline_name as pipeline, stage_name as stage, open_deals as deals, round(open_amount, 2) as amount
        from {DATASET}_analytics.ploomes__open_pipeline_by_stage
        order by pipeline_position, stage_position limit 8""",
    "Best-selling products (order line items)": f"""
        select pr.name as product, sum(op.quantity) as units, round(sum(op.total), 2) as revenue
        from {DATASET}.order_products op join {DATASET}.products pr on pr.id = op.product_id
        group by all order by revenue desc limit 5""",
    "Custom fields are plain columns": f"""
        select table_name, name as field, kind, columns from {DATASET}.custom_fields
        where table_name = 'contacts' and columns is not null order by name limit 8""",
}


HIVESTR_QUERIES = {
    "Hivestr: approved proposal value by media type (R$, from centavos)": f"""
        select i.media_type, count(distinct p.id) as proposals, sum(pi.final_price) / 100.0 as reais
        from {HIVESTR_DATASET}.proposal_items pi
        join {HIVESTR_DATASET}.proposals p on p.id = pi.proposal_id
        join {HIVESTR_DATASET}.inventory i on i.id = pi.vehicle_id
        where p.status = 'approved' group by all order by reais desc""",
    "Hivestr: the deal funnel in reais (the dbt mart hivestr__deal_funnel)": f"""
        select stage_name, deals, estimated_value from {HIVESTR_DATASET}_analytics.hivestr__deal_funnel
        order by stage_position""",
}


def _run(label: str, options: RunOptions, run_pipeline=ploomes_pipeline.run_pipeline) -> None:
    started = time.monotonic()
    report = run_pipeline(options)
    print(f"\n== {label} ==")
    print_outcome(report, time.monotonic() - started)


def _show(title: str, sql: str, path: Path) -> None:
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    print(f"\n-- {title}\n{' | '.join(names)}")
    for row in rows:
        print(" | ".join("" if v is None else str(v) for v in row))


def ploomes_demo() -> None:
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
            analytics=True,  # the demo shows two marts at the end
            extra={"api_key": DEMO_KEY, "base_url": base_url, "rate_limit_per_minute": DEMO_RATE},
        )
        _run("Ploomes first load: the whole account", options)

        contacts = list(sim.records("Contacts"))[:3]
        for contact in contacts:
            sim.update("Contacts", contact["Id"], {"Name": contact["Name"] + " (renomeado)"})
        new_deal = sim.insert("Deals", {"Title": "Negócio criado durante a demo", "Amount": 98765.43})
        print(f"\nChanged in the simulator: renamed contacts {[c['Id'] for c in contacts]}, new deal {new_deal['Id']}")

        options.full_refresh = False
        _run("Ploomes second load: only what changed", options)

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


def hivestr_demo() -> None:
    # 100 clients: both loads fit in the basic plan's 1,000 requests an hour that the simulator enforces
    sim = HivestrSimulator(HivestrConfig(scale=100, seed=7, latency=0.02))
    with sim.serve() as base_url:
        print(f"\nHivestr simulator on {base_url}")
        options = RunOptions(
            pipeline_name=HIVESTR_DATASET,
            full_refresh=True,
            progress=False,
            analytics=True,  # the demo shows two marts at the end
            extra={"api_key": sim.api_key, "api_secret": sim.api_secret, "base_url": base_url},
        )
        _run("Hivestr first load", options, hivestr_pipeline.run_pipeline)
        client = next(iter(sim.records("clients")))
        sim.insert("notes", {"client_id": client["id"], "content": "Cliente pediu nova proposta", "note_type": "note"})
        task = next(iter(sim.records("tasks")))
        sim.delete("tasks", task["id"])
        print(f"\nChanged in the simulator: a note for client {client['id']}, task {task['id']} deleted")
        options.full_refresh = False
        _run("Hivestr second load: only changed parents' children are read", options, hivestr_pipeline.run_pipeline)
        for title, sql in HIVESTR_QUERIES.items():
            _show(title, sql, DEFAULT_DUCKDB)


def main() -> int:
    ploomes_demo()
    hivestr_demo()
    print(
        f"\nExplore it yourself: .venv/bin/python -c \"import duckdb; duckdb.connect('{DEFAULT_DUCKDB.name}')"
        f".sql('show all tables').show()\"  or  .venv/bin/dlt pipeline {DATASET} info"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
