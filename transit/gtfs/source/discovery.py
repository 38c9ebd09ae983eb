"""The workbooks of a source folder: which files of ``timetables/`` and ``fares/`` are read, which
sheets are skipped, and what is wrong with a file or a sheet as a whole.

Files are read in name order (hidden files and Excel lock files ``~$…`` are left out); a file
that is not a workbook, a sheet that is empty or has merged cells, a folder without any trip is a
notice. The cells of a sheet are read by :mod:`transit.gtfs.source.timetable` and
:mod:`transit.gtfs.source.fares`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from transit.core.errors import InputError, Location
from transit.core.gtfstime import normalize_text
from transit.core.notices import Notice
from transit.gtfs.source.codes import notice
from transit.gtfs.source.fares import read_fare_sheet
from transit.gtfs.source.model import FareTable, Trip
from transit.gtfs.source.profiles import LayoutProfile
from transit.gtfs.source.sheetroutes import SheetRoutes
from transit.gtfs.source.timetable import read_header, read_sheet
from transit.gtfs.source.workbook import WORKBOOK_SUFFIXES, Sheet, Workbook, read_workbook

Progress = Callable[[str], None]
"""Called with each workbook's file name as it is read."""


def _workbook_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def _open_workbook(
    path: Path,
    notices: list[Notice],
    *,
    merged: bool = True,
    sheets: Callable[[str], bool] | None = None,
) -> Workbook | None:
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        notices.append(
            notice(
                "not_a_workbook",
                f"not a workbook (expected {', '.join(WORKBOOK_SUFFIXES)}); move it out of the folder",
                Location.of(path),
            )
        )
        return None
    try:
        wb = read_workbook(path, merged=merged, sheets=sheets)
    except InputError as exc:
        notices.append(notice("not_a_workbook", exc.message, exc.location or Location.of(path)))
        return None
    notices.extend(wb.notices)
    return wb


def _uncached_formulas(sheet: Sheet) -> list[Notice]:
    """One ``formula_without_value`` per formula cell saved without its value."""
    return [
        notice(
            "formula_without_value",
            f"the cell holds the formula {formula!r} but no value computed by Excel (the "
            "workbook was written by a program); open and save it in Excel, or type the value",
            Location(file=sheet.file, sheet=sheet.name, cell=cell),
        )
        for cell, formula in sheet.uncached
    ]


def _sheet_problems(sheet: Sheet) -> list[Notice]:
    out: list[Notice] = _uncached_formulas(sheet)
    if sheet.is_empty() and not out:
        out.append(
            notice("empty_sheet", "the sheet is empty", Location(file=sheet.file, sheet=sheet.name))
        )
    for rng in sheet.merged:
        first = rng.partition(":")[0]
        out.append(
            notice(
                "merged_cells",
                f"cells {rng} are merged; unmerge them and write the value in every cell",
                Location(file=sheet.file, sheet=sheet.name, cell=first),
            )
        )
    return out


def read_timetables(
    folder: Path,
    profile: LayoutProfile,
    *,
    routes: set[str] | None = None,
    progress: Progress | None = None,
    sheet_routes: SheetRoutes | None = None,
) -> tuple[list[Trip], list[Notice]]:
    """Read every workbook in ``folder`` (sorted by name) through ``profile``.

    ``routes`` (when given with ``profile.skip_unlisted_routes``) is the set of route ids to
    read; other sheets are skipped with an INFO notice. ``sheet_routes`` (feed.toml's
    ``[sheets]``/``[workbooks]``) gives sheets their route instead of the layout.

    Returns
    -------
    (list of Trip, list of Notice)
        Trips in file, sheet and column order; notices in the same order, then
        ``unknown_sheet`` for entries of ``sheet_routes`` that name no sheet or workbook, then
        ``no_timetables`` when no sheet gave a trip (and no file or sheet was reported unreadable).
    """
    mapping = sheet_routes or SheetRoutes({}, {})
    notices: list[Notice] = []
    trips: list[Trip] = []
    names: dict[str, list[str]] = {}
    sheet_index = 0
    for path in _workbook_files(folder):
        if progress is not None:
            progress(path.name)
        wanted = _listed_sheets(path.name, profile, routes, mapping)
        wb = _open_workbook(path, notices, sheets=wanted)
        if wb is None:
            continue
        names[path.name] = [*(s.name for s in wb), *wb.skipped]
        notices += _skipped(wb, mapping)
        for sheet in wb:
            sheet_index += 1
            route = mapping.route_for(path.name, sheet.name)
            sheet_trips, sheet_notices = _read_timetable_sheet(
                sheet, profile, routes=routes, sheet_index=sheet_index, route=route
            )
            trips.extend(sheet_trips)
            notices.extend(sheet_notices)
    notices += mapping.unmatched(names)
    if not trips and not any(n.code in ("not_a_workbook", "empty_sheet") for n in notices):
        notices.append(
            notice("no_timetables", "no timetable sheet with trips was found", Location.of(folder))
        )
    return trips, notices


def _listed_sheets(
    file: str, profile: LayoutProfile, routes: set[str] | None, mapping: SheetRoutes
) -> Callable[[str], bool] | None:
    """Which sheets of workbook ``file`` to parse, when the layout takes the route from the
    sheet name and skips unlisted routes (``None``: every sheet)."""
    if routes is None or not profile.skip_unlisted_routes or profile.route_from != "sheet_name":
        return None

    def listed(name: str) -> bool:
        route = mapping.route_for(file, name)
        return (route if route is not None else normalize_text(name)) in routes

    return listed


def _skipped(wb: Workbook, mapping: SheetRoutes) -> list[Notice]:
    """``sheet_skipped`` for each sheet left unparsed (its route is not in routes.csv)."""
    out = []
    for name in wb.skipped:
        route = mapping.route_for(wb.name, name)
        out.append(
            notice(
                "sheet_skipped",
                f"route {route if route is not None else normalize_text(name)!r} is not in "
                "routes.csv",
                Location(file=wb.name, sheet=name),
            )
        )
    return out


def _read_timetable_sheet(
    sheet: Sheet,
    profile: LayoutProfile,
    *,
    routes: set[str] | None,
    sheet_index: int,
    route: str | None = None,
) -> tuple[list[Trip], list[Notice]]:
    """One timetable sheet: skipped when its route is not listed, nothing when it is empty.
    ``route`` (from feed.toml) replaces the route the layout gives it."""
    header, head_notices = read_header(sheet, profile, route_id=route)
    if routes is not None and profile.skip_unlisted_routes and header.route_id not in routes:
        return [], [
            notice(
                "sheet_skipped",
                f"route {header.route_id!r} is not in routes.csv",
                Location(file=sheet.file, sheet=sheet.name),
            )
        ]
    problems = _sheet_problems(sheet)
    if any(n.code == "empty_sheet" for n in problems):
        return [], problems
    trips, sheet_notices = read_sheet(sheet, profile, header=header, sheet_index=sheet_index)
    return trips, [*problems, *head_notices, *sheet_notices]


def _name_in(names: set[str]) -> Callable[[str], bool]:
    def test(name: str) -> bool:
        return normalize_text(name) in names

    return test


def read_fares(
    folder: Path, profile: LayoutProfile, *, wanted: set[str] | None = None
) -> tuple[list[FareTable], list[Notice]]:
    """Read the fare triangles in ``folder`` (one per sheet; a CSV file's stem is its id).

    ``wanted`` limits the reading to the sheets with those ids (the others are not parsed).
    """
    notices: list[Notice] = []
    tables: list[FareTable] = []
    for path in _workbook_files(folder):
        only = _name_in(wanted) if wanted is not None and path.suffix.lower() != ".csv" else None
        wb = _open_workbook(path, notices, merged=False, sheets=only)
        if wb is None:
            continue
        for sheet in wb:
            table, sheet_notices = read_fare_sheet(sheet, profile)
            notices.extend(_uncached_formulas(sheet))
            notices.extend(sheet_notices)
            if table is not None:
                tables.append(table)
    return tables, notices
