"""The request pipeline every simulated API shares: auth -> rate limit -> faults -> latency -> handler -> log.

It wraps the simulator's own ASGI app. Paths under the admin prefix skip the pipeline entirely (no auth, no rate
limit, no faults, not logged), so tests can inspect and steer a simulator without disturbing what they measure.
The handler's response is buffered: per-row latency and body faults need the whole body, and pages are small.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulators.core.admin import RecordStore, ResetHook, build_admin_app
from simulators.core.faults import DroppedConnection, FaultInjector, FaultKind, FaultRule
from simulators.core.latency import LatencyModel
from simulators.core.ratelimit import RateLimiter
from simulators.core.requestlog import RequestEntry, RequestLog

_CONTEXT_KEY = "simulator.context"


@dataclass(frozen=True)
class ErrorReply:
    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # simulator-specific body members (e.g. OData "target")


# How a simulator spells an error body: Ploomes uses OData's {"error": {...}}, Hivestr its own envelope.
ErrorRenderer = Callable[[ErrorReply], dict[str, Any]]
# Returns the credential (the rate-limit key) or the reply refusing the request.
Authenticate = Callable[[Request], Awaitable["str | ErrorReply"]]


@dataclass
class RequestContext:
    """Shared between the pipeline and the handler of one request."""

    key: str | None = None
    rows: int | None = None  # set by the handler: rows in the response, for per-row latency and the log


def request_context(request: Request) -> RequestContext:
    """The handler's way to report what it returned (`request_context(request).rows = len(page)`)."""
    context = request.scope.get(_CONTEXT_KEY)
    if context is None:  # the handler runs without the pipeline (a bare app in a unit test)
        context = request.scope[_CONTEXT_KEY] = RequestContext()
    return context


class SimulatorMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        authenticate: Authenticate,
        render_error: ErrorRenderer,
        limiter: RateLimiter,
        faults: FaultInjector,
        latency: LatencyModel,
        log: RequestLog,
        admin: ASGIApp | None = None,
        admin_prefix: str = "/_sim",
    ):
        self.app = app
        self.authenticate = authenticate
        self.render_error = render_error
        self.limiter = limiter
        self.faults = faults
        self.latency = latency
        self.log = log
        self.admin = admin
        self.admin_prefix = admin_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if self.admin is not None and (path == self.admin_prefix or path.startswith(self.admin_prefix + "/")):
            await self.admin(scope, receive, send)
            return
        started = time.time()
        context = scope[_CONTEXT_KEY] = RequestContext()
        outcome = _Outcome()
        try:
            await self._handle(scope, receive, send, context, outcome)
        finally:
            self.log.append(
                RequestEntry(
                    method=scope["method"],
                    path=path,
                    query=unquote_plus(scope.get("query_string", b"").decode("latin-1")),
                    status=outcome.status,
                    rows=context.rows if outcome.handled else None,
                    fault=outcome.fault,
                    timestamp=started,
                    duration=time.time() - started,
                    key=context.key,
                )
            )

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, context: RequestContext, outcome: _Outcome
    ) -> None:
        # Read the (small) request body once and replay it: an auth hook may need it (Hivestr's token endpoint
        # keys its budget on the api_key in the body) and the handler must still receive it.
        request_body = await _read_body(receive)
        credential = await self.authenticate(Request(scope, _replay(request_body, receive)))
        if isinstance(credential, ErrorReply):
            await self._reply(send, credential, outcome)
            return
        context.key = credential

        decision = self.limiter.check(credential)
        if not decision.allowed:
            headers = {}
            if (retry_after := decision.retry_after_header()) is not None:
                headers["Retry-After"] = retry_after
            reply = ErrorReply(429, "TooManyRequests", "API rate limit exceeded; retry later", headers)
            await self._reply(send, reply, outcome)
            return

        fault = self.faults.pick(scope["path"])
        if fault is not None:
            outcome.fault = fault.kind.value
            if await self._fault_replaces_response(fault, send, outcome):
                return

        await self.latency.sleep(self.latency.before_handler())
        start, body = await self._run_handler(scope, _replay(request_body, receive), outcome)
        await self.latency.sleep(self.latency.after_handler(context.rows or 0))
        if fault is not None and fault.kind is FaultKind.TRUNCATE:
            await send(start)  # still announces the full Content-Length
            await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
            raise DroppedConnection("simulated truncated body")
        if fault is not None and fault.kind is FaultKind.INVALID_JSON:
            # Any proper prefix of a JSON object is invalid JSON; a non-JSON body is replaced outright.
            body = body[: max(1, len(body) * 2 // 3)] if body.startswith(b"{") else b"{not json"
            start = {**start, "status": 200, "headers": _with_length(start["headers"], len(body))}
            outcome.status = 200
        await send(start)
        await send({"type": "http.response.body", "body": body})

    async def _fault_replaces_response(self, fault: FaultRule, send: Send, outcome: _Outcome) -> bool:
        """Faults that answer instead of the handler; True when the response has been sent (or dropped)."""
        if fault.kind is FaultKind.SERVER_ERROR:
            reply = ErrorReply(fault.status or 503, "InternalServerError", "Simulated server error")
        elif fault.kind is FaultKind.FORBIDDEN:
            reply = ErrorReply(fault.status or 403, "Forbidden", "Simulated throttling: access denied")
        elif fault.kind is FaultKind.RATE_LIMITED:
            headers = {} if fault.retry_after is None else {"Retry-After": str(max(1, round(fault.retry_after)))}
            reply = ErrorReply(fault.status or 429, "TooManyRequests", "Simulated rate limit", headers)
        elif fault.kind is FaultKind.SLOW:
            await self.latency.sleep(fault.delay)
            return False
        elif fault.kind is FaultKind.DROP:
            outcome.status = 200
            headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", b"4096")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            raise DroppedConnection()
        else:
            return False
        await self._reply(send, reply, outcome)
        return True

    async def _run_handler(self, scope: Scope, receive: Receive, outcome: _Outcome) -> tuple[Message, bytes]:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        outcome.status = 500  # stays so if the handler raises
        await self.app(scope, receive, capture)
        outcome.status = start["status"]
        outcome.handled = True
        return start, b"".join(chunks)

    async def _reply(self, send: Send, reply: ErrorReply, outcome: _Outcome) -> None:
        body = json.dumps(self.render_error(reply), ensure_ascii=False, separators=(",", ":")).encode()
        headers = [(b"content-type", b"application/json; charset=utf-8")]
        headers += [(name.lower().encode(), value.encode()) for name, value in reply.headers.items()]
        outcome.status = reply.status
        await send({"type": "http.response.start", "status": reply.status, "headers": _with_length(headers, len(body))})
        await send({"type": "http.response.body", "body": body})


@dataclass
class _Outcome:
    status: int = 0
    fault: str | None = None
    handled: bool = False  # the handler ran (so its row count means something)


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(name, value) for name, value in headers if name.lower() != b"content-length"]
    return kept + [(b"content-length", str(length).encode())]


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away; the handler sees an empty body
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands out `body` once, then waits on the real one (which reports the disconnect)."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def simulated(
    api: ASGIApp,
    *,
    authenticate: Authenticate,
    render_error: ErrorRenderer,
    limiter: RateLimiter,
    faults: FaultInjector,
    latency: LatencyModel,
    log: RequestLog,
    store: RecordStore | None = None,
    on_reset: ResetHook | None = None,
    admin_routes: Sequence[BaseRoute] = (),
) -> SimulatorMiddleware:
    """A system's `api` behind the behaviour every simulator shares (credentials, rate limit, faults, latency, the
    request log), with the shared admin routes under /_sim (and the system's own `admin_routes`) steering the same
    log, faults and limiter."""
    admin = build_admin_app(
        log=log, faults=faults, limiter=limiter, store=store, on_reset=on_reset, extra_routes=admin_routes
    )
    return SimulatorMiddleware(
        api,
        authenticate=authenticate,
        render_error=render_error,
        limiter=limiter,
        faults=faults,
        latency=latency,
        log=log,
        admin=admin,
    )
