"""The plan of an export: a source folder in memory (:class:`SourceDraft`) and what it lost."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class ExportLoss:
    """Something the source format cannot hold: ``code``, how many rows/values, a ``message``."""

    code: str
    count: int
    message: str


@dataclass(frozen=True)
class SheetDraft:
    """One sheet: its ``workbook`` file name (in ``timetables/`` or ``fares/``), ``name`` and
    ``rows`` (a grid of cell texts, row 1 first). ``trips`` and ``stop_times`` count its data."""

    workbook: str
    name: str
    rows: tuple[tuple[str, ...], ...]
    trips: int = 0
    stop_times: int = 0


@dataclass(frozen=True)
class SourceDraft:
    """A source folder in memory: ``feed_toml`` text, ``stops`` and ``routes`` tables (text),
    timetable and fare ``sheets``, ``losses`` and ``id_map`` (``{"stop": {old: new}, …}``)."""

    feed_toml: str
    stops: pd.DataFrame
    routes: pd.DataFrame
    sheets: tuple[SheetDraft, ...]
    fare_sheets: tuple[SheetDraft, ...]
    losses: tuple[ExportLoss, ...]
    id_map: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def trips(self) -> int:
        """Trips written into timetable sheets."""
        return sum(s.trips for s in self.sheets)

    @property
    def stop_times(self) -> int:
        """Stop times written into timetable sheets."""
        return sum(s.stop_times for s in self.sheets)

    @property
    def loss_counts(self) -> dict[str, int]:
        """``{loss code: count}``, in the order the losses were found."""
        return {x.code: x.count for x in self.losses}
