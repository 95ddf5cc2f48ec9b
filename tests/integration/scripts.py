"""Run the pipeline scripts and the dlt CLI as a user does: subprocesses configured by environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DLT_CLI = Path(sys.executable).parent / "dlt"
# A safety net against a hung run, not a speed check: every script here finishes in seconds.
HANG_TIMEOUT_SECONDS = 120
# Settings the test process may carry (from a developer's shell or another test) that must not reach a script.
_FOREIGN_SETTINGS = ("SOURCES__", "DESTINATION__", "RUNTIME__", "DLT_", "NORMALIZE__", "LOAD__", "EXTRACT__")


def script_env(data_dir: Path, **settings: str | None) -> dict[str, str]:
    """The environment of a script: dlt's working directory in `data_dir`, plus `settings` (None removes one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_SETTINGS)}
    env["DLT_DATA_DIR"] = str(data_dir)
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_script(system: str, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python pipelines/<system>_pipeline.py argv...` from the project root (where .dlt/config.toml is)."""
    command = [sys.executable, f"pipelines/{system}_pipeline.py", *argv]
    return _run(command, env)


def run_dlt_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _run([str(DLT_CLI), *args], env)


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=HANG_TIMEOUT_SECONDS
    )


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error: ")]


@contextmanager
def scratch_database(dsn: str) -> Iterator[str]:
    """A new, empty Postgres database on `dsn`'s server, dropped afterwards; yields its DSN.

    The scripts always write the datasets `ploomes` and `hivestr`, so runs of other tests on the same server would
    see each other's schemas in a shared database.
    """
    import psycopg2

    name = f"crm_elt_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(dsn)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"create database {name}")
        parts = urlsplit(dsn)
        yield urlunsplit(parts._replace(path=f"/{name}"))
        with admin.cursor() as cursor:
            cursor.execute(f"drop database if exists {name} with (force)")
    finally:
        admin.close()


def with_password(dsn: str, password: str) -> str:
    parts = urlsplit(dsn)
    user_at_host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or "postgres"
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{user_at_host}"))
