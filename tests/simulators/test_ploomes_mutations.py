"""Changing the simulated account: records, custom fields and options, in-process and over the admin routes."""

from __future__ import annotations

import threading

import pytest

from simulators.ploomes.odata import parse_datetime
from tests.simulators.conftest import Api, make_sim

NOW = 1_800_000_000.125  # 2027-01-15T08:00:00.125Z
NOW_TEXT = "2027-01-15T05:00:00.125-03:00"


@pytest.fixture
def sim():
    return make_sim(clock=lambda: NOW)


def _changed_since(api: Api, path: str, since: str) -> list[int]:
    return [r["Id"] for r in api.values(path, filter=f"LastUpdateDate gt {since}", select="Id", orderby="Id")]


def test_update_merges_fields_and_bumps_last_update_date(sim, api):
    before = api.values("/Contacts", top=1, skip=5)[0]
    updated = sim.update("Contacts", before["Id"], {"Name": "Fulano de Tal", "Note": "Atualizado"})
    assert updated["Name"] == "Fulano de Tal" and updated["Note"] == "Atualizado"
    assert updated["Email"] == before["Email"] and updated["CreateDate"] == before["CreateDate"]
    assert updated["LastUpdateDate"] == NOW_TEXT
    assert _changed_since(api, "/Contacts", "2026-01-01T00:00:00Z") == [before["Id"]]
    fetched = api.values("/Contacts", filter=f"Id eq {before['Id']}")[0]
    assert fetched["Name"] == "Fulano de Tal" and fetched["LastUpdateDate"] == NOW_TEXT
    by_date = api.values("/Contacts", orderby="LastUpdateDate desc", top=1, select="Id")
    assert by_date == [{"Id": before["Id"]}]


def test_users_also_bump_update_date(sim):
    user = next(sim.records("Users"))
    updated = sim.update("Users", user["Id"], {"Phone": "(11) 91234-5678"})
    assert updated["UpdateDate"] == updated["LastUpdateDate"] == NOW_TEXT


def test_insert_assigns_a_higher_id_and_dates_and_delete_hides_the_record(sim, api):
    last = api.values("/Deals", orderby="Id desc", top=1, select="Id")[0]["Id"]
    created = sim.insert("Deals", {"Title": "Novo negócio", "Amount": 1234.5, "ContactId": 40_000_003})
    assert created["Id"] > last
    assert created["CreateDate"] == created["LastUpdateDate"] == NOW_TEXT
    assert created["Title"] == "Novo negócio" and created["StatusId"] is None and created["OtherProperties"] == []
    assert api.values("/Deals", orderby="Id desc", top=1, select="Id,Title") == [
        {"Id": created["Id"], "Title": "Novo negócio"}
    ]
    count = api.get("/Deals", params={"$count": "true", "$top": 0}).json()["@odata.count"]
    assert count == 151
    sim.delete("Deals", created["Id"])
    victim = api.values("/Deals", top=1)[0]["Id"]
    sim.delete("Deals", victim)
    assert api.get("/Deals", params={"$count": "true", "$top": 0}).json()["@odata.count"] == 149
    assert api.values("/Deals", filter=f"Id eq {victim}") == []
    assert victim not in {r["Id"] for r in sim.records("Deals")}
    with pytest.raises(KeyError):
        sim.update("Deals", victim, {"Title": "x"})


def test_unknown_fields_are_rejected(sim):
    with pytest.raises(ValueError, match="Nome"):
        sim.insert("Contacts", {"Nome": "x"})
    with pytest.raises(ValueError):
        sim.update("Fields", 1, {"Name": "x"})


def test_replacing_products_bumps_the_order_and_recomputes_its_amount(sim, api):
    order = next(sim.records("Orders"))
    product = next(sim.records("Products"))
    updated = sim.update(
        "Orders", order["Id"], {"Products": [{"ProductId": product["Id"], "Quantity": 2, "UnitPrice": 100.0}]}
    )
    assert updated["LastUpdateDate"] == NOW_TEXT
    assert updated["Products"] == [
        {"Id": order["Id"] * 10, "OrderId": order["Id"], "ProductId": product["Id"], "Quantity": 2.0,
         "UnitPrice": 100.0, "Discount": 0.0, "Total": 200.0, "Bonus": 0.0}
    ]  # fmt: skip
    assert updated["Amount"] == 200.0
    assert _changed_since(api, "/Orders", "2026-01-01T00:00:00-03:00") == [order["Id"]]


def test_other_properties_are_replaced_whole_in_either_shape(sim, api):
    fields = {f["Name"]: f for f in sim.fields("Contacts")}
    situacao = fields["Situação"]
    option = sim.options(situacao["Key"])[1]
    interesses = fields["Interesses"]
    two = [o["Id"] for o in sim.options(interesses["Key"])[:2]]
    contact = next(sim.records("Contacts"))
    sim.update(
        "Contacts",
        contact["Id"],
        {"OtherProperties": [{"FieldKey": situacao["Key"], "ObjectValueId": option["Id"]},
                             {"FieldKey": fields["Código ERP"]["Key"], "StringValue": "X-1"}]},
    )  # fmt: skip
    items = api.values("/Contacts", filter=f"Id eq {contact['Id']}", expand="OtherProperties")[0]["OtherProperties"]
    assert [(i["FieldId"], i["ObjectValueName"], i["StringValue"]) for i in items] == [
        (situacao["Id"], option["Name"], None),
        (fields["Código ERP"]["Id"], None, "X-1"),
    ]
    sim.update("Contacts", contact["Id"], {"OtherProperties": {interesses["Key"]: two}})
    items = sim.record("Contacts", contact["Id"])["OtherProperties"]
    assert [(i["FieldKey"], i["ObjectValueId"]) for i in items] == [
        (interesses["Key"], two[0]),
        (interesses["Key"], two[1]),
    ]
    with pytest.raises(ValueError):
        sim.update("Contacts", contact["Id"], {"OtherProperties": {"contact_NOPE": 1}})
    with pytest.raises(ValueError):
        sim.update("Contacts", contact["Id"], {"OtherProperties": {situacao["Key"]: 999_999_999}})


def test_added_field_starts_empty_and_takes_values(sim, api):
    field = sim.add_field("Contacts", "Segmento Estratégico", "Option", options=["Alfa", "Beta"], multiple=True)
    assert field["TypeId"] == 7 and field["Multiple"] and field["Key"].startswith("contact_")
    assert field["Type"]["NativeType"] == "Integer" and field["OptionsTable"]["Name"] == "Segmento Estratégico"
    assert api.values("/Fields", filter=f"Id eq {field['Id']}")[0]["Name"] == "Segmento Estratégico"
    assert all(i["FieldId"] != field["Id"] for c in sim.records("Contacts") for i in c["OtherProperties"])
    options = sim.options(field["Id"])
    contact = next(sim.records("Contacts"))
    sim.update("Contacts", contact["Id"], {"OtherProperties": {field["Key"]: [o["Id"] for o in options]}})
    names = [i["ObjectValueName"] for i in sim.record("Contacts", contact["Id"])["OtherProperties"]]
    assert names == ["Alfa", "Beta"]
    text = sim.add_field(2, "Observação Rápida", "String")
    assert text["EntityId"] == 2 and text["Type"]["NativeType"] == "String" and text["OptionsTableId"] is None
    with pytest.raises(ValueError):
        sim.add_field("Contacts", "x", "Color")
    with pytest.raises(ValueError):
        sim.add_field("Documents", "x", "String")


def test_renaming_and_deleting_fields(sim, api):
    field = next(f for f in sim.fields("Contacts") if f["Name"] == "Nº de Funcionários")
    holders = [
        c["Id"] for c in sim.records("Contacts") if any(i["FieldId"] == field["Id"] for i in c["OtherProperties"])
    ]
    before = {c["Id"]: c for c in sim.records("Contacts")}
    renamed = sim.rename_field(field["Key"], "Quantidade de Funcionários")
    assert renamed["Name"] == "Quantidade de Funcionários" and renamed["Key"] == field["Key"]
    assert api.values("/Fields", filter=f"Key eq '{field['Key']}'")[0]["Name"] == "Quantidade de Funcionários"
    sim.delete_field(field["Id"])
    assert api.values("/Fields", filter=f"Id eq {field['Id']}") == []
    after = {c["Id"]: c for c in sim.records("Contacts")}
    assert holders
    for contact_id in holders:
        assert all(i["FieldId"] != field["Id"] for i in after[contact_id]["OtherProperties"])
        kept = [i for i in before[contact_id]["OtherProperties"] if i["FieldId"] != field["Id"]]
        assert after[contact_id]["OtherProperties"] == kept  # other values stay as they were
        assert after[contact_id]["LastUpdateDate"] == before[contact_id]["LastUpdateDate"]


def test_option_rename_changes_object_value_name_everywhere_and_delete_hides_values(sim):
    field = next(f for f in sim.fields("Deals") if f["Name"] == "Temperatura")
    option = sim.options(field["Id"])[0]
    holders = [
        d["Id"] for d in sim.records("Deals") for i in d["OtherProperties"] if i["ObjectValueId"] == option["Id"]
    ]
    assert holders
    renamed = sim.rename_option(option["Id"], "Muito quente")
    assert renamed["Name"] == "Muito quente" and renamed["TableId"] == field["OptionsTableId"]
    names = {
        i["ObjectValueName"]
        for d in sim.records("Deals")
        for i in d["OtherProperties"]
        if i["ObjectValueId"] == option["Id"]
    }
    assert names == {"Muito quente"}
    added = sim.add_option(field["Key"], "Congelada")
    assert [o["Name"] for o in sim.options(field["Id"])][-1] == "Congelada" and added["TableId"] == field[
        "OptionsTableId"
    ]
    sim.delete_option(option["Id"])
    assert not [i for d in sim.records("Deals") for i in d["OtherProperties"] if i["ObjectValueId"] == option["Id"]]


def test_mutations_over_the_admin_routes(sim, api):
    admin = Api(sim.app, key=None)  # admin routes need no User-Key
    created = admin.request("POST", "/_sim/records/Contacts", json={"Name": "Via HTTP Ltda", "TypeId": 1})
    assert created.status_code == 201
    contact_id = created.json()["Id"]
    patched = admin.request("PATCH", f"/_sim/records/Contacts/{contact_id}", json={"Email": "ti@viahttp.com.br"})
    assert patched.status_code == 200 and patched.json()["Email"] == "ti@viahttp.com.br"
    assert patched.json()["LastUpdateDate"] == NOW_TEXT
    assert api.values("/Contacts", filter=f"Id eq {contact_id}", select="Name,Email") == [
        {"Name": "Via HTTP Ltda", "Email": "ti@viahttp.com.br"}
    ]
    assert admin.request("DELETE", f"/_sim/records/Contacts/{contact_id}").status_code == 204
    assert api.values("/Contacts", filter=f"Id eq {contact_id}") == []
    missing = admin.request("DELETE", f"/_sim/records/Contacts/{contact_id}")
    assert missing.status_code == 404 and "error" in missing.json()
    assert admin.request("POST", "/_sim/records/Contacts", json={"Nome": "x"}).status_code == 400
    assert admin.request("POST", "/_sim/records/Nowhere", json={}).status_code == 404
    assert admin.request("POST", "/_sim/records/Contacts", content=b"{oops").status_code == 400

    field = admin.request("POST", "/_sim/fields", json={"entity": "Deals", "name": "Origem Web", "type": "Option",
                                                        "options": ["Google", "Bing"]})  # fmt: skip
    assert field.status_code == 201
    key = field.json()["Key"]
    assert (
        admin.request("PATCH", f"/_sim/fields/{key}", json={"name": "Origem Digital"}).json()["Name"]
        == "Origem Digital"
    )
    listed = admin.get("/_sim/fields", params={"entity": "Deals"}).json()
    assert "Origem Digital" in [f["Name"] for f in listed]
    option = admin.request("POST", "/_sim/options", json={"field": key, "name": "DuckDuckGo"})
    assert option.status_code == 201
    option_id = option.json()["Id"]
    renamed = admin.request("PATCH", f"/_sim/options/{option_id}", json={"name": "DDG"})
    assert renamed.json()["Name"] == "DDG"
    assert admin.request("DELETE", f"/_sim/options/{option_id}").status_code == 204
    assert admin.request("DELETE", f"/_sim/fields/{key}").status_code == 204
    assert api.values("/Fields", filter=f"Key eq '{key}'") == []
    assert sim.request_log.count(path="/_sim/fields") == 0  # admin calls are not API requests
    admin.close()


def test_reset_restores_the_seeded_data(sim, api):
    original = list(sim.records("Contacts"))
    sim.delete("Contacts", original[0]["Id"])
    sim.add_field("Contacts", "Temporário", "Bool")
    admin = Api(sim.app, key=None)
    assert admin.request("POST", "/_sim/reset").status_code == 204
    assert list(sim.records("Contacts")) == original
    assert "Temporário" not in [f["Name"] for f in sim.fields("Contacts")]
    admin.close()


def test_mutations_while_a_reader_pages_keep_pages_consistent(sim):
    api = Api(sim.app)
    ids = [r["Id"] for r in sim.records("Contacts")]
    stop = threading.Event()

    def mutate() -> None:
        n = 0
        while not stop.is_set():
            sim.update("Contacts", ids[n % len(ids)], {"Note": f"edit {n}"})
            n += 1

    writer = threading.Thread(target=mutate)
    writer.start()
    try:
        seen, last = [], 0
        while True:
            page = api.values("/Contacts", filter=f"Id gt {last}", orderby="Id", top=37, select="Id,Note")
            if not page:
                break
            seen += [row["Id"] for row in page]
            last = seen[-1]
    finally:
        stop.set()
        writer.join()
        api.close()
    assert seen == ids  # keyset paging by Id neither loses nor repeats a row while records change
    assert parse_datetime(sim.record("Contacts", ids[0])["LastUpdateDate"]).year == 2027


def test_a_field_changing_type_shows_the_values_that_convert(sim, api):
    field = next(f for f in sim.fields("Contacts") if f["Name"] == "Código ERP")
    holder = next(c for c in sim.records("Contacts") if any(i["FieldId"] == field["Id"] for i in c["OtherProperties"]))
    sim.update("Contacts", holder["Id"], {"OtherProperties": {field["Key"]: "1234"}})
    other = next(
        c
        for c in sim.records("Contacts")
        if c["Id"] != holder["Id"] and any(i["FieldId"] == field["Id"] for i in c["OtherProperties"])
    )
    retyped = sim.retype_field(field["Key"], "Integer")
    assert (
        retyped["TypeId"] == 3
        and api.values("/Fields", filter=f"Id eq {field['Id']}", expand="Type")[0]["Type"]["NativeType"] == "Integer"
    )
    (item,) = sim.record("Contacts", holder["Id"])["OtherProperties"]
    assert item["IntegerValue"] == 1234 and item["StringValue"] is None
    assert all(i["FieldId"] != field["Id"] for i in sim.record("Contacts", other["Id"])["OtherProperties"])
    with pytest.raises(ValueError, match="plain type"):
        sim.retype_field(field["Key"], "Option")
    admin = Api(sim.app, key=None)
    changed = admin.request("PATCH", f"/_sim/fields/{field['Key']}", json={"type": "String", "name": "Código"})
    assert changed.status_code == 200 and changed.json()["TypeId"] == 1 and changed.json()["Name"] == "Código"
    admin.close()
