"""The CRM's side of the link: the CPF/CNPJs of the contacts a CRM pipeline loaded into the same warehouse.

The contract has no "list all clients", so the clients to look up come from the CRM: the `register` of the contacts
in the dataset `sources.erp.crm_dataset` (default "ploomes"), read through the ERP pipeline's own connection (the
same destination), as sources/deletions.py's LoadedRows reads the warehouse. Only rows written since the last run are
read: dlt stamps every row it writes with its load's id (`_dlt_load_id`, a Unix time as text), and the CRM pipeline
rewrites a contact's row whenever the contact changes, so the rows above the last id seen are the contacts new or
changed since.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import dlt
from dlt.destinations.exceptions import DatabaseTerminalException, DatabaseUndefinedRelation

from . import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChangedContacts:
    registers: list[str]  # as the CRM holds them (formatted or not; null ones left out)
    newest_load_id: str | None  # the highest `_dlt_load_id` read: the next run reads above it


class CrmContacts:
    """Create it before the run, in the thread that creates the pipeline (dlt's current pipeline is per thread)."""

    def __init__(
        self,
        pipeline: dlt.Pipeline,
        dataset: str = settings.CRM_DATASET,
        table: str = settings.CRM_TABLE,
        column: str = settings.CRM_REGISTER_COLUMN,
    ):
        self._pipeline = pipeline
        self.dataset, self.table, self.column = dataset, table, column
        self._lock = threading.Lock()

    @property
    def where(self) -> str:
        return f"{self.dataset}.{self.table}"

    def changed_since(self, load_id: str | None) -> ChangedContacts | None:
        """The registers of the contacts written after the load `load_id` (all, when None); None when the CRM's
        table (or its `register` column) does not exist in the warehouse."""
        with self._lock, self._pipeline.sql_client() as client:
            escape = client.capabilities.escape_identifier
            source = f"{escape(self.dataset)}.{escape(self.table)}"
            # Load ids are Unix times as text with 10 integer digits until 2286: text order is time order.
            sql = f"select {escape(self.column)}, _dlt_load_id from {source}"
            values: tuple[str, ...] = ()
            if load_id:
                sql += " where _dlt_load_id > %s"
                values = (load_id,)
            try:
                with client.execute_query(sql, *values) as cursor:
                    rows = cursor.fetchall()
            except DatabaseUndefinedRelation:
                return None
            except DatabaseTerminalException as error:  # the table exists without the column
                logger.debug("reading %s.%s failed", self.where, self.column, exc_info=error)
                return None
        newest = max((row[1] for row in rows), default=load_id)
        return ChangedContacts([str(row[0]) for row in rows if row[0] is not None], newest)
