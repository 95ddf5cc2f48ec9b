"""Faults: whatever goes wrong during a sync, the warehouse ends up equal to the source, row by row, value by value.

Each scenario runs a sync while the simulator misbehaves; if that sync could not finish (an exception, a table
skipped, a budget stop), a clean sync follows. Then every table of the system is compared with the simulator's data.
One table of scenarios: DuckDB runs every one, Postgres those whose outcome reaches the load step.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pipelines.common import PROJECT_ROOT
from simulators.core import LatencySettings
from sources.http import RetryPolicy
from tests.integration.compare import assert_hivestr_matches, assert_ploomes_matches
from tests.integration.conftest import FAST, TEST_KEY
from tests.integration.warehouse import Warehouse

# Its sitecustomize holds a subprocess in the middle of a load, injects failures, and lists threads left at exit.
HOOKS = Path(__file__).parent / "subprocess_hooks"
KILL_TIMEOUT = 60  # seconds a subprocess may take to reach the point where it is killed
# How long a run may take to end once it failed or was signalled: seconds, never minutes, and never a hang.
END_DEADLINE = 30
# The Ploomes tables an in-process scenario reads: records with custom fields and child items, a lookup and /Fields,
# the paths its faults aim at among them. A fault in the HTTP layer does not care which table asks, and each of the
# ~45 tables costs every run a fixed time; the scripts' scenarios, whose timing needs a long read, read every table.
IN_PROCESS_TABLES = ("contacts", "deals", "orders", "products", "tasks", "users", "deal_stages", "custom_fields")
# ... in small pages: about a hundred requests, so that a fault firing on 5% of them (seeded) fires several times.
IN_PROCESS_PAGE_SIZE = 10


@dataclass
class Harness:
    """One system's simulator, warehouse and ways to sync, as a scenario uses them."""

    system: str  # "ploomes" or "hivestr"
    sim: Any
    warehouse: Warehouse
    run: Callable[..., Any]  # the run_ploomes / run_hivestr fixture
    tmp_path: Path
    monkeypatch: pytest.MonkeyPatch
    # table -> ids of records deleted in the API during the scenario, whose rows no deletion sweep removes yet
    deleted: dict[str, set] = field(default_factory=dict)
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # tables the last sync skipped as unreadable, and why
    failed: dict[str, str] = field(default_factory=dict)  # tables the last sync reported failed, and its lines
    tables: tuple[str, ...] | None = None  # the tables its runs read and compare (None: every table)

    def sync(self, **source: Any) -> bool:
        """One in-process run; True when it read every table to the end, False when it raised or stopped short."""
        self.skipped, self.failed = {}, {}
        try:
            if self.tables:
                report = self.run(tables=list(self.tables), source={"page_size": IN_PROCESS_PAGE_SIZE, **source})
            else:
                report = self.run(source=source)
        except Exception:  # noqa: BLE001 - a failed run is an outcome here; the clean sync must repair it
            return False
        self.skipped, self.failed = dict(report.skipped), dict(report.failed)
        return not (report.skipped or report.failed or report.unfinished) and report.resume_at is None

    def assert_matches_source(self) -> None:
        if self.system == "ploomes":
            assert_ploomes_matches(self.warehouse, self.sim, self.deleted, only=self.tables)
        else:
            assert_hivestr_matches(self.warehouse, self.sim, self.deleted)

    # --- the pipeline script as a user runs it, in a subprocess --------------------------------------------------
    def script(
        self, *, hold_load: bool = False, inject: str | None = None, settings: dict[str, str] | None = None
    ) -> subprocess.Popen:
        """The pipeline script in a subprocess; `settings` are more of its source's (e.g. {"page_size": "20"})."""
        env = {**os.environ, **self._script_env(), "THREADS_AT_EXIT": str(self.threads_at_exit)}
        prefix = f"SOURCES__{self.system.upper()}__"
        env.update({prefix + name.upper(): value for name, value in (settings or {}).items()})
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOKS), env.get("PYTHONPATH")]))
        if inject:
            env["INJECT_FAILURE"] = inject
        if hold_load:
            env["HOLD_LOAD_MARKER"] = str(self.load_marker)
            # One job at a time, so the hold finds no other job between its commit in the destination and its
            # "completed" mark in the package: a kill there makes dlt run the job again, which on Postgres
            # fails on the duplicate _dlt_id for good (a dlt limitation, not what this scenario is about).
            env["LOAD__WORKERS"] = "1"
        args = ["--destination", "postgres"] if self.warehouse.destination == "postgres" else []
        args += ["--duckdb-path", str(self.warehouse.duckdb_path or self.tmp_path / "unused.duckdb")]
        command = [sys.executable, str(PROJECT_ROOT / "pipelines" / f"{self.system}_pipeline.py"), *args]
        # output to a file, not a pipe: a pipe nobody reads until the kill could fill up and stall the script
        with self.script_log.open("ab") as log:
            return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def script_log(self) -> Path:
        return self.tmp_path / "script.log"

    @property
    def load_marker(self) -> Path:
        return self.tmp_path / "load-held"

    @property
    def threads_at_exit(self) -> Path:
        return self.tmp_path / "threads-at-exit.txt"

    def ended(self, process: subprocess.Popen, code: int) -> str:
        """Waits for the script to end (within END_DEADLINE), checks its exit code and that it left no thread
        waiting; returns its output."""
        try:
            process.wait(timeout=END_DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            output = self.script_log.read_text()
            raise AssertionError(f"the run did not end within {END_DEADLINE} s:\n{output}") from None
        output = self.script_log.read_text()
        assert process.returncode == code, output
        left = self.threads_at_exit.read_text() if self.threads_at_exit.exists() else "(no record: exit skipped)"
        assert "/sources/" not in left, f"threads of the connector still waiting at exit:\n{left}"
        return output

    def _script_env(self) -> dict[str, str]:
        # DLT_DATA_DIR puts the pipeline in tmp_path/pipelines, where the in-process runs keep it too
        env = {"DLT_DATA_DIR": str(self.tmp_path)}
        prefix = f"SOURCES__{self.system.upper()}__"
        if self.system == "ploomes":
            settings = {"api_key": TEST_KEY, "base_url": self.sim.base_url, "rate_limit_per_minute": FAST}
        else:
            settings = {
                "api_key": self.sim.api_key,
                "api_secret": self.sim.api_secret,
                "base_url": self.sim.base_url,
                "requests_per_hour": 1_000_000,
            }
        env.update({prefix + name.upper(): str(value) for name, value in settings.items()})
        if self.warehouse.destination == "postgres":
            env["DESTINATION__POSTGRES__CREDENTIALS"] = self.warehouse.postgres_dsn
        return env

    def use_script_dataset(self) -> None:
        """The script loads into the dataset named after the system: on Postgres, in a database of this test's own."""
        self.tables = None  # the script reads every table, and so does the clean sync after it
        if self.warehouse.destination == "postgres":
            shared_dsn, shared_dataset = self.warehouse.postgres_dsn, self.warehouse.dataset
            self.warehouse.postgres_dsn = own_database(shared_dsn, self)
            self.monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", self.warehouse.postgres_dsn)

            def restore() -> None:  # runs before the warehouse fixture drops its schema in the shared database
                self.warehouse.postgres_dsn, self.warehouse.dataset = shared_dsn, shared_dataset

            self.cleanups.append(restore)
        self.warehouse.dataset = self.system


def own_database(dsn: str, harness: Harness) -> str:
    """A fresh database on the server of `dsn`, dropped when the test ends; its DSN."""
    import psycopg2

    name = f"faults_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dsn)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"create database {name}")

    def drop() -> None:
        with admin.cursor() as cursor:
            cursor.execute(f"drop database if exists {name} with (force)")
        admin.close()

    harness.cleanups.append(drop)
    return dsn.rsplit("/", 1)[0] + f"/{name}"


# --- what scenarios do ------------------------------------------------------------------------------------------
def faulted(
    *rules: dict[str, Any], fails: bool = False, skips: str | None = None, table_fails: str | None = None, **source: Any
) -> Callable[[Harness], bool]:
    """A first sync while the simulator applies `rules` (FaultInjector.inject arguments); every rule must fire.
    By default the retries must carry the sync through as if nothing had happened; `fails`: the run must fail,
    `skips`: it must complete without that table, `table_fails`: it must complete with that table, only, failed."""

    def disturb(h: Harness) -> bool:
        injected = [h.sim.faults.inject(**rule) for rule in rules]
        completed = h.sync(**source)
        # asked of the injector, not the request log: a held ("slow") request is logged only once it is answered
        live = {rule.id: rule for rule in h.sim.faults.rules()}  # a rule that used up its count is gone
        h.sim.faults.clear()
        for rule in injected:
            assert rule.id not in live or live[rule.id].fired, f"the {rule.kind.value} fault never fired"
        if skips:
            assert set(h.skipped) == {skips}, f"expected only {skips} skipped, got {h.skipped}"
        elif table_fails:
            assert set(h.failed) == {table_fails}, f"expected only {table_fails} failed, got {h.failed}"
        else:
            assert completed != fails, "the sync failed" if completed is False else "the sync did not fail"
        return completed

    return disturb


@contextmanager
def after_requests(sim, count: int, action: Callable[[], None]) -> Iterator[threading.Event]:
    """Runs `action` in a thread once the simulator has answered `count` requests; the event says it ran."""
    done, stop = threading.Event(), threading.Event()

    def wait_then_act() -> None:
        while not stop.is_set():
            if sim.request_log.count() >= count:
                action()
                done.set()
                return
            time.sleep(0.002)

    worker = threading.Thread(target=wait_then_act, daemon=True)
    worker.start()
    try:
        yield done
    finally:
        stop.set()
        worker.join()


def change_ploomes(h: Harness) -> None:
    """Inserts, updates and deletes of records, line items and phones, in the middle of a sync."""
    sim = h.sim
    contacts = list(sim.records("Contacts"))
    orders = [o for o in sim.records("Orders") if len(o.get("Products") or []) >= 2]
    deals = list(sim.records("Deals"))
    for contact in contacts[5:8]:
        sim.update("Contacts", contact["Id"], {"Note": f"Atualizado {contact['Id']}", "Phones": []})
    sim.insert("Contacts", {"Name": "Cliente Inserido Durante a Carga", "TypeId": 1})
    sim.update("Orders", orders[0]["Id"], {"Products": orders[0]["Products"][:1]})
    sim.update("Deals", deals[3]["Id"], {"Title": "Negócio alterado durante a carga"})
    for endpoint, table, record in (("Contacts", "contacts", contacts[0]), ("Orders", "orders", orders[1])):
        sim.delete(endpoint, record["Id"])
        # Ploomes has no deleted-records feed: these rows stay until the deletion sweep, which its own tests cover
        h.deleted.setdefault(table, set()).add(record["Id"])
    sim.delete("Deals", deals[0]["Id"])
    h.deleted.setdefault("deals", set()).add(deals[0]["Id"])


def change_hivestr(h: Harness) -> None:
    sim = h.sim
    clients = list(sim.records("clients"))
    sim.update("clients", clients[2]["id"], {"name": "Cliente Renomeado Durante a Carga"})
    sim.insert("clients", {"name": "Cliente Nova"})
    sim.insert("notes", {"client_id": clients[3]["id"], "content": "Nota durante a carga", "note_type": "note"})
    open_proposals = [p for p in sim.records("proposals") if p["status"] not in ("approved", "rejected")]
    items = [i for i in sim.records("proposal_items") if i["proposal_id"] == open_proposals[0]["id"]]
    keep = {k: items[0][k] for k in ("vehicle_id", "quantity", "unit_price", "final_price", "is_bonus")}
    sim.update("proposals", open_proposals[0]["id"], {"items": [keep]})
    sim.delete("tasks", next(iter(sim.records("tasks")))["id"])  # moves its deal's tasks_summary: captured
    # A deleted parent keeps its row and its children's rows until a deletion sweep removes them
    gone = open_proposals[1]["id"]
    h.deleted.setdefault("proposal_items", set()).update(
        i["id"] for i in sim.records("proposal_items") if i["proposal_id"] == gone
    )
    h.deleted.setdefault("proposals", set()).add(gone)
    sim.delete("proposals", gone)


def changes_during_sync(change: Callable[[Harness], None]) -> Callable[[Harness], bool]:
    def disturb(h: Harness) -> bool:
        h.sim.latency.settings = LatencySettings(per_request=0.01)
        with after_requests(h.sim, 8, lambda: change(h)) as changed:
            completed = h.sync()
        h.sim.latency.settings = LatencySettings()
        assert changed.is_set(), "the changes were made after the sync"
        assert completed, f"the sync did not complete: failed {h.failed}, skipped {h.skipped}"
        return False  # what changed after the sync's window opened is the next sync's

    return disturb


def token_expiring_mid_run(h: Harness) -> bool:
    h.sim.latency.settings = LatencySettings(per_request=0.01)
    completed = h.sync(token_renew_margin_seconds=0)
    h.sim.latency.settings = LatencySettings()
    assert h.sim.request_log.count(path="/api/v1/auth/token") >= 2, "the run did not outlive its first token"
    assert completed, "the sync failed"
    return completed


def rate_limited_without_retry_after(h: Harness) -> bool:
    # Hivestr's 429 without a reset header means "wait for the hourly reset": the run loads what it read and stops
    # (exit code 75). Its shared limiter stays paused for that hour, so the next run is another process.
    h.sim.faults.inject("rate_limited", count=None, path="/api/v1/public/proposals/*")
    h.use_script_dataset()
    process = h.script()
    process.wait(timeout=KILL_TIMEOUT)
    h.sim.faults.clear()
    assert process.returncode == 75, h.script_log.read_text()
    return False


def killed_in_extract_then_in_load(h: Harness) -> bool:
    """SIGKILL while the script reads the API, then again while it loads; the clean sync is the next run."""
    h.use_script_dataset()
    h.sim.latency.settings = LatencySettings(per_request=0.02)
    process = h.script()
    try:
        wait_until(lambda: h.sim.request_log.count() >= 12 or process.poll() is not None)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    h.sim.latency.settings = LatencySettings()
    served = h.sim.request_log.count()

    process = h.script(hold_load=True)
    try:
        wait_until(lambda: h.load_marker.exists() or process.poll() is not None)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert h.load_marker.exists(), h.script_log.read_text()
    assert process.returncode == -signal.SIGKILL
    half_loaded = list((h.tmp_path / "pipelines" / h.system / "load" / "normalized").iterdir())
    assert half_loaded, "no load package was left pending: the kill did not interrupt a load"
    assert h.sim.request_log.count() > served  # the second run read the API again before loading
    return False


def failing_in(step: str) -> Callable[[Harness], bool]:
    """A failure in dlt's normalize or load step ends the script promptly with one line and exit code 1."""

    def disturb(h: Harness) -> bool:
        h.use_script_dataset()
        output = h.ended(h.script(inject=step), 1)
        assert f"error: RuntimeError: injected failure in the {step} step" in output, output
        return False

    return disturb


# Small pages split every large table into concurrent ranges that contend for a small page budget: a failure then
# finds readers waiting in PageBudget.acquire, which once kept the process from ever exiting.
CONTENDED_RANGES = {"page_size": "20", "min_pages_per_range": "1", "max_pages_in_flight": "2"}


def refused_mid_run(
    status: int, path: str, code: int, said: str, settings: dict[str, str] | None = None
) -> Callable[[Harness], bool]:
    """One endpoint answers `status` from the 20th request on, while every table is being read: a 401 stops the whole
    run (the credentials), a 400 only its table; either way the script ends promptly."""

    def disturb(h: Harness) -> bool:
        h.use_script_dataset()
        h.sim.latency.settings = LatencySettings(per_request=0.01)
        refuse = functools.partial(h.sim.faults.inject, "server_error", count=None, status=status, path=path)
        try:
            with after_requests(h.sim, 20, refuse):
                output = h.ended(h.script(settings=settings), code)
        finally:
            h.sim.faults.clear()
            h.sim.latency.settings = LatencySettings()
        errors = [line for line in output.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and said in errors[0], output
        return False

    return disturb


def signalled(signum: int) -> Callable[[Harness], bool]:
    """SIGTERM or Ctrl-C while the script reads: it stops asking, loads what it read, exits 128 + the signal."""

    def disturb(h: Harness) -> bool:
        h.use_script_dataset()
        h.sim.latency.settings = LatencySettings(per_request=0.02)
        process = h.script()
        try:
            wait_until(lambda: h.sim.request_log.count() >= 12 or process.poll() is not None)
            process.send_signal(signum)
            output = h.ended(process, 128 + signum)
        finally:
            h.sim.latency.settings = LatencySettings()
        assert f"{signal.Signals(signum).name}: stopping" in output, output
        loads = h.warehouse.query(f"select count(*) as n from {h.warehouse.dataset}._dlt_loads where status = 0")
        assert loads[0]["n"] >= 1, "nothing read before the signal was loaded"
        return False

    return disturb


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + KILL_TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, "the subprocess never got there"
        time.sleep(0.005)


BOTH = ("duckdb", "postgres")


@dataclass(frozen=True)
class Scenario:
    id: str
    system: str
    disturb: Callable[[Harness], bool]  # the first sync, under the fault; True when it completed
    # A fault in the API never reaches the load step: the destination loads what a clean sync loads, or nothing
    # when the extract fails, so DuckDB suffices. Postgres also runs what does reach it: changes merged during a
    # sync, and a process killed in the middle of a load.
    destinations: tuple[str, ...] = ("duckdb",)
    sim_config: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.system}-{self.id}"


def retried_faults(system: str) -> list[Scenario]:
    """HTTP faults the retries must absorb. Counts stay under max_attempts, so every request ends up answered."""
    return [
        Scenario("429-storm-retry-after", system, faulted({"kind": "rate_limited", "count": 3, "retry_after": 1})),
        Scenario(
            "5xx-flaps",
            system,
            faulted(
                {"kind": "server_error", "count": 2, "status": 502},
                {"kind": "server_error", "count": None, "probability": 0.05, "status": 503},
                {"kind": "server_error", "count": 1, "status": 500},
            ),
        ),
        # the simulator holds 3 responses for 3 s; the client gives up on each after 1 s and asks again
        Scenario("read-timeouts", system, faulted({"kind": "slow", "count": 3, "delay": 3}, read_timeout_seconds=1)),
        Scenario("dropped-connections", system, faulted({"kind": "drop", "count": None, "probability": 0.05})),
        Scenario("truncated-bodies", system, faulted({"kind": "truncate", "count": 4})),
        Scenario("invalid-json", system, faulted({"kind": "invalid_json", "count": 4})),
    ]


def invalid_past_retries(system: str, path: str, table: str | None = None) -> Scenario:
    """A body that stays invalid past every retry fails its table (`table`; the others load) or, where tables are
    not isolated, the run midway; the clean sync repairs what it left."""
    rule = {"kind": "invalid_json", "count": None, "path": path}
    outcome = {"table_fails": table} if table else {"fails": True}
    return Scenario("invalid-json-past-retries", system, faulted(rule, max_attempts=2, **outcome))


SCENARIOS = [
    *retried_faults("ploomes"),
    Scenario(
        "429-storm-no-retry-after", "ploomes", faulted({"kind": "rate_limited", "count": None, "probability": 0.05})
    ),
    # Ploomes throttles with 403 too, so two 403s in a row are retried ...
    Scenario("403-burst", "ploomes", faulted({"kind": "forbidden", "count": 2, "path": "/Contacts"})),
    # ... and a third is believed: the table is skipped as unreadable, the run completes without it, the next reads it
    Scenario("403-believed", "ploomes", faulted({"kind": "forbidden", "count": 3, "path": "/Orders"}, skips="orders")),
    invalid_past_retries("ploomes", "/Deals", "deals"),
    Scenario("changes-during-sync", "ploomes", changes_during_sync(change_ploomes), BOTH),
    Scenario("sigkill-in-extract-then-in-load", "ploomes", killed_in_extract_then_in_load, BOTH),
    Scenario(
        "401-in-a-reader-thread",
        "ploomes",
        refused_mid_run(401, "/Contacts", 1, "credentials were not accepted", CONTENDED_RANGES),
    ),
    Scenario(
        "400-in-a-reader-thread", "ploomes", refused_mid_run(400, "/Contacts", 1, "error: contacts: ", CONTENDED_RANGES)
    ),
    Scenario("failure-in-normalize", "ploomes", failing_in("normalize")),  # before the destination is touched
    Scenario("failure-in-load", "ploomes", failing_in("load"), BOTH),
    Scenario("sigterm-in-extract", "ploomes", signalled(signal.SIGTERM), BOTH),
    Scenario("sigint-in-extract", "ploomes", signalled(signal.SIGINT)),
    *retried_faults("hivestr"),
    Scenario(
        "token-expires-mid-run",
        "hivestr",
        token_expiring_mid_run,
        sim_config={"token_ttl_seconds": 1.0, "clock": time.time},
    ),
    Scenario("429-no-reset-header-stops", "hivestr", rate_limited_without_retry_after),
    # Hivestr's 403 is a missing permission, never retried: the child table is skipped, its parents load without
    # being remembered as done, and the next sync reads their children
    Scenario(
        "403-on-children",
        "hivestr",
        faulted({"kind": "forbidden", "count": 1, "path": "/api/v1/public/clients/*"}, skips="client_notes"),
    ),
    invalid_past_retries("hivestr", "/api/v1/public/proposals/*", "proposal_items"),
    Scenario("changes-during-sync", "hivestr", changes_during_sync(change_hivestr), BOTH),
    Scenario("sigkill-in-extract-then-in-load", "hivestr", killed_in_extract_then_in_load, BOTH),
    Scenario(
        "401-in-a-reader-thread",
        "hivestr",
        refused_mid_run(401, "/api/v1/public/pipeline/deals/*", 1, "credentials were not accepted"),
    ),
    Scenario(
        "400-on-one-table",
        "hivestr",
        refused_mid_run(400, "/api/v1/public/clients/*/notes", 1, "error: client_notes: "),
    ),
    Scenario("failure-in-load", "hivestr", failing_in("load")),
    Scenario("sigterm-in-extract", "hivestr", signalled(signal.SIGTERM)),
]
CASES = [
    pytest.param(s, d, id=f"{d}-{s}", marks=[pytest.mark.postgres] if d == "postgres" else [])
    for s in SCENARIOS
    for d in s.destinations
]


@pytest.fixture
def scenario(request) -> Scenario:
    return request.param


@pytest.fixture
def sim_config(scenario) -> dict:
    return scenario.sim_config if scenario.system == "ploomes" else {}


@pytest.fixture
def hivestr_config(scenario) -> dict:
    return scenario.sim_config if scenario.system == "hivestr" else {}


@pytest.fixture
def harness(scenario, request, warehouse, tmp_path, monkeypatch) -> Iterator[Harness]:
    # Backoff in hundredths of a second: what is tested is that a retry happens and succeeds, not how long it waits.
    quick = functools.partial(RetryPolicy, backoff_base=0.01)
    for module in ("sources.ploomes.client", "sources.hivestr.client"):
        monkeypatch.setattr(f"{module}.RetryPolicy", quick)
    sim = request.getfixturevalue(f"{scenario.system}_sim")
    run = request.getfixturevalue(f"run_{scenario.system}")
    h = Harness(scenario.system, sim, warehouse, run, tmp_path, monkeypatch)
    h.tables = IN_PROCESS_TABLES if scenario.system == "ploomes" else None
    yield h
    for cleanup in reversed(h.cleanups):
        cleanup()


@pytest.mark.parametrize(("scenario", "destination"), CASES, indirect=["scenario"])
def test_the_warehouse_converges_to_the_source(scenario, harness):
    if not scenario.disturb(harness):
        assert harness.sync(), "the clean sync after the fault did not complete"
    harness.assert_matches_source()
