"""Hivestr list endpoints: page/limit and the pagination object, the default filters that hide rows unless a client
asks for `all`, the other filters, and a stable order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulators.hivestr import HivestrSimulator
from tests.simulators.test_hivestr_sim_tokens import FakeClock, Hivestr, make_sim


@pytest.fixture(scope="module")
def sim() -> HivestrSimulator:
    return make_sim()


@pytest.fixture(scope="module")
def api(sim: HivestrSimulator) -> Iterator[Hivestr]:
    client = Hivestr(sim)
    yield client
    client.close()


def test_limit_defaults_to_50_and_is_capped_at_100_silently(sim: HivestrSimulator, api: Hivestr):
    clients = len(list(sim.records("clients")))
    assert clients == 200
    default = api.get("/public/clients", status="all").json()
    assert len(default["data"]) == 50
    assert default["pagination"] == {"page": 1, "limit": 50, "total": 200, "total_pages": 4}
    capped = api.get("/public/clients", status="all", limit=500).json()
    assert len(capped["data"]) == 100
    assert capped["pagination"] == {"page": 1, "limit": 100, "total": 200, "total_pages": 2}
    last = api.get("/public/clients", status="all", limit=60, page=4).json()
    assert len(last["data"]) == 20 and last["pagination"]["total_pages"] == 4
    beyond = api.get("/public/clients", status="all", limit=60, page=5).json()
    assert beyond["data"] == [] and beyond["pagination"] == {"page": 5, "limit": 60, "total": 200, "total_pages": 4}


def test_bad_paging_parameters_are_400(api: Hivestr):
    for params in ({"page": 0}, {"limit": 0}, {"page": "x"}):
        response = api.get("/public/clients", **params)
        assert response.status_code == 400 and response.json()["success"] is False


def test_pages_are_stable_and_in_creation_order(sim: HivestrSimulator, api: Hivestr):
    paged = api.all_rows("/public/proposals", status="all")
    truth = list(sim.records("proposals"))
    assert [row["id"] for row in paged] == [row["id"] for row in truth]
    assert len({row["id"] for row in paged}) == len(paged)
    created = [row["created_at"] for row in paged]
    assert created == sorted(created)
    assert api.data("/public/proposals", status="all", page=2, limit=7) == paged[7:14]


def test_inventory_defaults_hide_broadcast_and_inactive_items(sim: HivestrSimulator, api: Hivestr):
    truth = list(sim.records("inventory"))
    shown_by_default = [i["id"] for i in truth if i["media_type"] in ("DOOH", "OOH") and i["is_active"]]
    default = api.all_rows("/public/inventory/list")
    assert [i["id"] for i in default] == shown_by_default
    assert {i["media_type"] for i in default} == {"DOOH", "OOH"}
    every = api.all_rows("/public/inventory/list", media_type="all", is_active="all")
    assert [i["id"] for i in every] == [i["id"] for i in truth] and len(every) == 40
    assert len(every) > len(default)
    # each default hides rows on its own
    all_types = api.all_rows("/public/inventory/list", media_type="all")
    assert {i["media_type"] for i in all_types} == {"DOOH", "OOH", "TV", "RADIO"}
    assert all(i["is_active"] for i in all_types)
    inactive = api.all_rows("/public/inventory/list", is_active="false", media_type="all")
    assert inactive and [i["id"] for i in inactive] == [i["id"] for i in truth if not i["is_active"]]
    radio = api.all_rows("/public/inventory/list", media_type="RADIO", is_active="all")
    assert [i["id"] for i in radio] == [i["id"] for i in truth if i["media_type"] == "RADIO"]


def test_inventory_filters_by_city_and_state_ignoring_case(sim: HivestrSimulator, api: Hivestr):
    truth = list(sim.records("inventory"))
    city, state = truth[0]["city"], truth[0]["state"]
    by_city = api.all_rows("/public/inventory/list", media_type="all", is_active="all", city=city.upper())
    assert by_city and {i["city"] for i in by_city} == {city}
    assert len(by_city) == sum(1 for i in truth if i["city"] == city)
    by_state = api.all_rows("/public/inventory/list", media_type="all", is_active="all", state=state.lower())
    assert len(by_state) == sum(1 for i in truth if i["state"] == state)


def test_client_status_defaults_hide_inactive_clients(sim: HivestrSimulator, api: Hivestr):
    truth = list(sim.records("clients"))
    inactive = [c["id"] for c in truth if c["status"] == "inactive"]
    default = api.all_rows("/public/clients")
    assert inactive and len(default) == len(truth) - len(inactive)
    assert not {c["id"] for c in default} & set(inactive)
    assert {c["status"] for c in default} == {"lead", "prospect", "client"}
    assert [c["id"] for c in api.all_rows("/public/clients", status="all")] == [c["id"] for c in truth]
    leads = api.all_rows("/public/clients", status="lead")
    assert [c["id"] for c in leads] == [c["id"] for c in truth if c["status"] == "lead"]
    assert api.get("/public/clients", status="vip").status_code == 400


def test_client_search_matches_name_email_company_and_documents(sim: HivestrSimulator, api: Hivestr):
    client = next(c for c in sim.records("clients") if c["company_name"] and c["status"] != "inactive")
    for text in (client["name"].split()[0].lower(), client["email"].upper(), client["cnpj"]):
        found = api.all_rows("/public/clients", search=text)
        assert client["id"] in {c["id"] for c in found}
        for row in found:
            haystack = " ".join(str(row[f] or "") for f in ("name", "email", "company_name", "cnpj", "cpf"))
            assert text.casefold() in haystack.casefold()
    assert api.data("/public/clients", search="zzz-nobody") == []


def test_note_type_defaults_to_plain_notes(sim: HivestrSimulator, api: Hivestr):
    notes = list(sim.records("notes"))
    client_id = max(
        {n["client_id"] for n in notes}, key=lambda c: len({n["note_type"] for n in notes if n["client_id"] == c})
    )
    mine = [n for n in notes if n["client_id"] == client_id]
    default = api.all_rows(f"/public/clients/{client_id}/notes")
    assert [n["id"] for n in default] == [n["id"] for n in mine if n["note_type"] == "note"]
    assert len(default) < len(mine)
    every = api.all_rows(f"/public/clients/{client_id}/notes", note_type="all")
    assert every == mine
    follow_ups = api.all_rows(f"/public/clients/{client_id}/notes", note_type="follow_up")
    assert [n["id"] for n in follow_ups] == [n["id"] for n in mine if n["note_type"] == "follow_up"]
    assert set(every[0]) == {"id", "client_id", "content", "note_type", "is_completed", "created_at", "user"}
    assert set(every[0]["user"]) == {"id", "full_name"}


def test_proposal_status_defaults_hide_rejected_ones(sim: HivestrSimulator, api: Hivestr):
    truth = list(sim.records("proposals"))
    rejected = {p["id"] for p in truth if p["status"] == "rejected"}
    default = api.all_rows("/public/proposals")
    assert rejected and len(default) == len(truth) - len(rejected)
    assert not {p["id"] for p in default} & rejected
    every = api.all_rows("/public/proposals", status="all")
    assert len(every) == len(truth)
    approved = api.all_rows("/public/proposals", status="approved")
    assert [p["id"] for p in approved] == [p["id"] for p in truth if p["status"] == "approved"]


def test_proposal_list_rows_carry_no_updated_at_but_embed_the_client(sim: HivestrSimulator, api: Hivestr):
    row = api.data("/public/proposals", status="all", limit=1)[0]
    assert "updated_at" not in row and "notes" not in row and "proposal_items" not in row
    assert list(row) == [
        "id", "proposal_number", "title", "description", "status", "total_value", "discount_percentage",
        "discount_value", "final_value", "valid_until", "campaign_start_date", "campaign_end_date", "bonus_days",
        "created_at", "created_via", "client",
    ]  # fmt: skip
    truth = sim.record("proposals", row["id"])
    client = sim.record("clients", truth["client_id"])
    assert row["client"] == {k: client[k] for k in ("id", "name", "email", "company_name")}


def test_proposals_filter_by_client_and_creation_dates(sim: HivestrSimulator, api: Hivestr):
    truth = list(sim.records("proposals"))
    client_id = truth[0]["client_id"]
    mine = api.all_rows("/public/proposals", status="all", client_id=client_id)
    assert [p["id"] for p in mine] == [p["id"] for p in truth if p["client_id"] == client_id]
    day = truth[len(truth) // 2]["created_at"][:10]
    on_day = api.all_rows("/public/proposals", status="all", start_date=day, end_date=day)
    assert on_day and [p["id"] for p in on_day] == [p["id"] for p in truth if p["created_at"][:10] == day]
    since = api.all_rows("/public/proposals", status="all", start_date=day)
    assert len(since) == sum(1 for p in truth if p["created_at"][:10] >= day)
    assert api.data("/public/proposals", status="all", client_id="00000000-0000-4000-8000-000000000000") == []
    assert api.get("/public/proposals", start_date="01/02/2024").status_code == 400


def test_deals_are_not_filtered_by_default_and_filter_by_client_and_stage(sim: HivestrSimulator, api: Hivestr):
    truth = list(sim.records("deals"))
    default = api.all_rows("/public/pipeline/deals")
    assert [d["id"] for d in default] == [d["id"] for d in truth]
    assert {"Perdido", "Ganho"} <= {d["pipeline_stage"] for d in default}
    won = api.all_rows("/public/pipeline/deals", pipeline_stage="Ganho")
    assert [d["id"] for d in won] == [d["id"] for d in truth if d["pipeline_stage"] == "Ganho"]
    client_id = truth[0]["client_id"]
    mine = api.all_rows("/public/pipeline/deals", client_id=client_id)
    assert mine and {d["client_id"] for d in mine} == {client_id}
    bad = api.get("/public/pipeline/deals", pipeline_stage="negociacao")
    assert bad.status_code == 400 and "pipeline_stage" in bad.json()["error"]


# --- real-API variants (HivestrConfig switches, off by default) ---------------------------------------------------
@pytest.fixture(scope="module")
def variant() -> Iterator[Hivestr]:
    sim = make_sim(omit_pagination=True, limit_cap=40, hide_lost_deals=True, lists_ignoring_page=("clients",))
    client = Hivestr(sim)
    yield client
    client.close()


def pages_until_empty(api: Hivestr, path: str, **params: Any) -> list[list[dict[str, Any]]]:
    pages = []
    while rows := api.data(path, page=len(pages) + 1, limit=100, **params):
        pages.append(rows)
    return pages


def test_switched_on_lists_carry_no_pagination_and_serve_at_most_the_cap(variant: Hivestr):
    truth = [p["id"] for p in variant.sim.records("proposals")]
    body = variant.get("/public/proposals", status="all", limit=100).json()
    assert set(body) == {"success", "data"}
    pages = pages_until_empty(variant, "/public/proposals", status="all")
    assert [len(rows) for rows in pages[:-1]] == [40] * (len(pages) - 1) and 0 < len(pages[-1]) <= 40
    assert [p["id"] for rows in pages for p in rows] == truth


def test_switched_on_the_deals_list_hides_lost_cards_unless_their_stage_is_asked_for(variant: Hivestr):
    truth = list(variant.sim.records("deals"))
    shown = [d["id"] for rows in pages_until_empty(variant, "/public/pipeline/deals") for d in rows]
    assert shown == [d["id"] for d in truth if d["pipeline_stage"] != "Perdido"]
    lost = [
        d["id"] for rows in pages_until_empty(variant, "/public/pipeline/deals", pipeline_stage="Perdido") for d in rows
    ]
    assert lost and lost == [d["id"] for d in truth if d["pipeline_stage"] == "Perdido"]


def test_switched_on_a_list_ignoring_page_answers_its_first_page_whatever_is_asked(variant: Hivestr):
    first = variant.data("/public/clients", status="all", page=1, limit=40)
    assert variant.data("/public/clients", status="all", page=2, limit=40) == first
    assert variant.data("/public/proposals", status="all", page=2, limit=40) != variant.data(
        "/public/proposals", status="all", page=1, limit=40
    )  # the other lists page as documented


def test_switched_on_lists_show_the_most_recently_changed_first_so_a_change_reorders_them():
    clock = FakeClock()
    api = Hivestr(make_sim(clock, lists_recently_changed_first=True))
    before = api.all_rows("/public/clients", status="all")
    stamps = [c["updated_at"] for c in before]
    assert stamps == sorted(stamps, reverse=True) and len(before) == 200
    clock.now += 60
    last = before[-1]["id"]
    api.sim.update("clients", last, {"name": "Cliente movido"})
    after = api.data("/public/clients", status="all", page=1, limit=100)
    assert after[0]["id"] == last and [c["id"] for c in after[1:]] == [c["id"] for c in before[:99]]
    notes = api.all_rows(f"/public/clients/{before[0]['id']}/notes", note_type="all")  # no updated_at: created_at
    assert len(notes) > 1 and [n["created_at"] for n in notes] == sorted((n["created_at"] for n in notes), reverse=True)
    api.close()
