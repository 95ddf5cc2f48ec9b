"""The accounts Dagster loads: a system's default account (`[sources.<system>]`) when its credentials are set, and
every `[sources.<system>.accounts.<name>]`, each its own pipeline and dataset as with the scripts' --account."""

from __future__ import annotations

from dataclasses import dataclass

import dlt

from orchestration.systems import System
from pipelines.accounts import Account, account_names
from pipelines.common import RunOptions
from pipelines.fleet import checked_account, with_account


@dataclass(frozen=True)
class AccountLoad:
    system: System
    account: Account | None  # None: the system's default account

    @property
    def pipeline_name(self) -> str:
        """Also its dataset's, its asset group's and its concurrency pool's: `ploomes`, `ploomes_acme`."""
        return self.account.pipeline_name if self.account else self.system.name

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
    return all(dlt.secrets.get(f"sources.{system.name}.{key}", str) for key in system.credentials)
