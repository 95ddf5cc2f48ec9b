"""Schema drift: the CRM's fields and the API's attributes change between runs; every run succeeds, columns evolve as
README says, and rows already loaded keep what they held.

Added, renamed and deleted Ploomes fields are covered in test_ploomes_pipeline.py and test_ploomes_runs.py; here: a
field changing type, an option renamed or removed, and Hivestr attributes appearing in or vanishing from responses.
Each scenario changes several things between two runs: a run costs more than an assertion.
"""

from __future__ import annotations

import pytest

CONTACT_TABLES = ["contacts", "custom_fields", "field_options"]
TEXT_TYPES = ("varchar", "text", "character varying")  # DuckDB, Postgres


@pytest.fixture
def hivestr_config() -> dict:
    return {"scale": 40}


def holders(sim, field_key: str) -> list[dict]:
    """The contacts holding a value of the field, with their items of it."""
    found = []
    for contact in sim.records("Contacts"):
        items = [i for i in contact["OtherProperties"] if i["FieldKey"] == field_key]
        if items:
            found.append({**contact, "items": items})
    return found


def row(warehouse, table: str, record_id, columns: str = "*") -> dict:
    key = f"'{record_id}'" if isinstance(record_id, str) else record_id
    return warehouse.query(f"select {columns} from {warehouse.dataset}.{table} where id = {key}")[0]


def test_a_field_changing_type_and_options_renamed_or_removed(run_ploomes, ploomes_sim, warehouse):
    """A field's type changes (text to integer): its values go to dlt's variant column `<column>__v_bigint`, and the
    text column keeps its type and what it held. An option renamed or removed shows in rows read later only."""
    fields = {f["Name"]: f for f in ploomes_sim.fields("Contacts")}
    code, status = fields["Código ERP"], fields["Situação"]
    run_ploomes(tables=CONTACT_TABLES)
    text_column = row(warehouse, "custom_fields", code["Id"], "columns")["columns"]
    status_id, status_val = row(warehouse, "custom_fields", status["Id"], "columns")["columns"].split(", ")
    assert warehouse.columns("contacts")[text_column] in TEXT_TYPES
    untouched, retyped = holders(ploomes_sim, code["Key"])[:2]
    by_option: dict[int, list[dict]] = {}
    for contact in holders(ploomes_sim, status["Key"]):
        if contact["Id"] in (untouched["Id"], retyped["Id"]):
            continue  # each contact tells one story
        by_option.setdefault(contact["items"][0]["ObjectValueId"], []).append(contact)
    (renamed, renamed_holders), (removed, removed_holders) = [
        (option, people) for option, people in by_option.items() if len(people) >= 2
    ][:2]
    old_label = renamed_holders[0]["items"][0]["ObjectValueName"]

    ploomes_sim.retype_field(code["Key"], "Integer")
    ploomes_sim.rename_option(renamed, "Reativado")
    ploomes_sim.delete_option(removed)
    others = [i for i in retyped["OtherProperties"] if i["FieldKey"] != code["Key"]]
    ploomes_sim.update(
        "Contacts", retyped["Id"], {"OtherProperties": [*others, {"FieldKey": code["Key"], "IntegerValue": 4242}]}
    )
    for contact in (renamed_holders[0], removed_holders[0]):
        ploomes_sim.update("Contacts", contact["Id"], {"Name": f"{contact['Name']} (revisto)"})
    run_ploomes(tables=CONTACT_TABLES)

    variant = f"{text_column}__v_bigint"
    assert warehouse.columns("contacts")[variant] == "bigint"
    assert warehouse.columns("contacts")[text_column] in TEXT_TYPES
    assert row(warehouse, "contacts", retyped["Id"], f"{text_column}, {variant}") == {text_column: None, variant: 4242}
    # a row not read again keeps the text it was loaded with
    kept = row(warehouse, "contacts", untouched["Id"], f"{text_column}, {variant}")
    assert kept == {text_column: untouched["items"][0]["StringValue"], variant: None}
    reported = row(warehouse, "custom_fields", code["Id"], "native_type, columns")
    assert reported == {"native_type": "Integer", "columns": variant}

    def status_of(contact: dict) -> tuple:
        got = row(warehouse, "contacts", contact["Id"], f"{status_id}, {status_val}")
        return got[status_id], got[status_val]

    assert status_of(renamed_holders[0]) == (renamed, "Reativado")
    assert status_of(renamed_holders[1]) == (renamed, old_label)
    assert status_of(removed_holders[0]) == (None, None)
    assert status_of(removed_holders[1])[0] == removed
    options = {r["id"]: r["name"] for r in warehouse.rows("field_options")}
    assert options[renamed] == "Reativado" and removed not in options


def test_hivestr_attributes_appearing_and_vanishing(run_hivestr, hivestr_sim, warehouse):
    run_hivestr(tables=["clients", "pipeline_deals"])
    clients = list(hivestr_sim.records("clients"))
    with_zip_code = [c for c in clients if c.get("zip_code")]
    changed, untouched = with_zip_code[0], with_zip_code[1]

    hivestr_sim.add_attribute("clients", "segment", lambda record: f"segmento-{record['id'][:4]}")
    hivestr_sim.remove_attribute("clients", "zip_code")
    hivestr_sim.add_attribute("deals", "probability", 35)
    hivestr_sim.update("clients", changed["id"], {"name": "Cliente Revisto"})
    report = run_hivestr(tables=["clients", "pipeline_deals"])

    assert {"segment", "zip_code"} <= set(warehouse.columns("clients"))
    assert row(warehouse, "clients", changed["id"], "segment, zip_code") == {
        "segment": f"segmento-{changed['id'][:4]}",
        "zip_code": None,
    }
    # clients are re-read when their updated_at moves: the others keep what they held until then
    assert row(warehouse, "clients", untouched["id"], "segment, zip_code") == {
        "segment": None,
        "zip_code": untouched["zip_code"],
    }
    assert report.tables["clients"].rows == 1
    # deals are recognised by a hash of their list row: a new attribute changes every hash, so all are re-read
    deals = list(hivestr_sim.records("deals"))
    assert report.tables["pipeline_deals"].rows == len(deals)
    probabilities = warehouse.query(f"select distinct probability from {warehouse.dataset}.pipeline_deals")
    assert probabilities == [{"probability": 35}]
