"""Changes to a Hivestr simulator (in-process methods, admin routes and the API's own writes): what they do, and
that a change to a child moves its owner's updated_at, which is how a sync notices it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from simulators.hivestr import HivestrSimulator
from tests.simulators.test_hivestr_sim_tokens import FakeClock, Hivestr, make_sim

NOW = "2026-06-01T10:00:00Z"  # the FakeClock's start


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sim(clock: FakeClock) -> HivestrSimulator:
    return make_sim(clock)


@pytest.fixture
def api(sim: HivestrSimulator) -> Iterator[Hivestr]:
    client = Hivestr(sim)
    yield client
    client.close()


def _first(sim: HivestrSimulator, entity: str, **match: Any) -> dict[str, Any]:
    return next(r for r in sim.records(entity) if all(r[k] == v for k, v in match.items()))


# --- children move their owner --------------------------------------------------------------------------------
def test_a_note_added_changed_or_deleted_moves_its_clients_updated_at(sim, api, clock):
    client = _first(sim, "clients", status="client")
    assert client["updated_at"] < NOW
    note = sim.insert("notes", {"client_id": client["id"], "content": "Ligou pedindo tabela", "note_type": "follow_up"})
    assert note["user"] is not None and note["created_at"] == NOW
    assert api.data(f"/public/clients/{client['id']}")["updated_at"] == NOW
    assert note in api.all_rows(f"/public/clients/{client['id']}/notes", note_type="all")
    sim.update("notes", note["id"], {"content": "Ligou de novo"})  # same second: still a later updated_at
    assert sim.record("clients", client["id"])["updated_at"] == "2026-06-01T10:00:01Z"
    clock.now += 60
    sim.delete("notes", note["id"])
    assert sim.record("clients", client["id"])["updated_at"] == "2026-06-01T10:01:00Z"
    assert note["id"] not in {n["id"] for n in api.all_rows(f"/public/clients/{client['id']}/notes", note_type="all")}


def test_posting_a_note_through_the_api_moves_the_client(sim, api, clock):
    client = _first(sim, "clients", status="lead")
    clock.now += 5
    created = api.request("POST", f"/public/clients/{client['id']}/notes", json={"content": "Pediu retorno"})
    assert created.status_code == 201
    note = created.json()["data"]
    assert (note["note_type"], note["content"], note["client_id"]) == ("note", "Pediu retorno", client["id"])
    assert api.data(f"/public/clients/{client['id']}")["updated_at"] == "2026-06-01T10:00:05Z"
    bad = api.request("POST", f"/public/clients/{client['id']}/notes", json={"content": "x", "note_type": "memo"})
    assert bad.status_code == 400
    assert api.request("POST", f"/public/clients/{client['id']}/notes", json={}).json() == {
        "success": False,
        "error": "Campo obrigatório: content",
    }


def test_task_changes_move_the_deal_and_its_tasks_summary(sim, api, clock):
    deal = _first(sim, "deals", pipeline_stage="Negociação")
    before = api.data(f"/public/pipeline/deals/{deal['id']}")
    path = f"/public/pipeline/deals/{deal['id']}/tasks"
    created = api.request("POST", path, json={"title": "Ligar para o cliente", "due_at": "2026-06-01T12:30:00-03:00"})
    assert created.status_code == 201
    task = created.json()["data"]
    assert task["due_at"] == "2026-06-01T15:30:00Z" and task["is_completed"] is False
    after = api.data(f"/public/pipeline/deals/{deal['id']}")
    assert after["updated_at"] == NOW > before["updated_at"]
    summary, old = after["tasks_summary"], before["tasks_summary"]
    assert (summary["total"], summary["pending"], summary["due_soon"]) == (
        old["total"] + 1,
        old["pending"] + 1,
        old["due_soon"] + 1,
    )
    assert summary["next_due_at"] == min(filter(None, [old["next_due_at"], "2026-06-01T15:30:00Z"]))

    clock.now += 30
    patched = api.request("PATCH", f"{path}/{task['id']}", json={"is_completed": True})
    assert patched.status_code == 200 and patched.json()["data"]["is_completed"] is True
    done = api.data(f"/public/pipeline/deals/{deal['id']}")
    assert done["updated_at"] == "2026-06-01T10:00:30Z"
    assert (done["tasks_summary"]["pending"], done["tasks_summary"]["total"]) == (old["pending"], old["total"] + 1)

    clock.now += 30
    assert api.request("DELETE", f"{path}/{task['id']}").json() == {
        "success": True,
        "message": "Tarefa removida com sucesso",
    }
    gone = api.data(f"/public/pipeline/deals/{deal['id']}")
    assert gone["updated_at"] == "2026-06-01T10:01:00Z" and gone["tasks_summary"] == old
    assert api.request("PATCH", f"{path}/{task['id']}", json={"title": "x"}).status_code == 404


def test_with_the_switch_a_childs_change_leaves_its_owners_updated_at_alone(clock):
    sim = make_sim(clock, parent_updated_at_ignores_children=True)
    api = Hivestr(sim)
    client = _first(sim, "clients", status="client")
    radio = _first(sim, "inventory", media_type="RADIO")
    schedule = _first(sim, "media_schedules", inventory_id=radio["id"])
    task = next(sim.records("tasks"))
    proposal = _first(sim, "proposals", status="draft")
    owners = {"clients": client, "inventory": radio, "deals": sim.record("deals", task["deal_id"])}
    clock.now += 60
    note = sim.insert("notes", {"client_id": client["id"], "content": "Ligou", "note_type": "note"})
    sim.update("notes", note["id"], {"content": "Ligou de novo"})
    api.request("POST", f"/public/clients/{client['id']}/notes", json={"content": "Pediu retorno"})
    sim.delete("notes", note["id"])
    sim.update("media_schedules", schedule["id"], {"program_name": "Jornal da Tarde"})
    api.request("PATCH", f"/public/pipeline/deals/{task['deal_id']}/tasks/{task['id']}", json={"title": "Outro"})
    sim.insert(
        "proposal_items", {"proposal_id": proposal["id"], "vehicle_id": radio["id"], "schedule_id": schedule["id"]}
    )

    for entity, before in owners.items():
        assert sim.record(entity, before["id"])["updated_at"] == before["updated_at"], entity
    assert sim.record("proposals", proposal["id"])["updated_at"] == proposal["updated_at"]
    assert sim.record("tasks", task["id"])["title"] == "Outro"  # the children did change
    api.close()


def test_a_task_is_only_reachable_through_its_own_deal(sim, api):
    task = next(sim.records("tasks"))
    other_deal = next(d for d in sim.records("deals") if d["id"] != task["deal_id"])
    response = api.request(
        "PATCH", f"/public/pipeline/deals/{other_deal['id']}/tasks/{task['id']}", json={"title": "x"}
    )
    assert response.status_code == 404


def test_replacing_proposal_items_moves_the_proposal_and_its_totals(sim, api, clock):
    proposal = _first(sim, "proposals", status="sent")
    vehicle = _first(sim, "inventory", media_type="DOOH")
    path = f"/public/proposals/{proposal['id']}"
    clock.now += 120
    body = {"items": [{"vehicle_id": vehicle["id"], "quantity": 15, "unit_price": 500000, "final_price": 250005}]}
    response = api.request("PUT", path, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["updated_at"] == "2026-06-01T10:02:00Z"
    detail = api.data(path)
    assert [(i["vehicle_id"], i["quantity"], i["final_price"]) for i in detail["proposal_items"]] == [
        (vehicle["id"], 15, 250005)
    ]
    assert detail["total_value"] == 250005
    assert detail["final_value"] == 250005 - round(250005 * detail["discount_percentage"] / 100)
    assert detail["updated_at"] == "2026-06-01T10:02:00Z"
    assert {i["proposal_id"] for i in sim.records("proposal_items") if i["proposal_id"] == proposal["id"]} == {
        proposal["id"]
    }
    listed = next(p for p in api.all_rows("/public/proposals", status="all") if p["id"] == proposal["id"])
    assert listed["total_value"] == 250005  # the list row's content changes with it


def test_in_process_item_and_schedule_changes_move_their_owner(sim, clock):
    proposal = _first(sim, "proposals", status="draft")
    radio = _first(sim, "inventory", media_type="RADIO")
    schedule = _first(sim, "media_schedules", inventory_id=radio["id"])
    clock.now += 10
    item = sim.insert(
        "proposal_items",
        {"proposal_id": proposal["id"], "vehicle_id": radio["id"], "schedule_id": schedule["id"], "quantity": 4},
    )
    assert (item["unit_price"], item["final_price"]) == (schedule["price_per_slot"], 4 * schedule["price_per_slot"])
    assert item["media_vehicle"]["id"] == radio["id"]
    assert sim.record("proposals", proposal["id"])["updated_at"] == "2026-06-01T10:00:10Z"
    clock.now += 10
    sim.update("media_schedules", schedule["id"], {"price_per_slot": 99900})
    assert sim.record("inventory", radio["id"])["updated_at"] == "2026-06-01T10:00:20Z"
    assert sim.record("proposal_items", item["id"])["unit_price"] == schedule["price_per_slot"]  # frozen in the item
    with pytest.raises(ValueError, match="schedule"):
        sim.insert("proposal_items", {"proposal_id": proposal["id"], "vehicle_id": radio["id"]})


def test_updating_a_client_through_put(sim, api, clock):
    client = _first(sim, "clients", status="lead")
    clock.now += 1
    response = api.request("PUT", f"/public/clients/{client['id']}", json={"status": "client", "city": "São Paulo"})
    assert response.json() == {
        "success": True,
        "data": {
            "id": client["id"],
            "name": client["name"],
            "email": client["email"],
            "status": "client",
            "updated_at": "2026-06-01T10:00:01Z",
        },
        "message": "Cliente atualizado com sucesso",
    }
    assert sim.record("clients", client["id"])["city"] == "São Paulo"
    assert api.request("PUT", f"/public/clients/{client['id']}", json={"status": "vip"}).status_code == 400
    assert api.request("PUT", f"/public/clients/{client['id']}", json={}).status_code == 400


# --- the API's own rules ---------------------------------------------------------------------------------------
def test_creating_a_client_creates_its_deal_in_prospeccao(sim, api):
    response = api.request(
        "POST",
        "/public/clients",
        json={"name": "João Silva", "email": "joao@empresa.com", "company_name": "Empresa XYZ"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["data"] == {
        "id": body["data"]["id"],
        "name": "João Silva",
        "email": "joao@empresa.com",
        "status": "lead",
        "created_at": NOW,
    }
    deal = body["pipeline_deal"]
    assert deal == {
        "id": deal["id"],
        "title": "João Silva — Empresa XYZ",
        "pipeline_stage": "Prospecção",
        "estimated_value": None,
        "notes": None,
    }
    assert sim.record("deals", deal["id"])["client_id"] == body["data"]["id"]
    assert sim.record("clients", body["data"]["id"])["source"] == "API"
    found = api.data("/public/clients", search="joao@empresa.com")  # the documented search-then-create flow
    assert [c["id"] for c in found] == [body["data"]["id"]]
    assert api.request("POST", "/public/clients", json={"email": "x@y.z"}).status_code == 400


def test_moving_a_deal_syncs_its_proposal_and_mark_lost_rejects_it(sim, api, clock):
    deal = next(d for d in sim.records("deals") if d["proposal_id"] and d["pipeline_stage"] == "Proposta")
    path = f"/public/pipeline/deals/{deal['id']}"
    moved = api.request("PATCH", f"{path}/stage", json={"pipeline_stage": "Aprovação"})
    assert moved.status_code == 200 and moved.json()["data"]["pipeline_stage"] == "Aprovação"
    assert sim.record("proposals", deal["proposal_id"])["status"] == "pre_approved"
    assert api.request("PATCH", f"{path}/stage", json={"pipeline_stage": "Perdido"}).status_code == 400
    clock.now += 1
    lost = api.request("POST", f"{path}/mark-lost", json={"reason": "Cliente escolheu concorrente"})
    assert lost.status_code == 200
    assert (lost.json()["data"]["pipeline_stage"], lost.json()["data"]["lost_reason"]) == (
        "Perdido",
        "Cliente escolheu concorrente",
    )
    assert sim.record("proposals", deal["proposal_id"])["status"] == "rejected"
    notes = api.all_rows(f"/public/clients/{deal['client_id']}/notes")
    assert notes[-1]["content"] == "Negócio perdido: Cliente escolheu concorrente"
    for method, suffix, body in (("PATCH", "", {"title": "x"}), ("PATCH", "/stage", {"pipeline_stage": "Ganho"})):
        refused = api.request(method, path + suffix, json=body)
        assert refused.status_code == 400 and "Perdido" in refused.json()["error"]


def test_approved_or_rejected_proposals_cannot_be_edited(sim, api):
    for status in ("approved", "rejected"):
        proposal = _first(sim, "proposals", status=status)
        refused = api.request("PUT", f"/public/proposals/{proposal['id']}", json={"title": "Novo"})
        assert refused.status_code == 400
        assert refused.json()["error"] == "Propostas aprovadas ou rejeitadas não podem ser editadas"


def test_creating_a_proposal_through_the_api(sim, api):
    client = _first(sim, "clients", status="prospect")
    tv = _first(sim, "inventory", media_type="TV")
    schedule = _first(sim, "media_schedules", inventory_id=tv["id"])
    body = {
        "client_id": client["id"],
        "title": "Campanha Verão 2027",
        "campaign_start_date": "2027-01-15",
        "campaign_end_date": "2027-01-29",
        "discount_percentage": 10,
        "items": [
            {
                "vehicle_id": tv["id"],
                "schedule_id": schedule["id"],
                "quantity": 10,
                "unit_price": 150000,
                "final_price": 1500000,
            }
        ],
    }
    response = api.request("POST", "/public/proposals", json=body)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["status"], data["items_count"], data["final_value"], data["created_via"]) == (
        "draft",
        1,
        1350000,
        "api",
    )
    assert data["proposal_number"].startswith("PROP-") and data["proposal_number"].endswith("-26")
    no_schedule = {**body, "items": [{**body["items"][0], "schedule_id": None}]}
    assert api.request("POST", "/public/proposals", json=no_schedule).status_code == 400
    assert api.request("POST", "/public/proposals", json={**body, "items": []}).status_code == 400


def test_calculate_quotes_without_storing(sim, api):
    dooh = _first(sim, "inventory", media_type="DOOH")
    before = sim.counts()
    body = {
        "campaign_start_date": "2024-01-15",
        "campaign_end_date": "2024-01-29",
        "discount_percentage": 10,
        "bonus_days": 2,
        "items": [{"vehicle_id": dooh["id"]}],
    }
    quote = api.request("POST", "/public/proposals/calculate", json=body).json()["data"]
    assert quote["campaign_period"] == {
        "start_date": "2024-01-15",
        "end_date": "2024-01-29",
        "campaign_days": 15,
        "is_bi_semana": False,
        "bonus_days": 2,
        "total_days": 17,
    }
    item = quote["items"][0]
    assert (item["daily_price"], item["unit_price"], item["quantity"]) == (dooh["unit_price"], dooh["base_price"], 15)
    assert item["final_price"] == dooh["unit_price"] * 15
    assert quote["summary"]["final_value"] == round(item["final_price"] * 0.9)
    assert sim.counts() == before


# --- in-process and admin changes --------------------------------------------------------------------------------
def test_deleting_a_client_deletes_its_notes_proposals_deals_and_tasks(sim, api):
    client_id = Counter(p["client_id"] for p in sim.records("proposals")).most_common(1)[0][0]
    deal_ids = {d["id"] for d in sim.records("deals") if d["client_id"] == client_id}
    before = sim.counts()
    sim.delete("clients", client_id)
    after = sim.counts()
    assert after["clients"] == before["clients"] - 1
    assert not any(n["client_id"] == client_id for n in sim.records("notes"))
    assert not any(p["client_id"] == client_id for p in sim.records("proposals"))
    assert not any(t["deal_id"] in deal_ids for t in sim.records("tasks"))
    assert after["proposal_items"] < before["proposal_items"] and after["deals"] == before["deals"] - len(deal_ids)
    assert api.get(f"/public/clients/{client_id}").status_code == 404


def test_deleting_a_proposal_unlinks_its_deal(sim, clock):
    deal = next(d for d in sim.records("deals") if d["proposal_id"])
    clock.now += 3
    sim.delete("proposals", deal["proposal_id"])
    after = sim.record("deals", deal["id"])
    assert after["proposal_id"] is None and after["updated_at"] == "2026-06-01T10:00:03Z"


def test_admin_routes_change_records_over_http(sim, api):
    client = _first(sim, "clients", status="client")
    inserted = api.admin("POST", "/records/notes", json={"client_id": client["id"], "content": "via admin"})
    assert inserted.status_code == 201 and inserted.json()["client_id"] == client["id"]
    note_id = inserted.json()["id"]
    patched = api.admin("PATCH", f"/records/notes/{note_id}", json={"note_type": "reminder"})
    assert patched.status_code == 200 and patched.json()["note_type"] == "reminder"
    assert api.admin("GET", f"/records/notes/{note_id}").json()["note_type"] == "reminder"
    assert api.admin("DELETE", f"/records/notes/{note_id}").status_code == 204
    assert api.admin("GET", f"/records/notes/{note_id}").status_code == 404
    assert api.admin("PATCH", "/records/notes/nope", json={}).status_code == 404
    assert api.admin("POST", "/records/notes", json={"client_id": client["id"]}).status_code == 400
    assert (
        api.admin(
            "POST", "/records/notes", json={"client_id": client["id"], "content": "x", "color": "red"}
        ).status_code
        == 400
    )
    assert api.admin("PATCH", f"/records/clients/{client['id']}", json={"updated_at": NOW}).status_code == 400
    assert api.admin("POST", "/records/users", json={"full_name": "x"}).status_code == 404
    listed = api.admin("GET", "/records/deals", params={"limit": 2}).json()
    assert listed["count"] == sim.counts()["deals"] and len(listed["records"]) == 2
    assert api.admin("GET", "/info").json()["counts"] == sim.counts()


def test_reset_regenerates_the_data_unless_kept(sim, api):
    original = sim.counts()
    first = next(sim.records("clients"))
    sim.update("clients", first["id"], {"name": "Renomeado"})
    sim.insert("clients", {"name": "Nova Cliente"})
    assert api.admin("POST", "/reset", params={"keep_data": "true"}).status_code == 204
    assert sim.counts()["clients"] == original["clients"] + 1
    assert api.admin("POST", "/reset").status_code == 204
    assert sim.counts() == original and next(sim.records("clients")) == first


def test_an_attribute_added_or_removed_shows_in_lists_details_and_truth_without_moving_updated_at(sim, api):
    client = _first(sim, "clients")
    sim.add_attribute("clients", "segment", lambda record: f"segmento-{record['id'][:4]}")
    sim.add_attribute("clients", "tier", "gold")
    sim.remove_attribute("clients", "zip_code")
    listed = next(c for c in api.data("/public/clients", status="all", limit=100) if c["id"] == client["id"])
    detail = api.data(f"/public/clients/{client['id']}")
    for shown in (listed, detail, sim.record("clients", client["id"])):
        assert shown["segment"] == f"segmento-{client['id'][:4]}" and shown["tier"] == "gold"
        assert "zip_code" not in shown
        assert shown["updated_at"] == client["updated_at"]
