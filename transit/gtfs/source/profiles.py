"""Layout profiles: where a timetable sheet keeps its stops, trips and header fields.

Two profiles ship: ``transit`` (the project's template, see ``docs/source-format.md``) and
``muroran`` (the 道南バス scheduling-system export: six header rows, stops in column B, trips from
column F, route = sheet name, day type by file name). A ``[layout]`` table in ``feed.toml`` picks
one by ``profile = "..."`` and may override any field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from transit.core.config import from_mapping
from transit.core.errors import ConfigError, Location


@dataclass(frozen=True)
class LayoutProfile:
    """How to read a timetable sheet and a fare-triangle sheet.

    Columns are letters (``"B"``), cells A1 names (``"B1"``), rows 1-based numbers; an empty
    string or 0 means "not in this layout".
    """

    name: str = "transit"
    route_from: Literal["cell", "sheet_name"] = "cell"
    route_cell: str = "B1"
    day_type_from: Literal["cell", "file", "sheet_name", "profile"] = "cell"
    day_type_cell: str = "B2"
    day_type_by_file: dict[str, str] = field(default_factory=dict)
    """File-name fragment -> day type name (``{"weekday" = "平日"}``), for ``day_type_from = "file"``."""
    day_type: str = ""
    """The day type of every sheet, for ``day_type_from = "profile"``."""
    direction_cell: str = "B3"
    headsign_row: int = 4
    note_row: int = 5
    label_row: int = 6
    pattern_name_cell: str = ""
    first_stop_row: int = 7
    stop_name_col: str = "A"
    stop_id_col: str = "B"
    arrdep_col: str = "C"
    first_trip_col: str = "D"
    header_labels: dict[str, str] = field(
        default_factory=lambda: {"A1": "系統", "A2": "運行日", "A6": "停留所"}
    )
    """Cells that must hold a given text (checked, reported as ``missing_header``)."""
    skip_unlisted_routes: bool = False
    """Skip (INFO) sheets whose route is not in routes.csv instead of reporting an error."""
    fare_title_rows: int = 1
    fare_key: Literal["zone", "stop_id"] = "zone"
    """What column B of a fare triangle holds."""
    pole_file: str = ""
    """Optional CSV in the source folder: ``route, stop index, name, stop code, pole``."""


TRANSIT = LayoutProfile()
MURORAN = LayoutProfile(
    name="muroran",
    route_from="sheet_name",
    route_cell="",
    day_type_from="file",
    day_type_by_file={"weekday": "平日", "weekend": "土日祝"},
    day_type_cell="",
    direction_cell="",
    headsign_row=0,
    note_row=6,
    label_row=3,
    pattern_name_cell="F1",
    first_stop_row=7,
    stop_name_col="B",
    stop_id_col="",
    arrdep_col="",
    first_trip_col="F",
    header_labels={"B3": "通し番号", "B6": "記号など"},
    skip_unlisted_routes=True,
    fare_title_rows=0,
    fare_key="stop_id",
    pole_file="pole_completions.csv",
)

PROFILES: dict[str, LayoutProfile] = {p.name: p for p in (TRANSIT, MURORAN)}


def get_profile(name: str) -> LayoutProfile:
    """The built-in profile called ``name``; raises :class:`ConfigError` naming the choices."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ConfigError(
            f"unknown layout profile {name!r} (choose one of {', '.join(sorted(PROFILES))})",
            Location(field="layout.profile"),
        ) from None


def profile_from_mapping(data: dict[str, Any], *, source: str | None = None) -> LayoutProfile:
    """A profile from a ``[layout]`` table: ``profile = "name"`` plus overrides of any field."""
    data = dict(data)
    base_name = data.pop("profile", "transit")
    if not isinstance(base_name, str):
        raise ConfigError(
            f"layout.profile must be text, got {base_name!r}",
            Location(file=source, field="layout.profile"),
        )
    try:
        base = get_profile(base_name)
    except ConfigError as exc:
        raise ConfigError(exc.message, Location(file=source, field="layout.profile")) from None
    merged = {**dataclasses.asdict(base), **data}
    return from_mapping(LayoutProfile, merged, source=source, prefix="layout")
