"""Routes of timetable sheets that carry no route cell: ``[sheets]`` and ``[workbooks]`` of feed.toml.

Operators' sheets are often named in Japanese (``北浦線_平日``) and hold no route id; feed.toml maps
them to the ASCII route ids of routes.csv::

    [sheets]
    "北浦線_平日" = "R1"          # this sheet, in whichever workbook

    [workbooks]
    "北方線.xlsx" = "R2"          # every sheet of this workbook

Names are compared after NFKC normalization. A sheet entry wins over its workbook's entry, and
both win over the layout's route cell (or sheet name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from transit.core.errors import Location
from transit.core.gtfstime import normalize_text
from transit.core.notices import Notice
from transit.gtfs.source.codes import notice
from transit.gtfs.source.model import FeedConfig


@dataclass(frozen=True)
class SheetRoutes:
    """The ``[sheets]`` and ``[workbooks]`` entries: NFKC name -> (key as written, route_id)."""

    sheets: Mapping[str, tuple[str, str]]
    workbooks: Mapping[str, tuple[str, str]]

    @classmethod
    def of(cls, config: FeedConfig) -> SheetRoutes:
        """The entries of ``config`` (feed.toml)."""
        return cls(
            {normalize_text(k): (k, v) for k, v in config.sheets.items()},
            {normalize_text(k): (k, v) for k, v in config.workbooks.items()},
        )

    def route_for(self, file: str, sheet: str) -> str | None:
        """The route_id feed.toml gives the sheet ``sheet`` of workbook ``file``, or ``None``."""
        entry = self.sheets.get(normalize_text(sheet)) or self.workbooks.get(normalize_text(file))
        return entry[1] if entry is not None else None

    def entries(self) -> list[tuple[Location, str]]:
        """Every entry as ``(its feed.toml location, route_id)``, sheets first."""
        return [
            (Location(file="feed.toml", field=f"{table}.{key}"), route)
            for table, entries in (("sheets", self.sheets), ("workbooks", self.workbooks))
            for key, route in entries.values()
        ]

    def unmatched(self, books: Mapping[str, Iterable[str]]) -> list[Notice]:
        """``unknown_sheet`` for each entry that names no workbook of ``books`` (file name ->
        its sheet names, read or skipped) and no sheet of any of them."""
        files = {normalize_text(f) for f in books}
        sheets = {normalize_text(s) for names in books.values() for s in names}
        out = [
            _unknown("sheets", key, "no workbook of timetables/ has a sheet", known=sheets)
            for name, (key, _route) in self.sheets.items()
            if name not in sheets
        ]
        out += [
            _unknown("workbooks", key, "timetables/ holds no workbook", known=files)
            for name, (key, _route) in self.workbooks.items()
            if name not in files
        ]
        return out


def _unknown(table: str, key: str, what: str, *, known: set[str]) -> Notice:
    listed = ", ".join(sorted(known)[:10]) or "none"
    return notice(
        "unknown_sheet",
        f"{what} called {key!r} (found: {listed})",
        Location(file="feed.toml", field=f"{table}.{key}"),
    )
