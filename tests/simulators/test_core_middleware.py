"""simulators.core's pipeline on a toy API that is not Ploomes: what a Hivestr simulator builds on."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from simulators.core import (
    ErrorReply,
    FaultInjector,
    FixedWindowLimiter,
    LatencyModel,
    RequestLog,
    SimulatorMiddleware,
    build_admin_app,
    request_context,
)
from tests.simulators.conftest import Api


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def build(clock: FakeClock) -> tuple[SimulatorMiddleware, RequestLog]:
    async def items(request: Request) -> JSONResponse:
        rows = [{"id": n} for n in range(int(request.query_params.get("limit", "3")))]
        request_context(request).rows = len(rows)
        return JSONResponse({"success": True, "data": rows})

    async def token(request: Request) -> JSONResponse:
        return JSONResponse({"access_token": "t0k3n", "token_type": "Bearer", "expires_in": 3600})

    async def authenticate(request: Request) -> str | ErrorReply:
        if request.url.path == "/auth/token":
            return "anonymous"  # the token endpoint needs no token; it is rate-limited under its own key
        if request.headers.get("authorization") != "Bearer t0k3n":
            return ErrorReply(401, "token_expired", "Token inválido o expirado")
        return "account-1"

    def render(reply: ErrorReply) -> dict:
        return {"success": False, "error": {"code": reply.code, "message": reply.message}}

    log, faults, limiter = RequestLog(), FaultInjector(), FixedWindowLimiter(2, window=3600, clock=clock)
    api = Starlette(routes=[Route("/items", items), Route("/auth/token", token, methods=["POST"])])
    admin = build_admin_app(log=log, faults=faults, limiter=limiter)
    app = SimulatorMiddleware(
        api,
        authenticate=authenticate,
        render_error=render,
        limiter=limiter,
        faults=faults,
        latency=LatencyModel(),
        log=log,
        admin=admin,
    )
    return app, log


def test_auth_hook_error_renderer_and_hourly_budget_on_a_generic_api():
    clock = FakeClock(7200 + 3590)  # ten seconds before the hour turns
    app, log = build(clock)
    client = Api(app, key=None)
    assert client.request("POST", "/auth/token").json()["access_token"] == "t0k3n"
    denied = client.get("/items")
    assert denied.status_code == 401
    assert denied.json() == {
        "success": False,
        "error": {"code": "token_expired", "message": "Token inválido o expirado"},
    }
    headers = {"Authorization": "Bearer t0k3n"}
    assert client.get("/items", params={"limit": 5}, headers=headers).json()["data"][4] == {"id": 4}
    assert client.get("/items", headers=headers).status_code == 200
    refused = client.get("/items", headers=headers)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "10"  # until the hourly reset
    assert refused.json()["success"] is False
    clock.now = 3 * 3600
    assert client.get("/items", headers=headers).status_code == 200
    assert [(e.path, e.status, e.rows, e.key) for e in log.entries()] == [
        ("/auth/token", 200, None, "anonymous"),
        ("/items", 401, None, None),
        ("/items", 200, 5, "account-1"),
        ("/items", 200, 3, "account-1"),
        ("/items", 429, None, "account-1"),
        ("/items", 200, 3, "account-1"),
    ]
    assert client.request("POST", "/_sim/reset").status_code == 204
    assert log.count() == 0
    client.close()
