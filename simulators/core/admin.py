"""Routes under /_sim/ to inspect and steer a running simulator over HTTP (tests in another process, the demo).

They bypass auth, rate limits and faults and are not logged as API requests (see middleware.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from simulators.core.faults import FaultInjector
from simulators.core.ratelimit import RateLimiter
from simulators.core.requestlog import RequestLog


class RecordStore(Protocol):
    """What a simulator offers for record mutations; ids arrive as path text and the store parses them."""

    def insert(self, entity: str, record: dict[str, Any]) -> dict[str, Any]: ...

    def update(self, entity: str, record_id: str, changes: dict[str, Any]) -> dict[str, Any]: ...

    def delete(self, entity: str, record_id: str) -> None: ...


# Called by POST /_sim/reset with keep_data: reset everything but the records (log/faults/limits are reset here).
ResetHook = Callable[[bool], None]


class AdminError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise AdminError(400, f"body is not JSON: {exc}") from exc


def admin_endpoint(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    """Turns a store's KeyError into 404 and ValueError/TypeError into 400, with {"error": message}."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except AdminError as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except KeyError as exc:
            return JSONResponse({"error": str(exc.args[0] if exc.args else exc)}, status_code=404)
        except (ValueError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    return endpoint


def build_admin_app(
    *,
    log: RequestLog,
    faults: FaultInjector,
    limiter: RateLimiter,
    store: RecordStore | None = None,
    on_reset: ResetHook | None = None,
    extra_routes: Sequence[BaseRoute] = (),
    prefix: str = "/_sim",
) -> Starlette:
    async def get_requests(request: Request) -> Response:
        path = request.query_params.get("path")
        status = request.query_params.get("status")
        status_code = int(status) if status else None
        entries = log.entries(path=path, status=status_code)
        return JSONResponse(
            {
                "count": log.count(path=path, status=status_code),
                "counters": log.counters(),
                "entries": [entry.to_json() for entry in entries],
            }
        )

    async def clear_requests(request: Request) -> Response:
        log.clear()
        return Response(status_code=204)

    async def get_faults(request: Request) -> Response:
        return JSONResponse({"faults": [rule.to_json() for rule in faults.rules()]})

    async def add_faults(request: Request) -> Response:
        body = await json_body(request)
        items = body if isinstance(body, list) else [body]
        if not all(isinstance(item, dict) for item in items):
            raise AdminError(400, "send a fault object or a list of them")
        added = [faults.add_from_json(item) for item in items]
        return JSONResponse({"faults": [rule.to_json() for rule in added]}, status_code=201)

    async def clear_faults(request: Request) -> Response:
        faults.clear()
        return Response(status_code=204)

    async def reset(request: Request) -> Response:
        keep_data = request.query_params.get("keep_data", "false").lower() in ("1", "true", "yes")
        log.clear()
        faults.clear()
        limiter.reset()
        if on_reset is not None:
            on_reset(keep_data)
        return Response(status_code=204)

    def require_store() -> RecordStore:
        if store is None:
            raise AdminError(404, "this simulator has no record mutations")
        return store

    async def insert_record(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise AdminError(400, "send the record as a JSON object")
        record = require_store().insert(request.path_params["entity"], body)
        return JSONResponse(record, status_code=201)

    async def update_record(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict):
            raise AdminError(400, "send the changed fields as a JSON object")
        params = request.path_params
        return JSONResponse(require_store().update(params["entity"], params["record_id"], body))

    async def delete_record(request: Request) -> Response:
        params = request.path_params
        require_store().delete(params["entity"], params["record_id"])
        return Response(status_code=204)

    routes: list[BaseRoute] = [
        Route(f"{prefix}/requests", admin_endpoint(get_requests), methods=["GET"]),
        Route(f"{prefix}/requests", admin_endpoint(clear_requests), methods=["DELETE"]),
        Route(f"{prefix}/faults", admin_endpoint(get_faults), methods=["GET"]),
        Route(f"{prefix}/faults", admin_endpoint(add_faults), methods=["POST"]),
        Route(f"{prefix}/faults", admin_endpoint(clear_faults), methods=["DELETE"]),
        Route(f"{prefix}/reset", admin_endpoint(reset), methods=["POST"]),
        Route(f"{prefix}/records/{{entity}}", admin_endpoint(insert_record), methods=["POST"]),
        Route(f"{prefix}/records/{{entity}}/{{record_id}}", admin_endpoint(update_record), methods=["PATCH"]),
        Route(f"{prefix}/records/{{entity}}/{{record_id}}", admin_endpoint(delete_record), methods=["DELETE"]),
        *extra_routes,
    ]
    return Starlette(routes=routes)
