"""The columns of the source folder's CSV files, declared once.

``stops.csv`` (the stop master), ``routes.csv`` (the route master) and the optional pole file of
a layout profile (``pole_completions.csv`` of the ``muroran`` profile) are described here, and
everything that reads or writes them derives from these declarations: the reader (which columns
must be present), the export (the columns it writes), ``transit gtfs init`` and the sample-city
generator (the header of a new master), the test factory and ``docs/source-format.md`` (a test
compares the tables there with these).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class CsvColumn:
    """One column: ``name``; ``required`` (the reader reports a master without it);
    ``template`` (part of a new master: ``transit gtfs init`` and the sample city write it;
    ``False`` for columns only an export of a feed needs)."""

    name: str
    required: bool = False
    template: bool = True


@dataclass(frozen=True)
class CsvFile:
    """A CSV file of the source folder: its ``name``, ``columns`` in file order, and whether it
    starts with a ``header`` row (the pole file has none: its columns are positional)."""

    name: str
    columns: tuple[CsvColumn, ...]
    header: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """Every column, in file order (what an export writes)."""
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        """The columns a file must have, in file order."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def template(self) -> tuple[str, ...]:
        """The columns of a new file (``transit gtfs init``, the sample city), in file order."""
        return tuple(c.name for c in self.columns if c.template)

    def template_rows(self, records: Iterable[Mapping[str, object]]) -> list[list[object]]:
        """``records`` (column name -> value) as rows under the :attr:`template` header; a
        column a record lacks is empty."""
        return [[rec.get(c, "") for c in self.template] for rec in records]


STOPS_CSV = CsvFile(
    "stops.csv",
    (
        CsvColumn("stop_id", required=True),
        CsvColumn("stop_name", required=True),
        CsvColumn("stop_name_kana", required=True),
        CsvColumn("stop_name_en", required=True),
        CsvColumn("stop_lat", required=True),
        CsvColumn("stop_lon", required=True),
        CsvColumn("platform_code"),
        CsvColumn("parent_station"),
        CsvColumn("zone_id"),
        CsvColumn("location_type", template=False),
    ),
)
"""The stop master: one row per pole (標柱), plus parent stations."""

ROUTES_CSV = CsvFile(
    "routes.csv",
    (
        CsvColumn("route_id", required=True),
        CsvColumn("route_short_name"),
        CsvColumn("route_long_name"),
        CsvColumn("route_long_name_kana", required=True),
        CsvColumn("route_long_name_en", required=True),
        CsvColumn("route_type"),
        CsvColumn("route_color"),
        CsvColumn("route_text_color"),
        CsvColumn("fare_table"),
    ),
)
"""The route master (a route also needs ``route_short_name`` or ``route_long_name``)."""

POLE_FILE = CsvFile(
    "pole file",
    (
        CsvColumn("route", required=True),
        CsvColumn("index", required=True),
        CsvColumn("name", required=True),
        CsvColumn("code", required=True),
        CsvColumn("pole", required=True),
    ),
    header=False,
)
"""A layout profile's ``pole_file``: the pole (``{code}_{pole}``, or ``code`` without a pole) of
the stop at ``index`` (1-based stop row) of ``route``'s sheets; rows without a numeric index
are ignored. The file name comes from the profile."""
