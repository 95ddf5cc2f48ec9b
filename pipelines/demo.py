"""`make demo`: Ploomes and Hivestr accounts simulated on loopback, loaded into warehouse.duckdb, changed, and
loaded again to show the incremental load; then an ERP that bills some of the Ploomes contacts, loaded after them,
and the CRM-to-ERP match.

The demo writes to its own pipelines and datasets (`ploomes_demo`, `hivestr_demo`, `erp_demo`), so it never mixes
simulated rows or cursors with a real account's `ploomes`, `hivestr` or `erp` datasets in the same warehouse file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb

from pipelines import dashboard, erp_pipeline, hivestr_pipeline, ploomes_pipeline
from pipelines.common import DEFAULT_DUCKDB, RunOptions, make_pipeline, print_outcome
from simulators.erp import ErpConfig, ErpSimulator
from simulators.hivestr import HivestrConfig, HivestrSimulator
from simulators.ploomes import PloomesConfig, PloomesSimulator

DEMO_KEY = "demo-user-key"
DATASET = "ploomes_demo"
HIVESTR_DATASET = "hivestr_demo"
ERP_DATASET = "erp_demo"
# The real API allows 120 requests/minute; the demo runs at 5x with light latency so it takes seconds, not minutes.
DEMO_RATE = 600
# The ERP is asked for each contact's CPF/CNPJ: a thousand lookups at this rate take seconds.
ERP_DEMO_RATE = 20_000
ERP_CLIENTS_NOT_IN_THE_CRM = 5


def ploomes_figures(dataset: str) -> dict[str, str]:
    """The figures the demo prints, each from a mart of the analytics layer: label -> query (portable SQL: a test
    runs them on DuckDB and Postgres and checks each against the simulator's records)."""
    marts = f"{dataset}_analytics"
    return {
        "Open deals by pipeline and stage: count and value (open deals only, every stage of every pipeline)": f"""
            select pipeline_name as pipeline, stage_name as stage, open_deals as deals,
                cast(open_amount as decimal(18, 2)) as amount
            from {marts}.ploomes__open_pipeline_by_stage
            order by pipeline_position, pipeline_id, stage_position, stage_id""",
        "Won revenue by month, São Paulo time (the last six months with a win, every owner)": f"""
            select won_month as month, sum(won_deals) as deals, cast(sum(won_amount) as decimal(18, 2)) as amount
            from {marts}.ploomes__won_revenue_by_month
            group by won_month order by won_month desc limit 6""",
        "Best-selling products (order lines: units and revenue)": f"""
            select product_name as product, sum(quantity) as units, cast(sum(total) as decimal(18, 2)) as revenue
            from {marts}.ploomes__order_lines
            group by product_id, product_name order by sum(total) desc, product_id limit 5""",
    }


def hivestr_figures(dataset: str) -> dict[str, str]:
    """As ploomes_figures, for Hivestr: money in reais, converted from the API's centavos by the marts."""
    marts = f"{dataset}_analytics"
    return {
        "Approved proposals: count and value in reais, after discount": f"""
            select count(*) as proposals, sum(final_value) as reais
            from {marts}.hivestr__proposals where status = 'approved'""",
        "The deal funnel: deals and estimated value in reais by stage": f"""
            select stage_name as stage, deals, estimated_value as reais
            from {marts}.hivestr__deal_funnel order by stage_position""",
    }


def erp_figures(dataset: str) -> dict[str, str]:
    """As ploomes_figures, for the CRM-to-ERP match (erp__crm_clients): Ploomes contacts matched to ERP clients
    by CPF/CNPJ, and what the ERP bills them a month."""
    marts = f"{dataset}_analytics"
    return {
        "CRM contacts matched to ERP clients by CPF/CNPJ, and what the ERP bills them a month (R$)": f"""
            select count(*) as contacts_with_cpf_cnpj,
                sum(case when is_matched then 1 else 0 end) as matched_erp_clients,
                cast(coalesce(sum(monthly_amount), 0) as decimal(18, 2)) as monthly_amount
            from {marts}.erp__crm_clients""",
        "The matched customers billed most a month": f"""
            select contact_name as contact, client_id as erp_client, active_services as services,
                cast(monthly_amount as decimal(18, 2)) as monthly_amount
            from {marts}.erp__crm_clients where is_matched
            order by monthly_amount desc, contact_id limit 3""",
    }


def _run(label: str, pipeline_name: str, options: RunOptions, script=ploomes_pipeline) -> None:
    """`script`'s load, into a pipeline of the demo's own: its state and cursors stay apart from a real account's."""
    started = time.monotonic()
    report = script.load(make_pipeline(pipeline_name, options), options)
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


def ploomes_demo() -> list[str]:
    """Loads the Ploomes account twice; returns its contacts' CPF/CNPJs (as Ploomes writes them)."""
    sim = PloomesSimulator(
        PloomesConfig(scale=2000, seed=7, api_keys=(DEMO_KEY,), rate_limit_per_minute=DEMO_RATE, latency=0.05)
    )
    with sim.serve() as base_url:
        print(f"Ploomes simulator on {base_url} (User-Key {DEMO_KEY}); warehouse: {DEFAULT_DUCKDB}")
        options = RunOptions(
            dataset_name=DATASET,
            full_refresh=True,
            progress=False,
            analytics=True,  # the demo's figures come from the marts
            extra={"api_key": DEMO_KEY, "base_url": base_url, "rate_limit_per_minute": DEMO_RATE},
        )
        _run("Ploomes first load: the whole account", DATASET, options)

        contacts = list(sim.records("Contacts"))[:3]
        for contact in contacts:
            sim.update("Contacts", contact["Id"], {"Name": contact["Name"] + " (renomeado)"})
        new_deal = sim.insert("Deals", {"Title": "Negócio criado durante a demo", "Amount": 98765.43})
        print(f"\nChanged in the simulator: renamed contacts {[c['Id'] for c in contacts]}, new deal {new_deal['Id']}")

        options.full_refresh = False
        _run("Ploomes second load: only what changed", DATASET, options)

        ids = ", ".join(str(c["Id"]) for c in contacts)
        _show(
            "The renamed contacts, merged in place",
            f"select id, name from {DATASET}.contacts where id in ({ids})",
            DEFAULT_DUCKDB,
        )
        _show(
            "The new deal", f"select id, title, amount from {DATASET}.deals where id = {new_deal['Id']}", DEFAULT_DUCKDB
        )
        for title, sql in ploomes_figures(DATASET).items():
            _show(title, sql, DEFAULT_DUCKDB)
    return [contact["Register"] for contact in sim.records("Contacts") if contact["Register"]]


def hivestr_demo() -> None:
    # 100 clients: both loads fit in the basic plan's 1,000 requests an hour that the simulator enforces
    sim = HivestrSimulator(HivestrConfig(scale=100, seed=7, latency=0.02))
    with sim.serve() as base_url:
        print(f"\nHivestr simulator on {base_url}")
        options = RunOptions(
            dataset_name=HIVESTR_DATASET,
            full_refresh=True,
            progress=False,
            analytics=True,  # the demo's figures come from the marts
            extra={"api_key": sim.api_key, "api_secret": sim.api_secret, "base_url": base_url},
        )
        _run("Hivestr first load", HIVESTR_DATASET, options, hivestr_pipeline)
        client = next(iter(sim.records("clients")))
        sim.insert("notes", {"client_id": client["id"], "content": "Cliente pediu nova proposta", "note_type": "note"})
        task = next(iter(sim.records("tasks")))
        sim.delete("tasks", task["id"])
        print(f"\nChanged in the simulator: a note for client {client['id']}, task {task['id']} deleted")
        options.full_refresh = False
        _run("Hivestr second load: only changed parents' children are read", HIVESTR_DATASET, options, hivestr_pipeline)
        for title, sql in hivestr_figures(HIVESTR_DATASET).items():
            _show(title, sql, DEFAULT_DUCKDB)


def erp_demo(crm_registers: list[str]) -> None:
    """An ERP whose clients are every other CRM contact's CPF/CNPJ plus a few the CRM does not have, loaded after
    the CRM: its clients are looked up by the contacts' CPF/CNPJs."""
    config = ErpConfig(
        seed=7,
        registers=tuple(crm_registers[::2]),
        extra_clients=ERP_CLIENTS_NOT_IN_THE_CRM,
        requests_per_window=ERP_DEMO_RATE,
        latency=0.002,
    )
    sim = ErpSimulator(config)
    with sim.serve() as base_url:
        print(
            f"\nERP simulator on {base_url}: {len(config.registers)} of the {len(crm_registers)} CRM contacts' "
            f"CPF/CNPJs are its clients, plus {ERP_CLIENTS_NOT_IN_THE_CRM} clients the CRM does not have"
        )
        options = RunOptions(
            dataset_name=ERP_DATASET,
            full_refresh=True,
            progress=False,
            analytics=True,  # the match comes from the marts
            extra={
                "token": config.token,
                "base_url": base_url,
                "requests_per_minute": ERP_DEMO_RATE,
                "crm_dataset": DATASET,
            },
        )
        _run("ERP load: the lists, and a lookup per CRM contact's CPF/CNPJ", ERP_DATASET, options, erp_pipeline)
        for title, sql in erp_figures(ERP_DATASET).items():
            _show(title, sql, DEFAULT_DUCKDB)


def write_dashboard() -> Path:
    """The demo's dashboard, dashboard.html beside the warehouse, from both demo datasets."""
    datasets = {"ploomes": DATASET, "hivestr": HIVESTR_DATASET}
    return dashboard.write_from_warehouse(RunOptions(), datasets, dashboard.DEFAULT_PATH)


def main() -> int:
    crm_registers = ploomes_demo()
    hivestr_demo()
    erp_demo(crm_registers)
    print(
        f"\nExplore it yourself: .venv/bin/python -c \"import duckdb; duckdb.connect('{DEFAULT_DUCKDB.name}')"
        f".sql('show all tables').show()\"  or  .venv/bin/dlt pipeline {DATASET} info"
    )
    print(f"\nThe dashboard (open it in a browser): {write_dashboard()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
