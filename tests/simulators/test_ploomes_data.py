"""What the simulated account contains: every endpoint, Kondado's columns, custom fields, consistent references."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from simulators.ploomes.catalog import VALUE_COLUMNS
from simulators.ploomes.entities import ENTITIES_BY_ENDPOINT
from tests.simulators.conftest import make_sim

INVENTORY = [
    "Contacts",
    "Deals",
    "Leads",
    "Quotes",
    "Orders",
    "Tasks",
    "InteractionRecords",
    "Documents",
    "Products",
    "Users",
    "Teams",
    "Departments",
    "Roles",
    "Tags",
    "Currencies",
    "Cities",
    "Webhooks",
    "Contacts@Status",
    "Contacts@Types",
    "Contacts@Origins",
    "Contacts@LinesOfBusiness",
    "Contacts@NumbersOfEmployees",
    "Contacts@Relationships",
    "Contacts@Products",
    "Contacts@Classes",
    "Deals@Pipelines",
    "Deals@Stages",
    "Deals@Status",
    "Deals@LossReasons",
    "Orders@Stages",
    "Products@Families",
    "Products@Groups",
    "Products@Parts",
    "Quotes@ApprovalStatus",
    "Tasks@Types",
    "Tasks@EmailReminders",
    "Tasks@RepeatIntervalUnits",
    "Users@Profiles",
    "Cities@Countries",
    "Cities@States",
    "Fields@Entities",
    "Fields@Types",
    "Fields@OptionsTables",
    "Fields@OptionsTables@Options",
    "Fields",
    "Users@SuspensionReasons",
]

# Kondado's 36 tables: endpoint (for line items, "Orders/Products") and its lower-case columns
KONDADO = {
    "Orders/Products": "orderid id productid quantity unityprice discount total bonus",
    "Orders@Stages": "id name icon ordination",
    "Orders": "id ordernumber date contactid personid stageid dealid ownerid currencyid amount discount "
    "internalcomments description key agentid commission templateid shared externallyaccepted externalnotifications "
    "externalsharingdate documenturl approvalstatusid approvallevelid originquoteid filename last_update_date",
    "Users@Profiles": "id name",
    "Users@SuspensionReasons": "id name",
    "Users": "id name email roleid profileid avatarurl phone language facebook linkedin suspensionreasonid "
    "suspensionreasoncomments integration nativeintegration courtesy last_update_date",
    "Tasks@EmailReminders": "id name",
    "Tasks@Types": "id name icon color",
    "Tasks@RepeatIntervalUnits": "id name datepart datepartlength",
    "Tasks": "id title description typeid contactid dealid lenght repeatintervallength repeatintervalunitid "
    "emailreminderid last_update_date",
    "InteractionRecords": "id contactid dealid date typeid title content latitude longitude emailrecipients "
    "emailsubject last_update_date",
    "Quotes/Products": "quoteid id productid quantity unityprice discount total bonus",
    "Quotes@ApprovalStatus": "id name",
    "Quotes": "id dealid templateid approvalstatusid quotenumber shared externalnotifications externalsharingdate "
    "lastreviewid last_update_date",
    "Products@Families": "id name",
    "Products@Groups": "id name familyid fixedprice default",
    "Products": "id groupid name code measurementunit imageurl currencyid unitprice last_update_date",
    "Deals@Status": "id name",
    "Deals@LossReasons": "id name pipelineid",
    "Deals@Pipelines": "id name mustpassallstages forbiddenstagereturn maycreatequotes maycreateorders "
    "maycreatedocuments maywindeals maylosedeals formid quickformid archived neworderonwondeal createorderonwondeal "
    "windealonlaststage singularunitname pluralunitname genderid enabletableviewmode enablefunnelviewmode "
    "ordination quotesuseerpformat ordersuseerpformat documentsuseerpformat",
    "Deals@Stages": "id name pipelineid ordination",
    "Deals": "id title contactid personid statusid pipelineid stageid laststageid lossreasonid originid ownerid "
    "currencyid amount origindealid dealnumber contactproductid last_update_date",
    "Currencies": "id symbol code",
    "Documents": "id name documentnumber date templateid contactid personid dealid ownerid key shared "
    "externallyaccepted externalnotifications externalsharingdate documenturl approvalstatusid approvallevelid "
    "originquoteid currencyid filename last_update_date",
    "Departments": "id name",
    "Contacts@Types": "id name",
    "Contacts@Status": "id name",
    "Contacts@Relationships": "id name",
    "Contacts@LinesOfBusiness": "id name",
    "Contacts@Origins": "id name",
    "Contacts@Classes": "id name",
    "Contacts": "id typeid classid name legalname register statusid companyid relationshipid lineofbusinessid "
    "originid ownerid note email website roleid departmentid skype facebook streetaddress streetaddressnumber "
    "streetaddressline2 neighborhood zipcode foreignzipcode cityid currencyid emailmarketing cnaecode cnaename "
    "latitude longitude key avatarurl identitydocument last_update_date",
    "Cities@Countries": "id short short2 name",
    "Cities@States": "id short name countryid",
    "Cities": "id name countryid stateid ibgecode latitude longitude",
    "Roles": "id name",
}


def test_every_inventory_endpoint_answers(shared_api):
    for endpoint in INVENTORY:
        response = shared_api.get(f"/{endpoint}")
        assert response.status_code == 200, endpoint
        assert endpoint == "Webhooks" or response.json()["value"], f"/{endpoint} should not be empty"


def test_kondado_tables_are_all_covered_with_pascal_case_fields(shared_sim):
    assert len(KONDADO) == 36
    for source, columns in KONDADO.items():
        endpoint, _, navigation = source.partition("/")
        record = next(shared_sim.records(endpoint))
        fields = record[navigation][0] if navigation else record
        have = {name.lower() for name in fields}
        wanted = {column.replace("_", "").replace("unityprice", "unitprice") for column in columns.split()}
        assert wanted <= have, (source, sorted(wanted - have))
        assert all(re.fullmatch(r"[A-Z][A-Za-z0-9]*", name) for name in fields), source
    contact = next(shared_sim.records("Contacts"))
    for name in ("LineOfBusinessId", "StreetAddressLine2", "CNAECode", "CreateDate", "LastUpdateDate"):
        assert name in contact
    assert "IBGECode" in next(shared_sim.records("Cities"))
    assert "MustPassAllStages" in next(shared_sim.records("Deals@Pipelines"))


def test_sizes_follow_the_scale(shared_sim):
    sizes = {name: len(list(shared_sim.records(name))) for name in ENTITIES_BY_ENDPOINT}
    assert sizes["Contacts"] == 300
    assert (sizes["Deals"], sizes["Orders"], sizes["Quotes"], sizes["Tasks"]) == (150, 60, 60, 180)
    assert (sizes["InteractionRecords"], sizes["Products"], sizes["Users"]) == (120, 15, 25)
    assert sizes["Webhooks"] == 0


def test_same_seed_same_data_other_seed_other_data():
    first, again, other = make_sim(seed=3), make_sim(seed=3), make_sim(seed=4)
    for endpoint in ("Contacts", "Deals", "Orders", "Fields", "Fields@OptionsTables@Options"):
        assert list(first.records(endpoint)) == list(again.records(endpoint)), endpoint
    assert list(first.records("Contacts")) != list(other.records("Contacts"))


def test_contacts_look_brazilian(shared_sim):
    contacts = list(shared_sim.records("Contacts"))
    companies = [c for c in contacts if c["TypeId"] == 1]
    persons = [c for c in contacts if c["TypeId"] == 2]
    assert 50 < len(companies) < 150 and persons
    registers = [c["Register"] for c in companies if c["Register"]]
    assert registers and all(re.fullmatch(r"\d\d\.\d{3}\.\d{3}/0001-\d\d", r) for r in registers)
    cpfs = [c["Register"] for c in persons if c["Register"]]
    assert cpfs and all(re.fullmatch(r"\d{3}\.\d{3}\.\d{3}-\d\d", r) for r in cpfs)
    assert all(c["LegalName"] for c in companies) and all(c["CNAECode"] for c in companies)
    assert any(ch in "ãçéêíóôú" for c in contacts for ch in c["Name"])
    phones = [p for c in contacts for p in c["Phones"]]
    assert phones and all(re.fullmatch(r"\(\d\d\) 9?\d{4}-\d{4}", p["PhoneNumber"]) for p in phones)
    assert {p["CountryId"] for p in phones} == {76}
    currencies = list(shared_sim.records("Currencies"))
    assert currencies[0] == {"Id": 1, "Name": "Real", "Symbol": "R$", "Code": "BRL"}


def _ids(sim, endpoint):
    return {r["Id"]: r for r in sim.records(endpoint)}


REFERENCES = {
    "Contacts": {
        "TypeId": "Contacts@Types", "ClassId": "Contacts@Classes", "StatusId": "Contacts@Status",
        "CompanyId": "Contacts", "RelationshipId": "Contacts@Relationships",
        "LineOfBusinessId": "Contacts@LinesOfBusiness", "OriginId": "Contacts@Origins",
        "NumberOfEmployeesId": "Contacts@NumbersOfEmployees", "OwnerId": "Users", "CreatorId": "Users",
        "UpdaterId": "Users", "RoleId": "Roles", "DepartmentId": "Departments", "CityId": "Cities",
        "CurrencyId": "Currencies",
    },
    "Deals": {
        "ContactId": "Contacts", "PersonId": "Contacts", "StatusId": "Deals@Status", "PipelineId": "Deals@Pipelines",
        "StageId": "Deals@Stages", "LastStageId": "Deals@Stages", "LossReasonId": "Deals@LossReasons",
        "OriginId": "Contacts@Origins", "OwnerId": "Users", "CurrencyId": "Currencies", "OriginDealId": "Deals",
        "ContactProductId": "Contacts@Products", "CreatorId": "Users",
    },
    "Leads": {"OriginId": "Contacts@Origins", "OwnerId": "Users", "ContactId": "Contacts", "DealId": "Deals"},
    "Orders": {
        "ContactId": "Contacts", "PersonId": "Contacts", "StageId": "Orders@Stages", "DealId": "Deals",
        "OwnerId": "Users", "AgentId": "Users", "CurrencyId": "Currencies",
        "ApprovalStatusId": "Quotes@ApprovalStatus", "OriginQuoteId": "Quotes",
    },
    "Quotes": {
        "DealId": "Deals", "ContactId": "Contacts", "PersonId": "Contacts", "OwnerId": "Users",
        "CurrencyId": "Currencies", "ApprovalStatusId": "Quotes@ApprovalStatus",
    },
    "Tasks": {
        "TypeId": "Tasks@Types", "ContactId": "Contacts", "DealId": "Deals", "OwnerId": "Users",
        "RepeatIntervalUnitId": "Tasks@RepeatIntervalUnits", "EmailReminderId": "Tasks@EmailReminders",
    },
    "InteractionRecords": {"ContactId": "Contacts", "DealId": "Deals", "OwnerId": "Users", "TypeId": "Tasks@Types"},
    "Documents": {
        "ContactId": "Contacts", "PersonId": "Contacts", "DealId": "Deals", "OwnerId": "Users",
        "OriginQuoteId": "Quotes", "CurrencyId": "Currencies", "ApprovalStatusId": "Quotes@ApprovalStatus",
    },
    "Products": {"GroupId": "Products@Groups", "FamilyId": "Products@Families", "CurrencyId": "Currencies"},
    "Users": {"RoleId": "Roles", "ProfileId": "Users@Profiles", "SuspensionReasonId": "Users@SuspensionReasons"},
    "Contacts@Products": {"ContactId": "Contacts", "ProductId": "Products"},
    "Products@Parts": {"ProductId": "Products", "PartProductId": "Products"},
    "Deals@Stages": {"PipelineId": "Deals@Pipelines"},
    "Deals@LossReasons": {"PipelineId": "Deals@Pipelines"},
    "Products@Groups": {"FamilyId": "Products@Families"},
    "Cities": {"StateId": "Cities@States", "CountryId": "Cities@Countries"},
    "Cities@States": {"CountryId": "Cities@Countries"},
    "Teams": {"LeaderId": "Users"},
    "Fields": {"EntityId": "Fields@Entities", "TypeId": "Fields@Types", "OptionsTableId": "Fields@OptionsTables"},
    "Fields@OptionsTables@Options": {"TableId": "Fields@OptionsTables"},
}  # fmt: skip


def test_every_reference_points_at_an_existing_record(shared_sim):
    tables = {name: _ids(shared_sim, name) for name in ENTITIES_BY_ENDPOINT}
    checked = Counter()
    for endpoint, references in REFERENCES.items():
        for record in tables[endpoint].values():
            for field, target in references.items():
                if record[field] is not None:
                    assert record[field] in tables[target], (endpoint, record["Id"], field, record[field])
                    checked[(endpoint, field)] += 1
    assert all(checked[(endpoint, field)] for endpoint, refs in REFERENCES.items() for field in refs), [
        (endpoint, field) for endpoint, refs in REFERENCES.items() for field in refs if not checked[(endpoint, field)]
    ]
    contacts, deals = tables["Contacts"], tables["Deals"]
    for contact in contacts.values():
        if contact["CompanyId"]:
            assert contacts[contact["CompanyId"]]["TypeId"] == 1  # a person's company is a company
    for deal in deals.values():
        assert tables["Deals@Stages"][deal["StageId"]]["PipelineId"] == deal["PipelineId"]
        if deal["PersonId"]:
            assert contacts[deal["PersonId"]]["TypeId"] == 2
    for endpoint in ("Orders", "Quotes", "Tasks", "InteractionRecords", "Documents"):
        for record in tables[endpoint].values():
            if record["DealId"]:
                assert record["ContactId"] == deals[record["DealId"]]["ContactId"], (endpoint, record["Id"])
    for endpoint, parent in (("Orders", "OrderId"), ("Quotes", "QuoteId")):
        for record in tables[endpoint].values():
            assert record["Products"]
            for item in record["Products"]:
                assert item[parent] == record["Id"] and item["ProductId"] in tables["Products"]
            assert record["Amount"] == pytest.approx(sum(item["Total"] for item in record["Products"]))
    for product in tables["Products"].values():
        assert tables["Products@Groups"][product["GroupId"]]["FamilyId"] == product["FamilyId"]
    for city in tables["Cities"].values():
        assert city["IBGECode"] // 100_000 == city["StateId"]
    tag_ids = {tag["TagId"] for contact in contacts.values() for tag in contact["Tags"]}
    assert tag_ids and tag_ids <= set(tables["Tags"])


def test_ids_are_distinct_across_generated_entities(shared_sim):
    seen: dict[int, str] = {}
    for endpoint in ("Contacts", "Deals", "Leads", "Orders", "Quotes", "Tasks", "InteractionRecords", "Documents",
                     "Products", "Users", "Contacts@Products", "Products@Parts"):  # fmt: skip
        for record in shared_sim.records(endpoint):
            assert record["Id"] not in seen, (endpoint, seen.get(record["Id"]))
            seen[record["Id"]] = endpoint


def test_other_properties_items_carry_every_value_column(shared_sim):
    fields = {f["Id"]: f for f in shared_sim.records("Fields")}
    for endpoint, owner in (("Contacts", "ContactId"), ("Deals", "DealId"), ("Tasks", "TaskId"),
                            ("InteractionRecords", "InteractionRecordId"), ("Products", "ProductId")):  # fmt: skip
        for record in list(shared_sim.records(endpoint))[:40]:
            for item in record["OtherProperties"]:
                assert list(item) == ["Id", "FieldId", "FieldKey", owner, *VALUE_COLUMNS]
                assert item[owner] == record["Id"]
                field = fields[item["FieldId"]]
                assert item["FieldKey"] == field["Key"] and field["Dynamic"]
                assert re.fullmatch(
                    r"[a-z]+_[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", item["FieldKey"]
                )
                held = [c for c in VALUE_COLUMNS if item[c] is not None]
                assert held, item  # only fields holding a value appear


def test_option_user_and_multi_select_values(shared_sim):
    fields = {f["Id"]: f for f in shared_sim.records("Fields")}
    options = {o["Id"]: o for o in shared_sim.records("Fields@OptionsTables@Options")}
    users = _ids(shared_sim, "Users")
    contacts = list(shared_sim.records("Contacts"))
    kinds = Counter()
    multi_counts = []
    for contact in contacts:
        per_key = Counter(item["FieldKey"] for item in contact["OtherProperties"])
        for item in contact["OtherProperties"]:
            field = fields[item["FieldId"]]
            if field["TypeId"] == 7:
                option = options[item["ObjectValueId"]]
                assert item["IntegerValue"] == item["ObjectValueId"] and item["ObjectValueName"] == option["Name"]
                assert option["TableId"] == field["OptionsTableId"]
                kinds["multi" if field["Multiple"] else "option"] += 1
                if field["Multiple"]:
                    multi_counts.append(per_key[item["FieldKey"]])
                else:
                    assert per_key[item["FieldKey"]] == 1
            elif item["UserValueId"] is not None:
                user = users[item["UserValueId"]]
                assert item["IntegerValue"] == user["Id"] and item["UserValueName"] == user["Name"]
                kinds["user"] += 1
            elif item["ProductValueId"] is not None:
                assert item["IntegerValue"] == item["ProductValueId"] and item["ProductValueName"]
                kinds["product"] += 1
            elif item["BoolValue"] is not None:
                kinds["bool"] += 1
    assert kinds["option"] and kinds["multi"] and kinds["user"] and kinds["product"] and kinds["bool"]
    assert max(multi_counts) > 1  # a multi-select holds several items with the same FieldKey
    deals = list(shared_sim.records("Deals"))
    contact_items = [i for d in deals for i in d["OtherProperties"] if i["ContactValueId"] is not None]
    assert contact_items and all(i["ContactValueName"] and i["ContactValueTypeId"] in (1, 2) for i in contact_items)


def test_custom_field_fill_rates_are_partial(shared_sim):
    contacts = list(shared_sim.records("Contacts"))
    fields = [f for f in shared_sim.fields("Contacts") if f["Dynamic"]]
    for field in fields:
        holders = sum(any(i["FieldId"] == field["Id"] for i in c["OtherProperties"]) for c in contacts)
        assert 0.3 * len(contacts) <= holders <= 0.9 * len(contacts), field["Name"]


def test_fields_catalog_shape_and_default_fields(shared_api, shared_sim):
    rows = shared_api.values("/Fields", filter="EntityId eq 1 and Dynamic eq true", expand="Type,OptionsTable")
    names = [row["Name"] for row in rows]
    for name in ("Situação", "Data de Renovação", "Nº de Funcionários", "Observações Internas", "Email", "Região",
                 "Regiao", "Interesses", "Gerente de Contas", "Produto Principal"):  # fmt: skip
        assert name in names
    assert {row["Type"]["NativeType"] for row in rows} == {
        "String",
        "BigString",
        "Integer",
        "Decimal",
        "DateTime",
        "Bool",
    }
    option = next(row for row in rows if row["Name"] == "Situação")
    assert list(option) == ["Id", "Key", "Name", "EntityId", "TypeId", "OptionsTableId", "Multiple", "Dynamic",
                            "Required", "Hidden", "Disabled", "Type", "OptionsTable"]  # fmt: skip
    assert option["TypeId"] == 7 and option["OptionsTable"]["Id"] == option["OptionsTableId"]
    assert next(row for row in rows if row["Name"] == "Interesses")["Multiple"] is True
    natives = shared_api.values("/Fields", filter="Dynamic eq false and EntityId eq 1")
    assert natives and all(row["Key"].startswith("contact_") for row in natives)
    for entity_id in (1, 2, 3, 4, 6, 10, 12, 36):
        kinds = {f["Type"]["NativeType"] for f in shared_sim.fields(entity_id) if f["Dynamic"]}
        assert kinds == {"String", "BigString", "Integer", "Decimal", "DateTime", "Bool"}, entity_id
    entities = {row["Id"]: row["Name"] for row in shared_api.values("/Fields@Entities")}
    assert entities[1] == "Cliente" and entities[36] == "Registro de interação" and len(entities) == 14
    assert shared_api.values("/Fields@Types", filter="Id eq 7")[0]["Name"] == "Lista de opções"


def test_options_tables_and_options(shared_api):
    tables = shared_api.values("/Fields@OptionsTables", expand="Options", filter="Name eq 'Situação'")
    assert len(tables) == 1
    names = [o["Name"] for o in tables[0]["Options"]]
    assert names == ["Ativo", "Inativo", "Em negociação", "Inadimplente", "Bloqueado"]
    option = tables[0]["Options"][0]
    assert list(option) == ["Id", "TableId", "Name", "ExternalKey", "LastUpdateDate"]
    flat = shared_api.values("/Fields@OptionsTables@Options", filter=f"TableId eq {tables[0]['Id']}")
    assert [o["Name"] for o in flat] == names
