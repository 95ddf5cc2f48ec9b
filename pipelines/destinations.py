"""dlt's DuckDB and Postgres destinations, with a child-table merge that does not grow with the square of the rows.

A child table (sources/children.py) merges on its primary key `id` and on its parent's key. dlt deletes the rows a
load replaces with one `EXISTS (... d.id = s.id OR d.contact_id = s.contact_id)`: neither DuckDB nor Postgres can
hash-join on an OR, so every staged row was compared with every stored one. A 200,000-contact first load's second
checkpoint spent 18 s on contact_phones' delete (50,000 staged rows against 150,000 stored), 67 s at 320,000
contacts. One DELETE per key, as dlt itself does for BigQuery, deletes the same rows by hash joins.

The factories report dlt's own destination type, so `dlt pipeline <name> info|show` opens the warehouse with dlt's
stock destination (which differs only in how it merges).

Pipelines loading at once into DuckDB in one process (a fleet's accounts) share one open database and its memory
limit (pipelines/common.py: DUCKDB_GLOBAL_CONFIG): their load steps take turns (`take_turns_loading_duckdb`). A
fleet's processes take turns on the file itself (pipelines/duckdb_turns.py), through this module's DuckDB client.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import dlt
from dlt.destinations.impl.duckdb.duck import DuckDbClient
from dlt.destinations.impl.postgres.postgres import PostgresClient
from dlt.destinations.sql_jobs import SqlMergeFollowupJob
from dlt.pipeline import trace as dlt_trace

from pipelines.duckdb_turns import kept_open_in_turn, take_turns_with, taking_turns


class _MergeByEachKey(SqlMergeFollowupJob):
    @classmethod
    def gen_key_table_clauses(
        cls,
        root_table_name: str,
        staging_root_table_name: str,
        primary_keys: Sequence[str],
        merge_keys: Sequence[str],
        for_delete: bool,
        source_filter: str | None = None,
    ) -> list[str]:
        return [
            f"FROM {root_table_name} as d WHERE EXISTS (SELECT 1 FROM {staging_root_table_name} as s"
            f" WHERE {cls._gen_staging_rows_cond(clause.format(d='d', s='s'), source_filter)})"
            for clause in cls._gen_key_table_clauses(primary_keys, merge_keys)
        ]


class _MergeByEachKeyClient:
    """Mixed into a dlt job client ahead of it: its merges are `_MergeByEachKey`."""

    sql_client: Any

    def _create_merge_followup_jobs(self, table_chain: Sequence[Any]) -> list[Any]:
        return [_MergeByEachKey.from_table_chain(table_chain, self.sql_client)]


class _DuckDbClient(_MergeByEachKeyClient, DuckDbClient):
    def __init__(self, schema: Any, config: Any, capabilities: Any) -> None:
        take_turns_with(config.credentials)  # processes of a fleet taking turns on the file (pipelines/duckdb_turns)
        super().__init__(schema, config, capabilities)


class _PostgresClient(_MergeByEachKeyClient, PostgresClient):
    pass


class _StockFactory:
    """Mixed into a dlt destination factory ahead of it: builds `job_client`, and reports `stock_type` as its type."""

    stock_type: str
    job_client: type

    @property
    def destination_type(self) -> str:
        return self.stock_type

    @property
    def client_class(self) -> type:
        return self.job_client


class duckdb(_StockFactory, dlt.destinations.duckdb):  # noqa: N801 - named as the dlt factory it stands for
    stock_type = "dlt.destinations.duckdb"
    job_client = _DuckDbClient


class postgres(_StockFactory, dlt.destinations.postgres):  # noqa: N801 - named as the dlt factory it stands for
    stock_type = "dlt.destinations.postgres"
    job_client = _PostgresClient


class _OneDuckDbLoadAtATime:
    """A dlt tracking module (dlt.pipeline.trace.TRACKING_MODULES): in this process, one pipeline at a time runs its
    load step into DuckDB. A process keeps one DuckDB database a file, whose memory limit all its connections share:
    ten accounts of a fleet merging at once once ran it out ("Out of Memory Error: failed to allocate data of size
    2.0 KiB (122.2 MiB/122.0 MiB used)"), failing an account. DuckDB commits one writer at a time anyway."""

    def __init__(self) -> None:
        self._turn = threading.Lock()
        self._held = threading.local()  # the thread that took the turn gives it back

    def on_start_trace(self, *args: Any) -> None:
        pass

    def on_start_trace_step(self, trace: Any, step: str, pipeline: Any) -> None:
        if step == "load" and _loads_into_duckdb(pipeline):
            self._turn.acquire()
            self._held.turn = True
            # and the file's turn among processes, when a fleet's take turns on it (pipelines/duckdb_turns.py)
            self._held.file = (
                kept_open_in_turn(pipeline.destination.config_params["credentials"].database)
                if taking_turns()
                else nullcontext()
            )
            try:
                self._held.file.__enter__()
            except BaseException:
                self._give_back()
                raise

    def on_end_trace_step(self, trace: Any, step: Any, *args: Any) -> None:
        # dlt calls it in a `finally`, whether the step succeeded or raised
        if step.step == "load" and getattr(self._held, "turn", False):
            try:
                self._held.file.__exit__(None, None, None)
            finally:
                self._give_back()

    def _give_back(self) -> None:
        self._held.turn = False
        self._turn.release()

    def on_end_trace(self, *args: Any) -> None:
        pass


def _loads_into_duckdb(pipeline: Any) -> bool:
    destination = getattr(pipeline, "destination", None)
    return destination is not None and destination.destination_type == duckdb.stock_type


def take_turns_loading_duckdb() -> None:
    """Installs `_OneDuckDbLoadAtATime` (once)."""
    if not any(isinstance(module, _OneDuckDbLoadAtATime) for module in dlt_trace.TRACKING_MODULES):
        dlt_trace.TRACKING_MODULES.append(_OneDuckDbLoadAtATime())
