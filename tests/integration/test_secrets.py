"""No secret is ever written anywhere: both scripts run with recognizable secrets, good runs and failing --debug runs
(401, a 5xx storm with a Hivestr JWT in flight), and everything they produced is searched: console output (the
scripts write no log files; a schedule redirects this output), `dlt pipeline <name> trace` and `info`, every file
under dlt's working directory (raw bytes, gunzipped, parquet rows, the unpickled trace, dlt's compressed state
decoded), and every table of the warehouse, dlt's own included."""

from __future__ import annotations

import base64
import binascii
import gzip
import pickle
import re
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.integration.scripts import (
    both_simulators,
    run_dlt_cli,
    run_script,
    scratch_database,
    script_env,
    with_login,
)
from tests.integration.warehouse import Warehouse

PLOOMES_KEY = "SECRET-ploomes-key-4f1c"
PLOOMES_WRONG_KEY = "SECRET-ploomes-wrong-key-8d3e"
HIVESTR_KEY = "hvstr_SECRET-hivestr-key-6b0d"
HIVESTR_SECRET = "SECRET-hivestr-secret-9a2b"
HIVESTR_WRONG_SECRET = "SECRET-hivestr-wrong-secret-2c7f"
POSTGRES_PASSWORD = "SECRET-postgres-password-77e1"  # trust auth ignores it, dlt still handles it as a secret
# dlt's compressed state (zlib, then base64) in _dlt_pipeline_state, state.json and load packages.
COMPRESSED_BASE64 = re.compile(r"eNr[A-Za-z0-9+/=]{20,}")
# Every request but the token's fails with 503 (fnmatch on the simulator's path).
HIVESTR_LISTS = "/api/v1/[!a]*"
# Records with custom fields and child items, a lookup and /Fields: where a secret could be copied to, without the
# fixed cost of the other ~40 tables in each of the runs.
PLOOMES_TABLES = ["--tables", "contacts,deals,users,custom_fields"]
FAILING_FAST = {"SOURCES__PLOOMES__MAX_ATTEMPTS": "2", "SOURCES__HIVESTR__MAX_ATTEMPTS": "2"}


class Haystack:
    """Everything a run left behind, as text, with where each piece came from."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, str]] = []

    def add(self, origin: str, text: str) -> None:
        self.pieces.append((origin, text))
        for blob in COMPRESSED_BASE64.findall(text):
            with suppress(binascii.Error, zlib.error, UnicodeDecodeError):  # base64-like text that is not state
                self.pieces.append((f"{origin} (decoded state)", zlib.decompress(base64.b64decode(blob)).decode()))

    def add_file(self, path: Path) -> None:
        raw = path.read_bytes()
        self.add(str(path), raw.decode("latin-1"))
        if raw[:2] == b"\x1f\x8b":
            self.add(f"{path} (gunzipped)", gzip.decompress(raw).decode("latin-1"))
        if path.suffix == ".parquet":
            import pyarrow.parquet

            self.add(f"{path} (rows)", repr(pyarrow.parquet.read_table(path).to_pylist()))
        if path.suffix == ".pickle":
            self.add(f"{path} (unpickled)", repr(pickle.loads(raw)))

    def add_tree(self, root: Path) -> int:
        files = [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            self.add_file(path)
        return len(files)

    def where(self, secrets: list[str]) -> list[tuple[str, str]]:
        return [(secret, origin) for secret in secrets for origin, text in self.pieces if secret in text]

    def __contains__(self, text: str) -> bool:
        return any(text in piece for _, piece in self.pieces)


@contextmanager
def simulators() -> Iterator[tuple[dict[str, str], Any, Any, list[str]]]:
    """Both simulators, their settings, and every JWT the Hivestr one issues (secrets too)."""
    with both_simulators(PLOOMES_KEY, HIVESTR_KEY, HIVESTR_SECRET) as (settings, ploomes, hivestr):
        issued: list[str] = []
        issue = hivestr.tokens.issue

        def issue_and_remember(api_key: str) -> dict:
            reply = issue(api_key)
            issued.append(reply["access_token"])
            return reply

        hivestr.tokens.issue = issue_and_remember
        yield settings, ploomes, hivestr, issued


def _secrets(issued: list[str]) -> list[str]:
    found = [PLOOMES_KEY, PLOOMES_WRONG_KEY, HIVESTR_KEY, HIVESTR_SECRET, HIVESTR_WRONG_SECRET, POSTGRES_PASSWORD]
    found += issued + [token.rsplit(".", 1)[1] for token in issued]  # a token's signature alone is enough to leak
    pairs = [
        f"{HIVESTR_KEY}:{HIVESTR_SECRET}",
        f"{HIVESTR_KEY}:{HIVESTR_WRONG_SECRET}",
        f"postgres:{POSTGRES_PASSWORD}",
    ]
    return found + [base64.b64encode(pair.encode()).decode() for pair in pairs]  # HTTP basic auth's form


@pytest.mark.parametrize("destination", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_no_secret_in_output_traces_working_files_or_warehouse(destination, request, tmp_path):
    haystack = Haystack()
    with ExitStack() as stack:
        settings, ploomes, hivestr, issued = stack.enter_context(simulators())
        if destination == "postgres":
            dsn = stack.enter_context(scratch_database(request.getfixturevalue("postgres_dsn")))
            dsn = with_login(dsn, password=POSTGRES_PASSWORD)
            settings["DESTINATION__POSTGRES__CREDENTIALS"] = dsn
            argv = ["--destination", "postgres"]
            warehouses = [Warehouse("postgres", dataset, postgres_dsn=dsn) for dataset in ("ploomes", "hivestr")]
        else:
            path = tmp_path / "warehouse.duckdb"
            argv = ["--duckdb-path", str(path)]
            warehouses = [Warehouse("duckdb", dataset, duckdb_path=path) for dataset in ("ploomes", "hivestr")]
        data_dir = tmp_path / "dlt"
        env = script_env(data_dir, **settings)

        def run(system: str, *extra: str, expect: int, **overrides: str) -> None:
            tables = PLOOMES_TABLES if system == "ploomes" else []
            result = run_script(system, [*argv, *tables, *extra], {**env, **overrides})
            haystack.add(f"{system} {extra} {overrides} output", result.stdout + result.stderr)
            assert result.returncode == expect, result.stderr

        def inspect_with_dlt_cli(when: str, *commands: str) -> None:
            for system in ("ploomes", "hivestr"):
                for command in commands:
                    result = run_dlt_cli(["pipeline", system, command, "-vv"], env)
                    assert result.returncode == 0, result.stderr
                    haystack.add(f"dlt pipeline {system} {command} {when}", result.stdout + result.stderr)

        run("ploomes", expect=0)
        run("hivestr", expect=0)
        inspect_with_dlt_cli("after good runs", "trace")  # a run keeps only its own trace
        if destination == "duckdb":
            run("ploomes", "--debug", expect=1, SOURCES__PLOOMES__API_KEY=PLOOMES_WRONG_KEY)
            run("hivestr", "--debug", expect=1, SOURCES__HIVESTR__API_SECRET=HIVESTR_WRONG_SECRET)
            ploomes.faults.inject("server_error", count=None)
            hivestr.faults.inject("server_error", count=None, path=HIVESTR_LISTS)
            run("ploomes", "--debug", expect=1, **FAILING_FAST)
            run("hivestr", "--debug", expect=1, **FAILING_FAST)
        else:  # the source failures above do not depend on the destination; a warehouse failure does
            unreachable = dsn.replace(":5432/", ":1/")
            run("ploomes", "--debug", expect=1, DESTINATION__POSTGRES__CREDENTIALS=unreachable)
        inspect_with_dlt_cli("after failed runs", "trace", "info")
        files = haystack.add_tree(tmp_path)
        for warehouse in warehouses:
            haystack.add(f"warehouse {warehouse.dataset}", repr(warehouse.snapshot()))

    # The search looked where secrets would be: the tokens, the traces' config, dlt's decoded state, the data.
    assert issued and files > 20
    assert "sources.ploomes.api_key" in haystack and "sources.hivestr.api_secret" in haystack
    assert settings["SOURCES__HIVESTR__BASE_URL"] in haystack  # a resolved config value, shown in the trace
    assert '"watermark"' in haystack  # Ploomes' cursors, only in the decoded state
    assert "Traceback" in haystack and ("HTTP 503" in haystack or destination == "postgres")
    assert haystack.where(_secrets(issued)) == []
