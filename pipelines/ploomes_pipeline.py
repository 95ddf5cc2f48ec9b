"""Load a Ploomes account into the warehouse: pipeline `ploomes`, dataset `ploomes`.

python pipelines/ploomes_pipeline.py                      # everything, incremental, into warehouse.duckdb
python pipelines/ploomes_pipeline.py --destination postgres --tables contacts,deals
python pipelines/ploomes_pipeline.py --check              # which tables can this key read?
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
from sources.ploomes import ALL_TABLES, check_access, ploomes
from sources.report import SyncReport

PIPELINE_NAME = "ploomes"
# What every account (--account, --all-accounts) must set itself.
CREDENTIALS = ("api_key",)
# Source settings that --check also understands (the rest tune a load).
CHECK_SETTINGS = ("api_key", "base_url", "rate_limit_per_minute")


def run(options: RunOptions) -> int:
    check_tables(options, ALL_TABLES)
    if options.all_accounts:
        return run_fleet(options, PIPELINE_NAME, ploomes, CREDENTIALS, run_pipeline)
    options = for_account(options, PIPELINE_NAME, ploomes, CREDENTIALS)
    if options.check:
        return print_check(check_access, CHECK_SETTINGS, options, "The key works: {ok} of {all} tables readable.")
    return load_and_report(run_pipeline, options)


def run_pipeline(options: RunOptions, report: SyncReport | None = None) -> SyncReport:
    """Load until every table is complete (in checkpoints); the report says what each table did."""
    pipeline_name = options.pipeline_name(PIPELINE_NAME)
    with one_run_at_a_time(options.pipelines_dir, pipeline_name):
        if options.account is None:
            # The name is written out, not a variable: `dlt deploy` reads it from this call (README "Schedule it").
            pipeline = dlt.pipeline(pipeline_name="ploomes", **pipeline_settings(options, PIPELINE_NAME))
        else:  # pipeline and dataset ploomes_<account>
            pipeline = make_pipeline(pipeline_name, options)
        return load(pipeline, options, report)


def load(pipeline: dlt.Pipeline, options: RunOptions, report: SyncReport | None = None) -> SyncReport:
    """Load into `pipeline` (the demo's has a name of its own) as `options` say; the report says what was done."""
    report = report if report is not None else SyncReport()

    def make_source(report: SyncReport, resuming: list[str] | None):
        return ploomes(
            tables=options.tables if resuming is None else resuming,
            report=report,
            since=options.since if resuming is None else None,
            max_pages_per_run=options.checkpoint_pages,
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
