"""Ploomes-specific admin routes: change custom fields and option lists of a running simulator over HTTP.

GET    /_sim/fields[?entity=Contacts]        the catalog (custom and native fields)
POST   /_sim/fields    {"entity": "Contacts", "name": "Região", "type": "Option", "options": ["Sul"],
                        "multiple": false}
PATCH  /_sim/fields/{id or key}   {"name": "New name"} and/or {"type": "Integer"} (a plain type, see retype_field)
DELETE /_sim/fields/{id or key}
POST   /_sim/options   {"field": id or key | "table_id": n, "name": "Nova opção"}
PATCH  /_sim/options/{id}  {"name": "Novo nome"}
DELETE /_sim/options/{id}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulators.core.admin import AdminError, admin_endpoint, json_body

if TYPE_CHECKING:
    from simulators.ploomes.simulator import PloomesSimulator


async def _object(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise AdminError(400, "send a JSON object")
    return body


def _name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise AdminError(400, "'name' (text) is required")
    return name


def field_routes(sim: PloomesSimulator, prefix: str = "/_sim") -> list[BaseRoute]:
    async def list_fields(request: Request) -> Response:
        entity = request.query_params.get("entity")
        return JSONResponse(sim.fields(entity))

    async def add_field(request: Request) -> Response:
        body = await _object(request)
        if "entity" not in body or "type" not in body:
            raise AdminError(400, "'entity' and 'type' are required")
        created = sim.add_field(
            body["entity"],
            _name(body),
            body["type"],
            options=body.get("options"),
            options_table_id=body.get("options_table_id"),
            multiple=bool(body.get("multiple", False)),
        )
        return JSONResponse(created, status_code=201)

    async def change_field(request: Request) -> Response:
        body = await _object(request)
        ref = request.path_params["ref"]
        if "type" not in body and "name" not in body:
            raise AdminError(400, "send 'name' and/or 'type'")
        changed = sim.retype_field(ref, body["type"]) if "type" in body else None
        return JSONResponse(sim.rename_field(ref, _name(body)) if "name" in body else changed)

    async def delete_field(request: Request) -> Response:
        sim.delete_field(request.path_params["ref"])
        return Response(status_code=204)

    async def add_option(request: Request) -> Response:
        body = await _object(request)
        target = body.get("field", body.get("table_id"))
        if target is None:
            raise AdminError(400, "'field' (its Id or Key) or 'table_id' is required")
        by_table = "field" not in body
        option = sim.add_option(target, _name(body), external_key=body.get("external_key"), by_table=by_table)
        return JSONResponse(option, status_code=201)

    async def rename_option(request: Request) -> Response:
        body = await _object(request)
        return JSONResponse(sim.rename_option(int(request.path_params["option_id"]), _name(body)))

    async def delete_option(request: Request) -> Response:
        sim.delete_option(int(request.path_params["option_id"]))
        return Response(status_code=204)

    return [
        Route(f"{prefix}/fields", admin_endpoint(list_fields), methods=["GET"]),
        Route(f"{prefix}/fields", admin_endpoint(add_field), methods=["POST"]),
        Route(f"{prefix}/fields/{{ref}}", admin_endpoint(change_field), methods=["PATCH"]),
        Route(f"{prefix}/fields/{{ref}}", admin_endpoint(delete_field), methods=["DELETE"]),
        Route(f"{prefix}/options", admin_endpoint(add_option), methods=["POST"]),
        Route(f"{prefix}/options/{{option_id:int}}", admin_endpoint(rename_option), methods=["PATCH"]),
        Route(f"{prefix}/options/{{option_id:int}}", admin_endpoint(delete_option), methods=["DELETE"]),
    ]
