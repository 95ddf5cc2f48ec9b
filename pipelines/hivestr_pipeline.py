"""Load a Hivestr account into the warehouse: pipeline `hivestr`, dataset `hivestr`.

python pipelines/hivestr_pipeline.py                      # every table, into warehouse.duckdb
python pipelines/hivestr_pipeline.py --destination postgres --tables clients,proposals
python pipelines/hivestr_pipeline.py --check              # does the key work, which tables can it read?

Exit codes: 0 done; 1 failed (one line says why); 2 bad options; 75 the hourly request budget ran out: what was read
is loaded, the summary says when to run again, and that run continues where this one stopped.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    # and read the project's .dlt/ from any folder: `dlt deploy`'s workflow runs `cd pipelines && python <script>`
    os.environ.setdefault("DLT_PROJECT_DIR", str(Path(__file__).resolve().parents[1]))

import dlt

from pipelines.common import (
    RunOptions,
    UsageError,
    check_tables,
    load_and_report,
    loader_file_format,
    main_guard,
    make_pipeline,
    pipeline_settings,
    print_check,
    run_until_complete,
)
from pipelines.fleet import for_account, run_fleet
from pipelines.run_lock import one_run_at_a_time
from sources.deletions import LoadedRows
from sources.hivestr import ALL_TABLES, check_access, hivestr
from sources.report import SyncReport

PIPELINE_NAME = "hivestr"
# What every account (--account, --all-accounts) must set itself.
CREDENTIALS = ("api_key", "api_secret")
# Source settings that --check also understands (the rest tune a load).
CHECK_SETTINGS = ("api_key", "api_secret", "base_url", "requests_per_hour", "transport")


def run(options: RunOptions) -> int:
    if options.since is not None:
        raise UsageError(
            "--since does not apply to Hivestr: its lists have no date filter, so every run compares every row "
            "(use --full-refresh to reload everything)"
        )
    check_tables(options, ALL_TABLES)
    if options.all_accounts:
        return run_fleet(options, PIPELINE_NAME, hivestr, CREDENTIALS, run_pipeline)
    options = for_account(options, PIPELINE_NAME, hivestr, CREDENTIALS)
    if options.check:
        return print_check(check_access, CHECK_SETTINGS, options, "The key works: {ok} of {all} tables readable.")
    return load_and_report(run_pipeline, options)


def run_pipeline(options: RunOptions, report: SyncReport | None = None) -> SyncReport:
    """Load until every table is complete (in checkpoints) or the request budget runs out; see the report."""
    pipeline_name = options.pipeline_name(PIPELINE_NAME)
    with one_run_at_a_time(options.pipelines_dir, pipeline_name):
        if options.account is None:
            # The name is written out, not a variable: `dlt deploy` reads it from this call (README "Schedule it").
            pipeline = dlt.pipeline(pipeline_name="hivestr", **pipeline_settings(options, PIPELINE_NAME))
        else:  # pipeline and dataset hivestr_<account>
            pipeline = make_pipeline(pipeline_name, options)
        return load(pipeline, options, report)


def load(pipeline: dlt.Pipeline, options: RunOptions, report: SyncReport | None = None) -> SyncReport:
    """Load into `pipeline` (the demo's has a name of its own) as `options` say; the report says what was done."""
    report = report if report is not None else SyncReport()

    def make_source(report: SyncReport, resuming: list[str] | None):
        return hivestr(
            tables=options.tables if resuming is None else resuming,
            report=report,
            # a checkpoint "page" here is one parent whose children were read: one request, or a few
            max_details_per_run=options.checkpoint_pages,
            warehouse=LoadedRows(pipeline),
            **options.source_settings(),
        )

    def run_checkpoint(source, refresh: str | None):
        return pipeline.run(source, loader_file_format=loader_file_format(options), refresh=refresh)

    run_until_complete(pipeline, make_source, run_checkpoint, report, options)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    return main_guard(run, PIPELINE_NAME, argv)


if __name__ == "__main__":
    sys.exit(main())
