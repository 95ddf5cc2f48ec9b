"""The ERP source's pure parts: the tolerant reader (every form the contract's loose samples allow gives the same
typed value), CPF/CNPJ validation, which clients a run looks up, the path settings, and the table texts."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from sources.erp import ALL_TABLES
from sources.erp.client import checked_paths, filled
from sources.erp.descriptions import TABLES, table_text
from sources.erp.entities import CLIENTS, INSTALLATION_SERVICES, INSTALLATIONS, LISTS
from sources.erp.registers import valid_register
from sources.erp.selection import DAY_SECONDS, ClientBook
from sources.erp.values import (
    BOOLEAN,
    DATE,
    DECIMAL,
    MONEY,
    TEXT,
    ShapeError,
    first_present,
    list_items,
    parse_timestamp,
    record_or_none,
    typed_row,
    typed_value,
)

PRODUCT = {"id_servico": "1", "nome": "Fibra 300 Mega", "valor": "99,90"}


@pytest.mark.parametrize(
    "body",
    [
        [PRODUCT],  # a top-level array
        {"dados": [PRODUCT]},  # an object wrapping one array
        {"data": [PRODUCT], "total": 1},  # ... with a count beside it
        PRODUCT,  # a list of one as the bare object
        {"dados": PRODUCT},  # a wrapped single object
    ],
)
def test_a_list_response_in_any_shape_gives_its_records(body):
    assert list_items(body) == [PRODUCT]


@pytest.mark.parametrize("body", [None, [], {}, {"dados": []}])
def test_an_empty_list_in_any_shape_is_empty(body):
    assert list_items(body) == []


def test_a_single_installation_with_its_services_list_is_one_record_not_a_wrapper():
    installation = {"id_instalacao": "9", "servicos": [{"id_servico": "1"}]}
    assert list_items(installation) == [installation]


@pytest.mark.parametrize("body", ["text", 12])
def test_a_response_holding_no_records_is_a_shape_error(body):
    with pytest.raises(ShapeError):
        list_items(body)


def test_items_that_are_not_objects_are_left_to_the_caller_to_report():
    assert list_items([PRODUCT, "stray"]) == [PRODUCT, "stray"]
    with pytest.raises(ShapeError):
        record_or_none(["not a client"])


@pytest.mark.parametrize("body", [None, {}, [], {"id_cliente": "", "nome": "", "cnpj_cpf": ""}, {"dados": []}])
def test_a_client_the_erp_does_not_know_is_none_in_every_form(body):
    assert record_or_none(body) is None


def test_a_client_found_is_its_record_in_every_form():
    client = {"id_cliente": "7", "nome": "Ana"}
    for body in (client, [client], {"dados": client}, {"dados": [client]}):
        assert record_or_none(body) == client


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("R$ 1.234,56", Decimal("1234.56")),
        ("1.234.567", Decimal("1234567")),
        (1234.56, Decimal("1234.56")),
        (1234, Decimal("1234")),
        ("-10,5", Decimal("-10.5")),
    ],
)
def test_money_in_every_notation_is_the_same_decimal(value, expected):
    assert typed_value(value, MONEY) == (expected, True)


@pytest.mark.parametrize("value", ["-23,5505", "-23.5505", -23.5505])
def test_coordinates_in_either_notation_are_the_same_float(value):
    assert typed_value(value, DECIMAL) == (-23.5505, True)


@pytest.mark.parametrize("value", ["01/02/1990", "1/2/1990", "1990-02-01", "1990-02-01T00:00:00-03:00"])
def test_dates_dd_mm_aaaa_or_iso_are_the_same_date(value):
    assert typed_value(value, DATE) == (date(1990, 2, 1), True)


def test_a_timestamp_without_an_offset_is_brasilia_time():
    assert parse_timestamp("01/02/2024 10:00") == datetime(2024, 2, 1, 13, 0, tzinfo=timezone.utc)
    assert parse_timestamp("2024-02-01T10:00:00Z") == datetime(2024, 2, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("value", "expected"), [("S", True), ("N", False), ("s", True), (True, True), (False, False)])
def test_s_n_and_json_booleans_are_booleans(value, expected):
    assert typed_value(value, BOOLEAN) == (expected, True)


@pytest.mark.parametrize("kind", [TEXT, MONEY, DATE, BOOLEAN, DECIMAL, None])
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_blank_is_null_whatever_the_kind(kind, blank):
    assert typed_value(blank, kind) == (None, True)


def test_text_columns_get_text_whatever_the_erp_sent():
    assert typed_value(17, TEXT) == ("17", True)
    assert typed_value(17.0, TEXT) == ("17", True)
    assert typed_value(" 17 ", TEXT) == ("17", True)


def test_a_value_that_does_not_fit_its_kind_is_kept_as_text_and_reported():
    row, misfits = typed_row({"id_servico": "1", "valor": "a combinar"}, {"id_servico": TEXT, "valor": MONEY})
    assert row == {"id_servico": "1", "valor": "a combinar"}
    assert [(m.column, m.value, m.kind) for m in misfits] == [("valor", "a combinar", MONEY)]
    line = misfits[0].describe("products", "1")
    assert "products" in line and "record 1" in line and "column valor" in line


def test_unknown_fields_are_kept_and_contract_names_become_dlt_column_names():
    row, misfits = typed_row({"Sexo": "F", "codigo_integracao": "X1"}, CLIENTS.column_kinds)
    assert row == {"sexo": "F", "codigo_integracao": "X1"}
    assert misfits == []


def test_the_first_key_present_is_the_citys_key():
    assert first_present(
        {"id_tipo_de_atendimento": "3", "codigo_ibge": "35"}, ("id_cidade", "id_tipo_de_atendimento")
    ) == (
        "id_tipo_de_atendimento",
        "3",
    )
    assert first_present({"id_cidade": "", "codigo_ibge": "35"}, ("id_cidade", "codigo_ibge")) == ("codigo_ibge", "35")
    assert first_present({}, ("id_cidade",)) == (None, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123.456.789-09", "12345678909"),
        ("12345678909", "12345678909"),
        ("11.222.333/0001-81", "11222333000181"),
        ("000.000.001-91", "00000000191"),
        ("123.456.789-00", None),  # wrong check digits
        ("111.111.111-11", None),  # one digit repeated: valid arithmetic, never issued
        ("1234567890", None),  # 10 digits
        ("11.222.333/0001-80", None),
        ("", None),
        (None, None),
    ],
)
def test_only_cpf_and_cnpj_with_valid_check_digits_are_registers(value, expected):
    assert valid_register(value) == expected


NOW = 1_000 * DAY_SECONDS


def test_changed_contacts_are_looked_up_even_when_fresh_but_unknown_ones_wait():
    state: dict = {}
    book = ClientBook(state)
    book.read("11111111111", "1", NOW - DAY_SECONDS)  # read yesterday
    book.not_known("22222222222", NOW - DAY_SECONDS)
    book.changed_in_crm(["11111111111", "22222222222", "33333333333"], "1700000000.5")
    assert book.due([], NOW, refresh_days=7, retry_days=30) == ["11111111111", "33333333333"]
    assert state["crm_load_id"] == "1700000000.5"
    assert "22222222222" not in state["pending"]  # settled for this run: its contact changing changes nothing


def test_known_clients_are_refreshed_and_unknown_ones_retried_once_old_enough():
    book = ClientBook({})
    book.read("11111111111", "1", NOW - 7 * DAY_SECONDS)
    book.read("44444444444", "4", NOW - 6 * DAY_SECONDS)
    book.not_known("22222222222", NOW - 30 * DAY_SECONDS)
    book.not_known("55555555555", NOW - 29 * DAY_SECONDS)
    assert book.due([], NOW, refresh_days=7, retry_days=30) == ["11111111111", "22222222222"]


def test_configured_registers_are_looked_up_once_then_on_the_schedule():
    book = ClientBook({})
    assert book.due(["11111111111"], NOW, 7, 30) == ["11111111111"]
    book.read("11111111111", "1", NOW)
    assert book.due(["11111111111"], NOW + DAY_SECONDS, 7, 30) == []


def test_a_register_stays_pending_until_looked_up():
    state: dict = {}
    ClientBook(state).changed_in_crm(["11111111111"], "1")
    assert ClientBook(state).due([], NOW, 7, 30) == ["11111111111"]  # a run that stopped before it: asked again
    book = ClientBook(state)
    book.read("11111111111", "1", NOW)
    assert state["pending"] == []


def test_default_paths_and_overrides():
    paths = checked_paths({"products": "/v2/produtos"})
    assert paths["products"] == "/v2/produtos" and paths["clients"] == "/clientes/{cnpj_cpf}"
    assert filled(paths["invoices"], id_cliente="a/b") == "/clientes/a%2Fb/faturas"


@pytest.mark.parametrize(
    ("paths", "named"),
    [
        ({"clients": "/clientes"}, "sources.erp.paths.clients"),
        ({"invoices": "/faturas/{cnpj_cpf}"}, "sources.erp.paths.invoices"),
        ({"products": "/produtos/{id}"}, "sources.erp.paths.products"),
        ({"products": "https://other.host/produtos"}, "sources.erp.paths.products"),
        ({"products": ""}, "sources.erp.paths.products"),
        ({"produtos": "/produtos"}, "[sources.erp.paths] has no setting produtos"),
    ],
)
def test_a_bad_path_setting_is_one_line_naming_it(paths, named):
    with pytest.raises(ValueError) as raised:
        checked_paths(paths)
    assert named in str(raised.value) and "\n" not in str(raised.value)


def test_every_table_and_declared_column_is_described():
    missing = {}
    for entity in (*LISTS, CLIENTS, INSTALLATIONS, INSTALLATION_SERVICES):
        text = table_text(entity.table)
        missing[entity.table] = [column for column in entity.column_kinds if not text.columns.get(column)]
    assert {table: columns for table, columns in missing.items() if columns} == {}
    assert set(TABLES) == set(ALL_TABLES)
