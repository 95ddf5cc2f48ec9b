"""Run the pipeline scripts and the dlt CLI as a user does: subprocesses configured by environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
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


def with_login(dsn: str, *, user: str | None = None, password: str | None = None) -> str:
    """`dsn` with another user or password (the rest of it unchanged)."""
    parts = urlsplit(dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    login = f"{user or parts.username}:{password or parts.password or ''}"
    return urlunsplit(parts._replace(netloc=f"{login}@{host}"))


@contextmanager
def both_simulators(
    ploomes_key: str, hivestr_key: str, hivestr_secret: str
) -> Iterator[tuple[dict[str, str], Any, Any]]:
    """A Ploomes and a Hivestr simulator on loopback, small and unthrottled, and the settings that reach them."""
    from simulators.hivestr import HivestrConfig, HivestrSimulator
    from simulators.ploomes import PloomesConfig, PloomesSimulator

    ploomes = PloomesSimulator(PloomesConfig(scale=300, seed=11, api_keys=(ploomes_key,), rate_limit_per_minute=None))
    hivestr = HivestrSimulator(
        # every Hivestr parent costs a request for its children: 30 keep a run quick
        HivestrConfig(scale=30, seed=5, credentials=((hivestr_key, hivestr_secret),), requests_per_hour=None)
    )
    with ploomes.serve() as ploomes_url, hivestr.serve() as hivestr_url:
        settings = {
            "SOURCES__PLOOMES__API_KEY": ploomes_key,
            "SOURCES__PLOOMES__BASE_URL": ploomes_url,
            "SOURCES__PLOOMES__RATE_LIMIT_PER_MINUTE": "100000",
            "SOURCES__HIVESTR__API_KEY": hivestr_key,
            "SOURCES__HIVESTR__API_SECRET": hivestr_secret,
            "SOURCES__HIVESTR__BASE_URL": hivestr_url,
            "SOURCES__HIVESTR__REQUESTS_PER_HOUR": "1000000",
        }
        yield settings, ploomes, hivestr
