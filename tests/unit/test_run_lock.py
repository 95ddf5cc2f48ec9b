"""One run at a time per pipeline (pipelines/run_lock.py): a held lock turns a run away naming its holder; a lock
file left by a dead run does not."""

from __future__ import annotations

import json
import os
import socket

import pytest

from pipelines.run_lock import AlreadyRunning, lock_path, one_run_at_a_time


def test_a_second_run_is_turned_away_naming_the_run_that_holds_the_lock(tmp_path):
    held = one_run_at_a_time(tmp_path, "ploomes")
    with held, pytest.raises(AlreadyRunning) as refused, one_run_at_a_time(tmp_path, "ploomes"):
        pass
    said = str(refused.value)
    assert f"pid {os.getpid()} on {socket.gethostname()}, running since " in said
    assert "pipeline ploomes is already running" in said and str(lock_path(tmp_path, "ploomes")) in said


def test_each_pipeline_has_its_own_lock(tmp_path):
    with one_run_at_a_time(tmp_path, "ploomes"), one_run_at_a_time(tmp_path, "hivestr"):
        pass


def test_the_lock_is_free_again_once_the_run_ends(tmp_path):
    with one_run_at_a_time(tmp_path, "ploomes"):
        pass
    with one_run_at_a_time(tmp_path, "ploomes"):
        holder = json.loads(lock_path(tmp_path, "ploomes").read_text())
    assert holder["pid"] == os.getpid()


def test_a_lock_file_left_by_a_killed_run_does_not_block(tmp_path):
    # what a run killed with SIGKILL leaves: its details, and no flock (the OS released it with the process)
    lock_path(tmp_path, "ploomes").write_text(json.dumps({"pid": 999_999_999, "host": "gone", "since": "2020-01-01"}))
    with one_run_at_a_time(tmp_path, "ploomes"):
        holder = json.loads(lock_path(tmp_path, "ploomes").read_text())
    assert holder["pid"] == os.getpid() and holder["host"] == socket.gethostname()
