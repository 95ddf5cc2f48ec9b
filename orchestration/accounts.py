"""The accounts Dagster loads: a system's default account (`[sources.<system>]`) when its credentials are set, and
every `[sources.<system>.accounts.<name>]`, each its own pipeline and dataset as with the scripts' --account."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import dlt

from orchestration.systems import System
from pipelines.accounts import Account, account_names
from pipelines.common import RunOptions
from pipelines.fleet import checked_account, with_account
from sources.history import history_table


@dataclass(frozen=True)
class AccountLoad:
    system: System
    account: Account | None  # None: the system's default account

    @property
    def pipeline_name(self) -> str:
        """Also its dataset's, its asset group's and its concurrency pool's: `ploomes`, `ploomes_acme`."""
        return self.account.pipeline_name if self.account else self.system.name

    @cached_property
    def history_tables(self) -> frozenset[str]:
        """The tables whose every version the account keeps in `<table>_history`: the source's `history_tables`,
        the account's own, else the system's."""
        kept = self.account.settings.get("history_tables") if self.account else None
        if kept is None:
            kept = dlt.config.get(f"sources.{self.system.name}.history_tables", list)
        return frozenset(self.system.default_history_tables if kept is None else kept)

    @cached_property
    def crm_dataset(self) -> str | None:
        """The CRM dataset whose contacts a system that reads one (the ERP) looks up; None for the CRMs."""
        if not self.system.reads_crm:
            return None
        chosen = self.account.settings.get("crm_dataset") if self.account else None
        return chosen or dlt.config.get(f"sources.{self.system.name}.crm_dataset", str) or "ploomes"

    def tables_written_by(self, table: str) -> tuple[str, ...]:
        """What the resource `table` writes besides its own table: its child tables, its history."""
        history = (history_table(table),) if table in self.history_tables else ()
        return self.system.child_tables.get(table, ()) + history

    def parent(self, table: str) -> str | None:
        return next((parent for parent in self.system.tables if table in self.tables_written_by(parent)), None)

    def tables_to_load(self, tables: Iterable[str]) -> list[str]:
        """RunOptions.tables for `tables`: a table that cannot be asked for alone is loaded by its parent's."""
        return sorted({table if table in self.system.tables else self.parent(table) for table in tables})

    def options(self, options: RunOptions) -> RunOptions:
        """`options` for this account, as the scripts set them for --account."""
        if self.account is None:
            return options
        return with_account(options, self.account)


def configured_loads(system: System) -> list[AccountLoad]:
    """Raises UsageError for a misconfigured account, as --all-accounts does: a typo must not drop it silently."""
    loads = [AccountLoad(system, None)] if _default_account_configured(system) else []
    return loads + [
        AccountLoad(system, checked_account(system.name, name, system.source, system.credentials))
        for name in account_names(system.name)
    ]


def _default_account_configured(system: System) -> bool:
    # dlt.config reads the secrets too (a token), and config.toml (the ERP's base_url), which dlt.secrets does not
    return all(dlt.config.get(f"sources.{system.name}.{key}", str) for key in system.credentials)
