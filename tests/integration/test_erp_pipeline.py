"""The ERP pipeline over loopback HTTP against the ERP simulator, into real DuckDB and Postgres.

Its clients are found from the CRM: the Ploomes pipeline loads the Ploomes simulator's contacts first, and the ERP
simulator knows every other contact's CPF/CNPJ plus a few the CRM does not have (tests/integration/conftest.py). Every
figure a test expects comes from the simulators (their truth and request logs), never from the connector.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from pipelines import erp_pipeline
from sources.erp.entities import CLIENTS, INSTALLATION_SERVICES, INSTALLATIONS, LISTS_BY_TABLE
from sources.erp.registers import valid_register
from sources.erp.values import TEXT, as_text, column_name
from sources.http import ManualClock
from tests.integration.test_documentation import assert_commented_as_described

# What requests a run makes happens before the load step: it does not depend on the destination.
SOURCE_ONLY = pytest.mark.parametrize("destination", ["duckdb"])
LIST_TABLES = tuple(LISTS_BY_TABLE)
ENTITIES = {**LISTS_BY_TABLE, "clients": CLIENTS, "installations": INSTALLATIONS}
ENTITIES["installation_services"] = INSTALLATION_SERVICES
LIST_REQUESTS = len(LIST_TABLES)  # one request per list


def crm_registers(ploomes_sim) -> set[str]:
    """The CPF/CNPJs (digits) of the CRM's contacts that are valid."""
    return {r for c in ploomes_sim.records("Contacts") if (r := valid_register(c["Register"]))}


def expected_value(table: str, column: str, value: Any) -> Any:
    """A truth value as its declared column holds it: ids and other text columns as text, the rest as typed."""
    if value is None:
        return None
    if ENTITIES[table].column_kinds.get(column, TEXT) == TEXT:
        return as_text(value)
    if isinstance(value, float):
        return round(value, 6)
    return value


def loaded_value(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, datetime):
        return value.date()
    return value


def truth_rows(erp_sim, table: str, clients: set[str] | None = None) -> list[dict[str, Any]]:
    """The simulator's rows of `table` as the warehouse should hold them; for clients and their children, of the
    clients whose id_cliente is in `clients`."""
    rows = []
    for record in erp_sim.truth(table):
        row = {column_name(k): expected_value(table, column_name(k), v) for k, v in record.items()}
        if clients is not None and table != "installation_services" and row.get("id_cliente") not in clients:
            continue
        rows.append(row)
    if table == "installation_services" and clients is not None:
        installations = {r["id_instalacao"] for r in truth_rows(erp_sim, "installations", clients)}
        rows = [row for row in rows if row["id_instalacao"] in installations]
    return rows


def assert_table_matches(erp_warehouse, erp_sim, table: str, clients: set[str] | None = None) -> None:
    """Every row the truth has, with every field it shows; no other row; the columns the truth does not show (the
    other spelling's, declared) are empty."""
    truth = truth_rows(erp_sim, table, clients)
    loaded = [
        {k: loaded_value(v) for k, v in row.items() if not k.startswith("_dlt")}
        for row in erp_warehouse.query(f"select * from {erp_warehouse.dataset}.{table}")
    ]
    fields = sorted({field for row in truth for field in row})
    assert sorted(_projected(loaded, fields)) == sorted(_projected(truth, fields)), table
    derived = {"id_cidade", "id_cliente", "id"}  # the city's key, the services' client and key
    for row in loaded:
        leftover = {k: v for k, v in row.items() if k not in fields and k not in derived and v is not None}
        assert not leftover, f"{table}: columns the ERP did not send hold values: {leftover}"


def _projected(rows: list[dict[str, Any]], fields: list[str]) -> list[tuple[str, ...]]:
    return [tuple(repr(_comparable(row.get(field))) for field in fields) for row in rows]


def _comparable(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value  # 29.90 as 29.900000000 (decimal(38,9))


def looked_up_clients(erp_sim, registers: set[str]) -> set[str]:
    """The id_cliente (text) of the ERP's clients whose CPF/CNPJ is in `registers`."""
    return {str(c["id_cliente"]) for r, c in erp_sim.clients_by_register().items() if r in registers}


def assert_erp_matches(erp_warehouse, erp_sim, registers: set[str]) -> None:
    clients = looked_up_clients(erp_sim, registers)
    assert clients, "the test needs clients in common between the CRM and the ERP"
    with erp_warehouse.reading():
        for table in LIST_TABLES:
            assert_table_matches(erp_warehouse, erp_sim, table)
        for table in ("clients", "installations", "installation_services"):
            assert_table_matches(erp_warehouse, erp_sim, table, clients)


def test_a_load_after_the_crm_matches_the_erp_for_the_crm_contacts(
    run_ploomes, run_erp, ploomes_sim, erp_sim, erp_warehouse, tmp_path
):
    run_ploomes(tables=["contacts"])
    report = run_erp()
    assert not report.failed and not report.skipped, report.failed
    registers = crm_registers(ploomes_sim)
    assert_erp_matches(erp_warehouse, erp_sim, registers)
    # the ERP's own clients the CRM does not have were not looked up
    assert erp_warehouse.count("clients") < len(erp_sim.truth("clients"))
    columns = erp_warehouse.columns("clients")
    assert columns["data_nascimento"] == "date" and columns["ativo"] == "boolean"
    assert columns["id_cliente"] in ("varchar", "text", "character varying")
    assert erp_warehouse.columns("products")["valor"].startswith(("decimal", "numeric"))
    # one request per list, one per valid CPF/CNPJ, one more (its invoices) per client found
    found = len(looked_up_clients(erp_sim, registers))
    assert erp_sim.request_log.count() == LIST_REQUESTS + len(registers) + found
    # every table and column described, in the schema and as the warehouse's comments
    assert_commented_as_described(erp_warehouse, "erp", tmp_path / "pipelines")


@SOURCE_ONLY
def test_a_quiet_second_run_makes_the_list_requests_and_lookups_for_changed_contacts_only(
    run_ploomes, run_erp, ploomes_sim, erp_sim, erp_warehouse
):
    run_ploomes(tables=["contacts"])
    run_erp()
    erp_sim.request_log.clear()
    run_erp()
    assert erp_sim.request_log.count() == LIST_REQUESTS

    known = erp_sim.clients_by_register()
    contacts = [c for c in ploomes_sim.records("Contacts") if valid_register(c["Register"])]
    in_erp = next(c for c in contacts if valid_register(c["Register"]) in known)
    not_in_erp = next(c for c in contacts if valid_register(c["Register"]) not in known)
    for contact in (in_erp, not_in_erp):
        ploomes_sim.update("Contacts", contact["Id"], {"Note": "Alterado para o teste do ERP"})
    # the ERP changes too: the known client loses its installations, another gains one
    register = valid_register(in_erp["Register"])
    for installation in erp_sim.installations_of(register):
        erp_sim.remove_installation(installation["id_instalacao"])
    erp_sim.update_client(register, email="novo@exemplo.com.br")
    run_ploomes(tables=["contacts"])
    erp_sim.request_log.clear()

    run_erp()

    # the known client and its invoices (2); the CPF/CNPJ the ERP did not know waits out unknown_retry_days
    assert erp_sim.request_log.count() == LIST_REQUESTS + 2
    assert_erp_matches(erp_warehouse, erp_sim, crm_registers(ploomes_sim))
    id_cliente = str(known[register]["id_cliente"])
    got = erp_warehouse.query(f"select email from {erp_warehouse.dataset}.clients where id_cliente = '{id_cliente}'")
    assert got == [{"email": "novo@exemplo.com.br"}]


@SOURCE_ONLY
@pytest.mark.parametrize("unknown_client", ["404", "empty_object", "empty_list", "blank"])
def test_a_cpf_the_erp_does_not_know_is_not_asked_again_until_its_retry_is_due(
    run_erp, erp_sim, erp_warehouse, unknown_client
):
    erp_sim.set_switches(unknown_client=unknown_client)
    known = next(iter(erp_sim.clients_by_register()))
    unknown = "529.982.247-25"  # valid check digits; the simulator's registers are drawn from its seed
    assert valid_register(unknown) not in erp_sim.clients_by_register()
    clock = ManualClock()
    settings = {"registers": [known, unknown], "clock": clock}

    report = run_erp(source=settings)  # no CRM loaded: a warning, and the configured registers only

    assert any("not in this warehouse" in line for line in report.warnings)
    assert erp_warehouse.count("clients") == 1
    erp_sim.request_log.clear()
    run_erp(source=settings)
    assert erp_sim.request_log.count() == LIST_REQUESTS  # neither asked again: one fresh, one unknown
    clock.advance(30 * 86_400)
    erp_sim.request_log.clear()
    run_erp(source=settings)
    # 30 days on: the unknown one retried (1), the known client refreshed with its invoices (2)
    assert erp_sim.request_log.count() == LIST_REQUESTS + 3
    assert erp_sim.request_log.count(path="/api/clientes/52998224725") == 1


SHAPES = [
    {
        "list_shape": "wrapped",
        "list_wrapper_key": "data",
        "values_as_strings": False,
        "null_as_blank": False,
        "money_format": "number",
        "date_format": "iso",
        "booleans": "json",
        "unknown_client": "blank",
    },
    {"list_shape": "single_object", "money_format": "dot", "unknown_client": "empty_list"},
]


@pytest.mark.parametrize("erp_config", [{"resellers": 1, "extra_clients": 6}])
def test_every_shape_of_the_answers_loads_the_same_warehouse(run_erp, erp_sim, erp_warehouse):
    registers = [*list(erp_sim.clients_by_register())[:4], "529.982.247-25"]
    settings = {"registers": registers}
    run_erp(source=settings)
    baseline = _contents(erp_warehouse)
    for shape in SHAPES:
        erp_sim.set_switches(**shape)
        report = run_erp(full_refresh=True, source=settings)
        assert not report.failed and not any("not a" in line for line in report.warnings), report.warnings
        assert _contents(erp_warehouse) == baseline, shape
    assert_erp_matches(erp_warehouse, erp_sim, {valid_register(r) for r in registers})


def _contents(erp_warehouse) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows as text, dlt's columns left out."""
    tables = [*LIST_TABLES, "clients", "installations", "installation_services"]
    contents = {}
    with erp_warehouse.reading():
        for table in tables:
            rows = erp_warehouse.query(f"select * from {erp_warehouse.dataset}.{table}")
            contents[table] = sorted(tuple(str(v) for k, v in row.items() if not k.startswith("_dlt")) for row in rows)
    return contents


@pytest.mark.parametrize("erp_config", [{"extra_fields": True, "cities_fields": "id_cidade"}])
def test_extra_fields_load_as_columns_and_cities_keyed_by_id_cidade(run_erp, erp_sim, erp_warehouse):
    registers = list(erp_sim.clients_by_register())[:3]
    run_erp(source={"registers": registers})
    assert "codigo_integracao" in erp_warehouse.columns("products")
    assert "codigo_integracao" in erp_warehouse.columns("installation_services")
    assert_erp_matches(erp_warehouse, erp_sim, {valid_register(r) for r in registers})
    cities = {row["id_cidade"] for row in erp_warehouse.rows("cities", order_by="id_cidade")}
    assert cities == {str(city["id_cidade"]) for city in erp_sim.truth("cities")}


@SOURCE_ONLY
def test_a_table_that_keeps_failing_leaves_the_others_loaded(run_erp, erp_sim, erp_warehouse):
    registers = list(erp_sim.clients_by_register())[:3]
    erp_sim.faults.inject("server_error", None, path="/api/produtos")
    report = run_erp(source={"registers": registers, "max_attempts": 2, "max_retry_wait_seconds": 0.1})
    assert set(report.failed) == {"products"}
    assert "products" not in erp_warehouse.tables()
    with erp_warehouse.reading():
        for table in ("resellers", "cities", "due_dates"):
            assert_table_matches(erp_warehouse, erp_sim, table)
        assert_table_matches(erp_warehouse, erp_sim, "clients", looked_up_clients(erp_sim, set(registers)))
    erp_sim.faults.clear()
    report = run_erp(source={"registers": registers})
    assert not report.failed
    assert_table_matches(erp_warehouse, erp_sim, "products")


@SOURCE_ONLY
def test_lookups_of_a_client_that_fails_leave_it_for_the_next_run(run_erp, erp_sim, erp_warehouse):
    registers = list(erp_sim.clients_by_register())[:3]
    digits = valid_register(registers[1])
    erp_sim.faults.inject("server_error", None, path=f"/api/clientes/{digits}")
    report = run_erp(source={"registers": registers, "max_attempts": 2, "max_retry_wait_seconds": 0.1})
    assert set(report.failed) == {"clients"} and erp_warehouse.count("clients") == 2
    erp_sim.faults.clear()
    erp_sim.request_log.clear()
    run_erp(source={"registers": registers})
    assert erp_sim.request_log.count() == LIST_REQUESTS + 2  # that client and its invoices, nothing else
    assert_table_matches(
        erp_warehouse, erp_sim, "clients", looked_up_clients(erp_sim, {valid_register(r) for r in registers})
    )


def _script_env(monkeypatch, tmp_path, erp_sim, **settings: str) -> list[str]:
    monkeypatch.setenv("DLT_DATA_DIR", str(tmp_path))  # keep the pipeline out of ~/.dlt
    for name in ("TOKEN", "BASE_URL", "REGISTERS", "PATHS__CLIENTS"):
        monkeypatch.delenv(f"SOURCES__ERP__{name}", raising=False)
    values = {"TOKEN": erp_sim.config.token, "BASE_URL": erp_sim.base_url, **settings}
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(f"SOURCES__ERP__{name}", raising=False)
        else:
            monkeypatch.setenv(f"SOURCES__ERP__{name}", value)
    return ["--duckdb-path", str(tmp_path / "w.duckdb")]


@pytest.mark.parametrize(
    ("settings", "argv", "code", "named"),
    [
        ({"TOKEN": None}, [], 1, "sources.erp.token"),
        ({"BASE_URL": None}, [], 1, "sources.erp.base_url"),
        ({"TOKEN": "wrong-token"}, [], 1, "sources.erp.token"),
        ({"PATHS__CLIENTS": "/clientes"}, [], 1, "sources.erp.paths.clients"),
        ({"REGISTERS": '["123.456.789-00"]'}, [], 1, "sources.erp.registers"),
        ({}, ["--since", "2024-01-01"], 2, "--since"),
        ({}, ["--tables", "contacts"], 2, "--tables"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(monkeypatch, tmp_path, erp_sim, capsys, settings, argv, code, named):
    base = _script_env(monkeypatch, tmp_path, erp_sim, **settings)
    assert erp_pipeline.main([*base, *argv]) == code
    out = capsys.readouterr()
    errors = [line for line in out.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and named in errors[0], out.err
    assert "Traceback" not in out.err and erp_sim.config.token not in out.out + out.err


def test_check_says_which_endpoints_answer(monkeypatch, tmp_path, erp_sim, capsys):
    base = _script_env(monkeypatch, tmp_path, erp_sim)
    erp_sim.faults.inject("server_error", None, path="/api/origens")
    assert erp_pipeline.main([*base, "--check"]) == 0
    lines = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines() if not line.startswith("The"))
    assert lines["products"].startswith("ok") and lines["origins"].startswith("cannot read (HTTP 503)")
    assert "404" in lines["clients"] and lines["installations"]
    assert erp_sim.request_log.count() == 9 + 1  # the origins request was tried twice


@SOURCE_ONLY
def test_a_wrong_clients_path_forgets_no_cpf_for_weeks(run_erp, erp_sim, erp_warehouse):
    # every lookup answers 404, as for CPFs the ERP does not know: before any client was ever found, that is more
    # likely a wrong path, so none is remembered as unknown
    registers = list(erp_sim.clients_by_register())[:3]
    wrong = {"clients": "/cliente/{cnpj_cpf}"}
    report = run_erp(source={"registers": registers, "paths": wrong})
    assert any("sources.erp.paths.clients" in line for line in report.warnings)
    report = run_erp(source={"registers": registers})
    assert erp_warehouse.count("clients") == 3


# 12 requests a window: the lists and a few lookups. The simulator's clock moves only when the test says.
@SOURCE_ONLY
@pytest.mark.parametrize("erp_config", [{"requests_per_window": 12, "rate_window_seconds": 1}])
def test_a_spent_request_budget_stops_cleanly_and_the_next_run_continues(run_erp, erp_sim, erp_warehouse):
    registers = list(erp_sim.clients_by_register())[:8]
    settings = {"registers": registers, "max_retry_wait_seconds": 0}
    report = run_erp(source=settings)
    assert report.resume_at is not None and not report.failed
    loaded = erp_warehouse.count("clients")
    assert loaded < len(registers)
    runs = 0
    while report.resume_at is not None and runs < 10:
        erp_sim.config.clock.advance(1)  # the simulator's window
        time.sleep(max(0.0, (report.resume_at - datetime.now(timezone.utc)).total_seconds()))  # the connector's
        report = run_erp(source=settings)
        runs += 1
    assert report.resume_at is None
    assert_erp_matches(erp_warehouse, erp_sim, {valid_register(r) for r in registers})
