"""The schema's descriptions as table and column comments in the warehouse, where BI tools show them by each field.

After a load, every table and column of the dataset gets its description (sources/descriptions.py) as its comment,
on DuckDB and Postgres alike. The comments the warehouse holds are read first (one query) and only those that differ
are written, in one batch: a run after which nothing changed writes none. Tables and columns the schema knows but the
warehouse lacks (a column no value has created yet) are left alone. A comment that cannot be written never fails the
load: the run's report warns, and the next run writes it.
"""

from __future__ import annotations

from typing import Any

import dlt

from pipelines.sync_runs import TABLE as RUNS_TABLE
from pipelines.sync_runs import TEXT as RUNS_TEXT
from sources.descriptions import TableText, described_tables
from sources.http import redact
from sources.report import SyncReport

# (table, column) -> its comment (None: none yet); column None for the table's own. One query, whatever the size.
_CURRENT_COMMENTS = {
    "dlt.destinations.duckdb": """
        select table_name, null as column_name, comment from duckdb_tables()
        where database_name = current_database() and schema_name = %s
        union all
        select table_name, column_name, comment from duckdb_columns()
        where database_name = current_database() and schema_name = %s
    """,
    "dlt.destinations.postgres": """
        select c.relname, null, obj_description(c.oid, 'pg_class')
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s and c.relkind in ('r', 'p')
        union all
        select c.relname, a.attname, col_description(c.oid, a.attnum)
        from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
        where n.nspname = %s and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
    """,
}


def write_comments(pipeline: dlt.Pipeline, report: SyncReport) -> None:
    """Comment every table and column of the pipeline's dataset with its description; a failure is a warning."""
    try:
        with pipeline.sql_client() as client:
            statements = comment_statements(pipeline, client)
            if statements:
                with client.begin_transaction():  # one commit: DuckDB commits each statement on its own otherwise
                    client.execute_many(statements)
    except Exception as error:  # noqa: BLE001 - a description must never fail a load that succeeded
        said = str(error).strip().splitlines()
        report.warn_run(
            "the tables' and columns' descriptions were not written to the warehouse as comments "
            f"({redact(said[0]) if said else type(error).__name__}); the next run writes them"
        )


def table_texts(schema: Any) -> dict[str, TableText]:
    """What every table of the dataset holds: the schema's tables, and sync_runs, written with SQL outside it."""
    return {**described_tables(schema), RUNS_TABLE: RUNS_TEXT}


def comment_statements(pipeline: dlt.Pipeline, client: Any) -> list[str]:
    """`COMMENT ON` statements for the tables and columns of the dataset (read through `client`, the pipeline's)
    whose comment differs from their description in the pipeline's schema."""
    dataset = client.dataset_name
    with client.execute_query(_CURRENT_COMMENTS[pipeline.destination.destination_type], dataset, dataset) as cursor:
        current = {(table, column): comment for table, column, comment in cursor.fetchall()}
    literal = client.capabilities.escape_literal
    statements = []
    for table, text in table_texts(pipeline.default_schema).items():
        if (table, None) not in current:
            continue  # not in the warehouse (yet)
        qualified = client.make_qualified_table_name(table)
        if text.description and current[(table, None)] != text.description:
            statements.append(f"COMMENT ON TABLE {qualified} IS {literal(text.description)}")
        for column, description in text.columns.items():
            if (table, column) in current and current[(table, column)] != description:
                name = client.escape_column_name(column)
                statements.append(f"COMMENT ON COLUMN {qualified}.{name} IS {literal(description)}")
    return statements
