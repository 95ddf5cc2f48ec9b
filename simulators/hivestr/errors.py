"""Hivestr's error envelope, `{"success": false, "error": "..."}`, for the handlers and the shared middleware."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from simulators.core.middleware import ErrorReply
from simulators.core.responses import json_response

# The shared middleware's codes, in the words Hivestr's users see (pt-BR, like the rest of the API).
_MESSAGES = {
    "TooManyRequests": "Limite de requisições do plano excedido. Aguarde o reset da janela horária.",
    "InternalServerError": "Erro interno do servidor",
    "Forbidden": "Sem permissão: verifique as permissões da API Key",
}


class ApiError(Exception):
    """Raised by handlers; answered with the error envelope and `status`."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class NotFound(KeyError):
    """No live record with that id: 404 from the API (and from the admin routes, which map KeyError)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class Invalid(ValueError):
    """A value the API refuses: 400 from the API and from the admin routes."""


def error_body(message: str) -> dict[str, Any]:
    return {"success": False, "error": message}


def render_error(reply: ErrorReply) -> dict[str, Any]:
    """The middleware's replies (401, 429, injected faults) in Hivestr's envelope."""
    return {**error_body(_MESSAGES.get(reply.code, reply.message)), **reply.extra}


def error_response(status: int, message: str) -> Response:
    return json_response(error_body(message), status)


async def api_error_handler(request: Request, exc: Exception) -> Response:
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.message)
    return error_response(404 if isinstance(exc, NotFound) else 400, str(exc))


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (unknown route, wrong method) in the same envelope."""
    status = getattr(exc, "status_code", 500)
    message = {404: "Rota não encontrada", 405: "Método não permitido"}.get(status, "Erro na requisição")
    return error_response(status, message)
