"""One multi-asset per account: an asset per table it loads, materialized by the pipeline script's own run.

dagster-dlt's translator names the assets after the dlt source's resources; the run is the script's `run_pipeline`
(checkpoints, per-table isolation, the run lock, sync_runs, comments, analytics), not dagster-dlt's bare
`pipeline.run`. A child table (contact_phones) is written by its parent's resource: its asset depends on the
parent's, and selecting it loads the parent too.
"""

import functools
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import dagster as dg
import dlt
from dagster_dlt import DagsterDltTranslator
from dagster_dlt.translator import DltResourceTranslatorData

from orchestration.accounts import AccountLoad
from orchestration.systems import System
from orchestration.warehouse import Warehouse
from pipelines.common import RunOptions, UsageError, one_line, root_cause, summary
from pipelines.run_lock import AlreadyRunning
from pipelines.stopping import EXIT_BUDGET_EXHAUSTED, EXIT_OK, exit_code
from sources.http import install_log_redaction, redact
from sources.report import SyncReport, TableReport

# A failed step is tried again after 1, 2 then 4 minutes (each +/- jitter): time for a passing outage (the API, the
# warehouse) to end, well inside Ploomes' 30-minute schedule. What a retry cannot fix is not retried (see _failure).
RETRY_POLICY = dg.RetryPolicy(max_retries=3, delay=60, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS)

DUCKDB_POOL = "duckdb_warehouse"


@dataclass
class AccountTranslator(DagsterDltTranslator):
    """Asset `<pipeline>/<table>` in group `<pipeline>`: each account's tables apart, whatever their names."""

    pipeline_name: str
    destination: str

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        return self.table_spec(data.resource.name, super().get_asset_spec(data))

    def table_spec(self, table: str, spec: dg.AssetSpec, parent: str | None = None) -> dg.AssetSpec:
        # No dependency on dagster-dlt's stand-in for the CRM's table (`ploomes_contacts`): nothing materializes it
        return spec.replace_attributes(
            key=dg.AssetKey([self.pipeline_name, table]),
            group_name=self.pipeline_name,
            deps=[dg.AssetKey([self.pipeline_name, parent])] if parent else [],
            kinds={"dlt", self.destination},
            metadata={**spec.metadata, "dagster/table_name": f"{self.pipeline_name}.{table}"},  # dataset.table
            # a table the account cannot read, or whose parent failed, is reported without a materialization
            skippable=True,
        )


def table_specs(load: AccountLoad, destination: str) -> list[dg.AssetSpec]:
    translator = AccountTranslator(load.pipeline_name, destination)
    specs = []
    for resource in _source_resources(load.system):
        spec = translator.get_asset_spec(DltResourceTranslatorData(resource=resource, pipeline=None))
        if load.crm_dataset is not None and resource.name == "clients":
            # the ERP's clients are looked up from the CRM's contacts: lineage across systems
            spec = spec.replace_attributes(deps=[dg.AssetKey([load.crm_dataset, "contacts"])])
        specs.append(spec)
        specs.extend(
            translator.table_spec(written, dg.AssetSpec(written), parent=resource.name)
            for written in load.tables_written_by(resource.name)
        )
    return specs


@functools.cache  # every account of a system has the same resources
def _source_resources(system: System) -> list:
    """The resources of `system`'s dlt source, built with placeholder credentials and no warehouse: nothing is read.

    The source compares with the pipeline's warehouse; a throwaway pipeline stands in for it. A real one would be
    created in every process that loads these definitions, and dlt empties a new pipeline's working directory,
    which a first load of it could be using.
    """
    with tempfile.TemporaryDirectory() as pipelines_dir:
        pipeline = dlt.pipeline("orchestration_asset_specs", pipelines_dir=pipelines_dir)
        try:
            source = system.source(**system.offline_arguments(pipeline))
        finally:
            pipeline.deactivate()
    return list(source.resources.values())


def account_assets(load: AccountLoad, destination: str) -> dg.AssetsDefinition:
    specs = table_specs(load, destination)
    every_key = {spec.key for spec in specs}
    # a parent before its child tables: a multi-asset reports its assets in the order of their dependencies
    tables_in_order = [spec.key.path[-1] for spec in specs]

    @dg.multi_asset(
        name=load.pipeline_name,
        specs=specs,
        can_subset=True,
        pool=pool(load, destination),
        retry_policy=RETRY_POLICY,
    )
    def load_tables(context: dg.AssetExecutionContext, warehouse: Warehouse) -> Iterator[dg.MaterializeResult]:
        selected_tables = {key.path[-1] for key in context.selected_asset_keys}
        selected = [table for table in tables_in_order if table in selected_tables]
        tables = None if context.selected_asset_keys == every_key else load.tables_to_load(selected)
        options = load.options(warehouse.run_options(tables))
        report = SyncReport()
        install_log_redaction()  # as the scripts do: no key in dlt's or httpx's log lines, in the step's logs
        started = time.monotonic()
        try:
            load.system.run_pipeline(options, report)
        except Exception as error:
            raise _failure(error, options) from error
        context.log.info(summary(report, time.monotonic() - started))
        yield from _materializations(context, load, selected, report)
        _check_outcome(context, report)

    return load_tables


def pool(load: AccountLoad, destination: str) -> str:
    """The concurrency pool of the account's loads; pools have a limit of 1 (orchestration/dagster.yaml), so an
    account never loads twice at once. A DuckDB file takes one writing process at a time: there every account's
    loads share one pool, one load at a time (the CLI's --all-accounts loads them at once, in one process)."""
    return DUCKDB_POOL if destination == "duckdb" else load.pipeline_name


def _materializations(
    context: dg.AssetExecutionContext, load: AccountLoad, selected: list[str], report: SyncReport
) -> Iterator[dg.MaterializeResult]:
    for table in selected:
        outcome = report.tables.get(table)
        parent = load.parent(table)
        parent_outcome = report.tables.get(parent, TableReport()) if parent else TableReport()
        own = outcome or TableReport()
        if own.failed or parent_outcome.failed:
            continue  # _check_outcome fails the step
        if own.skipped or parent_outcome.skipped:
            context.log.warning(f"{table}: not loaded: {own.skipped or parent_outcome.skipped}")
            continue
        if outcome is None:  # a history table: no report of its own, its versions come with its parent's rows
            metadata = {"status": parent_outcome.status}
        else:
            metadata = {"rows": outcome.rows, "requests": outcome.requests, "status": outcome.status}
            if outcome.warnings:
                metadata["warnings"] = dg.MetadataValue.md("\n".join(f"- {line}" for line in outcome.warnings))
        yield dg.MaterializeResult(asset_key=dg.AssetKey([load.pipeline_name, table]), metadata=metadata)


def _check_outcome(context: dg.AssetExecutionContext, report: SyncReport) -> None:
    """Fails the step as the script's exit code would fail its run, once the loaded tables are reported."""
    code = exit_code(report)
    if code == EXIT_BUDGET_EXHAUSTED:  # what was read is loaded; the next scheduled run continues
        context.log.warning(f"the request budget ran out; continues after {report.resume_at:%Y-%m-%d %H:%M} UTC")
    elif code != EXIT_OK:
        problems = [redact(line) for line in [*report.failed.values(), *report.post_load_failures]]
        if report.stop.interrupted is not None:
            problems.append(f"the run was {report.stop.interrupted}: what was read is loaded")
        raise dg.Failure(
            description="; ".join(problems),
            metadata={"failed tables": ", ".join(sorted(report.failed)) or "none"},
            allow_retries=report.stop.interrupted is None,
        )


def _failure(error: Exception, options: RunOptions) -> dg.Failure:
    """The run's one-line error; retried unless a retry cannot help: bad settings, or another run of the account
    holds its lock (it is loading the same data; the next scheduled run goes on)."""
    cause = root_cause(error)
    return dg.Failure(
        description=options.named_for_account(redact(one_line(error, options.destination))),
        allow_retries=not isinstance(cause, (AlreadyRunning, UsageError)),
    )
