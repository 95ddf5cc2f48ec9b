"""Which CPF/CNPJs a run looks up in the ERP, and what it remembers of each (dlt resource state of `clients`).

State keys (`sources.erp.resources.clients` in the pipeline state, committed with the rows it describes):
  crm_load_id  the newest `_dlt_load_id` of the CRM's contacts read (crm.py): the next run reads the rows above it
  pending      registers of new or changed contacts not looked up yet (kept until they are: a run that stops early
               loses none)
  found        {register: {"id_cliente": ..., "read_at": Unix time}}: clients the ERP knows, and when they (and their
               installations) were last read
  unknown      {register: Unix time}: CPF/CNPJs the ERP answered it does not know, and when

A run looks up, in this order: the pending registers (a contact new or changed: its client is read again, however
fresh; but a register the ERP did not know waits out `unknown_retry_days` even so), the configured ones never looked
up, the clients last read `client_refresh_days` ago or more, and the unknown ones `unknown_retry_days` old.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

DAY_SECONDS = 86_400.0


class ClientBook:
    """The `clients` resource's state, read and written through these methods only."""

    def __init__(self, state: MutableMapping[str, Any]):
        self._state = state
        self.pending: list[str] = state.setdefault("pending", [])
        self.found: dict[str, dict[str, Any]] = state.setdefault("found", {})
        self.unknown: dict[str, float] = state.setdefault("unknown", {})

    @property
    def crm_load_id(self) -> str | None:
        return self._state.get("crm_load_id")

    def changed_in_crm(self, registers: Iterable[str], newest_load_id: str | None) -> None:
        """Contacts written since the last run hold these (valid, digits-only) registers."""
        known = set(self.pending)
        self.pending.extend(r for r in dict.fromkeys(registers) if r not in known)
        if newest_load_id:
            self._state["crm_load_id"] = newest_load_id

    def due(self, configured: Iterable[str], now: float, refresh_days: float, retry_days: float) -> list[str]:
        """The registers to look up now, each once, in the order the module's docstring gives."""
        retry_at = now - retry_days * DAY_SECONDS
        refresh_at = now - refresh_days * DAY_SECONDS
        waiting = {r for r, when in self.unknown.items() if when > retry_at}
        chosen = [r for r in self.pending if r not in waiting]
        chosen += [r for r in configured if r not in self.found and r not in self.unknown]
        chosen += [r for r, seen in self.found.items() if seen.get("read_at", 0) <= refresh_at]
        chosen += [r for r in self.unknown if r not in waiting]
        # a pending register the ERP did not know lately is settled for this run: its contact changing changes nothing
        self.pending[:] = [r for r in self.pending if r not in waiting]
        return list(dict.fromkeys(chosen))

    def read(self, register: str, id_cliente: str, now: float) -> None:
        """The ERP knows the register: its client (and installations, when `now` is not 0) were read."""
        self.found[register] = {"id_cliente": id_cliente, "read_at": now}
        self.unknown.pop(register, None)
        self._settled(register)

    def not_known(self, register: str, now: float) -> None:
        """The ERP answered it does not know the register. A client known before stays in the warehouse as last read."""
        self.unknown[register] = now
        self.found.pop(register, None)
        self._settled(register)

    def _settled(self, register: str) -> None:
        if register in self.pending:
            self.pending.remove(register)
