"""Serve an ASGI app over loopback: in a background thread (tests, benchmarks) or in the foreground (CLI)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from simulators.core.faults import DroppedConnection


class _HideSimulatedDrops(logging.Filter):
    """uvicorn logs every exception escaping the app; a simulated drop is intended, not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def _quiet_simulated_drops() -> None:
    for name in ("uvicorn.error", "uvicorn"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _HideSimulatedDrops) for f in logger.filters):
            logger.addFilter(_HideSimulatedDrops())


def _config(app: ASGIApp, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        # A request held by a "slow" fault must not keep a test waiting at shutdown.
        timeout_graceful_shutdown=1,
    )


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # uvicorn writes headers and body separately; with Nagle on, a small body then waits for the client's delayed
    # ACK (~40 ms on Linux). Accepted sockets inherit this option from the listening one.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


class BackgroundServer:
    """`with BackgroundServer(app) as base_url:` serves `app` on 127.0.0.1 and a free port until the block ends.

    `base_path` is appended to the base URL, for APIs whose clients are configured with a root like `/api/v1`.
    """

    def __init__(
        self,
        app: ASGIApp,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        base_path: str = "",
    ):
        self.app = app
        self.host = host
        self.port = port
        self.log_level = log_level
        self.base_path = base_path
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}{self.base_path}"

    def start(self, timeout: float = 10.0) -> str:
        if self._server is not None:
            return self.base_url
        _quiet_simulated_drops()
        self._socket = _bind(self.host, self.port)
        self.port = self._socket.getsockname()[1]
        server = uvicorn.Server(_config(self.app, self.log_level))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [self._socket]}, name=f"simulator:{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"simulator server did not start on {self.base_url}")
            time.sleep(0.01)
        return self.base_url

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_foreground(
    app: ASGIApp,
    host: str = "127.0.0.1",
    port: int = 8011,
    log_level: str = "info",
    on_started: Callable[[str], None] | None = None,
) -> None:
    """Blocks until Ctrl-C; `on_started(base_url)` runs once the socket is bound (port 0 picks a free one)."""
    _quiet_simulated_drops()
    sock = _bind(host, port)
    if on_started is not None:
        on_started(f"http://{host}:{sock.getsockname()[1]}")
    try:
        uvicorn.Server(_config(app, log_level)).run(sockets=[sock])
    finally:
        sock.close()
