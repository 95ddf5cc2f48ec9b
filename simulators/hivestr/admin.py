"""Hivestr-specific admin routes, next to simulators.core's (/_sim/requests, faults, reset, records changes).

GET  /_sim/records/{entity}[?offset=0&limit=1000]   the truth: every live record, as records() gives it
GET  /_sim/records/{entity}/{id}                    one record
POST /_sim/tokens/revoke                            every access token issued so far answers 401
GET  /_sim/info                                     scale, seed, clock, end of the generated history, counts
"""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulators.core.admin import AdminError, admin_endpoint
from simulators.core.responses import json_response
from simulators.hivestr.times import format_instant

if TYPE_CHECKING:
    from simulators.hivestr.simulator import HivestrSimulator


def _int_param(request: Request, name: str, default: int) -> int:
    try:
        value = int(request.query_params.get(name, default))
    except ValueError:
        raise AdminError(400, f"{name} must be an integer") from None
    if value < 0:
        raise AdminError(400, f"{name} must be >= 0")
    return value


def admin_routes(sim: HivestrSimulator, prefix: str = "/_sim") -> list[BaseRoute]:
    async def list_records(request: Request) -> Response:
        entity = request.path_params["entity"]
        offset, limit = _int_param(request, "offset", 0), _int_param(request, "limit", 1000)
        records = list(islice(sim.records(entity), offset, offset + limit))
        return json_response({"count": len(sim.dataset.table(entity)), "records": records})

    async def get_record(request: Request) -> Response:
        return json_response(sim.record(request.path_params["entity"], request.path_params["record_id"]))

    async def revoke_tokens(request: Request) -> Response:
        sim.revoke_tokens()
        return Response(status_code=204)

    async def info(request: Request) -> Response:
        ds = sim.dataset
        return json_response(
            {
                "scale": ds.scale,
                "seed": ds.seed,
                "now": format_instant(ds.now()),
                "data_end": format_instant(ds.end),
                "api_keys": [key for key, _ in sim.config.credentials],
                "counts": ds.counts(),
            }
        )

    return [
        Route(f"{prefix}/records/{{entity}}", admin_endpoint(list_records), methods=["GET"]),
        Route(f"{prefix}/records/{{entity}}/{{record_id}}", admin_endpoint(get_record), methods=["GET"]),
        Route(f"{prefix}/tokens/revoke", admin_endpoint(revoke_tokens), methods=["POST"]),
        Route(f"{prefix}/info", admin_endpoint(info), methods=["GET"]),
    ]
