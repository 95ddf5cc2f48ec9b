"""`make dashboard`: one self-contained HTML page (dashboard.html) of the analytics marts of both CRMs: Ploomes sales,
Hivestr media and the sync health of every table. Also written after each load when `[dashboard] enabled`."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dlt

from pipelines import dashboard_charts, dashboard_page, dashboard_queries
from pipelines.dashboard_queries import Marts, Query
from pipelines.dashboard_text import LANGUAGES, Formats

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = PROJECT_ROOT / "dashboard.html"
SYSTEMS = ("ploomes", "hivestr")


def write(pipeline: dlt.Pipeline, datasets: dict[str, str], path: Path, lang: str = "pt") -> Path:
    """The dashboard of `datasets` (system -> dataset), read from `pipeline`'s warehouse, written to `path`."""
    text = Formats(lang)
    now = dashboard_charts.now_in_sao_paulo()
    with _reading(pipeline) as query:
        marts = {system: Marts.of(datasets[system], query) for system in SYSTEMS}
        ploomes = dashboard_queries.ploomes(marts["ploomes"]) if marts["ploomes"].relations else None
        hivestr = dashboard_queries.hivestr(marts["hivestr"]) if marts["hivestr"].relations else None
        health = {system: dashboard_queries.sync_health(marts[system], system) for system in SYSTEMS}
    sections = [
        dashboard_charts.ploomes_section(ploomes, marts["ploomes"].schema, text, now.date()),
        dashboard_charts.hivestr_section(hivestr, marts["hivestr"].schema, text),
        dashboard_charts.health_section(health, {s: marts[s].schema for s in SYSTEMS}, text),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dashboard_page.render(sections, text, now), encoding="utf-8")
    return path


@contextmanager
def _reading(pipeline: dlt.Pipeline) -> Iterator[Query]:
    """A query function on one connection to the pipeline's warehouse (dlt's credentials and settings)."""
    with pipeline.sql_client() as client:

        def query(sql: str) -> list[dict[str, Any]]:
            with client.execute_query(sql) as cursor:
                names = [column[0] for column in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

        yield query


def write_after_load(pipeline: dlt.Pipeline, report: Any, options: Any) -> None:
    """After a load, when `[dashboard] enabled` (default false): the dashboard, the loaded system's dataset beside
    `[dashboard] <system>_dataset`; an account's (--account) to a page of its own, `dashboard_<account>.html`. It
    never fails the load: a failure is a warning line."""
    if dlt.config.get("dashboard.enabled", bool) is not True or report.stop.interrupted is not None:
        return
    try:
        datasets = {system: dlt.config.get(f"dashboard.{system}_dataset", str) or system for system in SYSTEMS}
        datasets[pipeline.default_schema_name] = pipeline.dataset_name
        path = PROJECT_ROOT / (dlt.config.get("dashboard.path", str) or DEFAULT_PATH)
        if options.account is not None:
            path = path.with_name(f"{path.stem}_{options.account}{path.suffix}")
        written = write(pipeline, datasets, path, dlt.config.get("dashboard.lang", str) or "pt")
        report.post_load_notes.append(f"dashboard: {written}")
    except Exception as error:  # noqa: BLE001 - the load is committed; a page that could not be drawn must not fail it
        report.warn_run(f"dashboard not written: {type(error).__name__}: {error}")


def main(argv: Sequence[str] | None = None) -> int:
    # pipelines.common imports this module (its run loop calls write_after_load): imported here, not at the top
    from pipelines.common import DEFAULT_DUCKDB, RunOptions

    parser = argparse.ArgumentParser(prog="dashboard.py", description=__doc__.splitlines()[0])
    parser.add_argument("--destination", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--duckdb-path", type=Path, default=DEFAULT_DUCKDB, help="DuckDB file (default: %(default)s)")
    parser.add_argument("--ploomes-dataset", default="ploomes", help="the Ploomes dataset (default: %(default)s)")
    parser.add_argument("--hivestr-dataset", default="hivestr", help="the Hivestr dataset (default: %(default)s)")
    parser.add_argument("--lang", choices=LANGUAGES, default="pt", help="labels' language (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=DEFAULT_PATH, help="the page (default: %(default)s)")
    args = parser.parse_args(argv)
    options = RunOptions(destination=args.destination, duckdb_path=args.duckdb_path)
    datasets = {"ploomes": args.ploomes_dataset, "hivestr": args.hivestr_dataset}
    print(f"dashboard: {write_from_warehouse(options, datasets, args.output, args.lang).resolve()}")
    return 0


def write_from_warehouse(options: Any, datasets: dict[str, str], path: Path, lang: str = "pt") -> Path:
    """`write`, outside a load: the warehouse of `options` (a RunOptions: destination, DuckDB file)."""
    from pipelines.common import make_pipeline

    # a pipeline only to reach the warehouse with the loading pipelines' credentials; its state is thrown away
    with tempfile.TemporaryDirectory(prefix="crm-elt-dashboard-") as pipelines_dir:
        options.pipelines_dir, options.progress = pipelines_dir, False
        return write(make_pipeline("dashboard", options), datasets, path, lang)


if __name__ == "__main__":
    sys.exit(main())
