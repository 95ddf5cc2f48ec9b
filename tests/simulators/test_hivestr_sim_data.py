"""The generated Hivestr account: deterministic per seed, proportional to scale, consistent references, and
plausible pt-BR values (documents with valid check digits, UFs, centavos, the API's date formats)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pytest

from simulators.hivestr import HivestrSimulator
from simulators.hivestr.schema import STAGE_PROPOSAL_STATUS, UFS
from tests.simulators.test_hivestr_sim_tokens import Hivestr, make_sim

INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DATA_END = "2026-06-01T00:00:00Z"
ENTITIES = ("inventory", "media_schedules", "clients", "notes", "proposals", "proposal_items", "deals", "tasks")


@pytest.fixture(scope="module")
def sim() -> HivestrSimulator:
    return make_sim()


@pytest.fixture(scope="module")
def truth(sim: HivestrSimulator) -> dict[str, list[dict[str, Any]]]:
    return {entity: list(sim.records(entity)) for entity in ENTITIES}


def _pages(sim: HivestrSimulator) -> list[Any]:
    api = Hivestr(sim)
    pages = [
        api.get(path, **params).json()
        for path, params in (
            ("/public/inventory/list", {"media_type": "all", "is_active": "all", "limit": 100}),
            ("/public/clients", {"status": "all", "page": 2}),
            ("/public/proposals", {"status": "all", "limit": 100}),
            ("/public/pipeline/deals", {"limit": 100}),
            ("/public/pipeline/reminders", {}),
        )
    ]
    api.close()
    return pages


def test_the_same_seed_and_scale_give_the_same_account_and_another_seed_does_not():
    first, again, other = _pages(make_sim(seed=7)), _pages(make_sim(seed=7)), _pages(make_sim(seed=8))
    assert first == again
    assert first[1]["data"][0]["id"] != other[1]["data"][0]["id"]
    assert (
        first[1]["data"][0]["name"] != other[1]["data"][0]["name"]
        or first[1]["data"][0]["cnpj"] != other[1]["data"][0]["cnpj"]
    )
    assert first[1]["pagination"]["total"] == other[1]["pagination"]["total"] == 200  # scale fixes the clients


def test_sizes_are_proportional_to_the_number_of_clients():
    small, large = make_sim(scale=200).counts(), make_sim(scale=2000).counts()
    assert (small["clients"], large["clients"]) == (200, 2000)
    assert (small["inventory"], large["inventory"]) == (40, 400)  # one vehicle per five clients
    for entity in ("notes", "proposals", "proposal_items", "deals", "tasks"):
        ratio = large[entity] / small[entity]
        assert 7 < ratio < 13, (entity, small[entity], large[entity])
    assert 1.5 < large["notes"] / large["clients"] < 3 and 1 < large["deals"] / large["clients"] < 1.4


def test_every_reference_points_at_a_live_record_of_the_right_kind(truth):
    ids = {entity: {r["id"] for r in rows} for entity, rows in truth.items()}
    inventory = {i["id"]: i for i in truth["inventory"]}
    schedules = {s["id"]: s for s in truth["media_schedules"]}
    proposals = {p["id"]: p for p in truth["proposals"]}
    for schedule in truth["media_schedules"]:
        assert inventory[schedule["inventory_id"]]["media_type"] in ("TV", "RADIO")
    assert all(n["client_id"] in ids["clients"] for n in truth["notes"])
    assert all(p["client_id"] in ids["clients"] for p in truth["proposals"])
    for item in truth["proposal_items"]:
        assert item["proposal_id"] in ids["proposals"] and item["vehicle_id"] in ids["inventory"]
        if item["schedule_id"]:
            assert schedules[item["schedule_id"]]["inventory_id"] == item["vehicle_id"]
        else:
            assert inventory[item["vehicle_id"]]["media_type"] in ("DOOH", "OOH")
    for deal in truth["deals"]:
        assert deal["client_id"] in ids["clients"] and deal["client"]["id"] == deal["client_id"]
        if deal["proposal_id"]:
            proposal = proposals[deal["proposal_id"]]
            assert proposal["client_id"] == deal["client_id"]
            assert STAGE_PROPOSAL_STATUS[deal["pipeline_stage"]] == proposal["status"]  # the doc's stage table
    assert all(t["deal_id"] in ids["deals"] for t in truth["tasks"])
    every_id = [r["id"] for rows in truth.values() for r in rows]
    assert len(every_id) == len(set(every_id)) and all(UUID.match(i) for i in every_id)


def test_children_are_never_older_than_their_owner_and_owners_were_updated_since(truth):
    clients = {c["id"]: c for c in truth["clients"]}
    deals = {d["id"]: d for d in truth["deals"]}
    latest_note: dict[str, str] = defaultdict(str)
    for note in truth["notes"]:
        assert clients[note["client_id"]]["created_at"] <= note["created_at"] <= DATA_END
        latest_note[note["client_id"]] = max(latest_note[note["client_id"]], note["created_at"])
    for client_id, created in latest_note.items():
        assert clients[client_id]["updated_at"] >= created  # a new note is a change to the client
    for proposal in truth["proposals"]:
        assert clients[proposal["client_id"]]["created_at"] <= proposal["created_at"] <= proposal["updated_at"]
    for task in truth["tasks"]:
        deal = deals[task["deal_id"]]
        assert deal["created_at"] <= task["created_at"] <= task["updated_at"] <= deal["updated_at"] <= DATA_END


def test_statuses_stages_and_types_cover_the_documented_values(truth):
    assert {c["status"] for c in truth["clients"]} == {"lead", "prospect", "client", "inactive"}
    assert {n["note_type"] for n in truth["notes"]} == {"note", "task", "reminder", "follow_up"}
    assert {"draft", "sent", "viewed", "approved", "rejected"} <= {p["status"] for p in truth["proposals"]}
    assert {i["media_type"] for i in truth["inventory"]} == {"DOOH", "OOH", "TV", "RADIO"}
    assert {d["pipeline_stage"] for d in truth["deals"]} == set(STAGE_PROPOSAL_STATUS)
    statuses_by_client = defaultdict(set)
    for proposal in truth["proposals"]:
        statuses_by_client[proposal["client_id"]].add(proposal["status"])
    for client in truth["clients"]:
        if client["status"] == "client":
            assert "approved" in statuses_by_client[client["id"]]  # a client has bought something


def _check_digits(digits: list[int], weights: list[int]) -> int:
    remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if remainder < 2 else 11 - remainder


def test_values_look_like_a_brazilian_media_owners(truth):
    for client in truth["clients"]:
        assert client["state"] in UFS and re.match(r"^\d{5}-\d{3}$", client["zip_code"])
        assert (client["cnpj"] is None) != (client["cpf"] is None)  # a company or a person
        if client["cnpj"]:
            digits = [int(d) for d in re.sub(r"\D", "", client["cnpj"])]
            assert re.match(r"^\d{2}\.\d{3}\.\d{3}/0001-\d{2}$", client["cnpj"])
            assert digits[12] == _check_digits(digits[:12], [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
        else:
            digits = [int(d) for d in re.sub(r"\D", "", client["cpf"])]
            assert digits[9] == _check_digits(digits[:9], list(range(10, 1, -1)))
        if client["phone"]:
            assert re.match(r"^\(\d{2}\) 9\d{4}-\d{4}$", client["phone"])
        assert INSTANT.match(client["created_at"]) and INSTANT.match(client["updated_at"])
    for item in truth["inventory"]:
        assert item["state"] in UFS and isinstance(item["base_price"], int)
        assert item["unit_price"] == round(item["base_price"] / 30)
        if item["media_type"] == "DOOH":
            assert item["total_daily_insertions"] == item["screen_quantity"] * item["insertions_per_day"]
    for proposal in truth["proposals"]:
        assert DATE.match(proposal["campaign_start_date"]) and DATE.match(proposal["campaign_end_date"])
        assert proposal["campaign_start_date"] <= proposal["campaign_end_date"]
        assert re.match(r"^PROP-\d{4,}-\d{2}$", proposal["proposal_number"])
        assert all(isinstance(proposal[k], int) for k in ("total_value", "discount_value", "final_value"))
    for schedule in truth["media_schedules"]:
        assert re.match(r"^\d{2}:\d{2}:\d{2}$", schedule["start_time"]) and schedule["program_name"]
    for task in truth["tasks"]:
        assert task["due_at"] is None or INSTANT.match(task["due_at"])
