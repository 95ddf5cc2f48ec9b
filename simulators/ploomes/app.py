"""The Ploomes HTTP surface: GET on every endpoint, answered the way the real API answers.

Auth, rate limits, faults and latency come from simulators.core's middleware; this module only knows OData.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulators.core.middleware import ErrorReply, request_context
from simulators.core.shapes import Shapes
from simulators.ploomes import query as odata_query
from simulators.ploomes import shapes as variations
from simulators.ploomes.config import PloomesConfig
from simulators.ploomes.dataset import Dataset
from simulators.ploomes.entities import ENTITIES_BY_ENDPOINT
from simulators.ploomes.odata import ODataError, parse_query

JSON = "application/json; charset=utf-8"


def odata_error(reply: ErrorReply) -> dict[str, Any]:
    """`{"error": {"code": ..., "message": ...}}`, the OData error body Ploomes uses for every failure."""
    return {"error": {"code": reply.code, "message": reply.message, **reply.extra}}


def json_response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON)


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    return json_response(odata_error(ErrorReply(status, code, message, extra=extra)), status)


def make_authenticate(config: PloomesConfig) -> Callable[[Request], Any]:
    keys = frozenset(config.api_keys)

    async def authenticate(request: Request) -> str | ErrorReply:
        key = request.headers.get("user-key")
        if not key:
            return ErrorReply(401, "Unauthorized", "Authorization has been denied for this request: no User-Key")
        if key not in keys:
            return ErrorReply(401, "Unauthorized", "Authorization has been denied for this request: invalid User-Key")
        return key

    return authenticate


def build_api(config: PloomesConfig, dataset: Callable[[], Dataset], shapes: Shapes) -> Starlette:
    """`dataset` is called per request: a reset swaps the dataset under a running app. `shapes` are the variations
    switched on (simulators/ploomes/shapes.py)."""
    context_base = f"https://{config.context_host}/$metadata#"
    forbidden, absent = frozenset(config.forbidden_endpoints), frozenset(config.absent_endpoints)

    def list_records(request: Request) -> Response:  # sync: Starlette runs it in a worker thread
        endpoint = request.path_params["endpoint"]
        if endpoint not in ENTITIES_BY_ENDPOINT or endpoint in absent:
            message = f"No HTTP resource was found that matches the request URI '{request.url}'."
            return error_response(404, "NotFound", message)
        if endpoint in forbidden:
            return error_response(403, "Forbidden", f"The user profile has no permission to read {endpoint}.")
        reshaped = bool(shapes.active)
        try:
            query = parse_query(variations.options(shapes, endpoint, request.query_params), max_top=config.max_top)
            current = dataset()
            page = odata_query.run(current, current.table(endpoint), query, config.max_top, reuse_json=not reshaped)
        except ODataError as exc:
            return error_response(400, "BadRequest", str(exc), target=exc.target)
        request_context(request).rows = len(page.rows)
        body: dict[str, Any] = {"@odata.context": context_base + endpoint}
        if page.count is not None:
            body["@odata.count"] = page.count
        body["value"] = page.rows
        if reshaped:
            with current.lock:
                money = variations.money_field(current.catalog)
            body = variations.reshape(shapes, endpoint, body, money)
        return json_response(body)

    def not_allowed(request: Request) -> Response:
        return error_response(405, "MethodNotAllowed", "This simulator serves reads; change data via /_sim/records.")

    return Starlette(
        routes=[
            Route("/{endpoint:path}", list_records, methods=["GET"]),
            Route("/{endpoint:path}", not_allowed, methods=["POST", "PUT", "PATCH", "DELETE"]),
        ]
    )
