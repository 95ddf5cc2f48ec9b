"""Access tokens: `POST /api/v1/auth/token` trades an api_key and api_secret for an HS256 JWT that expires.

Every other API request needs `Authorization: Bearer <token>`; a missing, forged, expired or revoked token is a 401.
The rate-limit key is the api_key, taken from the token, or for the token request itself from its body: the hourly
budget counts token requests too. Wrong credentials are refused before they count against any budget.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request

from simulators.core.middleware import ErrorReply
from simulators.hivestr.config import API_PREFIX
from simulators.hivestr.errors import ApiError

TOKEN_PATH = f"{API_PREFIX}/auth/token"
_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(data: dict[str, Any]) -> str:
    return _b64(json.dumps(data, separators=(",", ":")).encode())  # compact, as every JWT library encodes


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


class TokenRejected(Exception):
    pass


class TokenAuthority:
    def __init__(self, credentials: Mapping[str, str], secret: str, ttl: float, clock: Callable[[], float]):
        if ttl <= 0:
            raise ValueError("token_ttl_seconds must be > 0")
        self._credentials = dict(credentials)
        self._secret = secret.encode()
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._serial = itertools.count(1)
        self._generation = 0  # tokens of an older generation were revoked
        self.issued = 0

    # --- tokens -----------------------------------------------------------------------------------------------
    def check_credentials(self, body: Any) -> str:
        """The api_key of a valid token request body; ApiError 400 (malformed) or 401 (wrong credentials)."""
        if not isinstance(body, dict) or not body.get("api_key") or not body.get("api_secret"):
            raise ApiError(400, "api_key e api_secret são obrigatórios")
        key, secret = body["api_key"], body["api_secret"]
        expected = self._credentials.get(key) if isinstance(key, str) else None
        if expected is None or not isinstance(secret, str) or not hmac.compare_digest(expected, secret):
            raise ApiError(401, "Credenciais inválidas")
        return key

    def issue(self, api_key: str) -> dict[str, Any]:
        now = self._clock()
        with self._lock:
            claims = {
                "iss": "hivestr",
                "sub": api_key,
                "iat": int(now),
                "exp": _number(round(now + self.ttl, 3)),
                "jti": next(self._serial),
                "gen": self._generation,
            }
            self.issued += 1
        signing_input = f"{_segment(_HEADER)}.{_segment(claims)}"
        token = f"{signing_input}.{_b64(self._sign(signing_input))}"
        return {"access_token": token, "token_type": "Bearer", "expires_in": _number(self.ttl)}

    def verify(self, token: str) -> str:
        """The api_key a token was issued for; TokenRejected with the reason otherwise."""
        try:
            header, payload, signature = token.split(".")
            valid = hmac.compare_digest(_unb64(signature), self._sign(f"{header}.{payload}"))
            claims = json.loads(_unb64(payload)) if valid else None
        except ValueError:
            raise TokenRejected("Token inválido") from None
        if not isinstance(claims, dict) or claims.get("sub") not in self._credentials:
            raise TokenRejected("Token inválido")
        if claims.get("gen") != self._generation:
            raise TokenRejected("Token revogado")
        if not isinstance(claims.get("exp"), (int, float)) or self._clock() >= claims["exp"]:
            raise TokenRejected("Token expirado")
        return claims["sub"]

    def revoke_all(self) -> None:
        """Every token issued so far answers 401 from now on (as after a key rotation)."""
        with self._lock:
            self._generation += 1

    def _sign(self, signing_input: str) -> bytes:
        return hmac.new(self._secret, signing_input.encode(), hashlib.sha256).digest()

    # --- the middleware's hook --------------------------------------------------------------------------------
    async def authenticate(self, request: Request) -> str | ErrorReply:
        if request.url.path == TOKEN_PATH and request.method == "POST":
            try:
                body = await request.json()
            except ValueError:
                body = None
            try:
                return self.check_credentials(body)
            except ApiError as error:
                return ErrorReply(error.status, "Unauthorized" if error.status == 401 else "BadRequest", error.message)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return ErrorReply(401, "Unauthorized", "Token de acesso não fornecido")
        try:
            return self.verify(token.strip())
        except TokenRejected as rejected:
            return ErrorReply(401, "Unauthorized", str(rejected))
