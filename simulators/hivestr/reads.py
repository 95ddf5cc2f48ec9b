"""The GET endpoints: lists in `{"success", "data", "pagination"}` pages, details in `{"success", "data"}`; how lists
page where the docs leave it open is the config's (omit_pagination, limit_cap, lists_ignoring_page,
lists_recently_changed_first).

Handlers are sync on purpose: Starlette runs them in its thread pool, so rendering a page never blocks the event
loop; the dataset's lock makes each response a consistent snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import numpy as np
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from simulators.core.middleware import request_context
from simulators.core.responses import json_response
from simulators.core.shapes import Shapes
from simulators.hivestr import queries, views
from simulators.hivestr.config import API_PREFIX, HivestrConfig
from simulators.hivestr.dataset import Dataset
from simulators.hivestr.errors import ApiError, NotFound
from simulators.hivestr.shapes import reshape
from simulators.hivestr.table import Table

PUBLIC = f"{API_PREFIX}/public"
NOBODY = -2  # a user row no task has (not even an unassigned one): an unknown user_id lists no reminders
NOT_FOUND = {
    "inventory": "Item de inventário não encontrado",
    "clients": "Cliente não encontrado",
    "proposals": "Proposta não encontrada",
    "deals": "Card não encontrado",
    "tasks": "Tarefa não encontrada",
}


def found(table: Table, record_id: str) -> int:
    """The row of a path id, or the API's 404."""
    try:
        return table.row_of(record_id)
    except NotFound:
        raise ApiError(404, NOT_FOUND.get(table.name, "Recurso não encontrado")) from None


def detail_response(request: Request, data: Any, status: int = 200, **extra: Any) -> Response:
    request_context(request).rows = 1
    return json_response({"success": True, "data": data, **extra}, status)


def read_routes(dataset: Callable[[], Dataset], config: HivestrConfig, shapes: Shapes) -> list[BaseRoute]:
    """`dataset` is called per request: a reset swaps the dataset under a running app. `config` says how lists
    answer where the docs leave it open (its real-API variants), `shapes` how bodies differ (simulators/hivestr/
    shapes.py)."""

    def answer(request: Request, body: dict[str, Any], rows: int) -> Response:
        request_context(request).rows = rows
        return json_response(reshape(shapes, body))

    def page(request: Request, ds: Dataset, listing: str, rows: np.ndarray, render: Callable[[int], Any]) -> Response:
        """The requested page of `rows` (rows of table `listing`, in creation order), rendered; hold `ds.lock`."""
        params: Mapping[str, str] = request.query_params
        if config.lists_recently_changed_first:
            rows = queries.recently_changed_first(ds.tables[listing], rows)
        if listing in config.lists_ignoring_page:
            params = {name: value for name, value in params.items() if name != "page"}
        page_rows, pagination = queries.page_of(rows, params, config.limit_cap or queries.MAX_LIMIT)
        data = [render(row) for row in page_rows]
        body = {"success": True, "data": data}
        return answer(request, body if config.omit_pagination else {**body, "pagination": pagination}, len(data))

    def listing(name: str, rows_of: Callable[[Dataset, Any], Any], render: Callable[[Dataset, int], Any]) -> Callable:
        def endpoint(request: Request) -> Response:
            ds = dataset()
            with ds.lock:
                return page(request, ds, name, rows_of(ds, request.query_params), partial(render, ds))

        return endpoint

    def detail(entity: str, render: Callable[[Dataset, int], Any]) -> Callable:
        def endpoint(request: Request) -> Response:
            ds = dataset()
            with ds.lock:
                data = render(ds, found(ds.tables[entity], request.path_params["id"]))
            return answer(request, {"success": True, "data": data}, 1)

        return endpoint

    def list_notes(request: Request) -> Response:
        ds = dataset()
        with ds.lock:
            client_row = found(ds.tables["clients"], request.path_params["id"])
            rows = queries.note_rows(ds, client_row, request.query_params)
            return page(request, ds, "notes", rows, partial(views.note, ds))

    def list_deals(request: Request) -> Response:
        ds = dataset()
        with ds.lock:
            rows = queries.deal_rows(ds, request.query_params, hide_lost=config.hide_lost_deals)
            return page(request, ds, "deals", rows, partial(views.deal, ds, now=ds.now()))

    def get_deal(request: Request) -> Response:
        ds = dataset()
        with ds.lock:
            data = views.deal(ds, found(ds.tables["deals"], request.path_params["id"]), ds.now())
        return answer(request, {"success": True, "data": data}, 1)

    def list_tasks(request: Request) -> Response:
        ds = dataset()
        with ds.lock:
            deal_row = found(ds.tables["deals"], request.path_params["id"])
            return page(request, ds, "tasks", ds.tables["tasks"].children(deal_row), partial(views.task, ds))

    def reminders(request: Request) -> Response:
        ds = dataset()
        with ds.lock:
            now = ds.now()
            user_row: int | None = None
            if user_id := request.query_params.get("user_id"):
                try:
                    user_row = ds.tables["users"].row_of(user_id)
                except NotFound:
                    user_row = NOBODY
            data = [views.reminder(ds, row, now) for row in views.reminder_rows(ds, now, user_row).tolist()]
        overdue = sum(1 for item in data if item["urgency"] == "overdue")
        return answer(request, {"success": True, "count": len(data), "overdue_count": overdue, "data": data}, len(data))

    return [
        Route(
            f"{PUBLIC}/inventory/list",
            listing("inventory", queries.inventory_rows, views.inventory_item),
            methods=["GET"],
        ),
        Route(f"{PUBLIC}/inventory/{{id}}", detail("inventory", views.inventory_detail), methods=["GET"]),
        Route(f"{PUBLIC}/clients", listing("clients", queries.client_rows, views.client), methods=["GET"]),
        Route(f"{PUBLIC}/clients/{{id}}", detail("clients", views.client_detail), methods=["GET"]),
        Route(f"{PUBLIC}/clients/{{id}}/notes", list_notes, methods=["GET"]),
        Route(
            f"{PUBLIC}/proposals", listing("proposals", queries.proposal_rows, views.proposal_summary), methods=["GET"]
        ),
        Route(f"{PUBLIC}/proposals/{{id}}", detail("proposals", views.proposal), methods=["GET"]),
        Route(f"{PUBLIC}/pipeline/deals", list_deals, methods=["GET"]),
        Route(f"{PUBLIC}/pipeline/deals/{{id}}", get_deal, methods=["GET"]),
        Route(f"{PUBLIC}/pipeline/deals/{{id}}/tasks", list_tasks, methods=["GET"]),
        Route(f"{PUBLIC}/pipeline/reminders", reminders, methods=["GET"]),
    ]
