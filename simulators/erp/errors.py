"""The ERP's error body, `{"status": "erro", "mensagem": "..."}` (the contract's answers carry a `status`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from simulators.core.middleware import ErrorReply
from simulators.core.responses import json_response

# The shared middleware's codes, in the words the ERP's users see.
_MESSAGES = {
    "Unauthorized": "Token inválido ou ausente",
    "TooManyRequests": "Limite de requisições excedido. Tente novamente mais tarde.",
    "InternalServerError": "Erro interno do servidor",
    "Forbidden": "Acesso negado",
}


def error_body(message: str) -> dict[str, Any]:
    return {"status": "erro", "mensagem": message}


def render_error(reply: ErrorReply) -> dict[str, Any]:
    """The middleware's replies (401, 429, injected faults) in the ERP's body."""
    return {**error_body(_MESSAGES.get(reply.code, reply.message)), **reply.extra}


def error_response(status: int, message: str) -> Response:
    return json_response(error_body(message), status)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (unknown route, wrong method) in the same body."""
    status = getattr(exc, "status_code", 500)
    message = {404: "Rota não encontrada", 405: "Método não permitido"}.get(status, "Erro na requisição")
    return error_response(status, message)
