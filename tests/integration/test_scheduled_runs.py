"""A scheduled run as cron or CI runs it (no terminal): a handful of lines, and never two runs of one pipeline at
once. Two subprocesses: one load, and one run turned away while this process holds the pipeline's lock."""

from __future__ import annotations

import os
import socket

from pipelines.run_lock import one_run_at_a_time
from pipelines.stopping import EXIT_ALREADY_RUNNING
from tests.integration.scripts import both_simulators, error_lines, run_script, script_env

PLOOMES_KEY = "scheduled-ploomes-key-7a1f"
HIVESTR_KEY, HIVESTR_SECRET = "hvstr_scheduled7a1f", "scheduled-hivestr-secret-2b9d"
TABLES = "contacts,deals,users"  # contacts fills contact_phones too


def test_a_run_without_a_terminal_prints_a_line_per_table_not_a_block_per_second(tmp_path):
    with both_simulators(PLOOMES_KEY, HIVESTR_KEY, HIVESTR_SECRET) as (settings, _, _):
        env = script_env(tmp_path / "dlt", **settings)
        argv = ["--duckdb-path", str(tmp_path / "w.duckdb"), "--tables", TABLES, "--no-analytics"]
        result = run_script("ploomes", argv, env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert "start: pipeline ploomes, dataset ploomes" in lines[0]
    finished = sorted(line.split()[1].rstrip(":") for line in lines[1:5])
    assert finished == ["contact_phones", "contacts", "deals", "users"], result.stdout  # each once
    # then the summary (custom_fields: /Fields is read for the tables' custom fields), and nothing else
    assert lines[5].startswith("table ") and " rows loaded in " in lines[-1]
    assert len(lines) == 12, result.stdout


def test_a_second_run_of_a_pipeline_exits_at_once_naming_the_run_that_holds_it(tmp_path):
    env = script_env(tmp_path / "dlt", SOURCES__PLOOMES__API_KEY="never-used-key-0000")
    with one_run_at_a_time(tmp_path / "dlt" / "pipelines", "ploomes"):
        result = run_script("ploomes", ["--duckdb-path", str(tmp_path / "w.duckdb")], env)
    assert result.returncode == EXIT_ALREADY_RUNNING
    assert result.stderr.count("\n") == 1, result.stderr
    [line] = error_lines(result)
    assert f"pipeline ploomes is already running (pid {os.getpid()} on {socket.gethostname()}" in line
    assert not (tmp_path / "w.duckdb").exists()  # nothing was loaded
