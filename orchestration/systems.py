"""What orchestration needs of each system: its script's run, its dlt source, its tables and its schedule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipelines import erp_pipeline, hivestr_pipeline, ploomes_pipeline
from pipelines.common import RunOptions
from sources import erp, hivestr, ploomes
from sources.deletions import LoadedRows
from sources.erp.entities import CLIENT_TABLES as ERP_CLIENT_TABLES
from sources.hivestr.entities import ENTITIES as HIVESTR_ENTITIES
from sources.ploomes.entities import ENTITIES as PLOOMES_ENTITIES
from sources.report import SyncReport


@dataclass(frozen=True, eq=False)  # hashed by identity: one of SYSTEMS
class System:
    name: str
    source: Callable[..., Any]  # the dlt source function
    run_pipeline: Callable[[RunOptions, SyncReport], SyncReport]  # the script's run: checkpoints, lock, sync_runs
    credentials: tuple[str, ...]  # what an account must set itself
    tables: tuple[str, ...]  # what RunOptions.tables accepts
    child_tables: dict[str, tuple[str, ...]]  # resource -> the tables it writes besides its own
    default_history_tables: tuple[str, ...]  # the source's `history_tables` when no configuration sets it
    cron: str
    # the source's arguments that build it without reading anything (its resources name the assets), given a
    # throwaway pipeline for what it compares with
    offline_arguments: Callable[[Any], dict[str, Any]]
    reads_crm: bool = False  # its clients are looked up from a CRM dataset's contacts (`crm_dataset`)


def _crm_offline(credentials: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    return lambda pipeline: {**{key: "unused" for key in credentials}, "warehouse": LoadedRows(pipeline)}


PLOOMES = System(
    name=ploomes_pipeline.PIPELINE_NAME,
    source=ploomes.ploomes,
    run_pipeline=ploomes_pipeline.run_pipeline,
    credentials=ploomes_pipeline.CREDENTIALS,
    tables=ploomes.ALL_TABLES,
    child_tables={entity.table: tuple(child.table for child in entity.children) for entity in PLOOMES_ENTITIES},
    default_history_tables=ploomes.settings.HISTORY_TABLES,
    cron="*/30 * * * *",  # incremental reads: a run after 30 minutes costs a few requests a table
    offline_arguments=_crm_offline(ploomes_pipeline.CREDENTIALS),
)
HIVESTR = System(
    name=hivestr_pipeline.PIPELINE_NAME,
    source=hivestr.hivestr,
    run_pipeline=hivestr_pipeline.run_pipeline,
    credentials=hivestr_pipeline.CREDENTIALS,
    tables=hivestr.ALL_TABLES,
    child_tables={entity.table: entity.tables[1:] for entity in HIVESTR_ENTITIES},
    default_history_tables=hivestr.settings.HISTORY_TABLES,
    # every run lists every table in full against an hourly request budget (1,000 on the basic plan)
    cron="0 * * * *",
    offline_arguments=_crm_offline(hivestr_pipeline.CREDENTIALS),
)
ERP = System(
    name=erp_pipeline.PIPELINE_NAME,
    source=erp.erp,
    run_pipeline=erp_pipeline.run_pipeline,
    credentials=erp_pipeline.CREDENTIALS,
    tables=erp.ALL_TABLES,
    child_tables={ERP_CLIENT_TABLES[0]: ERP_CLIENT_TABLES[1:]},  # clients' invoices: installations, services
    default_history_tables=(),
    # hourly, a quarter past: after the CRM's runs on the hour, whose new or changed contacts it looks up
    cron="15 * * * *",
    offline_arguments=lambda pipeline: {"token": "unused", "base_url": "https://erp.invalid"},
    reads_crm=True,
)
SYSTEMS = (PLOOMES, HIVESTR, ERP)
