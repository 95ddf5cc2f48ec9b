"""The token every request carries in a header (`Authorization: Bearer <token>` unless configured otherwise)."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from simulators.core.middleware import Authenticate, ErrorReply


def token_check(token: str, header: str, scheme: str) -> Authenticate:
    """The middleware's hook: the token (the budget's key) when the header carries it, else a 401."""

    async def authenticate(request: Request) -> str | ErrorReply:
        sent = request.headers.get(header, "").strip()
        if scheme:
            sent_scheme, _, sent = sent.partition(" ")
            if sent_scheme.lower() != scheme.lower():
                sent = ""
        if sent and hmac.compare_digest(sent.strip().encode(), token.encode()):
            return token
        return ErrorReply(401, "Unauthorized", "Token inválido ou ausente")

    return authenticate
