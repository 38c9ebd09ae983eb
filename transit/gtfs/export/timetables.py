"""Stop patterns -> timetable sheets in the ``transit`` layout (``docs/source-format.md``).

One workbook per route (``timetables/{route}.xlsx``), one sheet per stop pattern × direction ×
service: stops down with their stop_id in column B, trips across in order of first departure,
``着``/``発`` rows where a trip's arrival and departure differ at a stop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from transit.core.gtfstime import format_cell_time
from transit.gtfs.export.draft import SheetDraft
from transit.gtfs.export.names import AsciiIds, file_name, sheet_name
from transit.gtfs.export.trips import PatternKey, StopTime


def timetable_sheets(
    groups: Mapping[PatternKey, list[str]],
    trip_info: Mapping[str, Mapping[str, Any]],
    by_trip: Mapping[str, list[StopTime]],
    *,
    names: Mapping[str, str],
    day_names: Mapping[str, str],
    route_recs: Mapping[str, Mapping[str, Any]],
    stop_ids: AsciiIds,
    route_ids: AsciiIds,
) -> list[SheetDraft]:
    """One sheet per group of trips, groups in key order (route, direction, service, stops).

    ``names`` maps stop_id -> stop name, ``day_names`` service_id -> day type name,
    ``route_recs`` route_id -> routes.txt record (its short name labels the sheet).
    """
    sheets: list[SheetDraft] = []
    files: dict[str, str] = {}
    used_files: set[str] = set()
    used_sheets: dict[str, set[str]] = defaultdict(set)
    pattern_no: dict[str, dict[tuple[str, ...], int]] = defaultdict(dict)
    for (rid, direction, service, pattern), tids in sorted(groups.items()):
        if rid not in files:
            files[rid] = file_name(route_ids(rid), used_files) + ".xlsx"
        wb = files[rid]
        k = pattern_no[rid].setdefault(pattern, len(pattern_no[rid]) + 1)
        ordered = sorted(tids, key=lambda tid: _first_departure(by_trip[tid], tid))
        header = _header(route_ids(rid), day_names[service], direction)
        body = _sheet_body(ordered, pattern, trip_info, by_trip, header, names, stop_ids)
        rec = route_recs.get(rid, {})
        label = str(rec.get("route_short_name", "") or "") or route_ids(rid)
        name = sheet_name(f"{label}_{k}_{direction}_{day_names[service]}", used_sheets[wb])
        rows = tuple(tuple(r) for r in header + body)
        sheets.append(SheetDraft(wb, name, rows, len(ordered), len(ordered) * len(pattern)))
    return sheets


def _first_departure(rows: list[StopTime], tid: str) -> tuple[int, str]:
    d = rows[0][2]
    return (d if d is not None else 0, tid)


def _header(route_id: str, day_name: str, direction: str) -> list[list[str]]:
    """Rows 1-6 of a sheet (labels in A, values in B, the 着発 column in C); the trip
    columns are appended to rows 4-6."""
    return [
        ["系統", route_id, ""],
        ["運行日", day_name, ""],
        ["方向", direction if direction in ("0", "1") else "0", ""],
        ["行先", "", ""],
        ["備考", "", ""],
        ["停留所", "停留所ID", "着発"],
    ]


def _sheet_body(
    ordered: list[str],
    pattern: tuple[str, ...],
    trip_info: Mapping[str, Mapping[str, Any]],
    by_trip: Mapping[str, list[StopTime]],
    header: list[list[str]],
    names: Mapping[str, str],
    stop_ids: AsciiIds,
) -> list[list[str]]:
    """The stop rows (two, 着 and 発, where any trip's arrival and departure differ) with one
    time column per trip; each trip's headsign, note and id go into ``header``."""
    split = [
        any(by_trip[t][i][1] != by_trip[t][i][2] for t in ordered) for i in range(len(pattern))
    ]
    body: list[list[str]] = []
    for i, sid in enumerate(pattern):
        kinds = ("着", "発") if split[i] else ("",)
        for kind in kinds:
            body.append([names.get(sid, sid), stop_ids(sid), kind])
    for tid in ordered:
        info = trip_info[tid]
        header[3].append(str(info.get("trip_headsign", "") or ""))
        header[4].append(str(info.get("jp_trip_desc", "") or ""))
        header[5].append(tid)
        r = 0
        for i, (_sid, a, d) in enumerate(by_trip[tid]):
            assert a is not None and d is not None
            if split[i]:
                body[r].append(format_cell_time(a))
                body[r + 1].append(format_cell_time(d))
                r += 2
            else:
                body[r].append(format_cell_time(d))
                r += 1
    return body
