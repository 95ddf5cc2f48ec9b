"""The analytics layer after a load: `dbt build` of the loaded system's models and tests (analytics/), into
`<dataset>_analytics`, with the pipeline's own warehouse and credentials.

When: after every run that loaded rows (every Ploomes run does: its lookups are replaced each time; a Hivestr run
always rewrites its reminders snapshot), including runs where some table failed or the request budget ran out
(what they loaded is committed and the marts should show it); not after a run stopped by a signal (the user wants it
to end), nor one that loaded nothing. The models that show time passing (sync health, overdue tasks) are views, so
they stay current between builds. Turned off by `--no-analytics`, `[analytics] enabled = false` in
.dlt/config.toml, or ANALYTICS__ENABLED=false.

How: dbt runs in this process through `dbtRunner`: measured on the Ploomes models at 60 contacts (DuckDB, 2 busy
cores), the first build in a process took 5.5-5.8 s against 5.8-6.7 s for a subprocess of the venv's dbt, and a
second build in the same process (`make demo`) 2-4 s, dbt being imported once. The profile is written
for the run into a private temporary directory and deleted after it; a Postgres password reaches dbt only through
an environment variable that the profile names and that is removed when the build ends. DuckDB allows one writer per
file: every connection the load opened is closed by then (dlt closes its connections after each step).
dlt's own dbt runner is not used: its DuckDB profile loads the httpfs extension, which DuckDB downloads, and that
fails offline.

A failed model or test is reported as one `error:` line naming it; the load itself is committed before dbt starts,
so it never loses loaded data, and the run exits 1. dbt's log is in <pipeline working dir>/analytics/logs; `--debug`
also prints its output. A model that reads a table the dataset does not hold yet (a `--tables` run into a new
dataset, a table the key cannot read, a `<table>_history` that history_tables does not keep) is left out with what
depends on it, and the summary says so.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dlt

PROJECT_DIR = Path(__file__).resolve().parents[1] / "analytics"
SYSTEMS = ("ploomes", "hivestr", "erp")
PROFILE_NAME = "crm_analytics"  # analytics/dbt_project.yml's `profile`
PASSWORD_VARIABLE = "CRM_ELT_DBT_POSTGRES_PASSWORD"
# Never let dbt reach for the internet: no usage tracking, no version check.
QUIET_FLAGS = ["--no-send-anonymous-usage-stats", "--no-version-check", "--no-use-colors"]
THREADS = 2


@dataclass
class BuildOutcome:
    """What a dbt build did: one summary line, and one line per model, seed or test that failed."""

    schema: str
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)  # "models", "tests", "seeds", "test warnings"
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the build left out, and why

    @property
    def summary(self) -> str:
        built = ", ".join(f"{count} {name}" for name, count in self.counts.items() if count)
        verdict = f"{len(self.failures)} failed" if self.failures else "all passed"
        return f"analytics: dbt build into {self.schema}: {built or 'nothing'}; {verdict} ({self.seconds:.1f} s)"


def enabled(requested: bool | None) -> bool:
    """`requested` (--no-analytics, or a caller's RunOptions) decides; else `[analytics] enabled`, default true."""
    if requested is not None:
        return requested
    return dlt.config.get("analytics.enabled", bool) is not False


def prepare_load(pipeline: dlt.Pipeline, options: Any) -> None:
    """Before a --full-refresh load into Postgres: drop the analytics dataset. dlt drops and recreates the loaded
    tables, and Postgres refuses to drop a table that a view reads (the staging views, sync health); the build after
    the load creates them again (a run with analytics off leaves them gone until the next build). DuckDB lets a view
    outlive its table."""
    if not options.full_refresh or pipeline.destination.destination_name != "postgres":
        return
    try:
        with pipeline.sql_client() as client:
            schema = client.capabilities.escape_identifier(f"{pipeline.dataset_name}_analytics")
            client.execute_sql(f"drop schema if exists {schema} cascade")
    except Exception as error:  # noqa: BLE001 - the load that follows says what is wrong with the warehouse, better
        logging.getLogger(__name__).warning("could not drop the analytics dataset before a full refresh: %s", error)


def build_after_load(pipeline: dlt.Pipeline, report: Any, options: Any) -> None:
    """Build the marts of what `pipeline` just loaded, if the run asks for it; the outcome goes on the report."""
    loaded_rows = any(table.rows for table in report.tables.values())
    if not enabled(options.analytics) or not loaded_rows or report.stop.interrupted is not None:
        return
    try:
        outcome = build(pipeline, full_refresh=options.full_refresh, debug=options.debug, settings=options.extra)
    except Exception as error:  # noqa: BLE001 - the load is committed; dbt failing must not hide that
        report.post_load_failures.append(f"analytics: dbt could not run ({type(error).__name__}: {error})")
        return
    report.post_load_notes.extend([outcome.summary, *outcome.notes])
    report.post_load_failures.extend(outcome.failures)


def build(
    pipeline: dlt.Pipeline, *, full_refresh: bool = False, debug: bool = False, settings: dict[str, Any] | None = None
) -> BuildOutcome:
    """`dbt build` of the models of the system `pipeline` loads (its dlt schema: ploomes, hivestr or erp);
    `settings` are the source's, as the run was given them (the ERP's name the CRM dataset its models join)."""
    system = pipeline.default_schema_name
    if system not in SYSTEMS:
        raise ValueError(f"no analytics models for the dlt schema {system!r}")
    dbt_vars = {f"{system}_dataset": pipeline.dataset_name, **_datasets_read_beside(system, settings or {})}
    started = time.monotonic()
    parsed = _invoke(pipeline, ["parse"], dbt_vars, debug)
    if not parsed.success:
        raise RuntimeError(f"dbt could not read analytics/: {_first_line(str(parsed.exception or 'see its log'))}")
    manifest = parsed.result
    loaded = _loaded_tables(pipeline, _schemas_read(manifest, system))
    waiting = _waiting_for_tables(manifest, system, loaded)
    arguments = ["build", "--select", f"tag:{system}"]
    arguments += ["--exclude", *(f"{model}+" for model in sorted(waiting))] if waiting else []
    arguments += ["--full-refresh"] if full_refresh else []
    result = _invoke(pipeline, arguments, dbt_vars, debug, manifest=manifest)
    outcome = BuildOutcome(schema=f"{pipeline.dataset_name}_analytics", seconds=time.monotonic() - started)
    _read_results(result, outcome, Path(pipeline.working_dir) / "analytics")
    if waiting:
        missing = sorted({table for tables in waiting.values() for table in tables})
        outcome.notes.append(
            f"analytics: {_some(sorted(waiting))} and what depends on them left out: they read tables the dataset "
            f"does not hold yet ({_some(missing)}; a --tables run, tables the key cannot read, a history that "
            "the history_tables setting does not keep, or the CRM an ERP is joined to not loaded in this warehouse)"
        )
    return outcome


def _datasets_read_beside(system: str, settings: dict[str, Any]) -> dict[str, str]:
    """The dbt vars naming the other systems' datasets that `system`'s models read: the ERP's join its clients to
    the contacts of the CRM dataset its source looks clients up from (sources.erp.crm_dataset)."""
    if system != "erp":
        return {}
    from sources.erp.settings import CRM_DATASET

    crm = settings.get("crm_dataset") or dlt.config.get("sources.erp.crm_dataset", str) or CRM_DATASET
    return {"ploomes_dataset": crm}


def _schemas_read(manifest: Any, system: str) -> set[str]:
    """The schemas (datasets) whose tables the system's models read: its own, and another system's it joins."""
    return {manifest.sources[u].schema for node in _models(manifest, system) for u in _sources_of(node)}


def _models(manifest: Any, system: str) -> list[Any]:
    return [n for n in manifest.nodes.values() if str(n.resource_type) == "model" and system in n.tags]


def _sources_of(node: Any) -> list[str]:
    return [unique_id for unique_id in node.depends_on.nodes if unique_id.startswith("source.")]


def _loaded_tables(pipeline: dlt.Pipeline, schemas: set[str]) -> set[tuple[str, str]]:
    """The (schema, table) pairs that `schemas` hold now (the connection is closed again before dbt opens the file).

    On Postgres the planner statistics of the pipeline's own tables are refreshed first: right after a load
    autovacuum has not sampled the new rows yet, and the marts' joins were planned as nested loops over a few
    estimated rows (a build over 114,000 Ploomes rows took 76 s, 6 s after ANALYZE, which itself took under a
    second)."""
    schemas = schemas | {pipeline.dataset_name}
    marks = ", ".join(["%s"] * len(schemas))
    with pipeline.sql_client() as client:
        rows = client.execute_sql(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({marks}) and table_type = 'BASE TABLE'",
            *sorted(schemas),
        )
        tables = {(row[0], row[1]) for row in rows}
        own = sorted(table for schema, table in tables if schema == pipeline.dataset_name)
        if own and pipeline.destination.destination_name == "postgres":
            client.execute_sql("analyze " + ", ".join(client.make_qualified_table_name(t) for t in own))
    return tables


def _waiting_for_tables(manifest: Any, system: str, loaded: set[tuple[str, str]]) -> dict[str, list[str]]:
    """The system's models that read a table the warehouse does not hold (yet), with those tables: a run of
    `--tables contacts` into a new dataset, an account whose key cannot read every table, or an ERP loaded without
    its CRM's contacts, builds the rest. A table of another system's dataset is named with its schema."""
    waiting = {}
    for node in _models(manifest, system):
        sources = [manifest.sources[unique_id] for unique_id in _sources_of(node)]
        missing = sorted(
            source.name if source.source_name == system else f"{source.schema}.{source.name}"
            for source in sources
            if (source.schema, source.name) not in loaded
        )
        if missing:
            waiting[node.name] = missing
    return waiting


def generate_docs(pipeline: dlt.Pipeline, datasets: dict[str, str], target: Path = PROJECT_DIR / "target") -> Path:
    """`dbt docs generate --static` over every model into `target`; returns the self-contained page."""
    result = _invoke(
        pipeline,
        ["docs", "generate", "--static"],
        {f"{s}_dataset": d for s, d in datasets.items()},
        debug=False,
        target_path=target,
    )
    if not result.success:
        raise RuntimeError(f"dbt docs generate failed: {result.exception or 'see the dbt log in ' + str(target)}")
    return target / "static_index.html"


def _invoke(
    pipeline: dlt.Pipeline,
    arguments: list[str],
    dbt_vars: dict[str, str],
    debug: bool,
    target_path: Path | None = None,
    manifest: Any = None,
) -> Any:
    """dbt `arguments` against the pipeline's warehouse; with `manifest` (a parse's result) dbt does not parse again."""
    from dbt.cli.main import dbtRunner  # imported when needed: dbt takes a second to import

    work_dir = Path(pipeline.working_dir) / "analytics"
    target_path = target_path or work_dir / "target"
    with _profile(pipeline) as profiles_dir:
        flags = [
            "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(profiles_dir),
            "--target-path", str(target_path),
            "--log-path", str(work_dir / "logs"),
            "--vars", json.dumps(dbt_vars),
            "--log-level", "info" if debug else "none",
            "--log-level-file", "info",  # dbt.log: what a failure line points to
            *QUIET_FLAGS,
        ]  # fmt: skip
        try:
            return dbtRunner(manifest=manifest).invoke([*arguments, *flags])
        finally:
            if pipeline.destination.destination_name == "duckdb":
                _close_dbt_duckdb()


def _close_dbt_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB connection open in the process after the build (a class attribute that its
    close_all_connections only forgets); the next load or reader of the file, with another configuration, would be
    refused ("Can't open a connection to same database file with a different configuration")."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


@contextmanager
def _profile(pipeline: dlt.Pipeline):
    """A profiles.yml for the pipeline's warehouse in a private temporary directory, deleted afterwards; a password
    is passed through the environment for the duration, never written."""
    credentials = pipeline.destination_client().config.credentials
    schema = f"{pipeline.dataset_name}_analytics"
    password = None
    if pipeline.destination.destination_name == "duckdb":
        # no `extensions`: DuckDB would download them (httpfs), and this machine may be offline
        output = {"type": "duckdb", "path": str(credentials.database), "schema": schema, "threads": THREADS}
    else:
        password = credentials.password
        output = {
            "type": "postgres",
            "host": credentials.host,
            "port": int(credentials.port or 5432),
            "user": credentials.username,
            "password": f"{{{{ env_var('{PASSWORD_VARIABLE}', '') }}}}",
            "dbname": credentials.database,
            "schema": schema,
            "threads": THREADS,
            "connect_timeout": int(credentials.connect_timeout or 15),
        }
    profile = {PROFILE_NAME: {"target": "warehouse", "outputs": {"warehouse": output}}}
    with tempfile.TemporaryDirectory(prefix="crm-elt-dbt-") as directory:
        path = Path(directory) / "profiles.yml"
        path.touch(mode=0o600)
        path.write_text(json.dumps(profile))  # JSON is YAML
        with _environment(PASSWORD_VARIABLE, password):
            yield Path(directory)


@contextmanager
def _environment(name: str, value: str | None):
    previous = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


_COUNTED = {"model": "models", "seed": "seeds", "test": "tests"}


def _read_results(result: Any, outcome: BuildOutcome, work_dir: Path) -> None:
    """Counts per kind, and one line per node that failed, from dbtRunner's result."""
    if result.exception is not None or result.result is None:
        cause = result.exception or "no results"
        outcome.failures.append(f"analytics: dbt build failed before running: {_first_line(str(cause))}")
        return
    for node_result in result.result.results:
        node = node_result.node
        kind = str(node.resource_type)
        status = str(node_result.status)
        if status == "skipped":  # downstream of a failure, which has its own line
            outcome.counts["skipped"] = outcome.counts.get("skipped", 0) + 1
            continue
        if status in ("error", "fail", "runtime error"):
            outcome.failures.append(
                f"analytics: {kind} {node.name} failed: {_reason(node_result.message or status)} "
                f"(the load is committed; dbt's log: {work_dir / 'logs' / 'dbt.log'})"
            )
            continue
        if status == "warn":
            outcome.counts["test warnings"] = outcome.counts.get("test warnings", 0) + 1
        name = _COUNTED.get(kind)
        if name:
            outcome.counts[name] = outcome.counts.get(name, 0) + 1


def _some(names: list[str], shown: int = 5) -> str:
    return ", ".join(names) if len(names) <= shown else f"{', '.join(names[:shown])}... ({len(names)} in all)"


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text


def _reason(message: str) -> str:
    """The line of a dbt node's message that says what went wrong, past its "Runtime Error in model x (path)"."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    said = [line for line in lines if not re.match(r"\w+ Error in (model|test|seed|snapshot) ", line)]
    return (said or lines or [message])[0]


def main(argv: Sequence[str] | None = None) -> int:
    """`build` (run the marts of a pipeline again, e.g. after fixing a failed model) or `docs` (the docs site)."""
    # pipelines.common imports this module (its run loop calls build_after_load): imported here, not at the top
    from pipelines.common import DEFAULT_DUCKDB, RunOptions, make_pipeline

    parser = argparse.ArgumentParser(prog="analytics.py", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("build", "docs"))
    parser.add_argument("--pipeline", default="ploomes", help="the pipeline whose dataset to build (build only)")
    parser.add_argument("--destination", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--duckdb-path", type=Path, default=DEFAULT_DUCKDB)
    parser.add_argument(
        "--ploomes-dataset",
        help="docs: the Ploomes dataset to describe (default ploomes); build --pipeline erp: the CRM dataset its "
        "clients were looked up from (default: sources.erp.crm_dataset)",
    )
    parser.add_argument("--hivestr-dataset", default="hivestr", help="docs: the Hivestr dataset to describe")
    parser.add_argument("--erp-dataset", default="erp", help="docs: the ERP dataset to describe")
    parser.add_argument("--target-dir", type=Path, default=PROJECT_DIR / "target", help="docs: where to write it")
    parser.add_argument("--full-refresh", action="store_true", help="build: rebuild incremental models whole")
    parser.add_argument("--debug", action="store_true", help="show dbt's output")
    args = parser.parse_args(argv)
    options = RunOptions(destination=args.destination, duckdb_path=args.duckdb_path, progress=False)
    if args.command == "docs":
        # a pipeline only to reach the warehouse: kept beside the docs, not among the pipelines that load
        options.pipelines_dir = str(args.target_dir / "pipelines")
        pipeline = make_pipeline("analytics_docs", options)
        datasets = {
            "ploomes": args.ploomes_dataset or "ploomes",
            "hivestr": args.hivestr_dataset,
            "erp": args.erp_dataset,
        }
        page = generate_docs(pipeline, datasets, args.target_dir)
        print(f"analytics docs: {page}")
        return 0
    pipeline = make_pipeline(args.pipeline, options)
    settings = {"crm_dataset": args.ploomes_dataset} if args.ploomes_dataset else {}
    outcome = build(pipeline, full_refresh=args.full_refresh, debug=args.debug, settings=settings)
    print("\n".join([outcome.summary, *outcome.notes]))
    for line in outcome.failures:
        print(f"error: {line}", file=sys.stderr)
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    sys.exit(main())
