"""The ERP's HTTP surface under /api: a client by CPF/CNPJ, a client's invoices (installations), and the lists.

Auth, the request budget, faults and latency come from simulators.core's middleware (see simulator.py). Every
answer is built from typed views (views.py) and spelled by the current switches (wire.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.middleware import request_context
from simulators.core.responses import json_response
from simulators.erp import views, wire
from simulators.erp.config import API_PREFIX, CLIENT_PATH, INVOICES_PATH, LIST_PATHS
from simulators.erp.dataset import Dataset
from simulators.erp.errors import error_response, http_error_handler
from simulators.erp.switches import Switches


def build_api(dataset: Callable[[], Dataset], switches: Callable[[], Switches]) -> Starlette:
    """`dataset` and `switches` are called per request: a reset or a switch change applies to the next one."""

    async def get_client(request: Request) -> Response:
        ds, shape = dataset(), switches()
        with ds.lock:
            record = ds.client_by_register(request.path_params["cnpj_cpf"])
            view = None if record is None else views.client(record, shape)
        request_context(request).rows = 0 if view is None else 1
        if view is not None:
            return json_response(wire.encode(view, shape))
        if shape.unknown_client == "empty_object":
            return json_response({})
        if shape.unknown_client == "empty_list":
            return json_response([])
        if shape.unknown_client == "blank":
            return json_response(views.blank_client(shape))
        return error_response(404, "Cliente não encontrado")

    async def get_invoices(request: Request) -> Response:
        ds, shape = dataset(), switches()
        text = request.path_params["id_cliente"]
        with ds.lock:
            if not text.isdigit() or int(text) not in ds.clients:
                return error_response(404, "Cliente não encontrado")
            items = [views.installation(row, shape) for row in ds.installations_of(int(text))]
        request_context(request).rows = len(items)
        return json_response(wire.list_body(items, shape))

    def list_endpoint(table: str) -> Callable[[Request], Awaitable[Response]]:
        async def get_list(request: Request) -> Response:
            ds, shape = dataset(), switches()
            with ds.lock:
                items = [views.list_record(table, row, shape) for row in ds.lists[table].values()]
            request_context(request).rows = len(items)
            return json_response(wire.list_body(items, shape))

        return get_list

    routes = [
        Route(API_PREFIX + INVOICES_PATH, get_invoices, methods=["GET"]),
        Route(API_PREFIX + CLIENT_PATH, get_client, methods=["GET"]),
        *(Route(f"{API_PREFIX}{path}", list_endpoint(table), methods=["GET"]) for table, path in LIST_PATHS.items()),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_error_handler})
