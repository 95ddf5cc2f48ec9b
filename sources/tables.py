"""Which of a source's tables a run loads (`tables`, from --tables or `sources.<system>.tables`)."""

from __future__ import annotations

from collections.abc import Sequence


def selected_tables(tables: Sequence[str] | None, all_tables: Sequence[str], system: str) -> set[str]:
    """`tables`, or every table when none is named; a name the source does not have is a ValueError naming the
    setting and the choices. `system` as people write it: "Ploomes", "ERP"."""
    if not tables:
        return set(all_tables)
    unknown = sorted(set(tables) - set(all_tables))
    if unknown:
        raise ValueError(
            f"Unknown {system} table(s) {', '.join(unknown)} in --tables / sources.{system.lower()}.tables; "
            f"choose from: {', '.join(all_tables)}"
        )
    return set(tables)
