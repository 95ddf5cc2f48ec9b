"""Fixtures for loopback tests: a served simulator, a warehouse (DuckDB and Postgres), and a pipeline runner."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.common import RunOptions
from sources.report import SyncReport
from tests.integration.warehouse import Warehouse

TEST_KEY = "test-user-key-7f3a9c"
FAST = 100_000  # requests per minute: tests measure correctness, `make bench` measures speed
Runner = Callable[..., SyncReport]


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def destination(request) -> str:
    return request.param


@pytest.fixture
def warehouse(destination, tmp_path, request, monkeypatch) -> Iterator[Warehouse]:
    dataset = "ploomes"
    if destination == "postgres":
        dsn = request.getfixturevalue("postgres_dsn")
        monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", dsn)
        # one schema per test run so parallel runs and reruns never see each other's tables
        dataset = f"ploomes_{uuid.uuid4().hex[:8]}"
        store = Warehouse("postgres", dataset, postgres_dsn=dsn)
    else:
        store = Warehouse("duckdb", dataset, duckdb_path=tmp_path / "warehouse.duckdb")
    yield store
    store.drop_dataset()


@pytest.fixture
def sim_config() -> dict:
    """Extra PloomesConfig settings; a test overrides it with @pytest.mark.parametrize("sim_config", [...])."""
    return {}


@pytest.fixture
def ploomes_sim(sim_config):
    from simulators.ploomes import PloomesConfig, PloomesSimulator

    settings = {"scale": 300, "seed": 11, "api_keys": (TEST_KEY,), "rate_limit_per_minute": None}
    config = PloomesConfig(**{**settings, **sim_config})
    sim = PloomesSimulator(config)
    with sim.serve() as base_url:
        sim.base_url = base_url
        yield sim


def run_options(warehouse: Warehouse, pipelines_dir: Path, **overrides) -> RunOptions:
    """Options for a quiet run into `warehouse`, its pipeline kept in `pipelines_dir`; no dbt build after it
    unless `analytics=True` (tests/integration/test_analytics.py)."""
    return RunOptions(
        destination=warehouse.destination,
        duckdb_path=warehouse.duckdb_path or pipelines_dir / "unused.duckdb",
        pipelines_dir=str(pipelines_dir),
        dataset_name=warehouse.dataset,
        progress=False,
        **{"analytics": False, **overrides},
    )


def make_runner(pipeline_module, warehouse: Warehouse, pipelines_dir: Path, source_settings: dict) -> Runner:
    """run(**RunOptions overrides, source={settings}) of `pipeline_module`'s run_pipeline into `warehouse`."""

    def run(**overrides) -> SyncReport:
        extra = {**source_settings, **overrides.pop("source", {})}
        return pipeline_module.run_pipeline(run_options(warehouse, pipelines_dir, extra=extra, **overrides))

    return run


def ploomes_settings(sim) -> dict:
    return {"api_key": TEST_KEY, "base_url": sim.base_url, "rate_limit_per_minute": FAST}


def hivestr_settings(sim) -> dict:
    return {
        "api_key": sim.api_key,
        "api_secret": sim.api_secret,
        "base_url": sim.base_url,
        "requests_per_hour": 1_000_000,
    }


@pytest.fixture
def run_ploomes(warehouse, ploomes_sim, tmp_path) -> Runner:
    """Run pipelines/ploomes_pipeline.py's run() against the simulator; returns the run's SyncReport."""
    from pipelines import ploomes_pipeline

    return make_runner(ploomes_pipeline, warehouse, tmp_path / "pipelines", ploomes_settings(ploomes_sim))


@pytest.fixture
def hivestr_config() -> dict:
    """Extra HivestrConfig settings; a test overrides it with @pytest.mark.parametrize("hivestr_config", [...])."""
    return {}


class StillClock:
    """The Hivestr simulator's "now", standing still unless a test moves it. Reminders and deals' task counts
    follow the clock: on a running one a task falls due between the load and the comparison now and then."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def hivestr_sim(hivestr_config):
    """A served Hivestr simulator on a StillClock; a test that needs time to pass (tokens expiring, the hourly
    budget's window) sets {"clock": time.time} in hivestr_config."""
    from simulators.hivestr import HivestrConfig, HivestrSimulator

    key, secret = f"hvstr_{uuid.uuid4().hex[:12]}", f"secret-{uuid.uuid4().hex}"
    settings = {"scale": 120, "seed": 5, "credentials": ((key, secret),), "requests_per_hour": None}
    settings["clock"] = StillClock()
    sim = HivestrSimulator(HivestrConfig(**{**settings, **hivestr_config}))
    with sim.serve() as base_url:
        sim.base_url = base_url  # already ends in /api/v1
        yield sim


@pytest.fixture
def run_hivestr(warehouse, hivestr_sim, tmp_path) -> Runner:
    """Run pipelines/hivestr_pipeline.py's run() against the simulator (dataset hivestr...); returns its SyncReport."""
    from pipelines import hivestr_pipeline

    warehouse.dataset = warehouse.dataset.replace("ploomes", "hivestr")
    return make_runner(hivestr_pipeline, warehouse, tmp_path / "pipelines", hivestr_settings(hivestr_sim))


@pytest.fixture
def erp_config() -> dict:
    """Extra ErpConfig settings; a test overrides it with @pytest.mark.parametrize("erp_config", [...])."""
    return {}


def crm_registers(ploomes_sim, every: int = 2) -> tuple[str, ...]:
    """Every `every`-th CPF/CNPJ of the Ploomes simulator's contacts, as Ploomes formats them: the ERP knows some
    of the CRM's customers, not all."""
    registers = [contact["Register"] for contact in ploomes_sim.records("Contacts") if contact["Register"]]
    return tuple(registers[::every])


@pytest.fixture
def erp_sim(request, erp_config):
    """A served ERP simulator: small lists, a budget no test reaches, its clock standing still (a test of the
    budget sets {"requests_per_window": N} and moves time: sim.config.clock.advance(seconds)). When the test also
    uses ploomes_sim, the ERP's clients include every other Ploomes contact's CPF/CNPJ, plus `extra_clients` the CRM
    does not have."""
    from simulators.erp import ErpConfig, ErpSimulator

    uses_crm = "ploomes_sim" in request.fixturenames
    settings = {
        "seed": 5,
        "registers": crm_registers(request.getfixturevalue("ploomes_sim")) if uses_crm else (),
        "extra_clients": 8,
        "token": f"erp-{uuid.uuid4().hex}",
        "requests_per_window": FAST,
        "clock": StillClock(),
    }
    sim = ErpSimulator(ErpConfig(**{**settings, **erp_config}))
    with sim.serve() as base_url:
        sim.base_url = base_url  # already ends in /api
        yield sim


def erp_settings(sim, crm_dataset: str) -> dict:
    return {
        "token": sim.config.token,
        "base_url": sim.base_url,
        "requests_per_minute": FAST,
        "crm_dataset": crm_dataset,
    }


@pytest.fixture
def erp_warehouse(warehouse) -> Iterator[Warehouse]:
    """The ERP's dataset (erp...) in the same warehouse as `warehouse`, whose dataset (ploomes...) is the CRM's."""
    store = replace(warehouse, dataset=warehouse.dataset.replace("ploomes", "erp"))
    yield store
    store.drop_dataset()


@pytest.fixture
def run_erp(erp_warehouse, warehouse, erp_sim, tmp_path) -> Runner:
    """Run pipelines/erp_pipeline.py's run() against the ERP simulator into `erp_warehouse`, its clients found from
    the contacts in `warehouse` (load them first with run_ploomes); returns the run's SyncReport."""
    from pipelines import erp_pipeline

    return make_runner(erp_pipeline, erp_warehouse, tmp_path / "pipelines", erp_settings(erp_sim, warehouse.dataset))
