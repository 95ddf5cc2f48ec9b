"""What only our simulator promised, made safe (issue 19): each test switches on a behaviour the real Ploomes API may
have and checks the warehouse still ends equal to the simulator, or the table is reported, never a silent loss."""

from __future__ import annotations

import functools
from urllib.parse import unquote_plus

import pytest

from sources.http import RetryPolicy
from tests.integration.compare import DLT_ROW_COLUMNS, assert_ploomes_matches


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr("sources.ploomes.client.RetryPolicy", functools.partial(RetryPolicy, backoff_base=0.01))


def change_contacts(sim, count: int = 3) -> list[int]:
    ids = [record["Id"] for record in list(sim.records("Contacts"))[:count]]
    for record_id in ids:
        sim.update("Contacts", record_id, {"Note": f"Alterado depois da primeira carga {record_id}"})
    return ids


def test_a_server_reading_z_literals_as_local_time_skips_no_update(run_ploomes, ploomes_sim, warehouse):
    """If the server read `...Z` as Brasília time, each window would start three hours after the last one ended."""
    ploomes_sim.shapes.set(["filter_literal_local"])
    run_ploomes()
    changed = change_contacts(ploomes_sim)
    report = run_ploomes()
    assert report.tables["contacts"].rows >= len(changed)
    assert_ploomes_matches(warehouse, ploomes_sim)
    literals = [e for e in ploomes_sim.request_log.entries(path="/Contacts") if "-03:00" in unquote_plus(e.query)]
    assert literals, "the second run's window was not written with an offset the server reads as meant"


def data(rows: list[dict]) -> list[dict]:
    return [{column: value for column, value in row.items() if column not in DLT_ROW_COLUMNS} for row in rows]


def test_a_lookup_that_cannot_be_read_keeps_the_rows_it_had(run_ploomes, ploomes_sim, warehouse):
    """dlt truncates a `replace` table whose read yields nothing: a refused lookup would be emptied."""
    run_ploomes()
    before = data(warehouse.rows("contact_types"))
    fields_before = warehouse.count("custom_fields")
    assert before and fields_before
    ploomes_sim.faults.inject("forbidden", count=None, path="/Contacts@Types")
    ploomes_sim.faults.inject("server_error", count=None, status=400, path="/Fields")
    report = run_ploomes(source={"max_attempts": 2})
    ploomes_sim.faults.clear()
    assert "contact_types" in report.skipped and "custom_fields" in report.failed
    assert data(warehouse.rows("contact_types")) == before
    assert warehouse.count("custom_fields") == fields_before


def test_a_custom_field_named_like_a_native_property_never_takes_its_column(run_ploomes, ploomes_sim, warehouse):
    """With null properties left out, the first record may not show `Email`: its column is still the native one."""
    contacts = list(ploomes_sim.records("Contacts"))
    email_fields = [f for f in ploomes_sim.fields("Contacts") if f["Name"].lower().replace("-", "") == "email"]
    assert email_fields, "the simulator's catalog has a contact custom field named like the Email property"
    ploomes_sim.update("Contacts", contacts[0]["Id"], {"Email": None})
    ploomes_sim.shapes.set(["nulls_omitted"])
    run_ploomes()
    columns = {row["key"]: row["columns"] for row in warehouse.rows("custom_fields")}
    assert columns[email_fields[0]["Key"]] != "email"
    assert_ploomes_matches(warehouse, ploomes_sim)
