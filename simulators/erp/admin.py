"""ERP-specific admin routes, next to simulators.core's (/_sim/requests, faults, reset, records changes).

GET   /_sim/switches          the wire's switches (simulators/erp/switches.py)
PATCH /_sim/switches          change some: {"list_shape": "wrapped", "values_as_strings": false}
GET   /_sim/truth/{table}     a warehouse table's rows as the simulator holds them (money as text, dates ISO)
GET   /_sim/info              seed, counts, token header and scheme, switches
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulators.core.admin import AdminError, admin_endpoint, json_body
from simulators.core.responses import json_response
from simulators.erp import wire

if TYPE_CHECKING:
    from simulators.erp.simulator import ErpSimulator


def admin_routes(sim: ErpSimulator, prefix: str = "/_sim") -> list[BaseRoute]:
    async def get_switches(request: Request) -> Response:
        return json_response(sim.switches.to_json())

    async def patch_switches(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise AdminError(400, "send the switches to change as a JSON object")
        unknown = sorted(set(body) - set(sim.switches.to_json()))
        if unknown:
            raise AdminError(400, f"unknown switch(es) {', '.join(unknown)}")
        return json_response(sim.set_switches(**body).to_json())

    async def get_truth(request: Request) -> Response:
        rows = sim.truth(request.path_params["table"])
        return json_response({"count": len(rows), "rows": [wire.encode(row, wire.AS_JSON) for row in rows]})

    async def info(request: Request) -> Response:
        config = sim.config
        return json_response(
            {
                "seed": config.seed,
                "counts": sim.counts(),
                "token_header": config.token_header,
                "token_scheme": config.token_scheme,
                "switches": sim.switches.to_json(),
            }
        )

    return [
        Route(f"{prefix}/switches", admin_endpoint(get_switches), methods=["GET"]),
        Route(f"{prefix}/switches", admin_endpoint(patch_switches), methods=["PATCH"]),
        Route(f"{prefix}/truth/{{table}}", admin_endpoint(get_truth), methods=["GET"]),
        Route(f"{prefix}/info", admin_endpoint(info), methods=["GET"]),
    ]
