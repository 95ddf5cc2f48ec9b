"""A tiny in-memory Hivestr API for the unit tests (httpx.MockTransport handler), shaped like the documented responses.

It keeps a log of every request, checks bearer tokens, applies the list endpoints' default filters unless `all` is
asked for, and can spend an hourly budget (429 once it is gone) or forbid paths (403). No tests live here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

BASE_URL = "https://hivestr.test/api/v1"
API_SECRET = "hvstr-secret-0123456789abcdef"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    page: int | None
    status: int


def stamp(day: int, hour: int = 10) -> str:
    return f"2024-01-{day:02d}T{hour:02d}:00:00Z"


class FakeHivestr:
    def __init__(self, api_key: str, *, clients: int = 150, big_notes: bool = True, pagination: bool = True) -> None:
        self.api_key = api_key
        self.pagination = pagination
        self.calls: list[Call] = []
        self.budget: int | None = None  # requests left before 429s; None: unlimited
        self.retry_after: str | None = None  # header sent with a 429
        self.forbidden: set[str] = set()  # regexes of paths answered with 403
        self.tokens: list[str] = []
        self.valid_tokens: set[str] = set()
        self.honour_new_tokens = True  # False: tokens are issued, then refused (a key revoked meanwhile)
        self.unlisted_deals: set[str] = set()  # deals no listing returns, whatever its filters (their detail does)
        self.expires_in = 3600

        self.inventory = {
            "inv-tv": _inventory("inv-tv", "TV"),
            "inv-radio": _inventory("inv-radio", "RADIO"),
            "inv-dooh": _inventory("inv-dooh", "DOOH"),
            "inv-old": _inventory("inv-old", "OOH", is_active=False),
        }
        self.schedules: dict[str, list[dict[str, Any]]] = {
            "inv-tv": [_schedule("sch-1", "Jornal da Manhã"), _schedule("sch-2", "Jornal da Noite")],
            "inv-radio": [],
        }
        self.clients = {f"c{n:03d}": _client(n) for n in range(clients)}
        self.notes: dict[str, list[dict[str, Any]]] = {"c001": [_note("c001", n) for n in range(2)]}
        if big_notes:
            self.notes["c000"] = [_note("c000", n) for n in range(130)]
        self.proposals = {f"p{n}": _proposal(n) for n in range(1, 4)}
        self.proposal_details = {pid: {"updated_at": stamp(6), "notes": "interno"} for pid in self.proposals}
        self.proposal_items = {
            "p1": [_item("it-1", "inv-dooh"), _item("it-2", "inv-tv")],
            "p2": [_item("it-3", "inv-radio")],
            "p3": [],
        }
        self.deals = {f"d{n}": _deal(n) for n in range(1, 4)}
        self.tasks = {
            "d1": [_task("t1", "d1", 2), _task("t2", "d1", 3)],
            "d2": [_task("t3", "d2", 4)],
            "d3": [],
        }
        self.reminders = [_reminder("t1", "d1"), _reminder("t3", "d2")]

    # --- what tests look at -----------------------------------------------------------------------------------

    def paths(self, status: int | None = None) -> list[str]:
        return [call.path for call in self.calls if status is None or call.status == status]

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()

    # --- the API ----------------------------------------------------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        response = self._answer(request, path)
        page = request.url.params.get("page")
        self.calls.append(Call(request.method, path, int(page) if page else None, response.status_code))
        return response

    def _answer(self, request: httpx.Request, path: str) -> httpx.Response:
        if self.budget is not None:
            if self.budget <= 0:
                headers = {"Retry-After": self.retry_after} if self.retry_after else {}
                return _error(429, "Rate limit excedido", headers)
            self.budget -= 1
        if request.method == "POST" and path == "/auth/token":
            return self._token(json.loads(request.content))
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.valid_tokens:
            return _error(401, "Token expirado")
        if any(re.fullmatch(pattern, path) for pattern in self.forbidden):
            return _error(403, "Sem permissão")
        return self._get(path, request.url.params)

    def _token(self, body: dict[str, Any]) -> httpx.Response:
        if body != {"api_key": self.api_key, "api_secret": API_SECRET}:
            return _error(401, "Credenciais inválidas")
        token = f"hvtok-{len(self.tokens) + 1:04d}-8f14e45fceea167a5a36dedd4bea2543"
        self.tokens.append(token)
        if self.honour_new_tokens:
            self.valid_tokens.add(token)
        return httpx.Response(200, json={"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in})

    def _get(self, path: str, params: httpx.QueryParams) -> httpx.Response:
        if path == "/public/inventory/list":
            every = params.get("media_type") == "all" and params.get("is_active") == "all"
            items = [i for i in self.inventory.values() if every or (i["is_active"] and i["media_type"] == "DOOH")]
            return self._page(items, params)
        if match := re.fullmatch(r"/public/inventory/([^/]+)", path):
            item = self.inventory.get(match[1])
            if item is None:
                return _error(404, "Item não encontrado")
            return _ok({**item, "media_schedules": self.schedules.get(match[1], [])})
        if path == "/public/clients":
            every = params.get("status") == "all"
            return self._page([c for c in self.clients.values() if every or c["status"] == "client"], params)
        if match := re.fullmatch(r"/public/clients/([^/]+)/notes", path):
            if match[1] not in self.clients:
                return _error(404, "Cliente não encontrado")
            every = params.get("note_type") == "all"
            notes = self.notes.get(match[1], [])
            return self._page([n for n in notes if every or n["note_type"] == "note"], params)
        if path == "/public/proposals":
            return self._page(list(self.proposals.values()) if params.get("status") == "all" else [], params)
        if match := re.fullmatch(r"/public/proposals/([^/]+)", path):
            pid = match[1]
            if pid not in self.proposals:
                return _error(404, "Proposta não encontrada")
            detail = {**self.proposals[pid], **self.proposal_details[pid], "proposal_items": self.proposal_items[pid]}
            return _ok(detail)
        if path == "/public/pipeline/deals":
            stage = params.get("pipeline_stage")
            deals = [d for d in self.deals.values() if stage in (None, d["pipeline_stage"])]
            listed = [self._deal(d) for d in deals if d["id"] not in self.unlisted_deals]
            return self._page(listed, params)
        if match := re.fullmatch(r"/public/pipeline/deals/([^/]+)", path):
            if match[1] not in self.deals:
                return _error(404, "Card não encontrado")
            return _ok(self._deal(self.deals[match[1]]))
        if match := re.fullmatch(r"/public/pipeline/deals/([^/]+)/tasks", path):
            if match[1] not in self.deals:
                return _error(404, "Card não encontrado")
            return _ok(self.tasks.get(match[1], []))  # undocumented paging: the whole list, no pagination
        if path == "/public/pipeline/reminders":
            overdue = sum(r["urgency"] == "overdue" for r in self.reminders)
            body = {"success": True, "count": len(self.reminders), "overdue_count": overdue, "data": self.reminders}
            return httpx.Response(200, json=body)
        return _error(404, "Rota não encontrada")

    def _page(self, rows: list[dict[str, Any]], params: httpx.QueryParams) -> httpx.Response:
        page = int(params.get("page", 1))
        limit = min(int(params.get("limit", 50)), 100)
        body: dict[str, Any] = {"success": True, "data": rows[(page - 1) * limit : page * limit]}
        if self.pagination:
            total_pages = max(1, -(-len(rows) // limit))
            body["pagination"] = {"page": page, "limit": limit, "total": len(rows), "total_pages": total_pages}
        return httpx.Response(200, json=body)

    def _deal(self, deal: dict[str, Any]) -> dict[str, Any]:
        return {**deal, "tasks_summary": self._summary(deal["id"])}

    def _summary(self, deal_id: str) -> dict[str, Any]:
        pending = [t for t in self.tasks.get(deal_id, []) if not t["is_completed"]]
        return {
            "pending": len(pending),
            "total": len(self.tasks.get(deal_id, [])),
            "overdue": 0,
            "due_soon": 0,
            "next_due_at": min((t["due_at"] for t in pending), default=None),
        }


def _ok(data: Any) -> httpx.Response:
    return httpx.Response(200, json={"success": True, "data": data})


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"success": False, "error": message}, headers=headers)


def _inventory(item_id: str, media_type: str, *, is_active: bool = True) -> dict[str, Any]:
    return {
        "id": item_id,
        "name": f"Painel {item_id}",
        "media_type": media_type,
        "city": "Brasília",
        "state": "DF",
        "latitude": -15.7942,
        "longitude": -47.8822,
        "base_price": 500000,
        "unit_price": 16667,
        "discounted_price": None,
        "discount_percentage": 0,
        "negotiation_margin_percentage": 15,
        "is_active": is_active,
        "is_occupied": False,
        "created_at": stamp(1, 0),
        "updated_at": stamp(5),
    }


def _schedule(schedule_id: str, program: str) -> dict[str, Any]:
    return {
        "id": schedule_id,
        "run_days": [1, 2, 3, 4, 5],
        "start_time": "07:00:00",
        "end_time": "09:00:00",
        "price_per_slot": 150000,
        "available_slots": 10,
        "program_name": program,
        "is_active": True,
    }


def _client(n: int) -> dict[str, Any]:
    return {
        "id": f"c{n:03d}",
        "name": f"Cliente {n}",
        "email": f"cliente{n}@empresa.com",
        "status": ("client", "lead", "inactive")[n % 3],
        "created_at": stamp(1),
        "updated_at": stamp(2),
    }


def _note(client_id: str, n: int) -> dict[str, Any]:
    return {
        "id": f"{client_id}-note-{n:03d}",
        "client_id": client_id,
        "content": f"Nota {n}",
        "note_type": ("note", "follow_up")[n % 2],
        "is_completed": False,
        "created_at": stamp(3),
        "user": {"id": "u1", "full_name": "Maria Silva"},
    }


def _proposal(n: int) -> dict[str, Any]:
    return {
        "id": f"p{n}",
        "proposal_number": f"PROP-{n:04d}-24",
        "title": f"Campanha {n}",
        "status": "approved",
        "total_value": 500000,
        "discount_percentage": 10,
        "discount_value": 50000,
        "final_value": 450000,
        "valid_until": "2024-01-10T23:59:59Z",
        "campaign_start_date": "2024-01-15",
        "campaign_end_date": "2024-01-29",
        "created_at": stamp(5),
        "client": {"id": "c001", "name": "Cliente 1", "email": "cliente1@empresa.com", "company_name": "XYZ"},
    }


def _item(item_id: str, vehicle_id: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "vehicle_id": vehicle_id,
        "quantity": 1,
        "unit_price": 500000,
        "final_price": 250005,
        "is_bonus": False,
        "media_vehicle": {"id": vehicle_id, "name": "Painel", "media_type": "DOOH", "city": "Brasília", "state": "DF"},
    }


def _deal(n: int) -> dict[str, Any]:
    return {
        "id": f"d{n}",
        "client_id": f"c{n:03d}",
        "title": f"Negócio {n}",
        "pipeline_stage": ("Negociação", "Ganho", "Perdido")[n - 1],
        "estimated_value": 500000 * n,
        "created_at": stamp(1),
        "updated_at": stamp(4),
    }


def _task(task_id: str, deal_id: str, day: int) -> dict[str, Any]:
    return {"id": task_id, "deal_id": deal_id, "title": f"Ligar {task_id}", "due_at": stamp(day), "is_completed": False}


def _reminder(task_id: str, deal_id: str) -> dict[str, Any]:
    return {
        "id": task_id,
        "title": f"Ligar {task_id}",
        "due_at": stamp(2),
        "urgency": "overdue",
        "deal_id": deal_id,
        "deal_title": "Negócio",
        "pipeline_stage": "Negociação",
        "client_name": "Cliente",
        "assignee_name": "Maria Vendedora",
    }
