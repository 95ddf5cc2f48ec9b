"""Hivestr detail endpoints and computed fields: schedules, a client's proposals and stats, proposal items and
totals, a deal's tasks_summary, tasks, reminders, and 404s."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from simulators.hivestr import HivestrSimulator
from tests.simulators.test_hivestr_sim_tokens import START, FakeClock, Hivestr, make_sim


@pytest.fixture(scope="module")
def sim() -> HivestrSimulator:
    return make_sim()


@pytest.fixture(scope="module")
def api(sim: HivestrSimulator) -> Iterator[Hivestr]:
    client = Hivestr(sim)
    yield client
    client.close()


def test_tv_and_radio_items_carry_their_schedules(sim: HivestrSimulator, api: Hivestr):
    schedules = list(sim.records("media_schedules"))
    for media in ("TV", "RADIO"):
        item = next(i for i in sim.records("inventory") if i["media_type"] == media)
        detail = api.data(f"/public/inventory/{item['id']}")
        expected = [
            {k: v for k, v in s.items() if k != "inventory_id"} for s in schedules if s["inventory_id"] == item["id"]
        ]
        assert detail == {**item, "media_schedules": expected}
        assert 2 <= len(expected) <= 6
        first = expected[0]
        assert set(first) == {
            "id", "run_days", "start_time", "end_time", "price_per_slot", "available_slots", "program_name",
            "social_class", "audience", "is_active",
        }  # fmt: skip
        assert all(0 <= day <= 6 for day in first["run_days"]) and first["start_time"] < first["end_time"]
        assert isinstance(first["price_per_slot"], int) and first["price_per_slot"] > 0
        assert len({s["program_name"] for s in expected}) == len(expected)  # one programme per schedule
    dooh = next(i for i in sim.records("inventory") if i["media_type"] == "DOOH")
    assert api.data(f"/public/inventory/{dooh['id']}")["media_schedules"] == []


def test_client_detail_lists_every_proposal_with_stats(sim: HivestrSimulator, api: Hivestr):
    proposals = list(sim.records("proposals"))
    per_client = Counter(p["client_id"] for p in proposals)
    client_id = per_client.most_common(1)[0][0]
    mine = [p for p in proposals if p["client_id"] == client_id]
    assert len(mine) >= 3
    detail = api.data(f"/public/clients/{client_id}")
    assert {k: v for k, v in detail.items() if k not in ("proposals", "proposal_stats")} == sim.record(
        "clients", client_id
    )
    assert [p["id"] for p in detail["proposals"]] == [p["id"] for p in mine]
    assert detail["proposals"][0] == {
        k: mine[0][k]
        for k in (
            "id", "proposal_number", "title", "status", "total_value", "final_value", "discount_percentage",
            "campaign_start_date", "campaign_end_date", "created_at",
        )
    }  # fmt: skip
    statuses = Counter(p["status"] for p in mine)
    assert detail["proposal_stats"] == {
        "total": len(mine),
        "approved": statuses["approved"],
        "pending": statuses["draft"] + statuses["sent"] + statuses["viewed"] + statuses["pre_approved"],
        "rejected": statuses["rejected"],
        "total_value": sum(p["final_value"] for p in mine),
        "approved_value": sum(p["final_value"] for p in mine if p["status"] == "approved"),
    }


def test_proposal_detail_has_items_with_their_vehicle_and_consistent_totals(sim: HivestrSimulator, api: Hivestr):
    items = list(sim.records("proposal_items"))
    proposal_id = next(i["proposal_id"] for i in items if i["schedule_id"])  # one with a TV or radio item
    detail = api.data(f"/public/proposals/{proposal_id}")
    mine = [{k: v for k, v in i.items() if k != "proposal_id"} for i in items if i["proposal_id"] == proposal_id]
    assert detail["proposal_items"] == mine
    assert "updated_at" in detail and "notes" in detail and "commercial_notes" in detail
    for item in detail["proposal_items"]:
        vehicle = sim.record("inventory", item["vehicle_id"])
        assert item["media_vehicle"] == {k: vehicle[k] for k in ("id", "name", "media_type", "city", "state")}
    total = sum(i["final_price"] for i in mine)
    discount = round(total * detail["discount_percentage"] / 100)
    assert (detail["total_value"], detail["discount_value"], detail["final_value"]) == (
        total,
        discount,
        total - discount,
    )
    listed = next(p for p in api.all_rows("/public/proposals", status="all") if p["id"] == proposal_id)
    assert listed["final_value"] == detail["final_value"]


def test_item_prices_follow_the_vehicle_or_the_schedule(sim: HivestrSimulator):
    schedules = {s["id"]: s for s in sim.records("media_schedules")}
    inventory = {i["id"]: i for i in sim.records("inventory")}
    proposals = {p["id"]: p for p in sim.records("proposals")}
    for item in sim.records("proposal_items"):
        vehicle = inventory[item["vehicle_id"]]
        if item["schedule_id"]:
            assert vehicle["media_type"] in ("TV", "RADIO")
            assert item["unit_price"] == schedules[item["schedule_id"]]["price_per_slot"]
            gross = item["unit_price"] * item["quantity"]
        else:
            proposal = proposals[item["proposal_id"]]
            start, end = proposal["campaign_start_date"], proposal["campaign_end_date"]
            assert vehicle["media_type"] in ("DOOH", "OOH") and start <= end
            assert item["unit_price"] == vehicle["base_price"]  # generated data: prices are the vehicle's
            gross = vehicle["unit_price"] * item["quantity"]
        expected = 0 if item["is_bonus"] else round(gross * (100 - item["discount_percentage"]) / 100)
        assert item["final_price"] == expected


def test_deal_detail_and_tasks_summary_follow_its_tasks(sim: HivestrSimulator, api: Hivestr):
    tasks = list(sim.records("tasks"))
    deal_id = max({t["deal_id"] for t in tasks}, key=lambda d: sum(1 for t in tasks if t["deal_id"] == d))
    mine = [t for t in tasks if t["deal_id"] == deal_id]
    listed = api.all_rows(f"/public/pipeline/deals/{deal_id}/tasks")
    assert listed == mine and len(mine) >= 3
    assert set(listed[0]) == {
        "id", "deal_id", "title", "due_at", "is_completed", "user_id", "user", "created_at", "updated_at"
    }  # fmt: skip
    detail = api.data(f"/public/pipeline/deals/{deal_id}")
    assert detail == sim.record("deals", deal_id)
    now = "2026-06-01T10:00:00Z"
    tomorrow = "2026-06-02T10:00:00Z"
    pending = [t for t in mine if not t["is_completed"]]
    dated = [t["due_at"] for t in pending if t["due_at"]]
    assert detail["tasks_summary"] == {
        "pending": len(pending),
        "total": len(mine),
        "overdue": sum(1 for due in dated if due < now),
        "due_soon": sum(1 for due in dated if due < tomorrow),
        "next_due_at": min((due for due in dated if due >= now), default=None),
    }
    paged = api.get(f"/public/pipeline/deals/{deal_id}/tasks", limit=2).json()
    assert paged["pagination"] == {"page": 1, "limit": 2, "total": len(mine), "total_pages": -(-len(mine) // 2)}


def test_reminders_list_pending_tasks_due_within_a_day_with_their_urgency():
    clock = FakeClock()  # 2026-06-01T10:00:00Z, 07:00 in Brasília
    sim = make_sim(clock)
    api = Hivestr(sim)
    deal = next(d for d in sim.records("deals") if d["pipeline_stage"] == "Negociação")
    made = {}
    for title, due in (
        ("Ligar para o cliente", "2026-06-01T09:00:00Z"),  # an hour ago
        ("Enviar mídia kit", "2026-06-01T20:00:00Z"),  # 17:00 in Brasília today
        ("Confirmar pedido de inserção", "2026-06-02T05:00:00Z"),  # 02:00 tomorrow in Brasília
        ("Visita ao ponto", "2026-06-03T05:00:00Z"),  # beyond 24 h
    ):
        made[title] = api.request(
            "POST", f"/public/pipeline/deals/{deal['id']}/tasks", json={"title": title, "due_at": due}
        ).json()["data"]
    body = api.get("/public/pipeline/reminders").json()
    assert body["success"] is True and body["count"] == len(body["data"])
    assert body["overdue_count"] == sum(1 for r in body["data"] if r["urgency"] == "overdue")
    by_id = {r["id"]: r for r in body["data"]}
    assert by_id[made["Ligar para o cliente"]["id"]] == {
        "id": made["Ligar para o cliente"]["id"],
        "title": "Ligar para o cliente",
        "due_at": "2026-06-01T09:00:00Z",
        "urgency": "overdue",
        "deal_id": deal["id"],
        "deal_title": deal["title"],
        "pipeline_stage": "Negociação",
        "client_name": deal["client"]["name"],
        "assignee_name": made["Ligar para o cliente"]["user"]["full_name"],
    }
    assert by_id[made["Enviar mídia kit"]["id"]]["urgency"] == "due_today"
    assert by_id[made["Confirmar pedido de inserção"]["id"]]["urgency"] == "due_soon"
    assert made["Visita ao ponto"]["id"] not in by_id
    expected = [
        t["id"]
        for t in sim.records("tasks")
        if not t["is_completed"] and t["due_at"] and t["due_at"] < "2026-06-02T10:00:00Z"
    ]
    assert sorted(by_id) == sorted(expected)
    assert [r["due_at"] for r in body["data"]] == sorted(r["due_at"] for r in body["data"])
    clock.now = START + 2 * 86400  # time passes: the far task falls due, everything else is overdue
    api.login()  # the old token expired meanwhile
    later = api.get("/public/pipeline/reminders").json()["data"]
    assert {r["urgency"] for r in later if r["id"] in {t["id"] for t in made.values()}} == {"overdue"}
    api.close()


def test_reminders_filter_by_the_task_or_deal_owner(sim: HivestrSimulator, api: Hivestr):
    every = api.get("/public/pipeline/reminders").json()["data"]
    tasks = {t["id"]: t for t in sim.records("tasks")}
    deals = {d["id"]: d for d in sim.records("deals")}
    user_id = tasks[every[0]["id"]]["user_id"]
    mine = api.get("/public/pipeline/reminders", user_id=user_id).json()
    expected = [r["id"] for r in every if user_id in (tasks[r["id"]]["user_id"], deals[r["deal_id"]]["user_id"])]
    assert [r["id"] for r in mine["data"]] == expected and mine["count"] == len(expected)
    nobody = api.get("/public/pipeline/reminders", user_id="00000000-0000-4000-8000-000000000000").json()
    assert nobody["count"] == 0 and nobody["data"] == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/public/inventory/{id}", "Item de inventário não encontrado"),
        ("/public/clients/{id}", "Cliente não encontrado"),
        ("/public/clients/{id}/notes", "Cliente não encontrado"),
        ("/public/proposals/{id}", "Proposta não encontrada"),
        ("/public/pipeline/deals/{id}", "Card não encontrado"),
        ("/public/pipeline/deals/{id}/tasks", "Card não encontrado"),
    ],
)
def test_unknown_ids_are_404(sim: HivestrSimulator, api: Hivestr, path: str, message: str):
    some_client = next(sim.records("clients"))["id"]  # a real id, of another entity
    for record_id in ("00000000-0000-4000-8000-000000000000", "not-a-uuid", some_client):
        if "clients" in path and record_id == some_client:
            continue
        response = api.get(path.format(id=record_id))
        assert response.status_code == 404
        assert response.json() == {"success": False, "error": message}
