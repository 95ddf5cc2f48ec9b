"""Many accounts of one system: `[sources.<system>.accounts.<name>]`, each loaded by its own pipeline and dataset.

An account's section holds the source's settings for that account (its secrets in .dlt/secrets.toml, the rest in
.dlt/config.toml, or env `SOURCES__<SYSTEM>__ACCOUNTS__<NAME>__<SETTING>`); a setting it leaves out is the
system's own (`[sources.<system>]`), except the credentials, which every account must give: an account loading
with another's key would fill its dataset with the other's data.
"""

from __future__ import annotations

import collections.abc
import inspect
import os
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.common.configuration.container import Container
from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext

# Arguments of a source function that a run sets, not a configuration.
RUN_ARGUMENTS = frozenset({"tables", "report", "warehouse", "since", "max_pages_per_run", "max_details_per_run"})
# An account's name becomes part of a pipeline, a dataset and a schema name in every warehouse.
ACCOUNT_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


class AccountError(ValueError):
    """An account that is not configured, or configured wrongly; the message names the setting to fix."""


@dataclass(frozen=True)
class Account:
    system: str
    name: str
    settings: dict[str, Any]  # the source's arguments this account sets

    @property
    def pipeline_name(self) -> str:
        """Also the dataset's name: `ploomes_acme`."""
        return f"{self.system}_{self.name}"


def account_names(system: str) -> list[str]:
    """The accounts configured for `system`, in any provider (toml files, environment), sorted."""
    return sorted(_keys_in("sources", system, "accounts"))


def load_account(system: str, name: str, source: Callable[..., Any], credentials: tuple[str, ...]) -> Account:
    """`name`'s settings, typed as `source` (a dlt source function) declares them; `credentials` must be set."""
    known = account_names(system)
    section = f"sources.{system}.accounts.{name}"
    if name not in known:
        listed = ", ".join(known) if known else "none is configured"
        raise AccountError(f"no account {name!r}: add a [{section}] section to .dlt/config.toml ({listed})")
    if not ACCOUNT_NAME.fullmatch(name):
        raise AccountError(
            f"account name {name!r} in [{section}]: use lower-case letters, digits and _ (it names a dataset)"
        )
    hints = _settings_of(source)
    given = _keys_given(system, name)
    unknown = sorted(given - set(hints))
    if unknown:
        raise AccountError(
            f"unknown setting(s) {', '.join(f'{section}.{key}' for key in unknown)}; "
            f"settings: {', '.join(sorted(hints))}"
        )
    missing = [key for key in credentials if key not in given]
    if missing:
        raise AccountError(
            f"missing setting {', '.join(f'{section}.{key}' for key in missing)}: each account gives its own "
            "credentials, in .dlt/secrets.toml or env "
            + ", ".join(f"{section}.{key}".upper().replace(".", "__") for key in missing)
        )
    settings = {key: dlt.config.get(f"{section}.{key}", hints[key]) for key in sorted(given)}
    return Account(system, name, settings)


def account_setting_names(line: str, system: str, account: str) -> str:
    """`line` with every setting of `system` it names as `account`'s, which is where an account's fix goes."""
    line = re.sub(rf"\bsources\.{system}\.(?!accounts\.)", f"sources.{system}.accounts.{account}.", line)
    upper = system.upper()
    return re.sub(rf"\bSOURCES__{upper}__(?!ACCOUNTS__)", f"SOURCES__{upper}__ACCOUNTS__{account.upper()}__", line)


def _settings_of(source: Callable[..., Any]) -> dict[str, Any]:
    """The settings `source` reads from configuration, with their types (from its signature)."""
    function = getattr(source, "_f", source)  # dlt's source factory keeps the decorated function there
    hints = typing.get_type_hints(function)
    parameters = inspect.signature(function).parameters
    return {name: _plain(hints.get(name, Any)) for name in parameters if name not in RUN_ARGUMENTS}


def _plain(hint: Any) -> Any:
    """A type dlt can coerce a configured value to: `Sequence[str]` as list, `str | None` as str."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _plain(next(arg for arg in typing.get_args(hint) if arg is not type(None)))
    if origin is not None and issubclass(origin, collections.abc.Sequence) and not issubclass(origin, str):
        return list
    return origin or hint


def _keys_given(system: str, name: str) -> set[str]:
    return _keys_in("sources", system, "accounts", name)


def _keys_in(*section: str) -> set[str]:
    """The keys under `section` in every provider: dlt.config.get of a section returns the first provider's only
    (secrets.toml's, say), and the environment's cannot be listed through dlt."""
    keys: set[str] = set()
    *parents, last = section
    for provider in Container()[PluggableRunContext].providers.providers:
        value, _ = provider.get_value(last, dict, None, *parents)
        if isinstance(value, dict):
            keys.update(value)
    prefix = "__".join(part.upper() for part in section) + "__"
    keys.update(key[len(prefix) :].split("__")[0].lower() for key in os.environ if key.startswith(prefix))
    return keys
