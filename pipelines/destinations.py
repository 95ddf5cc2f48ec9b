"""dlt's DuckDB and Postgres destinations, with a child-table merge that does not grow with the square of the rows.

A child table (sources/children.py) merges on its primary key `id` and on its parent's key. dlt deletes the rows a
load replaces with one `EXISTS (... d.id = s.id OR d.contact_id = s.contact_id)`: neither DuckDB nor Postgres can
hash-join on an OR, so every staged row was compared with every stored one. A 200,000-contact first load's second
checkpoint spent 18 s on contact_phones' delete (50,000 staged rows against 150,000 stored), 67 s at 320,000
contacts. One DELETE per key, as dlt itself does for BigQuery, deletes the same rows by hash joins.

The factories report dlt's own destination type, so `dlt pipeline <name> info|show` opens the warehouse with dlt's
stock destination (which differs only in how it merges).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dlt
from dlt.destinations.impl.duckdb.duck import DuckDbClient
from dlt.destinations.impl.postgres.postgres import PostgresClient
from dlt.destinations.sql_jobs import SqlMergeFollowupJob


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
    pass


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
