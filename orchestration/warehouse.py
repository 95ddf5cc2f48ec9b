"""Where Dagster's loads go: the scripts' --destination and --duckdb-path, from dlt config `[orchestration]` or env
(ORCHESTRATION__DESTINATION, ORCHESTRATION__DUCKDB_PATH, ORCHESTRATION__PIPELINES_DIR); Postgres' credentials are
the scripts' own (destination.postgres.credentials). A run may override them in the launchpad (resources.warehouse)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import dlt

from pipelines.common import DEFAULT_DUCKDB, LOADER_FORMATS, RunOptions, UsageError


class Warehouse(dg.ConfigurableResource):
    destination: str = "duckdb"
    duckdb_path: str = str(DEFAULT_DUCKDB)
    pipelines_dir: str | None = None  # dlt's working directories; None: dlt's default, ~/.dlt/pipelines

    @classmethod
    def from_dlt_config(cls) -> Warehouse:
        warehouse = cls(
            destination=dlt.config.get("orchestration.destination", str) or "duckdb",
            duckdb_path=dlt.config.get("orchestration.duckdb_path", str) or str(DEFAULT_DUCKDB),
            pipelines_dir=dlt.config.get("orchestration.pipelines_dir", str),
        )
        warehouse.check()
        return warehouse

    def check(self) -> None:
        if self.destination not in LOADER_FORMATS:
            raise UsageError(
                f"orchestration.destination is {self.destination!r}: use one of {', '.join(sorted(LOADER_FORMATS))}"
            )

    def run_options(self, tables: list[str] | None) -> RunOptions:
        self.check()
        return RunOptions(
            destination=self.destination,
            duckdb_path=Path(self.duckdb_path),
            pipelines_dir=self.pipelines_dir,
            tables=tables,
        )
