"""Load an ERP built to the integration contract into the warehouse: pipeline `erp`, dataset `erp`.

python pipelines/erp_pipeline.py                      # every table, into warehouse.duckdb
python pipelines/erp_pipeline.py --destination postgres --tables products,clients
python pipelines/erp_pipeline.py --check              # does the token work, which endpoints answer?

Load the CRM first (pipelines/ploomes_pipeline.py): the clients looked up are its contacts' CPF/CNPJs
(sources/erp/selection.py). Exit codes: 0 done; 1 failed (one line says why); 2 bad options.
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
from sources.erp import ALL_TABLES, check_access, erp
from sources.report import SyncReport

PIPELINE_NAME = "erp"
# What every account (--account, --all-accounts) must set itself: each has its own ERP.
CREDENTIALS = ("token", "base_url")
# Source settings that --check also understands (the rest tune a load).
CHECK_SETTINGS = ("token", "base_url", "token_header", "token_scheme", "paths", "registers", "transport")


def run(options: RunOptions) -> int:
    if options.since is not None:
        raise UsageError(
            "--since does not apply to the ERP: its lists are read whole each run, and clients are looked up as "
            "their CRM contacts change (use --full-refresh to look every one up again)"
        )
    if options.sweep_deletions:
        raise UsageError("--sweep-deletions does not apply to the ERP: its lists are replaced whole each run")
    check_tables(options, ALL_TABLES)
    if options.all_accounts:
        return run_fleet(options, PIPELINE_NAME, erp, CREDENTIALS, run_pipeline)
    options = for_account(options, PIPELINE_NAME, erp, CREDENTIALS)
    if options.check:
        return print_check(
            check_access, CHECK_SETTINGS, options, "The token works: {ok} of {all} endpoints answer with data."
        )
    return load_and_report(run_pipeline, options)


def run_pipeline(options: RunOptions, report: SyncReport | None = None) -> SyncReport:
    """Load every table once; the report says what each table did."""
    pipeline_name = options.pipeline_name(PIPELINE_NAME)
    with one_run_at_a_time(options.pipelines_dir, pipeline_name):
        if options.account is None:
            # The name is written out, not a variable: `dlt deploy` reads it from this call (README "Schedule it").
            pipeline = dlt.pipeline(pipeline_name="erp", **pipeline_settings(options, PIPELINE_NAME))
        else:  # pipeline and dataset erp_<account>
            pipeline = make_pipeline(pipeline_name, options)
        return load(pipeline, options, report)


def load(pipeline: dlt.Pipeline, options: RunOptions, report: SyncReport | None = None) -> SyncReport:
    """Load into `pipeline` (the demo's has a name of its own) as `options` say; the report says what was done."""
    report = report if report is not None else SyncReport()

    def make_source(report: SyncReport, resuming: list[str] | None):
        # the CRM's contacts are read through `pipeline` (the dataset sources.erp.crm_dataset beside this one)
        return erp(tables=options.tables if resuming is None else resuming, report=report, **options.source_settings())

    def run_checkpoint(source, refresh: str | None):
        return pipeline.run(source, loader_file_format=loader_file_format(options), refresh=refresh)

    run_until_complete(pipeline, make_source, run_checkpoint, report, options)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    return main_guard(run, PIPELINE_NAME, argv)


if __name__ == "__main__":
    sys.exit(main())
