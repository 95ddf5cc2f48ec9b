"""Processes a benchmark drives: a simulator (bench.serve) and pipeline runs (bench.sync), each its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# dlt insists on a password; with trust auth the server ignores it
DEFAULT_POSTGRES_DSN = "postgresql://postgres:trust@127.0.0.1:5432/test"
POSTGRES_DSN = os.environ.get("DESTINATION__POSTGRES__CREDENTIALS", DEFAULT_POSTGRES_DSN)
UNLIMITED = 1_000_000  # requests per minute or hour: the connector's pacing never waits


class Simulator:
    """`with Simulator("ploomes", "--scale", "300") as sim:` serves it in a child process; `sim.info` is what
    bench.serve printed (base_url, credentials, row counts)."""

    def __init__(self, system: str, *flags: str):
        self.system = system
        self._command = [sys.executable, "-m", "bench.serve", system, *flags]
        self._process: subprocess.Popen[str] | None = None
        self.info: dict[str, Any] = {}

    def __enter__(self) -> Simulator:
        self._process = subprocess.Popen(
            self._command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        line = self._process.stdout.readline() if self._process.stdout else ""
        if not line:
            self.__exit__(None, None, None)
            raise RuntimeError(f"simulator did not start: {' '.join(self._command)}")
        self.info = json.loads(line)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    @property
    def base_url(self) -> str:
        return self.info["base_url"] + self.info.get("api_prefix", "")

    def _admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = httpx.request(method, f"{self.info['base_url']}/_sim{path}", timeout=60, **kwargs)
        response.raise_for_status()
        return response

    def counters(self) -> dict[str, Any]:
        """Requests answered since the last clear: total, rows, by status and by path (no entries)."""
        return self._admin("GET", "/requests", params={"path": "/-"}).json()["counters"]

    def entries(self) -> list[dict[str, Any]]:
        """Every request answered since the last clear (the log keeps the last 100,000)."""
        return self._admin("GET", "/requests").json()["entries"]

    def clear_log(self) -> None:
        self._admin("DELETE", "/requests")

    def reset_rate_limit(self) -> None:
        """A fresh window of requests (and an empty log), the data as it is."""
        self._admin("POST", "/reset", params={"keep_data": "true"})

    def touch(self, entity: str, record_id: int | str) -> None:
        """Change nothing but the record's last-update date, as an automation in the CRM would."""
        self._admin("PATCH", f"/records/{entity}/{record_id}", json={})


def sync(
    connector: str,
    workdir: Path,
    source: dict[str, Any],
    destination: str = "duckdb",
    scaled_time: dict[str, float] | None = None,
    tables: list[str] | None = None,
    analytics: bool = False,
    dataset: str | None = None,
) -> dict[str, Any]:
    """One pipeline run in a fresh process (bench.sync); the same `workdir` again is an incremental run.
    `scaled_time` is a simulator's bench.clock.ScaledTime, which the connector's clock then follows. `analytics`:
    the dbt build after the load, timed apart (`analytics` in the result). `dataset`: another than the workdir's name
    (two systems loading one warehouse)."""
    job = {
        "connector": connector,
        "destination": destination,
        "workdir": str(workdir),
        "dataset": dataset or workdir.name,
        "source": source,
        "scaled_time": scaled_time,
        "tables": tables,
        "analytics": analytics,
    }
    env = {**os.environ, "DESTINATION__POSTGRES__CREDENTIALS": POSTGRES_DSN}
    done = subprocess.run(
        [sys.executable, "-m", "bench.sync", json.dumps(job)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{connector} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Workdirs:
    """Throwaway work directories (DuckDB file, pipelines_dir), one dataset name each, dropped from Postgres after."""

    def __init__(self) -> None:
        self._root = tempfile.TemporaryDirectory(prefix="crm-elt-bench-")
        self._datasets: list[str] = []

    def new(self, label: str) -> Path:
        name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
        path = Path(self._root.name) / name
        path.mkdir()
        self._datasets.append(name)
        return path

    def datasets(self, *names: str) -> None:
        """Datasets named otherwise (a fleet's accounts'): dropped from Postgres now, as an earlier run may have left
        them, and after."""
        self._datasets.extend(name for name in names if name not in self._datasets)
        self._drop_postgres_schemas(names)

    def __enter__(self) -> Workdirs:
        return self

    def __exit__(self, *exc: object) -> None:
        self._drop_postgres_schemas(self._datasets)
        self._root.cleanup()

    def _drop_postgres_schemas(self, names: Sequence[str]) -> None:
        import psycopg2

        try:
            connection = psycopg2.connect(POSTGRES_DSN)
        except psycopg2.OperationalError:
            return  # no server: nothing was loaded there
        with connection, connection.cursor() as cursor:
            for name in names:
                for schema in (name, f"{name}_staging", f"{name}_analytics"):
                    cursor.execute(f"drop schema if exists {schema} cascade")
        connection.close()
