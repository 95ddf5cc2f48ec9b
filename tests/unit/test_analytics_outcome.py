"""pipelines/analytics.py without dbt: how a build's results become the summary, error lines and the exit code, and
which setting turns the build on."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines import analytics
from pipelines.stopping import EXIT_FAILED, EXIT_OK, exit_code
from sources.report import SyncReport


def node_result(kind: str, name: str, status: str, message: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(node=SimpleNamespace(resource_type=kind, name=name), status=status, message=message)


def outcome_of(*results: SimpleNamespace) -> analytics.BuildOutcome:
    outcome = analytics.BuildOutcome(schema="ploomes_analytics", seconds=1.25)
    dbt_result = SimpleNamespace(exception=None, result=SimpleNamespace(results=list(results)))
    analytics._read_results(dbt_result, outcome, Path("/work/analytics"))
    return outcome


def test_a_clean_build_is_one_summary_line():
    outcome = outcome_of(
        node_result("model", "ploomes__deals_enhanced", "success"),
        node_result("test", "unique_deal_id", "pass"),
        node_result("test", "relationships_owner", "warn"),
    )
    assert outcome.failures == []
    assert outcome.summary == (
        "analytics: dbt build into ploomes_analytics: 1 models, 2 tests, 1 test warnings; all passed (1.2 s)"
    )


def test_a_failed_model_is_named_with_the_database_error_and_its_dependents_are_counted_as_skipped():
    message = 'Runtime Error in model ploomes__won (models/x.sql)\n  Binder Error: column "amountt" not found'
    outcome = outcome_of(
        node_result("model", "ploomes__won", "error", message),
        node_result("test", "not_null_won_month", "skipped"),
    )
    (line,) = outcome.failures
    assert line.startswith('analytics: model ploomes__won failed: Binder Error: column "amountt" not found')
    assert "the load is committed" in line
    assert "1 failed" in outcome.summary and "1 skipped" in outcome.summary


def test_a_failure_after_the_load_makes_the_run_exit_1():
    report = SyncReport()
    assert exit_code(report) == EXIT_OK
    report.post_load_failures.append("analytics: test unique_deal_id failed: Got 2 results")
    assert exit_code(report) == EXIT_FAILED


@pytest.mark.parametrize(
    ("requested", "setting", "expected"),
    [(None, None, True), (None, "false", False), (False, "true", False), (True, "false", True)],
)
def test_the_option_wins_over_the_setting_which_defaults_to_on(monkeypatch, requested, setting, expected):
    if setting is None:
        monkeypatch.delenv("ANALYTICS__ENABLED", raising=False)
    else:
        monkeypatch.setenv("ANALYTICS__ENABLED", setting)
    assert analytics.enabled(requested) is expected
