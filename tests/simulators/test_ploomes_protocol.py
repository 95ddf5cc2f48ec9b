"""The Ploomes wire protocol: auth, envelope, paging, OData options and error bodies (in-process)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from simulators.ploomes.odata import parse_datetime
from tests.simulators.conftest import KEY, Api, make_sim

CONTEXT = "https://public6-api2.ploomes.com/$metadata#"


def all_ids(api: Api, path: str, filter_: str | None = None) -> list[int]:
    ids, last = [], 0
    while True:
        condition = f"Id gt {last}" + (f" and ({filter_})" if filter_ else "")
        page = api.values(path, filter=condition, orderby="Id", top=300, select="Id")
        if not page:
            return ids
        ids += [row["Id"] for row in page]
        last = ids[-1]


def test_missing_or_unknown_user_key_is_401_with_an_odata_error(shared_sim):
    for headers in ({}, {"User-Key": "not-a-key"}):
        api = Api(shared_sim.app, key=None)
        response = api.get("/Contacts", headers=headers)
        api.close()
        assert response.status_code == 401
        error = response.json()["error"]
        assert error["code"] == "Unauthorized" and "User-Key" in error["message"]


def test_envelope_has_context_and_value_and_never_a_next_link(shared_api):
    body = shared_api.get("/Deals", params={"$top": 3}).json()
    assert list(body) == ["@odata.context", "value"]
    assert body["@odata.context"] == CONTEXT + "Deals"
    assert len(body["value"]) == 3
    body = shared_api.get("/Contacts@Types").json()
    types = [{"Id": 1, "Name": "Empresa"}, {"Id": 2, "Name": "Pessoa"}]
    assert body == {"@odata.context": CONTEXT + "Contacts@Types", "value": types}


def test_context_host_is_configurable():
    sim = make_sim(context_host="api2-s07-public.ploomes.com")
    api = Api(sim.app)
    assert api.get("/Roles").json()["@odata.context"] == "https://api2-s07-public.ploomes.com/$metadata#Roles"
    api.close()


def test_top_is_capped_at_300_and_no_top_means_at_most_300(shared_api):
    assert len(shared_api.values("/Contacts", top=1000)) == 300
    assert len(shared_api.values("/Contacts")) == 300
    assert len(shared_api.values("/Contacts", top=7)) == 7
    assert shared_api.values("/Contacts", top=0) == []


def test_max_top_is_configurable():
    sim = make_sim(max_top=50)
    api = Api(sim.app)
    assert len(api.values("/Contacts", top=300)) == 50
    api.close()


def test_skip_pages_through_everything_with_a_short_last_page(shared_api, shared_sim):
    total = len(list(shared_sim.records("Contacts")))
    assert total == 300
    pages = [shared_api.values("/Contacts", top=120, skip=skip, orderby="Id", select="Id") for skip in (0, 120, 240)]
    assert [len(page) for page in pages] == [120, 120, 60]
    ids = [row["Id"] for page in pages for row in page]
    assert ids == sorted(ids) and len(set(ids)) == 300
    assert shared_api.values("/Contacts", top=120, skip=300) == []


def test_default_order_is_by_id_and_ids_are_large_increasing_with_gaps(shared_api):
    ids = [row["Id"] for row in shared_api.values("/Contacts", select="Id")]
    assert ids == sorted(ids)
    assert ids[0] > 40_000_000
    gaps = {b - a for a, b in zip(ids, ids[1:], strict=False)}
    assert len(gaps) > 2 and min(gaps) >= 1


def test_keyset_paging_with_id_gt_visits_every_row_once(shared_api):
    ids = all_ids(shared_api, "/Deals")
    assert len(ids) == 150 and len(set(ids)) == 150


def test_count_is_the_number_of_matches_before_top_and_skip(shared_api):
    ids = all_ids(shared_api, "/Contacts")
    pivot = ids[100]
    body = shared_api.get(
        "/Contacts", params={"$filter": f"Id gt {pivot}", "$count": "true", "$top": 5, "$skip": 10}
    ).json()
    assert body["@odata.count"] == 199
    assert [row["Id"] for row in body["value"]] == ids[111:116]
    assert list(body) == ["@odata.context", "@odata.count", "value"]
    body = shared_api.get("/Contacts", params={"$filter": "contains(Name,'zzz')", "$count": "true"}).json()
    assert body["@odata.count"] == 0 and body["value"] == []


def _expected(sim, path, predicate):
    return [r["Id"] for r in sim.records(path) if predicate(r)]


def _instant(text):
    return parse_datetime(text)


@pytest.mark.parametrize(
    ("filter_", "predicate"),
    [
        ("TypeId eq 1", lambda r: r["TypeId"] == 1),
        ("TypeId ne 1", lambda r: r["TypeId"] != 1),
        ("StatusId gt 2", lambda r: r["StatusId"] > 2),
        ("StatusId ge 2", lambda r: r["StatusId"] >= 2),
        ("StatusId lt 2", lambda r: r["StatusId"] < 2),
        ("StatusId le 2", lambda r: r["StatusId"] <= 2),
        ("CompanyId eq null", lambda r: r["CompanyId"] is None),
        ("EmailMarketing eq true", lambda r: r["EmailMarketing"] is True),
        ("contains(Name,'Silva')", lambda r: "Silva" in r["Name"]),
        ("startswith(Name,'Ana')", lambda r: r["Name"].startswith("Ana")),
        ("endswith(Email,'gmail.com')", lambda r: (r["Email"] or "").endswith("gmail.com")),
        ("TypeId eq 1 and StatusId eq 2", lambda r: r["TypeId"] == 1 and r["StatusId"] == 2),
        ("StatusId eq 1 or StatusId eq 4", lambda r: r["StatusId"] in (1, 4)),
        (
            "(StatusId eq 1 or StatusId eq 4) and TypeId eq 2",
            lambda r: r["StatusId"] in (1, 4) and r["TypeId"] == 2,
        ),
        ("not (TypeId eq 1)", lambda r: r["TypeId"] != 1),
        (
            "LastUpdateDate gt 2023-01-01T00:00:00Z",
            lambda r: _instant(r["LastUpdateDate"]) > datetime(2023, 1, 1, tzinfo=timezone.utc),
        ),
        (
            "CreateDate le 2020-06-30T12:00:00.5-03:00 and LastUpdateDate ge 2020-01-01T00:00:00+02:00",
            lambda r: (
                _instant(r["CreateDate"]) <= parse_datetime("2020-06-30T12:00:00.5-03:00")
                and _instant(r["LastUpdateDate"]) >= parse_datetime("2020-01-01T00:00:00+02:00")
            ),
        ),
        (
            "LastUpdateDate lt 2021-01-01 or Id lt 40000100",
            lambda r: _instant(r["LastUpdateDate"]) < parse_datetime("2021-01-01") or r["Id"] < 40_000_100,
        ),
        ("Id gt 40000300 and Id le 40000600 and Id ne 40000400", lambda r: 40_000_300 < r["Id"] <= 40_000_600),
    ],
)
def test_filter_operators_match_the_records_exactly(shared_api, shared_sim, filter_, predicate):
    expected = _expected(shared_sim, "Contacts", predicate)
    assert expected, "the case should select something"
    got = [row["Id"] for row in shared_api.values("/Contacts", filter=filter_, select="Id", top=300)]
    assert got == expected[:300]
    count = shared_api.get("/Contacts", params={"$filter": filter_, "$count": "true", "$top": 0}).json()["@odata.count"]
    assert count == len(expected)


def test_orderby_several_keys_ascending_and_descending(shared_api, shared_sim):
    rows = shared_api.values("/Contacts", orderby="TypeId desc,StatusId,Id desc", select="Id,TypeId,StatusId")
    expected = sorted(shared_sim.records("Contacts"), key=lambda r: (-r["TypeId"], r["StatusId"], -r["Id"]))
    assert [r["Id"] for r in rows] == [r["Id"] for r in expected]


def test_orderby_last_update_date_with_skip_is_chronological(shared_api, shared_sim):
    expected = sorted(shared_sim.records("Deals"), key=lambda r: (_instant(r["LastUpdateDate"]), r["Id"]))
    first = shared_api.values("/Deals", orderby="LastUpdateDate asc", top=100, select="Id,LastUpdateDate")
    second = shared_api.values("/Deals", orderby="LastUpdateDate asc", top=100, skip=100, select="Id")
    assert [r["Id"] for r in first + second] == [r["Id"] for r in expected]
    newest = shared_api.values("/Deals", orderby="LastUpdateDate desc", top=1, select="Id")
    assert newest[0]["Id"] == max(expected, key=lambda r: (_instant(r["LastUpdateDate"]), -r["Id"]))["Id"]


def test_select_returns_only_the_named_fields_in_that_order(shared_api):
    rows = shared_api.values("/Contacts", select="Name,Id,LastUpdateDate", top=2)
    assert [list(row) for row in rows] == [["Name", "Id", "LastUpdateDate"]] * 2
    rows = shared_api.values("/Contacts", select="Id", expand="Tags", top=2)
    assert [list(row) for row in rows] == [["Id", "Tags"]] * 2


def test_navigation_properties_appear_only_when_expanded(shared_api):
    plain = shared_api.values("/Orders", top=1)[0]
    assert "Products" not in plain and "OtherProperties" not in plain
    expanded = shared_api.values("/Orders", top=1, expand="Products,OtherProperties")[0]
    assert isinstance(expanded["Products"], list) and isinstance(expanded["OtherProperties"], list)


@pytest.mark.parametrize(
    ("path", "navigation"),
    [
        ("/Contacts", "OtherProperties"),
        ("/Contacts", "Phones"),
        ("/Contacts", "Tags"),
        ("/Deals", "OtherProperties"),
        ("/Orders", "Products"),
        ("/Quotes", "Products"),
        ("/Tasks", "OtherProperties"),
        ("/InteractionRecords", "OtherProperties"),
        ("/Products", "OtherProperties"),
        ("/Leads", "OtherProperties"),
        ("/Fields", "Type"),
        ("/Fields", "OptionsTable"),
        ("/Fields@OptionsTables", "Options"),
    ],
)
def test_each_supported_expand(shared_api, path, navigation):
    rows = shared_api.values(path, expand=navigation, top=50)
    assert rows and all(navigation in row for row in rows)
    values = [row[navigation] for row in rows]
    assert any(values), f"{path} should have some non-empty {navigation}"


@pytest.mark.parametrize(
    ("path", "params", "target", "fragment"),
    [
        ("/Contacts", {"$expand": "Products"}, "$expand", "'Products' cannot be expanded"),
        ("/Documents", {"$expand": "OtherProperties"}, "$expand", "cannot be expanded"),
        ("/Deals", {"$expand": "Contact($select=Name)"}, "$expand", "'Contact' cannot be expanded"),
        ("/Contacts", {"$filter": "Nome eq 'x'"}, "$filter", "'Nome'"),
        ("/Contacts", {"$filter": "Name eq"}, "$filter", "Syntax error"),
        ("/Contacts", {"$filter": "Name in ('a')"}, "$filter", ""),
        ("/Contacts", {"$orderby": "Nome desc"}, "$orderby", "'Nome'"),
        ("/Contacts", {"$select": "Id,Nome"}, "$select", "'Nome'"),
        ("/Contacts", {"$top": "-1"}, "$top", ""),
        ("/Contacts", {"$skip": "abc"}, "$skip", ""),
        ("/Contacts", {"$count": "yes"}, "$count", ""),
    ],
)
def test_bad_queries_are_400_with_an_odata_error_naming_the_option(shared_api, path, params, target, fragment):
    response = shared_api.get(path, params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "BadRequest" and error["target"] == target
    assert fragment in error["message"]


def test_unknown_endpoint_is_404_and_writes_are_405(shared_api):
    response = shared_api.get("/Nothing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "NotFound"
    assert shared_api.request("POST", "/Contacts", json={"Name": "x"}).status_code == 405


def test_forbidden_and_absent_endpoints_simulate_limited_accounts():
    sim = make_sim(forbidden_endpoints=("Deals",), absent_endpoints=("Leads",))
    api = Api(sim.app)
    forbidden = api.get("/Deals")
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "Forbidden"
    assert api.get("/Leads").status_code == 404
    assert api.get("/Contacts").status_code == 200
    api.close()


DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.(\d{1,7}))?-03:00$")


def test_dates_use_minus_three_offset_with_varying_fractional_digits(shared_sim):
    digits = set()
    for path in ("Contacts", "Deals", "Tasks", "Orders", "Users"):
        for record in shared_sim.records(path):
            for field in ("CreateDate", "LastUpdateDate", "UpdateDate", "Date", "DateTime"):
                if record.get(field) is None:
                    continue
                match = DATE.match(record[field])
                assert match, record[field]
                digits.add(len(match.group(2) or ""))
            assert parse_datetime(record["LastUpdateDate"]) >= parse_datetime(record["CreateDate"])
    assert {0, 2, 3, 7} <= digits


def test_users_carry_update_date_equal_to_last_update_date(shared_sim):
    users = list(shared_sim.records("Users"))
    assert len(users) == 25
    assert all(user["UpdateDate"] == user["LastUpdateDate"] for user in users)
    assert sum(user["Integration"] for user in users) == 1


def test_user_key_list_accepts_every_configured_key():
    sim = make_sim(api_keys=(KEY, "second-key"))
    for key in (KEY, "second-key"):
        api = Api(sim.app, key=key)
        assert api.get("/Roles").status_code == 200
        api.close()
