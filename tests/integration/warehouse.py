"""Read what a pipeline left in DuckDB or Postgres, the same way for both."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb


@dataclass
class Warehouse:
    destination: str  # "duckdb" or "postgres"
    dataset: str
    duckdb_path: Path | None = None
    postgres_dsn: str | None = None
    _connection: Any = field(default=None, repr=False, compare=False)

    @contextmanager
    def reading(self) -> Iterator[Warehouse]:
        """Every query in the block shares one connection (opening DuckDB costs ~40 ms a query); no pipeline may
        write meanwhile, since a DuckDB reader holds the file."""
        if self._connection is not None:
            yield self
            return
        self._connection = self._connect()
        try:
            yield self
        finally:
            self._connection.close()
            self._connection = None

    def _connect(self) -> Any:
        if self.destination == "duckdb":
            # read-write, as a run keeps it open in this process: DuckDB shares one open file between connections
            # of the same settings only (pipelines/common.py, _warehouse_kept_open)
            return duckdb.connect(str(self.duckdb_path))
        import psycopg2

        connection = psycopg2.connect(self.postgres_dsn)
        connection.autocommit = True
        return connection

    def query(self, sql: str) -> list[dict[str, Any]]:
        with self.reading():
            cursor = self._connection.cursor()
            try:
                cursor.execute(sql)
                return _rows(cursor)
            finally:
                cursor.close()

    def query_all(self, sqls: list[str]) -> list[list[dict[str, Any]]]:
        """The rows of each statement, all read on one connection."""
        with self.reading():
            return [self.query(sql) for sql in sqls]

    def rows(self, table: str, order_by: str = "id") -> list[dict[str, Any]]:
        return self.query(f"select * from {self.dataset}.{table} order by {order_by}")

    def count(self, table: str) -> int:
        return self.query(f"select count(*) as n from {self.dataset}.{table}")[0]["n"]

    def tables(self) -> set[str]:
        sql = f"select table_name from information_schema.tables where table_schema = '{self.dataset}'"
        return {row["table_name"] for row in self.query(sql)}

    def columns(self, table: str) -> dict[str, str]:
        sql = (
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{self.dataset}' and table_name = '{table}'"
        )
        return {row["column_name"]: row["data_type"].lower() for row in self.query(sql)}

    def columns_of(self, schema: str, table: str) -> set[str]:
        """The columns of `schema.table`; empty when it does not exist."""
        sql = (
            "select column_name from information_schema.columns "
            f"where table_schema = '{schema}' and table_name = '{table}'"
        )
        return {row["column_name"] for row in self.query(sql)}

    def comments(self) -> dict[tuple[str, str | None], str | None]:
        """(table, column) -> the comment the warehouse holds (column None: the table's own), for every table and
        column of the dataset, as BI tools read them: duckdb_tables()/duckdb_columns(), or Postgres' catalog."""
        if self.destination == "duckdb":
            sql = (
                "select table_name, null as column_name, comment from duckdb_tables() "
                f"where schema_name = '{self.dataset}' union all "
                "select table_name, column_name, comment from duckdb_columns() "
                f"where schema_name = '{self.dataset}'"
            )
        else:
            sql = (
                "select c.relname as table_name, null as column_name, obj_description(c.oid, 'pg_class') as comment "
                "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                f"where n.nspname = '{self.dataset}' and c.relkind = 'r' union all "
                "select c.relname, a.attname, col_description(c.oid, a.attnum) "
                "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "join pg_attribute a on a.attrelid = c.oid "
                f"where n.nspname = '{self.dataset}' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped"
            )
        return {(row["table_name"], row["column_name"]): row["comment"] for row in self.query(sql)}

    def execute(self, statements: list[str]) -> None:
        if self.destination == "duckdb":
            with duckdb.connect(str(self.duckdb_path)) as connection:
                for statement in statements:
                    connection.execute(statement)
            return
        import psycopg2

        with psycopg2.connect(self.postgres_dsn) as connection, connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def clone(self, dataset: str) -> Warehouse:
        """A copy of every table, dlt's own included, as another dataset (in DuckDB, in a file of its own): a
        pipeline pointed at it from an empty pipelines_dir restores the copied state and schema, and carries on."""
        tables = sorted(self.tables())
        if self.destination == "postgres":
            copies = [f"create table {dataset}.{t} as select * from {self.dataset}.{t}" for t in tables]
            self.execute([f"create schema {dataset}", *copies])
            return replace(self, dataset=dataset)
        copy = replace(self, dataset=dataset, duckdb_path=self.duckdb_path.with_name(f"copy_{dataset}.duckdb"))
        copies = [f"create table copy.{dataset}.{t} as select * from {self.dataset}.{t}" for t in tables]
        # from the original's side: a run may hold it open in this process (see _connect)
        self.execute([f"attach '{copy.duckdb_path}' as copy", f"create schema copy.{dataset}", *copies, "detach copy"])
        return copy

    def drop_dataset(self) -> None:
        if self.destination == "postgres":
            import psycopg2

            with psycopg2.connect(self.postgres_dsn) as connection, connection.cursor() as cursor:
                for schema in (self.dataset, f"{self.dataset}_staging", f"{self.dataset}_analytics"):
                    cursor.execute(f"drop schema if exists {schema} cascade")

    def snapshot(self) -> dict[str, list[tuple[str, ...]]]:
        """Every table of the dataset, dlt's own included, as sorted rows of text: to compare, or to search."""
        tables = sorted(self.tables())
        contents = self.query_all([f"select * from {self.dataset}.{table}" for table in tables])
        return {
            table: sorted(tuple(str(v) for v in row.values()) for row in rows)
            for table, rows in zip(tables, contents, strict=True)
        }


def _rows(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
