"""Timetable sheets -> trips, read through a layout profile.

A sheet holds stops down and trips across. The profile says where the route, day type,
direction, headsigns, notes and trip labels are, in which column the stop names (and optional
stop ids and 着/発 marks) are, and where the first trip column is. Stops are not resolved to
the stop master here (``stop_id`` stays empty; ``given_id`` keeps an id written in the sheet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from transit.core.errors import Location
from transit.core.gtfstime import CellTime, normalize_text, parse_cell, unroll_midnight
from transit.core.notices import Notice
from transit.gtfs.source.codes import notice
from transit.gtfs.source.model import Trip, TripStop
from transit.gtfs.source.profiles import LayoutProfile
from transit.gtfs.source.workbook import Sheet, column_letter, column_number, parse_cell_name

ARRIVAL_MARKS = frozenset({"着"})
DEPARTURE_MARKS = frozenset({"発"})


@dataclass(frozen=True)
class SheetHeader:
    """What a sheet's header block says: route, day type, direction and pattern name."""

    route_id: str
    day_type: str
    direction_id: str
    pattern_name: str


@dataclass(frozen=True)
class _StopRow:
    name: str
    given_id: str
    arr_row: int
    dep_row: int
    index: int
    """1-based position of the (first) row among the sheet's stop rows."""


def _cell_text(sheet: Sheet, a1: str) -> str:
    if not a1:
        return ""
    row, col = parse_cell_name(a1)
    return normalize_text(sheet.text(row, col))


def day_type_of_file(path: Path | str, profile: LayoutProfile) -> str:
    """The day type named by a file name (``day_type_from = "file"``), or ``""``."""
    stem = Path(path).name
    for fragment, day_type in sorted(profile.day_type_by_file.items()):
        if fragment in stem:
            return day_type
    return ""


def read_header(
    sheet: Sheet, profile: LayoutProfile, *, route_id: str | None = None
) -> tuple[SheetHeader, list[Notice]]:
    """Read the header block; missing labels and bad directions are reported. ``route_id``
    (from feed.toml's ``[sheets]``/``[workbooks]``) replaces the layout's route cell."""
    notices: list[Notice] = []
    for a1, label in sorted(profile.header_labels.items()):
        found = _cell_text(sheet, a1)
        if normalize_text(label) not in found:
            r, c = parse_cell_name(a1)
            notices.append(
                notice(
                    "missing_header",
                    f"expected {label!r} here (layout profile {profile.name!r}), found {found!r}",
                    sheet.location(r, c),
                )
            )
    if route_id is None:
        route_id = _route_of(sheet, profile, notices)
    if profile.day_type_from == "cell":
        day_type = _cell_text(sheet, profile.day_type_cell)
    elif profile.day_type_from == "file":
        day_type = day_type_of_file(sheet.file, profile)
    elif profile.day_type_from == "sheet_name":
        day_type = normalize_text(sheet.name).rsplit("_", 1)[-1]
    else:
        day_type = profile.day_type
    direction = _cell_text(sheet, profile.direction_cell) or "0"
    if direction.endswith(".0"):
        direction = direction[:-2]
    if direction not in ("0", "1"):
        r, c = parse_cell_name(profile.direction_cell)
        notices.append(
            notice(
                "bad_direction",
                f"direction must be 0 or 1, found {direction!r}",
                sheet.location(r, c),
            )
        )
        direction = "0"
    pattern = _cell_text(sheet, profile.pattern_name_cell)
    return SheetHeader(route_id, day_type, direction, pattern), notices


def _route_of(sheet: Sheet, profile: LayoutProfile, notices: list[Notice]) -> str:
    """The route_id the layout gives a sheet: its name, or its route cell (reported when empty)."""
    if profile.route_from == "sheet_name":
        return normalize_text(sheet.name)
    route_id = _cell_text(sheet, profile.route_cell)
    if not route_id:
        where = (
            sheet.location(*parse_cell_name(profile.route_cell))
            if profile.route_cell
            else Location(file=sheet.file, sheet=sheet.name)
        )
        notices.append(notice("missing_header", "the route_id (系統) cell is empty", where))
    return route_id


_NAME_MARK = re.compile(r"^(.+?)(?:\s*\(([着発])\)|\s+([着発]))$")


def split_stop_mark(name: str) -> tuple[str, str]:
    """A 着/発 mark written in a stop name: ``"県病院前(着)"``, ``"県病院前（着）"``,
    ``"県病院前 着"``, ``"県病院前　発"`` -> ``("県病院前", "着")`` (or ``"発"``); any other
    name -> ``(name, "")``. ``name`` is NFKC-normalized (full-width brackets and spaces are
    half-width)."""
    m = _NAME_MARK.match(name)
    if m is None:
        return name, ""
    return m.group(1), m.group(2) or m.group(3)


@dataclass(frozen=True)
class _NamedRow:
    """A row with a stop name: the name, the stop_id and 着/発 mark written beside it, and the
    column of the mark (the 着発 column, or the name column when the mark is in the name)."""

    row: int
    name: str
    given_id: str
    mark: str
    mark_col: int


def _named_rows(sheet: Sheet, profile: LayoutProfile) -> list[_NamedRow]:
    """The rows below the header with a stop name, marks taken from the 着発 column or the name."""
    name_col = column_number(profile.stop_name_col)
    id_col = column_number(profile.stop_id_col) if profile.stop_id_col else 0
    ad_col = column_number(profile.arrdep_col) if profile.arrdep_col else 0
    rows: list[_NamedRow] = []
    for r in range(profile.first_stop_row, sheet.nrows + 1):
        name = normalize_text(sheet.text(r, name_col))
        if not name:
            continue
        sid = normalize_text(sheet.text(r, id_col)) if id_col else ""
        mark = normalize_text(sheet.text(r, ad_col)) if ad_col else ""
        if mark:
            rows.append(_NamedRow(r, name, sid, mark, ad_col))
        else:
            bare, in_name = split_stop_mark(name)
            rows.append(_NamedRow(r, bare, sid, in_name, name_col))
    return rows


def _stop_rows(sheet: Sheet, profile: LayoutProfile) -> tuple[list[_StopRow], list[Notice]]:
    """The sheet's stops: a 着 row followed by the 発 row of the same name is one stop (so are
    two unmarked rows of one name); any other row is a stop with one time."""
    raw = _named_rows(sheet, profile)
    rows: list[_StopRow] = []
    notices: list[Notice] = []
    i = 0
    while i < len(raw):
        cur = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if nxt is not None and nxt.name == cur.name and _pair(cur, nxt):
            rows.append(_StopRow(cur.name, cur.given_id or nxt.given_id, cur.row, nxt.row, i + 1))
            i += 2
            continue
        if cur.mark in ARRIVAL_MARKS:
            notices.append(
                notice(
                    "unpaired_arrival",
                    f"着 row of {cur.name!r} is not followed by a 発 row of the same stop",
                    sheet.location(cur.row, cur.mark_col),
                )
            )
        rows.append(_StopRow(cur.name, cur.given_id, cur.row, cur.row, i + 1))
        i += 1
    return rows, notices


def _pair(cur: _NamedRow, nxt: _NamedRow) -> bool:
    """Whether two consecutive rows of one name are the arrival and departure of one stop."""
    if cur.mark in ARRIVAL_MARKS:
        return nxt.mark in DEPARTURE_MARKS
    # the same stop on two rows without 着/発 marks: arrival row, then departure row
    return (
        not cur.mark
        and not nxt.mark
        and (not cur.given_id or not nxt.given_id or cur.given_id == nxt.given_id)
    )


def _read_time(sheet: Sheet, row: int, col: int, notices: list[Notice]) -> CellTime:
    cell = parse_cell(sheet.value(row, col))
    if cell.kind == "bad":
        notices.append(
            notice(
                "bad_time_cell",
                f"{sheet.value(row, col)!r} is not a time: {cell.reason}",
                sheet.location(row, col),
            )
        )
    elif cell.mark:
        notices.append(
            notice(
                "footnote_mark",
                f"footnote mark {cell.mark!r} stripped from the time",
                sheet.location(row, col),
            )
        )
    return cell


def read_sheet(
    sheet: Sheet, profile: LayoutProfile, *, header: SheetHeader, sheet_index: int = 0
) -> tuple[list[Trip], list[Notice]]:
    """Read the trips of one timetable sheet.

    Returns
    -------
    (list of Trip, list of Notice)
        One trip per trip column that has a label or any time, in column order, with stops
        where the bus stops (pass marks dropped) and times unrolled past midnight; notices for
        bad cells, footnote marks, rollovers and too-short trips.
    """
    rows, notices = _stop_rows(sheet, profile)
    if not rows:
        notices.append(
            notice(
                "no_stops_in_sheet",
                f"no stop names below row {profile.first_stop_row - 1} in column {profile.stop_name_col}",
                sheet.location(profile.first_stop_row, column_number(profile.stop_name_col)),
            )
        )
        return [], notices
    column = _TripColumn(sheet, profile, tuple(rows), header, sheet_index)
    trips: list[Trip] = []
    for col in range(column_number(profile.first_trip_col), sheet.ncols + 1):
        label = normalize_text(sheet.text(profile.label_row, col)) if profile.label_row else ""
        if not label and all(
            sheet.value(s.arr_row, col) is None and sheet.value(s.dep_row, col) is None
            for s in rows
        ):
            continue
        trip, col_notices = column.read(col, label)
        notices.extend(col_notices)
        if trip is not None:
            trips.append(trip)
    return trips, notices


@dataclass
class _TripColumn:
    """Reads trip columns of one sheet (the stop rows found, the header read)."""

    sheet: Sheet
    profile: LayoutProfile
    rows: tuple[_StopRow, ...]
    header: SheetHeader
    sheet_index: int
    name_locations: dict[int, Location] = field(default_factory=dict)
    """The location of each stop row's name cell (one object per row, shared by every trip)."""

    def read(self, col: int, label: str) -> tuple[Trip | None, list[Notice]]:
        """The trip of column ``col`` (``None`` when a cell is bad or it has under two stops)."""
        notices: list[Notice] = []
        flat, served = self._times(col, notices)
        times, rolled = unroll_midnight(flat)
        letter = column_letter(col)
        where = Location(
            file=self.sheet.file,
            sheet=self.sheet.name,
            cell=f"{letter}{self.profile.label_row or self.profile.first_stop_row}",
        )
        if rolled:
            notices.append(
                notice("time_rollover", "times after midnight read as the next day (24:00+)", where)
            )
        if any(n.code == "bad_time_cell" for n in notices):
            return None, notices
        if len(served) < 2:
            notices.append(
                notice(
                    "trip_too_short",
                    f"trip {label or letter!r} has {len(served)} timed stop(s); a trip needs at least 2",
                    where,
                )
            )
            return None, notices
        return self._trip(col, label, where, self._stops(served, times, letter)), notices

    def _times(
        self, col: int, notices: list[Notice]
    ) -> tuple[list[int | None], list[tuple[_StopRow, int]]]:
        """Arrival and departure of every served stop (flat, in stop order) and, per served
        stop, the row of its time cell."""
        flat: list[int | None] = []
        served: list[tuple[_StopRow, int]] = []
        for s in self.rows:
            arr = _read_time(self.sheet, s.arr_row, col, notices)
            dep = arr if s.dep_row == s.arr_row else _read_time(self.sheet, s.dep_row, col, notices)
            if arr.seconds is None and dep.seconds is None:
                continue
            a = arr.seconds if arr.seconds is not None else dep.seconds
            d = dep.seconds if dep.seconds is not None else arr.seconds
            flat.extend([a, d])
            served.append((s, s.dep_row if dep.seconds is not None else s.arr_row))
        return flat, served

    def _stops(
        self, served: list[tuple[_StopRow, int]], times: list[int | None], letter: str
    ) -> tuple[TripStop, ...]:
        name_col = column_number(self.profile.stop_name_col)
        stops = []
        for k, (s, trow) in enumerate(served):
            a, d = times[2 * k], times[2 * k + 1]
            assert a is not None and d is not None
            name_loc = self.name_locations.get(s.arr_row)
            if name_loc is None:
                name_loc = self.name_locations[s.arr_row] = self.sheet.location(s.arr_row, name_col)
            stops.append(
                TripStop(
                    name=s.name,
                    stop_id="",
                    arrival=a,
                    departure=d,
                    index=s.index,
                    name_location=name_loc,
                    time_location=Location(
                        file=self.sheet.file, sheet=self.sheet.name, cell=f"{letter}{trow}"
                    ),
                    given_id=s.given_id,
                )
            )
        return tuple(stops)

    def _trip(self, col: int, label: str, where: Location, stops: tuple[TripStop, ...]) -> Trip:
        profile, sheet, header = self.profile, self.sheet, self.header
        headsign = sheet.text(profile.headsign_row, col) if profile.headsign_row else ""
        note = normalize_text(sheet.text(profile.note_row, col)) if profile.note_row else ""
        return Trip(
            route_id=header.route_id,
            day_type=header.day_type,
            direction_id=header.direction_id,
            headsign=headsign,
            note=note,
            label=_clean_label(label),
            stops=stops,
            file=sheet.file,
            sheet=sheet.name,
            column=column_letter(col),
            sheet_index=self.sheet_index,
            pattern_name=header.pattern_name,
            location=where,
        )


def _clean_label(label: str) -> str:
    return re.sub(r"\.0$", "", label)
