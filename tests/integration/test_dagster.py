"""The Dagster definitions (orchestration/, README "Dagster"): each configured account's tables as assets in a group
of their own, materialized in-process by the scripts' own run against the simulators; schedules, retries, pools."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from orchestration import assets
from orchestration.accounts import AccountLoad
from orchestration.definitions import build_definitions
from orchestration.systems import HIVESTR, PLOOMES
from pipelines.run_lock import one_run_at_a_time
from sources.ploomes import ALL_TABLES as PLOOMES_TABLES
from tests.integration.conftest import erp_settings, hivestr_settings, ploomes_settings
from tests.integration.scripts import scratch_database
from tests.integration.test_accounts import account_simulators, contact_ids, schemas
from tests.integration.warehouse import Warehouse

PROJECT_SECRETS = Path(__file__).resolve().parents[2] / ".dlt" / "secrets.toml"


def account_env(system: str, settings: dict, account: str | None = None) -> dict[str, str]:
    """`settings` of a source as env names: the system's default account's, or `account`'s."""
    prefix = f"SOURCES__{system.upper()}__" + (f"ACCOUNTS__{account.upper()}__" if account else "")
    return {prefix + key.upper(): str(value) for key, value in settings.items()}


@pytest.fixture
def configure(monkeypatch):
    """configure(**env): the accounts the definitions see are these only, whatever the shell had set."""
    for name in [
        name for name in os.environ if name.startswith(("SOURCES__PLOOMES__", "SOURCES__HIVESTR__", "SOURCES__ERP__"))
    ]:
        monkeypatch.delenv(name)

    def set_env(**settings: str) -> None:
        for name, value in settings.items():
            monkeypatch.setenv(name, value)

    return set_env


@pytest.fixture
def loads_into(destination, tmp_path, monkeypatch, request) -> Iterator[Warehouse]:
    """The warehouse of the definitions, set as a deployment sets it (env ORCHESTRATION__...): a DuckDB file, or a
    scratch Postgres database, since the datasets are the accounts' own names."""
    monkeypatch.setenv("ORCHESTRATION__DESTINATION", destination)
    monkeypatch.setenv("ORCHESTRATION__PIPELINES_DIR", str(tmp_path / "pipelines"))
    if destination == "duckdb":
        monkeypatch.setenv("ORCHESTRATION__DUCKDB_PATH", str(tmp_path / "w.duckdb"))
        yield Warehouse("duckdb", "", duckdb_path=tmp_path / "w.duckdb")
        return
    with scratch_database(request.getfixturevalue("postgres_dsn")) as dsn:
        monkeypatch.setenv("DESTINATION__POSTGRES__CREDENTIALS", dsn)
        yield Warehouse("postgres", "", postgres_dsn=dsn)


@pytest.fixture
def one_retry(monkeypatch):
    """Failed steps are tried once more, at once: the real policy's first wait is a minute."""
    monkeypatch.setattr(assets, "RETRY_POLICY", dg.RetryPolicy(max_retries=1))


def materialize(defs: dg.Definitions, *keys: str, job: str | None = None) -> dg.ExecuteInProcessResult:
    """The assets `keys` ("ploomes/contacts"), by the job named (default: all assets' job), in this process."""
    job_def = defs.resolve_job_def(job) if job else defs.resolve_implicit_global_asset_job_def()
    selection = [dg.AssetKey.from_user_string(key) for key in keys]
    return job_def.execute_in_process(asset_selection=selection, raise_on_error=False)


def materialized(result: dg.ExecuteInProcessResult) -> dict[str, dict]:
    """Each materialized asset's metadata (of the last attempt that materialized it)."""
    return {
        event.asset_key.to_user_string(): {
            name: value.value for name, value in event.step_materialization_data.materialization.metadata.items()
        }
        for event in result.get_asset_materialization_events()
    }


def step_events(result: dg.ExecuteInProcessResult, event_type: dg.DagsterEventType) -> list[dg.DagsterEvent]:
    return [event for event in result.all_events if event.event_type == event_type]


def test_the_assets_of_both_crms_load_the_tables_selected_into_the_warehouse(
    loads_into, ploomes_sim, hivestr_sim, configure
):
    configure(
        **account_env("ploomes", ploomes_settings(ploomes_sim)), **account_env("hivestr", hivestr_settings(hivestr_sim))
    )
    result = materialize(
        build_definitions(),
        *(
            "ploomes/contacts",
            "ploomes/contact_phones",
            "ploomes/deals_history",
            "hivestr/clients",
            "hivestr/client_notes",
        ),
    )

    assert result.success
    contacts = list(ploomes_sim.records("/Contacts"))
    clients = sorted(client["id"] for client in hivestr_sim.records("clients"))
    notes = len(list(hivestr_sim.records("notes")))
    phones = sum(len(contact["Phones"]) for contact in contacts)
    deals = len(list(ploomes_sim.records("/Deals")))
    loaded = materialized(result)
    assert sorted(loaded) == [
        *("hivestr/client_notes", "hivestr/clients", "ploomes/contact_phones", "ploomes/contacts"),
        "ploomes/deals_history",  # loaded with deals, a first version of each (its asset is not selected)
    ]
    assert loaded["ploomes/deals_history"] == {"status": "done"}
    assert loaded["ploomes/contacts"]["rows"] == len(contacts) and loaded["ploomes/contacts"]["requests"] > 0
    assert loaded["ploomes/contact_phones"] == {"rows": phones, "requests": 0, "status": "done"}
    assert loaded["hivestr/clients"]["rows"] == len(clients) and loaded["hivestr/clients"]["status"] == "done"
    assert loaded["hivestr/client_notes"]["rows"] == notes
    with loads_into.reading():
        assert contact_ids(loads_into, "ploomes") == sorted(contact["Id"] for contact in contacts)
        assert loads_into.query("select count(*) as n from ploomes.contact_phones") == [{"n": phones}]
        assert [row["id"] for row in loads_into.query("select id from hivestr.clients order by id")] == clients
        assert loads_into.query("select count(*) as n from hivestr.client_notes") == [{"n": notes}]
        assert loads_into.query("select count(*) as n from ploomes.deals_history") == [{"n": deals}]
        # the script's run, not a bare pipeline.run: its sync_runs rows; and the selection only
        read = loads_into.query("select table_name from ploomes.sync_runs where table_name = 'contacts'")
        tables = loads_into.query("select table_name from information_schema.tables where table_schema = 'ploomes'")
    assert read == [{"table_name": "contacts"}]
    assert not {"leads", "orders"} & {row["table_name"] for row in tables}


@pytest.mark.parametrize("destination", ["duckdb"])
def test_the_erp_looks_up_the_contacts_of_the_crm_asset_it_depends_on(loads_into, ploomes_sim, erp_sim, configure):
    configure(
        **account_env("ploomes", ploomes_settings(ploomes_sim)), **account_env("erp", erp_settings(erp_sim, "ploomes"))
    )
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey(["erp", "clients"])).parent_keys == {dg.AssetKey(["ploomes", "contacts"])}
    assert graph.get(dg.AssetKey(["erp", "installation_services"])).parent_keys == {dg.AssetKey(["erp", "clients"])}
    assert {schedule.name: schedule.cron_schedule for schedule in defs.schedules}["erp_schedule"] == "15 * * * *"

    result = materialize(defs, "ploomes/contacts", "erp/clients", "erp/installations", "erp/products")

    assert result.success
    known = erp_sim.clients_by_register()
    crm = {"".join(filter(str.isdigit, c["Register"])) for c in ploomes_sim.records("/Contacts") if c["Register"]}
    expected = sorted(str(known[register]["id_cliente"]) for register in crm & set(known))
    loaded = materialized(result)
    assert sorted(loaded) == ["erp/clients", "erp/installations", "erp/products", "ploomes/contacts"]
    assert loaded["erp/clients"]["rows"] == len(expected) > 0
    with loads_into.reading():
        clients = loads_into.query("select id_cliente from erp.clients order by id_cliente")
        products = loads_into.query("select count(*) as n from erp.products")
    assert sorted(str(row["id_cliente"]) for row in clients) == expected
    assert products == [{"n": len(erp_sim.truth("products"))}]


@pytest.mark.parametrize("destination", ["duckdb"])
def test_each_account_is_a_group_of_its_own_loading_into_its_dataset(loads_into, configure):
    with account_simulators({"acme": (120, 31), "beta": (90, 32)}) as (settings, sims):
        configure(**settings)
        defs = build_definitions()
        groups = {spec.group_name for assets_def in defs.assets for spec in assets_def.specs}
        result = materialize(defs, "ploomes_acme/contacts", "ploomes_beta/contacts", job="ploomes_accounts")

    assert groups == {"ploomes_acme", "ploomes_beta"}
    assert result.success
    assert sorted(materialized(result)) == ["ploomes_acme/contacts", "ploomes_beta/contacts"]
    for name, sim in sims.items():
        assert contact_ids(loads_into, f"ploomes_{name}") == sorted(c["Id"] for c in sim.records("/Contacts"))
    assert "ploomes" not in schemas(loads_into)


@pytest.mark.parametrize("destination", ["duckdb"])
def test_a_failing_table_fails_the_step_which_is_retried_while_the_others_materialize(
    loads_into, ploomes_sim, configure, one_retry
):
    configure(**account_env("ploomes", ploomes_settings(ploomes_sim)))
    ploomes_sim.faults.inject("server_error", count=None, status=400, path="/Deals")
    result = materialize(build_definitions(), "ploomes/contacts", "ploomes/contact_phones", "ploomes/deals")

    assert not result.success
    assert sorted(materialized(result)) == ["ploomes/contact_phones", "ploomes/contacts"]
    assert len(step_events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY)) == 1
    [failure] = result.get_step_failure_events()
    assert failure.step_failure_data.user_failure_data.description.startswith("deals: GET ")
    assert contact_ids(loads_into, "ploomes") == sorted(c["Id"] for c in ploomes_sim.records("/Contacts"))


@pytest.mark.parametrize("destination", ["duckdb"])
def test_an_account_another_run_is_loading_fails_at_once_and_is_not_retried(
    loads_into, ploomes_sim, configure, one_retry, tmp_path
):
    configure(**account_env("ploomes", ploomes_settings(ploomes_sim)))
    with one_run_at_a_time(tmp_path / "pipelines", "ploomes"):
        result = materialize(build_definitions(), "ploomes/contacts")

    assert not result.success and not materialized(result)
    assert not step_events(result, dg.DagsterEventType.STEP_UP_FOR_RETRY)
    [failure] = result.get_step_failure_events()
    assert "pipeline ploomes is already running (pid" in failure.step_failure_data.user_failure_data.description
    assert ploomes_sim.request_log.entries() == []


def test_schedules_retries_and_a_pool_per_account(configure, monkeypatch):
    monkeypatch.setenv("ORCHESTRATION__DESTINATION", "postgres")  # DuckDB's loads share one pool (the next test)
    configure(
        SOURCES__PLOOMES__API_KEY="k",
        SOURCES__PLOOMES__ACCOUNTS__ACME__API_KEY="k2",
        SOURCES__PLOOMES__ACCOUNTS__ACME__HISTORY_TABLES='["contacts"]',
        SOURCES__HIVESTR__ACCOUNTS__NORTE__API_KEY="k3",
        SOURCES__HIVESTR__ACCOUNTS__NORTE__API_SECRET="s3",
    )
    defs = build_definitions()

    schedules = {schedule.name: (schedule.cron_schedule, schedule.job_name) for schedule in defs.schedules}
    assert schedules == {
        "ploomes_schedule": ("*/30 * * * *", "ploomes_accounts"),
        "hivestr_schedule": ("0 * * * *", "hivestr_accounts"),
    }
    graph = defs.resolve_asset_graph()
    ploomes_job = {key.path[0] for key in defs.resolve_job_def("ploomes_accounts").asset_layer.selected_asset_keys}
    assert ploomes_job == {"ploomes", "ploomes_acme"}
    ops = {assets_def.op.name: assets_def.op for assets_def in defs.assets}
    assert sorted(ops) == ["hivestr_norte", "ploomes", "ploomes_acme"]
    for name, op in ops.items():
        assert op.pool == name
        assert op.retry_policy.backoff == dg.Backoff.EXPONENTIAL and op.retry_policy.max_retries >= 1
    ploomes_tables = {key.path[1] for key in graph.get_all_asset_keys() if key.path[0] == "ploomes"}
    assert ploomes_tables >= set(PLOOMES_TABLES) | {"contact_phones"}
    assert graph.get(dg.AssetKey(["ploomes", "contact_phones"])).parent_keys == {dg.AssetKey(["ploomes", "contacts"])}
    assert graph.get(dg.AssetKey(["ploomes", "deals_history"])).parent_keys == {dg.AssetKey(["ploomes", "deals"])}
    acme_tables = {key.path[1] for key in graph.get_all_asset_keys() if key.path[0] == "ploomes_acme"}
    assert "contacts_history" in acme_tables and "deals_history" not in acme_tables  # the account's own setting
    assert graph.get(dg.AssetKey(["hivestr_norte", "client_notes"])).parent_keys == {
        dg.AssetKey(["hivestr_norte", "clients"])
    }


def test_every_account_loads_into_duckdb_in_one_pool(configure):
    configure(SOURCES__PLOOMES__API_KEY="k", SOURCES__PLOOMES__ACCOUNTS__ACME__API_KEY="k2")
    assert {assets_def.op.pool for assets_def in build_definitions().assets} == {assets.DUCKDB_POOL}


@pytest.mark.skipif(PROJECT_SECRETS.exists(), reason=".dlt/secrets.toml may configure accounts")
def test_the_definitions_load_with_no_account_configured(configure):
    defs = build_definitions()
    assert not list(defs.assets or []) and not list(defs.schedules or [])


def test_a_selected_table_that_cannot_be_read_alone_loads_with_its_parent(configure):
    ploomes, hivestr = AccountLoad(PLOOMES, None), AccountLoad(HIVESTR, None)
    selected = ["contact_phones", "deals_history", "custom_fields"]
    assert ploomes.tables_to_load(selected) == ["contacts", "custom_fields", "deals"]
    assert hivestr.tables_to_load(["client_notes"]) == ["client_notes"]  # Hivestr's --tables takes child tables
