"""What a run prints for logs (pipelines/progress.py, print_outcome): a line per event, never a block per second."""

from __future__ import annotations

import json
from types import SimpleNamespace

from pipelines.common import print_outcome
from pipelines.progress import showing_progress
from sources.report import SyncReport

PIPELINE = SimpleNamespace(pipeline_name="ploomes", dataset_name="ploomes", destination=None, collector=None)


def _a_run(report: SyncReport, log_format: str) -> None:
    with showing_progress(PIPELINE, report, log_format):  # capsys: stderr is no terminal
        report.add_rows("contacts", 300)
        report.add_rows("contact_phones", 440)
        report.add_requests("contacts", 2)
        report.finish("contacts", "contact_phones")
        report.fail("orders", "orders: the API refused it. The next run retries orders.")
        report.finish("orders")
    report.warn("contacts", "contacts: an $expand was refused")
    print_outcome(report, 9.9, log_format)


def test_not_on_a_terminal_a_run_prints_a_start_line_and_one_line_per_table(capsys):
    _a_run(SyncReport(), "text")
    captured = capsys.readouterr()
    stamped = captured.out.splitlines()[:4]
    assert [line.split(" ", 1)[1] for line in stamped] == [  # after each line's UTC time
        "start: pipeline ploomes, dataset ploomes, into None",
        "contacts: done, 300 rows, 2 requests",
        "contact_phones: done, 440 rows, 0 requests",
        "orders: failed, 0 rows, 0 requests",
    ]
    assert "740 rows loaded in 9.9 s" in captured.out and "warning: contacts: an $expand was refused" in captured.out
    assert captured.err == "error: orders: the API refused it. The next run retries orders.\n"


def test_json_logs_are_one_object_per_event(capsys):
    _a_run(SyncReport(), "json")
    captured = capsys.readouterr()
    assert captured.err == ""
    events = [json.loads(line) for line in captured.out.splitlines()]
    assert [(e["event"], e.get("table")) for e in events] == [
        ("start", None),
        ("table", "contacts"),
        ("table", "contact_phones"),
        ("table", "orders"),
        ("warning", None),
        ("error", None),
        ("summary", None),
    ]
    summary = events[-1]
    assert summary["rows"] == 740 and summary["rate_limit_wait_seconds"] == 0
    assert summary["tables"]["orders"] == {"status": "failed", "rows": 0, "requests": 0}
