"""The documented writes (clients, notes, proposals, deals, stages, tasks) with the rules the doc states.

Rules: a client created through the API gets a deal in Prospecção; approved or rejected proposals cannot be edited;
deals in Perdido cannot be edited or moved, and only mark-lost puts a deal there; moving a deal syncs its proposal's
status; mark-lost rejects the proposal and writes a note on the client. Creations answer 201.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulators.core.responses import json_response
from simulators.hivestr import body as fields
from simulators.hivestr import proposals, views
from simulators.hivestr.auth import TOKEN_PATH, TokenAuthority
from simulators.hivestr.dataset import Dataset
from simulators.hivestr.errors import ApiError, Invalid, NotFound
from simulators.hivestr.reads import PUBLIC, detail_response, found
from simulators.hivestr.schema import CLIENT_STATUSES, LOST, NOTE_TYPES, STAGE_PROPOSAL_STATUS, STAGES

Body = dict[str, Any]
CLIENT_FIELDS = ("name", "email", "phone", "company_name", "cnpj", "cpf", "address", "city", "state", "zip_code",
                 "contact_person", "position", "notes")  # fmt: skip
EDITABLE_PROPOSAL_STATUSES = ("draft", "sent", "viewed", "approved", "rejected")


def _client_fields(body: Body, *, creating: bool) -> Body:
    values: Body = {name: fields.text(body, name, required=creating and name == "name") for name in CLIENT_FIELDS}
    values["status"] = fields.one_of(body, "status", CLIENT_STATUSES)
    if creating:
        values["status"] = values["status"] or "lead"
        values["source"] = fields.text(body, "source") or "API"
        return values
    return fields.present(body, values)


def _user_id(ds: Dataset, body: Body) -> str | None:
    user_id = fields.text(body, "user_id")
    if user_id is not None:
        try:
            ds.tables["users"].row_of(user_id)
        except NotFound:
            raise Invalid(f"Usuário não encontrado: {user_id}") from None
    return user_id


def _open_deal(ds: Dataset, deal_id: str) -> int:
    row = found(ds.tables["deals"], deal_id)
    if ds.tables["deals"].value(row, "pipeline_stage") == LOST:
        raise ApiError(400, "Cards em Perdido não podem ser movidos nem editados")
    return row


def _sync_proposal(ds: Dataset, deal_row: int, stage: str) -> None:
    proposal_row = ds.tables["deals"].raw(deal_row, "proposal_id")
    if ds.tables["proposals"].is_alive(proposal_row):
        ds.update("proposals", proposal_row, {"status": STAGE_PROPOSAL_STATUS[stage]})


def write_routes(dataset: Callable[[], Dataset], tokens: TokenAuthority) -> list[BaseRoute]:
    async def issue_token(request: Request) -> Response:
        api_key = tokens.check_credentials(await _body_or_none(request))
        return json_response(tokens.issue(api_key))

    async def create_client(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            values = _client_fields(body, creating=True)
            row = ds.insert("clients", values)
            client = views.client(ds, row)
            company = values["company_name"]
            title = f"{values['name']} — {company}" if company else values["name"]
            deal_fields = {"client_id": client["id"], "title": title, "notes": values["notes"]}
            deal = views.deal(ds, ds.insert("deals", deal_fields), ds.now())
        data = {name: client[name] for name in ("id", "name", "email", "status", "created_at")}
        pipeline_deal = {name: deal[name] for name in ("id", "title", "pipeline_stage", "estimated_value", "notes")}
        return detail_response(request, data, 201, pipeline_deal=pipeline_deal, message="Cliente criado com sucesso")

    async def update_client(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            row = found(ds.tables["clients"], request.path_params["id"])
            ds.update("clients", row, _client_fields(body, creating=False))
            client = views.client(ds, row)
        data = {name: client[name] for name in ("id", "name", "email", "status", "updated_at")}
        return detail_response(request, data, message="Cliente atualizado com sucesso")

    async def create_note(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            client_id = ds.tables["clients"].id_of(found(ds.tables["clients"], request.path_params["id"]))
            note = {
                "client_id": client_id,
                "content": fields.text(body, "content", required=True),
                "note_type": fields.one_of(body, "note_type", NOTE_TYPES) or "note",
            }
            data = views.note(ds, ds.insert("notes", note))
        return detail_response(request, data, 201, message="Nota registrada com sucesso")

    async def calculate(request: Request) -> Response:
        body = await fields.json_object(request)
        return detail_response(request, proposals.calculate(dataset(), body))

    async def create_proposal(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            client_id = fields.text(body, "client_id", required=True)
            try:
                ds.tables["clients"].row_of(client_id)
            except NotFound:
                raise ApiError(404, "Cliente não encontrado") from None
            values = {"client_id": client_id, **proposals.proposal_fields(body, creating=True)}
            row = proposals.create(ds, values, proposals.items_of(body, required=True), require_prices=True)
            created = views.proposal(ds, row)
        data = {name: created[name] for name in ("id", "proposal_number", "title", "status", "final_value")}
        data.update(items_count=len(created["proposal_items"]), created_at=created["created_at"], created_via="api")
        return detail_response(request, data, 201, message="Proposta criada com sucesso")

    async def update_proposal(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            table = ds.tables["proposals"]
            row = found(table, request.path_params["id"])
            if table.value(row, "status") in ("approved", "rejected"):
                raise ApiError(400, "Propostas aprovadas ou rejeitadas não podem ser editadas")
            values = proposals.proposal_fields(body, creating=False)
            values["status"] = fields.one_of(body, "status", EDITABLE_PROPOSAL_STATUSES)
            items = proposals.items_of(body, required=False)
            changes = {name: value for name, value in values.items() if name in body}
            if not changes and items is None:
                raise Invalid("Envie ao menos um campo para atualizar")
            if items is not None:
                proposals.replace_items(ds, row, items, require_prices=True)
            if changes:
                ds.update("proposals", row, changes)
            updated = views.proposal(ds, row, with_items=False)
        data = {name: updated[name] for name in ("id", "proposal_number", "title", "status", "final_value")}
        data["updated_at"] = updated["updated_at"]
        return detail_response(request, data, message="Proposta atualizada com sucesso")

    async def create_deal(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            client_id = fields.text(body, "client_id", required=True)
            try:
                ds.tables["clients"].row_of(client_id)
            except NotFound:
                raise ApiError(404, "Cliente não encontrado") from None
            stage = fields.one_of(body, "pipeline_stage", STAGES) or "Prospecção"
            if stage == LOST:
                raise Invalid("Use POST /pipeline/deals/{id}/mark-lost para marcar como Perdido")
            deal = {
                "client_id": client_id,
                "title": fields.text(body, "title", required=True),
                "pipeline_stage": stage,
                "estimated_value": fields.integer(body, "estimated_value"),
                "notes": fields.text(body, "notes"),
                "user_id": _user_id(ds, body),
            }
            data = views.deal(ds, ds.insert("deals", deal), ds.now())
        return detail_response(request, data, 201, message="Card criado com sucesso")

    async def update_deal(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            row = _open_deal(ds, request.path_params["id"])
            if "pipeline_stage" in body:
                raise Invalid("Para mover de etapa, use PATCH /pipeline/deals/{id}/stage")
            values = {
                "title": fields.text(body, "title"),
                "estimated_value": fields.integer(body, "estimated_value"),
                "notes": fields.text(body, "notes"),
                "user_id": _user_id(ds, body),
            }
            ds.update("deals", row, fields.present(body, values))
            data = views.deal(ds, row, ds.now())
        return detail_response(request, data, message="Card atualizado com sucesso")

    async def move_deal(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            row = _open_deal(ds, request.path_params["id"])
            stage = fields.one_of(body, "pipeline_stage", STAGES)
            if stage is None:
                raise Invalid("Campo obrigatório: pipeline_stage")
            if stage == LOST:
                raise Invalid("Use POST /pipeline/deals/{id}/mark-lost com o campo reason")
            ds.update("deals", row, {"pipeline_stage": stage})
            _sync_proposal(ds, row, stage)
            data = views.deal(ds, row, ds.now())
        return detail_response(request, data, message="Etapa atualizada com sucesso")

    async def mark_lost(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            row = _open_deal(ds, request.path_params["id"])
            reason = fields.text(body, "reason", required=True)
            deals = ds.tables["deals"]
            ds.update("deals", row, {"pipeline_stage": LOST, "lost_reason": reason})
            _sync_proposal(ds, row, LOST)
            note = {"client_id": deals.value(row, "client_id"), "content": f"Negócio perdido: {reason}"}
            ds.insert("notes", note)
            data = views.deal(ds, row, ds.now())
        return detail_response(request, data, message="Card marcado como perdido")

    async def create_task(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            deal_row = found(ds.tables["deals"], request.path_params["id"])
            task = {
                "deal_id": ds.tables["deals"].id_of(deal_row),
                "title": fields.text(body, "title", required=True),
                "due_at": fields.instant_text(body, "due_at"),
                "user_id": _user_id(ds, body),
            }
            data = views.task(ds, ds.insert("tasks", task))
        return detail_response(request, data, 201, message="Tarefa criada com sucesso")

    def deal_task(ds: Dataset, request: Request) -> int:
        deal_row = found(ds.tables["deals"], request.path_params["id"])
        row = found(ds.tables["tasks"], request.path_params["task_id"])
        if ds.tables["tasks"].raw(row, "deal_id") != deal_row:
            raise ApiError(404, "Tarefa não encontrada neste card")
        return row

    async def update_task(request: Request) -> Response:
        body = await fields.json_object(request)
        ds = dataset()
        with ds.lock:
            row = deal_task(ds, request)
            values = {
                "title": fields.text(body, "title"),
                "due_at": fields.instant_text(body, "due_at"),
                "is_completed": fields.boolean(body, "is_completed"),
                "user_id": _user_id(ds, body),
            }
            ds.update("tasks", row, fields.present(body, values))
            data = views.task(ds, row)
        return detail_response(request, data, message="Tarefa atualizada com sucesso")

    async def delete_task(request: Request) -> Response:
        ds = dataset()
        with ds.lock:
            ds.delete("tasks", deal_task(ds, request))
        return json_response({"success": True, "message": "Tarefa removida com sucesso"})

    deals = f"{PUBLIC}/pipeline/deals"
    return [
        Route(TOKEN_PATH, issue_token, methods=["POST"]),
        Route(f"{PUBLIC}/clients", create_client, methods=["POST"]),
        Route(f"{PUBLIC}/clients/{{id}}", update_client, methods=["PUT"]),
        Route(f"{PUBLIC}/clients/{{id}}/notes", create_note, methods=["POST"]),
        Route(f"{PUBLIC}/proposals/calculate", calculate, methods=["POST"]),
        Route(f"{PUBLIC}/proposals", create_proposal, methods=["POST"]),
        Route(f"{PUBLIC}/proposals/{{id}}", update_proposal, methods=["PUT"]),
        Route(deals, create_deal, methods=["POST"]),
        Route(f"{deals}/{{id}}", update_deal, methods=["PATCH"]),
        Route(f"{deals}/{{id}}/stage", move_deal, methods=["PATCH"]),
        Route(f"{deals}/{{id}}/mark-lost", mark_lost, methods=["POST"]),
        Route(f"{deals}/{{id}}/tasks", create_task, methods=["POST"]),
        Route(f"{deals}/{{id}}/tasks/{{task_id}}", update_task, methods=["PATCH"]),
        Route(f"{deals}/{{id}}/tasks/{{task_id}}", delete_task, methods=["DELETE"]),
    ]


async def _body_or_none(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None
