"""`defs`: every table of every configured account as an asset, one group per account; one job and schedule per
CRM (Ploomes every 30 minutes, Hivestr hourly) running all its accounts, each account a step of its own.

dagster dev -m orchestration.definitions      # make dagster
"""

from __future__ import annotations

import dagster as dg

from orchestration.accounts import configured_loads
from orchestration.assets import account_assets
from orchestration.systems import SYSTEMS
from orchestration.warehouse import Warehouse
from pipelines.fleet import max_concurrent_accounts


def build_definitions() -> dg.Definitions:
    warehouse = Warehouse.from_dlt_config()
    assets, jobs, schedules = [], [], []
    for system in SYSTEMS:
        loads = configured_loads(system)
        if not loads:
            continue
        assets.extend(account_assets(load, warehouse.destination) for load in loads)
        job = dg.define_asset_job(
            f"{system.name}_accounts",
            selection=dg.AssetSelection.groups(*(load.pipeline_name for load in loads)),
            description=f"Every table of every {system.name.capitalize()} account, each account a step",
        )
        jobs.append(job)
        schedules.append(dg.ScheduleDefinition(name=f"{system.name}_schedule", job=job, cron_schedule=system.cron))
    if not assets:
        credentials = "; ".join(
            " and ".join(f"sources.{system.name}.{key}" for key in system.credentials) for system in SYSTEMS
        )
        dg.get_dagster_logger().warning(
            f"no account is configured, so there is nothing to load: set {credentials}, "
            "or add [sources.<system>.accounts.<name>] sections (README)"
        )
    return dg.Definitions(
        assets=assets,
        jobs=jobs,
        schedules=schedules,
        resources={"warehouse": warehouse},
        # a run's accounts load in parallel, each in a process of its own, as many at once as --all-accounts would
        executor=dg.multiprocess_executor.configured({"max_concurrent": max_concurrent_accounts()}),
    )


defs = build_definitions()
