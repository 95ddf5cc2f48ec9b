"""What both pipeline scripts share: options, destination choice, the resumable run loop, progress and summary."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pendulum
from dlt.common.configuration.exceptions import (
    ConfigFieldMissingException,
    ConfigValueCannotBeCoercedException,
    LookupTrace,
    LookupTraces,
)
from dlt.common.pipeline import LoadInfo
from dlt.common.schema.typing import MERGE_DISPOSITION_HINTS
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.pipeline.exceptions import PipelineStepFailed

from pipelines import analytics, dashboard, destinations, memory
from pipelines.accounts import account_setting_names
from pipelines.comments import write_comments
from pipelines.duckdb_turns import kept_open_in_turn, taking_turns, turn_on
from pipelines.progress import emit_json, showing_progress, table_fields
from pipelines.run_lock import AlreadyRunning
from pipelines.stopping import EXIT_ALREADY_RUNNING, EXIT_FAILED, EXIT_USAGE, exit_code, stop_on_signals
from pipelines.sync_runs import record_run
from sources.http import ApiError, RunStopped, install_log_redaction, redact
from sources.report import SyncReport, TableReport

# run_until_complete's way of loading one checkpoint: `pipeline.run(source, ...)`, written in each script so that
# `dlt deploy` finds it there; `refresh` is "drop_resources" for the first checkpoint of a --full-refresh
RunCheckpoint = Callable[[Any, str | None], LoadInfo]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DUCKDB = PROJECT_ROOT / "warehouse.duckdb"
# Fastest loader file format measured per destination (100k rows: duckdb parquet 2.5 s vs insert_values 21 s;
# postgres csv 2.7 s vs insert_values 5.3 s).
LOADER_FORMATS = {"duckdb": "parquet", "postgres": "csv"}
# Pages each table reads before its progress is committed to the warehouse; a killed run resumes from there.
CHECKPOINT_PAGES = 500
# DuckDB's buffer pool may take 80% of the machine's memory by default, and it keeps the blocks it wrote cached up
# to its limit: a 1,000,000-row first load's checkpoint loads added the whole limit to the run's peak. Above it
# DuckDB spills to a temporary directory next to the database file. 128 MB once ran out of memory, when dlt still
# deduplicated each staged table with a window over all its rows (sources/ploomes: `_merge_hints`); with the window
# it now spills (a 1,000,000-row load's checkpoints: 24 s with the window, 6 to 8 s without).
DUCKDB_GLOBAL_CONFIG = {"memory_limit": "128MB", "preserve_insertion_order": False}
# Before the run starts any thread: a thread created earlier would keep a malloc arena of its own.
memory.limit_growth()
destinations.take_turns_loading_duckdb()
# What to fix when the warehouse cannot be opened.
WAREHOUSE_SETTINGS = {
    "duckdb": "--duckdb-path",
    "postgres": (
        "destination.postgres.credentials in .dlt/secrets.toml "
        "(env DESTINATION__POSTGRES__CREDENTIALS=postgresql://user:password@host:port/database)"
    ),
}


# dbt runs in this process, and is not safe to run twice at once (its flags, adapters and environment are global):
# accounts loading concurrently (--all-accounts) take turns building their marts.
_ONE_POST_LOAD_AT_A_TIME = threading.Lock()


class UsageError(Exception):
    """Bad input from the command line or configuration; the message says what to change."""


@dataclass
class RunOptions:
    destination: str = "duckdb"
    duckdb_path: Path = DEFAULT_DUCKDB
    tables: list[str] | None = None
    full_refresh: bool = False
    since: str | None = None
    sweep_deletions: bool = False  # False: the source's `sweep_deletions` setting decides
    check: bool = False
    debug: bool = False
    pipelines_dir: str | None = None
    dataset_name: str | None = None  # default: the pipeline's name
    checkpoint_pages: int = CHECKPOINT_PAGES
    progress: bool = True  # False: only the outcome is printed (the lines of a run while it goes are not)
    log_format: str = "text"  # "json": one JSON object per event (start, table, warning, error, summary)
    analytics: bool | None = None  # build the marts after the load; None: `[analytics] enabled` decides (default on)
    account: str | None = None  # one of `[sources.<system>.accounts.<name>]` (pipelines/accounts.py); None: the one
    all_accounts: bool = False  # every configured account, concurrently (pipelines/fleet.py)
    system: str | None = None  # "ploomes", "hivestr": set with `account`, to name the account's settings
    extra: dict[str, Any] = field(default_factory=dict)

    def named_for_account(self, line: str) -> str:
        """`line` naming the account's settings where it names the system's (`sources.ploomes.api_key` ->
        `sources.ploomes.accounts.acme.api_key`, env names too): the sources' messages know only the system's."""
        if self.account is None or self.system is None:
            return line
        return account_setting_names(line, self.system, self.account)

    def pipeline_name(self, system: str) -> str:
        """The pipeline's name, and its dataset's unless `dataset_name` says otherwise: `ploomes`, `ploomes_acme`."""
        return system if self.account is None else f"{system}_{self.account}"

    def source_settings(self) -> dict[str, Any]:
        """`extra`, with the deletion sweep forced on by --sweep-deletions, or off for --full-refresh (the tables
        are dropped and reloaded: nothing is left to compare)."""
        if self.full_refresh:
            return {**self.extra, "sweep_deletions": False}
        return {**self.extra, "sweep_deletions": True} if self.sweep_deletions else dict(self.extra)


def parse_args(system: str, argv: Sequence[str] | None = None) -> RunOptions:
    parser = argparse.ArgumentParser(
        prog=f"{system}_pipeline.py",
        description=f"Load {system.capitalize()} into a warehouse (dlt pipeline '{system}').",
    )
    parser.add_argument("--destination", choices=sorted(LOADER_FORMATS), default="duckdb")
    parser.add_argument("--duckdb-path", type=Path, default=DEFAULT_DUCKDB, help="DuckDB file (default: %(default)s)")
    parser.add_argument("--tables", help="comma-separated tables to load (default: all)")
    parser.add_argument("--full-refresh", action="store_true", help="drop the tables and their cursors, reload all")
    parser.add_argument("--since", help="re-read records updated since this date (YYYY-MM-DD or ISO date-time)")
    parser.add_argument(
        "--sweep-deletions",
        action="store_true",
        help="also find records deleted in the CRM and mark (or delete) their rows; see README 'Deletions'",
    )
    parser.add_argument("--check", action="store_true", help="verify the credentials, list readable tables, exit")
    parser.add_argument(
        "--no-analytics", action="store_true", help="do not build the dbt marts after the load (see README)"
    )
    accounts = parser.add_mutually_exclusive_group()
    accounts.add_argument(
        "--account", metavar="NAME", help=f"load the account [sources.{system}.accounts.NAME] (see README)"
    )
    accounts.add_argument(
        "--all-accounts", action="store_true", help="load every configured account, concurrently, each on its own"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="json: one JSON object per line and event (start, table, warning, error, summary), for log collectors",
    )
    args = parser.parse_args(argv)
    options = RunOptions(
        destination=args.destination,
        duckdb_path=args.duckdb_path,
        tables=[t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else None,
        full_refresh=args.full_refresh,
        since=args.since,
        sweep_deletions=args.sweep_deletions,
        check=args.check,
        debug=args.debug,
        analytics=False if args.no_analytics else None,
        log_format=args.log_format,
        account=args.account,
        all_accounts=args.all_accounts,
        system=system,
    )
    if options.since is not None:
        options.since = normalize_since(options.since)
    return options


def check_tables(options: RunOptions, all_tables: Sequence[str]) -> None:
    """--tables names only tables the source has."""
    unknown = sorted(set(options.tables or ()) - set(all_tables))
    if unknown:
        raise UsageError(f"unknown table(s) in --tables: {', '.join(unknown)}; choose from: {', '.join(all_tables)}")


def normalize_since(text: str) -> str:
    try:
        moment = pendulum.parse(text, tz="UTC")
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        raise UsageError(f"--since {text!r} is not a date: use YYYY-MM-DD or an ISO date-time") from None
    return moment.in_timezone("UTC").to_iso8601_string()


def print_check(
    check_access: Callable[..., dict[str, str]], settings: Sequence[str], options: RunOptions, works: str
) -> int:
    """--check: what each table (or endpoint) answered the credentials, a line each, then `works` with the count of
    those that answered "ok..." ("The key works: {ok} of {all} tables readable.")."""
    answers = check_access(**{k: v for k, v in options.extra.items() if k in settings})
    for table, status in answers.items():
        print(f"{table:<32} {status}")
    ok = sum(status.startswith("ok") for status in answers.values())
    print(works.format(ok=ok, all=len(answers)))
    return 0


def load_and_report(run_pipeline: Callable[[RunOptions], SyncReport], options: RunOptions) -> int:
    """One account's load, then its summary; the exit code says how it ended."""
    started = time.monotonic()
    report = run_pipeline(options)
    print_outcome(report, time.monotonic() - started, options.log_format)
    return exit_code(report)


def pipeline_settings(options: RunOptions, pipeline_name: str) -> dict[str, Any]:
    """`dlt.pipeline`'s arguments but the name: the warehouse, the dataset (named after the pipeline unless the
    options name one) and the folder of dlt's working directories (None: dlt's default, ~/.dlt/pipelines)."""
    if options.destination == "duckdb":
        credentials = DuckDbCredentials(str(options.duckdb_path), global_config=DUCKDB_GLOBAL_CONFIG)
        destination = destinations.duckdb(credentials=credentials)
    else:
        destination = destinations.postgres()
    return {
        "destination": destination,
        "dataset_name": options.dataset_name or pipeline_name,
        "pipelines_dir": options.pipelines_dir,
    }


def make_pipeline(pipeline_name: str, options: RunOptions) -> dlt.Pipeline:
    return dlt.pipeline(pipeline_name=pipeline_name, **pipeline_settings(options, pipeline_name))


def loader_file_format(options: RunOptions) -> str:
    return LOADER_FORMATS[options.destination]


def run_until_complete(
    pipeline: dlt.Pipeline,
    make_source: Callable[[SyncReport, list[str] | None], Any],
    run_checkpoint: RunCheckpoint,
    report: SyncReport,
    options: RunOptions,
) -> list[LoadInfo]:
    """Run the source in checkpoints until no table is left unfinished; each checkpoint commits data and cursor.

    `make_source(report, resuming)` builds a fresh source (dlt sources are single-use): of every table the options
    select when `resuming` is None (the first checkpoint), else of the unfinished tables `resuming` names only, so a
    checkpoint never reads again a table that the run has already loaded whole (lookups, Hivestr's lists).
    `run_checkpoint(source, refresh)` loads one (`pipeline.run`). Once the loads are committed, the analytics layer
    is built on them.
    """
    report.name_settings = options.named_for_account
    with showing_progress(pipeline, report, options.log_format) if options.progress else nullcontext():
        analytics.prepare_load(pipeline, options)
        with _warehouse_kept_open(options):
            loads = _load_in_checkpoints(pipeline, make_source, run_checkpoint, report, options)
    # dbt opens the DuckDB file itself: in this process's turn, when a fleet's processes take turns on it
    with _ONE_POST_LOAD_AT_A_TIME, turn_on(options.duckdb_path):
        analytics.build_after_load(pipeline, report, options)
        dashboard.write_after_load(pipeline, report, options)
    return loads


@contextmanager
def _warehouse_kept_open(options: RunOptions) -> Iterator[None]:
    """Keeps the DuckDB file open while the run loads. dlt opens a connection for each of its jobs and closes it
    after, and closing the last one closes the database, which writes a checkpoint: a run opened and closed the file
    some 24 times, a quarter of a small run's time. While a connection is open, DuckDB hands dlt's the same open
    database (it keeps one per file and process)."""
    if options.destination != "duckdb" or taking_turns():  # then the file is open only in this process's turns
        yield
        return
    held = None
    with suppress(duckdb.Error):  # a file that cannot be opened: dlt's own attempt says so, naming the setting
        held = duckdb.connect(str(options.duckdb_path))
    try:
        yield
    finally:
        if held is not None:
            held.close()


def _load_in_checkpoints(
    pipeline: dlt.Pipeline,
    make_source: Callable[[SyncReport, list[str] | None], Any],
    run_checkpoint: RunCheckpoint,
    report: SyncReport,
    options: RunOptions,
) -> list[LoadInfo]:
    loads = []
    first = True
    try:
        with stop_on_signals(report):
            while True:
                unfinished_before = sorted(report.unfinished)
                for table in unfinished_before:
                    report.tables[table].resumable = False
                source = make_source(report, None if first else unfinished_before)
                refresh = first and options.full_refresh
                if refresh:
                    warn_history_dropped(pipeline, source, report)
                loads.append(run_checkpoint(source, "drop_resources" if refresh else None))
                first = False
                # Out of budget, another checkpoint could only be refused; stopped, none is wanted: the next run
                # continues instead.
                if not report.unfinished or report.resume_at is not None or report.stop.is_set():
                    break
    finally:
        # Whatever ended the run, no thread of it may go on waiting (a reader whose table dlt abandoned, say).
        report.stop.stop(RunStopped(RuntimeError("the run ended")))
    with kept_open_in_turn(options.duckdb_path):  # one turn for both, in a fleet's processes taking turns
        record_run(pipeline, report)
        if report.stop.interrupted is None:  # a signal asked to stop soon: the next run writes them
            write_comments(pipeline, report)
    return loads


def warn_history_dropped(pipeline: dlt.Pipeline, source: Any, report: SyncReport) -> None:
    """Says which history tables (sources/history.py) a full refresh of `source` drops: dlt's `drop_resources`
    drops every table a selected resource writes, and a record's past versions cannot be read from the API again."""
    if not pipeline.default_schema_name:
        return
    selected = set(source.resources.selected)
    for table in pipeline.default_schema.data_tables():
        resource = table.get("resource")
        if table.get(MERGE_DISPOSITION_HINTS["strategy"]) == "scd2" and resource in selected:
            report.warn(
                resource,
                f"{table['name']}: --full-refresh dropped it with {resource}, with the versions it had kept; "
                "it starts again from this load",
            )


def summary(report: SyncReport, elapsed: float) -> str:
    lines = [f"{'table':<32} {'rows':>10} {'requests':>9}  note"]
    for name in sorted(report.tables):
        table = report.tables[name]
        lines.append(f"{name:<32} {table.rows:>10,} {table.requests:>9}  {_note(table)}")
    total_rows = sum(t.rows for t in report.tables.values())
    unchanged = sum(t.unchanged for t in report.tables.values())
    stats = report.client_totals()
    listed = f" ({unchanged:,} more listed unchanged, not loaded again)" if unchanged else ""
    lines.append(
        f"{total_rows:,} rows loaded{listed} in {elapsed:.1f} s; {stats.get('requests_sent', 0):.0f} requests "
        f"({stats.get('retries', 0):.0f} retries); for {stats.get('limiter_wall_wait_seconds', 0):.1f} s of the "
        "run some request was waiting for the rate limit"
    )
    if report.skipped:
        lines.append(f"Skipped (the account cannot read them): {', '.join(sorted(report.skipped))}")
    lines.extend(_run_notes(report))
    lines.extend(f"warning: {line}" for line in report.warnings)
    lines.extend(report.post_load_notes)
    return "\n".join(lines)


def _run_notes(report: SyncReport) -> list[str]:
    """How the run ended, when it ended early."""
    notes = []
    if report.resume_at is not None:
        notes.append(
            "The API's request budget ran out: what was read is loaded. Run again after "
            f"{report.resume_at.isoformat(timespec='seconds')} to continue where this run stopped."
        )
    interrupted = report.stop.interrupted
    if interrupted is not None:
        notes.append(f"The run was {interrupted}: what was read is loaded; the next run continues from there.")
    return notes


def _note(table: TableReport) -> str:
    if table.failed:
        return "FAILED (see below)"
    if table.out_of_budget:
        return "stopped: request budget spent"
    if table.interrupted:
        return "stopped by a signal; will resume"
    if table.skipped:
        return f"skipped: {table.skipped}"
    if table.resumable:
        return "will resume"
    return f"{table.deleted:,} deleted in the CRM" if table.deleted else ""


def print_outcome(report: SyncReport, elapsed: float, log_format: str = "text") -> None:
    """The summary on stdout, then one `error:` line per failed table on stderr; with `log_format` "json", one
    JSON object per warning, error and the summary, on stdout."""
    errors = [redact(line) for line in [*report.failed.values(), *report.post_load_failures]]
    if log_format != "json":
        print(summary(report, elapsed))
        for line in errors:
            print(f"error: {line}", file=sys.stderr)
        return
    for line in report.warnings:
        emit_json("warning", message=line)
    for line in errors:
        emit_json("error", message=line)
    stats = report.client_totals()
    emit_json(
        "summary",
        seconds=round(elapsed, 1),
        rows=sum(t.rows for t in report.tables.values()),
        requests=stats.get("requests_sent", 0),
        retries=stats.get("retries", 0),
        rate_limit_wait_seconds=round(stats.get("limiter_wall_wait_seconds", 0), 1),
        tables={name: {"status": t.status, **table_fields(t)} for name, t in sorted(report.tables.items())},
        skipped=sorted(report.skipped),
        notes=[*_run_notes(report), *report.post_load_notes],
    )


def root_cause(error: BaseException) -> BaseException:
    """The exception that started it, through dlt's step wrappers."""
    return _chain(error)[-1]


def _chain(error: BaseException) -> list[BaseException]:
    """`error` and what caused it, outermost first, through dlt's step wrappers."""
    chain = [error]
    while True:
        nested = getattr(error, "exception", None) if isinstance(error, PipelineStepFailed) else None
        nested = nested or error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if nested is None or any(nested is seen for seen in chain):
            return chain
        chain.append(nested)
        error = nested


def main_guard(run: Callable[[RunOptions], int], system: str, argv: Sequence[str] | None = None) -> int:
    """Parse options and run; bad options exit 2, any other failure 1, each as one line naming the fix."""
    try:
        options = parse_args(system, argv)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.DEBUG if options.debug else logging.WARNING, format="%(levelname)s %(message)s")
    if options.debug:
        os.environ["RUNTIME__LOG_LEVEL"] = "INFO"  # dlt's own logs, quiet by default (.dlt/config.toml)
    install_log_redaction()  # after basicConfig: it guards the handlers that exist when it runs
    try:
        return run(options)
    except Exception as error:  # noqa: BLE001 - the one place that turns any failure into a clear line
        if options.debug:
            print(redact(traceback.format_exc()), file=sys.stderr, end="")
        line = options.named_for_account(redact(one_line(error, options.destination)))
        if options.log_format == "json":
            emit_json("error", message=line)
        else:
            print(f"error: {line}", file=sys.stderr)
        cause = root_cause(error)
        if isinstance(cause, AlreadyRunning):
            return EXIT_ALREADY_RUNNING
        return EXIT_USAGE if isinstance(cause, UsageError) else EXIT_FAILED


def one_line(error: BaseException, destination: str = "duckdb") -> str:
    """What failed and which setting or option fixes it, for `error` as raised by a run (dlt wrappers included)."""
    cause = root_cause(error)
    uncoerced = next((e for e in _chain(error) if isinstance(e, ConfigValueCannotBeCoercedException)), None)
    if uncoerced is not None:  # its cause, a parser's complaint, would not say which setting
        hint = uncoerced.hint
        listed = isinstance(hint, type) and issubclass(hint, Sequence) and not issubclass(hint, str)
        example = ' (a list is written ["a", "b"])' if listed else ""
        kind = getattr(hint, "__name__", hint)
        return f"setting {uncoerced.field_name} is {uncoerced.field_value!r}, which cannot be read as {kind}{example}"
    if isinstance(cause, ConfigFieldMissingException):
        names = [_setting_name(field, traces) for field, traces in cause.traces.items()]
        env = ", ".join(n.upper().replace(".", "__") for n in names)
        return f"missing setting {', '.join(names)}: put it in .dlt/secrets.toml or set {env} (see README)"
    if isinstance(cause, (ApiError, UsageError, ValueError, AlreadyRunning)):
        return _first_line(cause) or type(cause).__name__
    described = f"{type(cause).__name__}: {_first_line(cause)}"
    if any(isinstance(e, PipelineStepFailed) and e.step == "sync" for e in _chain(error)):
        # The sync step is the run's first contact with the warehouse: connecting, creating the dataset.
        return f"could not open the {destination} warehouse ({described}). Check {WAREHOUSE_SETTINGS[destination]}"
    return described


def _setting_name(field: str, traces: list) -> str:
    """The documented name of a missing setting, e.g. sources.ploomes.api_key or destination.postgres.credentials."""
    if not traces:
        return field
    trace = traces[0]
    if isinstance(trace, LookupTraces):  # a configuration of its own (credentials): name it as a whole
        nested = next((t for ts in trace.traces.values() for t in ts if isinstance(t, LookupTrace)), None)
        return ".".join(_collapse(nested.sections)) if nested else field
    # dlt looks a source's settings up under sources.<module>.<source name> first; here both are the system's name
    return ".".join([*_collapse(trace.sections), field])


def _collapse(sections: Sequence[str]) -> list[str]:
    return [s for i, s in enumerate(sections) if i == 0 or s != sections[i - 1]]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""
