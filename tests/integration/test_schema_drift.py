"""Schema drift: the CRM's fields and the API's attributes change between runs; every run succeeds, columns evolve as
README says, and rows already loaded keep what they held.

Added, renamed and deleted Ploomes fields are covered in test_ploomes_pipeline.py and test_ploomes_runs.py; here: a
field changing type, an option renamed or removed, and Hivestr attributes appearing in or vanishing from responses.
"""

from __future__ import annotations

import pytest

CONTACT_TABLES = ["contacts", "custom_fields", "field_options"]
TEXT_TYPES = ("varchar", "text", "character varying")  # DuckDB, Postgres


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


def test_a_field_changing_type_writes_a_typed_variant_column_and_keeps_loaded_values(
    run_ploomes, ploomes_sim, warehouse
):
    field = next(f for f in ploomes_sim.fields("Contacts") if f["Name"] == "Código ERP")
    run_ploomes(tables=CONTACT_TABLES)
    base = row(warehouse, "custom_fields", field["Id"], "columns")["columns"]
    assert warehouse.columns("contacts")[base] in TEXT_TYPES
    untouched, changed = holders(ploomes_sim, field["Key"])[:2]

    ploomes_sim.retype_field(field["Key"], "Integer")
    others = [i for i in changed["OtherProperties"] if i["FieldKey"] != field["Key"]]
    ploomes_sim.update(
        "Contacts", changed["Id"], {"OtherProperties": [*others, {"FieldKey": field["Key"], "IntegerValue": 4242}]}
    )
    run_ploomes(tables=CONTACT_TABLES)

    variant = f"{base}__v_bigint"
    assert warehouse.columns("contacts")[variant] == "bigint"
    assert warehouse.columns("contacts")[base] in TEXT_TYPES
    assert row(warehouse, "contacts", changed["Id"], f"{base}, {variant}") == {base: None, variant: 4242}
    # a row not read again keeps the text it was loaded with
    kept = row(warehouse, "contacts", untouched["Id"], f"{base}, {variant}")
    assert kept == {base: untouched["items"][0]["StringValue"], variant: None}
    reported = row(warehouse, "custom_fields", field["Id"], "native_type, columns")
    assert reported == {"native_type": "Integer", "columns": variant}

    # a third run with no change keeps both columns as they are
    run_ploomes(tables=CONTACT_TABLES)
    assert row(warehouse, "contacts", changed["Id"], variant)[variant] == 4242


def test_a_renamed_or_removed_option_shows_in_rows_read_later_only(run_ploomes, ploomes_sim, warehouse):
    field = next(f for f in ploomes_sim.fields("Contacts") if f["Name"] == "Situação")
    run_ploomes(tables=CONTACT_TABLES)
    base = row(warehouse, "custom_fields", field["Id"], "columns")["columns"].split(", ")[0].removesuffix("_id")
    by_option: dict[int, list[dict]] = {}
    for contact in holders(ploomes_sim, field["Key"]):
        by_option.setdefault(contact["items"][0]["ObjectValueId"], []).append(contact)
    (renamed, renamed_holders), (removed, removed_holders) = [
        (option, people) for option, people in by_option.items() if len(people) >= 2
    ][:2]
    old_label = renamed_holders[0]["items"][0]["ObjectValueName"]

    ploomes_sim.rename_option(renamed, "Reativado")
    ploomes_sim.delete_option(removed)
    for contact in (renamed_holders[0], removed_holders[0]):
        ploomes_sim.update("Contacts", contact["Id"], {"Name": f"{contact['Name']} (revisto)"})
    run_ploomes(tables=CONTACT_TABLES)

    columns = f"{base}_id, {base}_val"
    assert row(warehouse, "contacts", renamed_holders[0]["Id"], columns) == {
        f"{base}_id": renamed,
        f"{base}_val": "Reativado",
    }
    assert row(warehouse, "contacts", renamed_holders[1]["Id"], columns)[f"{base}_val"] == old_label
    assert row(warehouse, "contacts", removed_holders[0]["Id"], columns) == {f"{base}_id": None, f"{base}_val": None}
    assert row(warehouse, "contacts", removed_holders[1]["Id"], columns)[f"{base}_id"] == removed
    options = {r["id"]: r["name"] for r in warehouse.rows("field_options")}
    assert options[renamed] == "Reativado" and removed not in options


def test_hivestr_attributes_appearing_and_vanishing(run_hivestr, hivestr_sim, warehouse):
    run_hivestr(tables=["clients", "pipeline_deals"])
    clients = list(hivestr_sim.records("clients"))
    with_website = [c for c in clients if c.get("zip_code")]
    changed, untouched = with_website[0], with_website[1]

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


@pytest.fixture
def hivestr_config() -> dict:
    return {"scale": 40}
