"""Read a source folder (feed.toml, stops.csv, routes.csv, timetables/, fares/) into a :class:`Source`.

Reading never stops at the first problem: every problem that can be located (a file, a sheet, a
cell, a CSV row) becomes a :class:`~transit.core.notices.Notice` in ``Source.notices``. Only a folder
that cannot be read at all (no feed.toml, a feed.toml that does not parse) raises an
:class:`~transit.core.errors.InputError`.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from transit.core.config import from_mapping, read_toml
from transit.core.errors import DataNotFoundError, InputError, Location
from transit.core.gtfstime import normalize_text
from transit.core.notices import Notice
from transit.gtfs.feedio import read_feed
from transit.gtfs.source.codes import notice
from transit.gtfs.source.fares import read_fare_sheet
from transit.gtfs.source.model import FareTable, FeedConfig, Route, Source, Stop, Trip, TripStop
from transit.gtfs.source.profiles import LayoutProfile, get_profile, profile_from_mapping
from transit.gtfs.source.timetable import read_header, read_sheet
from transit.gtfs.source.workbook import (
    WORKBOOK_SUFFIXES,
    Sheet,
    Workbook,
    cell_name,
    read_workbook,
)

log = logging.getLogger(__name__)

STOP_COLUMNS = ("stop_id", "stop_name", "stop_name_kana", "stop_name_en", "stop_lat", "stop_lon")
ROUTE_COLUMNS = ("route_id", "route_long_name_kana", "route_long_name_en")

Progress = Callable[[str], None]


def read_config(folder: Path) -> FeedConfig:
    """Read and validate ``feed.toml``; raises a located input error listing every problem."""
    path = folder / "feed.toml"
    if not path.is_file():
        raise DataNotFoundError(
            "feed.toml not found: is this a source folder? (`transit gtfs init DIR` writes one)",
            Location.of(folder),
        )
    data = read_toml(path)
    return from_mapping(FeedConfig, data, source="feed.toml")


def _read_csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text (save as 'CSV UTF-8')", Location.of(path)) from exc
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    return header, [r for r in rows[1:] if any(v.strip() for v in r)]


def _is_ascii(text: str) -> bool:
    return text.isascii()


def read_stops_csv(path: Path) -> tuple[list[Stop], list[Notice]]:
    """Read ``stops.csv`` (the stop master).

    Returns
    -------
    (list of Stop, list of Notice)
        Stops in file order; notices for missing columns, bad numbers and non-ASCII ids.
    """
    notices: list[Notice] = []
    if not path.is_file():
        return [], [
            notice("missing_file", "stops.csv (the stop master) is missing", Location.of(path))
        ]
    header, rows = _read_csv_rows(path)
    missing = [c for c in STOP_COLUMNS if c not in header]
    if missing:
        return [], [
            notice(
                "missing_column",
                f"missing column(s): {', '.join(missing)}",
                Location.of(path, row=1),
            )
        ]
    col = {name: i for i, name in enumerate(header)}
    stops: list[Stop] = []
    for line, raw in enumerate(rows, start=2):

        def get(name: str, raw: list[str] = raw) -> str:
            i = col.get(name)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        def loc(name: str, line: int = line) -> Location:
            return Location(
                file=path.name, cell=cell_name(line, col[name] + 1), row=line, column=name
            )

        coords: list[float | None] = []
        bad = False
        for name in ("stop_lat", "stop_lon"):
            text = normalize_text(get(name))
            if not text:
                coords.append(None)
                continue
            try:
                coords.append(float(text))
            except ValueError:
                notices.append(
                    notice("bad_csv_value", f"{name} {text!r} is not a number", loc(name))
                )
                coords.append(None)
                bad = True
        sid = get("stop_id")
        if not _is_ascii(sid) or not sid:
            notices.append(
                notice("non_ascii_id", f"stop_id {sid!r} must be non-empty ASCII", loc("stop_id"))
            )
        if "zone_id" in col and not _is_ascii(get("zone_id")):
            notices.append(
                notice("non_ascii_id", f"zone_id {get('zone_id')!r} must be ASCII", loc("zone_id"))
            )
        stops.append(
            Stop(
                stop_id=sid,
                name=get("stop_name"),
                name_kana=get("stop_name_kana"),
                name_en=get("stop_name_en"),
                lat=coords[0],
                lon=coords[1],
                platform_code=get("platform_code"),
                parent_station=get("parent_station"),
                zone_id=get("zone_id"),
                location_type=get("location_type"),
                bad_coordinates=bad,
                location=Location(
                    file=path.name, cell=cell_name(line, col["stop_id"] + 1), row=line
                ),
            )
        )
    return stops, notices


_TR_COLS = ("table_name", "field_name", "language", "translation", "record_id")


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_stops_feed(feed_path: Path) -> tuple[list[Stop], list[Notice]]:
    """Stops (poles, ``location_type`` 0 or empty) of another GTFS feed, for ``--stops-from``.

    Names are NFKC-normalized; readings and English names come from a GTFS-standard
    ``translations.txt`` when the feed has one, else stay empty (and are suggested later).
    """
    feed = read_feed(feed_path)
    kana: dict[str, str] = {}
    en: dict[str, str] = {}
    if feed.has("translations") and "record_id" in feed["translations"].columns:
        for table, fld, lang, text, rid in zip(
            *(feed.column("translations", c).astype(str).tolist() for c in _TR_COLS), strict=True
        ):
            if table == "stops" and fld == "stop_name" and lang in ("ja-Hrkt", "en"):
                (kana if lang == "ja-Hrkt" else en)[rid] = text
    cols = {
        c: feed.column("stops", c).astype(str).tolist()
        for c in (
            "stop_id",
            "stop_name",
            "stop_lat",
            "stop_lon",
            "location_type",
            "platform_code",
            "zone_id",
        )
    }
    stops: list[Stop] = []
    for i in range(len(cols["stop_id"])):
        if cols["location_type"][i] not in ("0", ""):
            continue
        sid = cols["stop_id"][i]
        stops.append(
            Stop(
                stop_id=sid,
                name=cols["stop_name"][i].strip(),
                name_kana=kana.get(sid, ""),
                name_en=en.get(sid, ""),
                lat=_float_or_none(cols["stop_lat"][i]),
                lon=_float_or_none(cols["stop_lon"][i]),
                platform_code=cols["platform_code"][i],
                zone_id=cols["zone_id"][i],
                location=Location(file=f"{feed_path.name}:stops.txt", row=i + 2),
            )
        )
    return stops, []


def read_routes_csv(path: Path) -> tuple[list[Route], list[Notice]]:
    """Read ``routes.csv`` (the route master); notices for missing columns and non-ASCII ids."""
    if not path.is_file():
        return [], [
            notice("missing_file", "routes.csv (the route master) is missing", Location.of(path))
        ]
    header, rows = _read_csv_rows(path)
    missing = [c for c in ROUTE_COLUMNS if c not in header]
    if missing:
        return [], [
            notice(
                "missing_column",
                f"missing column(s): {', '.join(missing)}",
                Location.of(path, row=1),
            )
        ]
    col = {name: i for i, name in enumerate(header)}
    routes: list[Route] = []
    notices: list[Notice] = []
    for line, raw in enumerate(rows, start=2):

        def get(name: str, raw: list[str] = raw) -> str:
            i = col.get(name)
            return raw[i].strip() if i is not None and i < len(raw) else ""

        where = Location(file=path.name, cell=cell_name(line, col["route_id"] + 1), row=line)
        rid = get("route_id")
        if not rid or not _is_ascii(rid):
            notices.append(
                notice("non_ascii_id", f"route_id {rid!r} must be non-empty ASCII", where)
            )
        if not get("route_short_name") and not get("route_long_name"):
            notices.append(
                notice(
                    "missing_route_name",
                    f"route {rid!r} needs route_short_name or route_long_name",
                    where,
                )
            )
        routes.append(
            Route(
                route_id=rid,
                short_name=get("route_short_name"),
                long_name=get("route_long_name"),
                long_name_kana=get("route_long_name_kana"),
                long_name_en=get("route_long_name_en"),
                route_type=get("route_type") or "3",
                color=get("route_color").lstrip("#"),
                text_color=get("route_text_color").lstrip("#"),
                fare_table=get("fare_table"),
                location=where,
            )
        )
    return routes, notices


def read_pole_hints(path: Path) -> dict[tuple[str, int], str]:
    """``(route_id, stop index) -> stop_id`` from a pole file (``route, index, name, code, pole``)."""
    hints: dict[tuple[str, int], str] = {}
    if not path.is_file():
        return hints
    text = path.read_text(encoding="utf-8-sig")
    for r in csv.reader(io.StringIO(text)):
        if len(r) < 5:
            continue
        route, index, _name, code, pole = (v.strip() for v in r[:5])
        if index.isdigit():
            hints[(route, int(index))] = f"{code}_{pole}" if pole else code
    return hints


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
        return read_workbook(path, merged=merged, sheets=sheets)
    except InputError as exc:
        notices.append(notice("not_a_workbook", exc.message, Location.of(path)))
        return None


def _sheet_problems(sheet: Sheet) -> list[Notice]:
    out: list[Notice] = []
    if sheet.is_empty():
        out.append(
            notice("empty_sheet", "the sheet is empty", Location(file=sheet.file, sheet=sheet.name))
        )
    for rng in sheet.merged:
        first = rng.split(":")[0]
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
) -> tuple[list[Trip], list[Notice]]:
    """Read every workbook in ``folder`` (sorted by name) through ``profile``.

    ``routes`` (when given with ``profile.skip_unlisted_routes``) is the set of route ids to
    read; other sheets are skipped with an INFO notice.
    """
    notices: list[Notice] = []
    trips: list[Trip] = []
    files = _workbook_files(folder)
    sheet_index = 0
    for path in files:
        if progress is not None:
            progress(path.name)
        listed: Callable[[str], bool] | None = None
        if (
            routes is not None
            and profile.skip_unlisted_routes
            and profile.route_from == "sheet_name"
        ):
            listed = _name_in(routes)
        wb = _open_workbook(path, notices, sheets=listed)
        if wb is None:
            continue
        for name in wb.skipped:
            notices.append(
                notice(
                    "sheet_skipped",
                    f"route {normalize_text(name)!r} is not in routes.csv",
                    Location(file=path.name, sheet=name),
                )
            )
        for sheet in wb:
            sheet_index += 1
            header, head_notices = read_header(sheet, profile)
            if (
                routes is not None
                and profile.skip_unlisted_routes
                and header.route_id not in routes
            ):
                notices.append(
                    notice(
                        "sheet_skipped",
                        f"route {header.route_id!r} is not in routes.csv",
                        Location(file=sheet.file, sheet=sheet.name),
                    )
                )
                continue
            problems = _sheet_problems(sheet)
            notices.extend(problems)
            if any(n.code == "empty_sheet" for n in problems):
                continue
            notices.extend(head_notices)
            sheet_trips, sheet_notices = read_sheet(
                sheet, profile, header=header, sheet_index=sheet_index
            )
            trips.extend(sheet_trips)
            notices.extend(sheet_notices)
    if not trips and not any(n.code in ("not_a_workbook", "empty_sheet") for n in notices):
        notices.append(
            notice("no_timetables", "no timetable sheet with trips was found", Location.of(folder))
        )
    return trips, notices


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
            notices.extend(sheet_notices)
            if table is not None:
                tables.append(table)
    return tables, notices


def resolve_stops(
    trips: list[Trip],
    stops: list[Stop],
    *,
    profile: LayoutProfile,
    pole_hints: dict[tuple[str, int], str] | None = None,
    fare_tables: list[FareTable] | None = None,
) -> tuple[list[Trip], list[Notice]]:
    """Give every trip stop a ``stop_id`` from the stop master.

    Order: an id written in the sheet; the only pole of that (NFKC) name; a pole hint for
    ``(route, stop index)`` (pole file, then the ``stop_id`` column of the route's fare triangle);
    else the first pole by id (``ambiguous_stop``). Names not in the master give one
    ``unknown_stop`` per name, located at its first cell, with the number of cells.
    """
    by_id = {s.stop_id: s for s in stops}
    by_name: dict[str, list[Stop]] = defaultdict(list)
    stations = {s.parent_station for s in stops if s.parent_station}
    for s in sorted(stops, key=lambda s: s.stop_id):
        if s.location_type in ("", "0") and s.stop_id not in stations:
            by_name[normalize_text(s.name)].append(s)
    hints = dict(pole_hints or {})
    if profile.fare_key == "stop_id":
        for where, pole in sorted(_fare_table_hints(trips, fare_tables or []).items()):
            hints.setdefault(where, pole)
    unknown: dict[str, list[Location]] = defaultdict(list)
    ambiguous: dict[str, list[Location]] = defaultdict(list)
    notices: list[Notice] = []

    def certain(trip: Trip, ts: TripStop) -> str | None:
        """The pole when something says which ("" when unknown), None when ambiguous."""
        if ts.given_id:
            return ts.given_id if ts.given_id in by_id else ""
        cands = by_name.get(ts.name, [])
        if len(cands) <= 1:
            return cands[0].stop_id if cands else ""
        hint = hints.get((trip.route_id, ts.index), "")
        return hint if hint in {c.stop_id for c in cands} else None

    first = [[certain(trip, ts) for ts in trip.stops] for trip in trips]
    votes: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for trip, sids in zip(trips, first, strict=True):
        names = [ts.name for ts in trip.stops]
        for k, known in enumerate(sids):
            if known:
                for key in _neighbour_keys(names, k):
                    votes[key][known] += 1
    out: list[Trip] = []
    mismatched: set[Location] = set()
    for trip, sids in zip(trips, first, strict=True):
        new_stops: list[TripStop] = []
        names = [ts.name for ts in trip.stops]
        for k, ts in enumerate(trip.stops):
            found = sids[k]
            sid = found or ""
            if found == "":
                if ts.given_id:
                    unknown[f"stop_id {ts.given_id}"].append(_id_location(ts, profile))
                else:
                    unknown[ts.name].append(ts.name_location)
            elif found is None:
                sid = by_name[ts.name][0].stop_id
                for key in _neighbour_keys(names, k):
                    if votes.get(key):
                        sid = min(votes[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
                        break
                ambiguous[ts.name].append(ts.name_location)
            elif (
                ts.given_id
                and normalize_text(by_id[sid].name) != ts.name
                and ts.name_location not in mismatched
            ):
                mismatched.add(ts.name_location)
                notices.append(
                    notice(
                        "stop_name_mismatch",
                        f"stop_id {ts.given_id!r} is {by_id[sid].name!r} in the stop master, "
                        f"not {ts.name!r}",
                        ts.name_location,
                    )
                )
            new_stops.append(
                TripStop(
                    ts.name,
                    sid,
                    ts.arrival,
                    ts.departure,
                    ts.index,
                    ts.name_location,
                    ts.time_location,
                    ts.given_id,
                )
            )
        out.append(replace(trip, stops=tuple(new_stops)))
    for name, locs in unknown.items():
        sheets = len({(loc.file, loc.sheet) for loc in locs})
        notices.append(
            notice(
                "unknown_stop",
                f"{name!r} is not in the stop master ({len(set(locs))} row(s) in {sheets} sheet(s))",
                locs[0],
            )
        )
    for name, locs in ambiguous.items():
        ids = ", ".join(s.stop_id for s in by_name[name])
        notices.append(
            notice(
                "ambiguous_stop",
                f"{name!r} has several poles ({ids}) and nothing says which in "
                f"{len(set(locs))} row(s): used the pole other trips use between the same "
                f"stops, else {by_name[name][0].stop_id}; write the stop_id in the sheet",
                locs[0],
            )
        )
    return out, notices


def _neighbour_keys(names: list[str], k: int) -> list[tuple[str, ...]]:
    """Keys for voting on a pole: (previous, this, next) names, then (previous, this), (this, next)."""
    prev = names[k - 1] if k > 0 else ""
    nxt = names[k + 1] if k + 1 < len(names) else ""
    return [("pn", prev, names[k], nxt), ("p", prev, names[k]), ("n", names[k], nxt)]


def _id_location(ts: TripStop, profile: LayoutProfile) -> Location:
    loc = ts.name_location
    if not loc.cell or not profile.stop_id_col:
        return loc
    row = loc.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return Location(file=loc.file, sheet=loc.sheet, cell=f"{profile.stop_id_col}{row}")


def _same_stop_name(listed: str, name: str) -> bool:
    """A fare-table name matches a sheet name, also with pole numbers appended (``東通2``, ``…1・2``)."""
    listed = normalize_text(listed)
    rest = listed[len(name) :] if listed.startswith(name) else None
    return rest is not None and all(ch.isdigit() or ch in "・,、-" for ch in rest)


def _fare_table_hints(
    trips: list[Trip], fare_tables: list[FareTable]
) -> dict[tuple[str, int], str]:
    """Poles of each sheet row from the ``stop_id`` column of the route's fare triangle.

    The triangle's rows are aligned with the sheet's stop rows by name (a row repeated in the
    sheet, e.g. arrival and departure of a terminal, reuses the triangle row before it).
    """
    tables = {t.table_id: t for t in fare_tables}
    rows: dict[str, dict[int, str]] = defaultdict(dict)
    for trip in trips:
        if trip.route_id in tables:
            for ts in trip.stops:
                rows[trip.route_id][ts.index] = ts.name
    out: dict[tuple[str, int], str] = {}
    for route_id, by_index in rows.items():
        table = tables[route_id]
        j = 0
        prev: tuple[str, str] | None = None
        for index in sorted(by_index):
            name = by_index[index]
            found = next(
                (
                    k
                    for k in range(j, min(j + 3, len(table.names)))
                    if _same_stop_name(table.names[k], name)
                ),
                None,
            )
            if found is not None:
                if table.keys[found]:
                    out[(route_id, index)] = table.keys[found]
                prev = (name, table.keys[found])
                j = found + 1
            elif prev is not None and prev[0] == name and prev[1]:
                out[(route_id, index)] = prev[1]
    return out


def read_source(
    folder: Path,
    *,
    profile: str | None = None,
    stops_from: Path | None = None,
    all_sheets: bool = False,
    progress: Progress | None = None,
) -> Source:
    """Read a source folder into a :class:`Source` (model + notices).

    Parameters
    ----------
    folder
        The source folder (feed.toml, stops.csv, routes.csv, timetables/, fares/).
    profile
        Layout profile name overriding ``[layout] profile`` of feed.toml.
    stops_from
        A GTFS feed (zip or folder) whose stops replace stops.csv (matched by NFKC name).
    all_sheets
        Read sheets of routes missing from routes.csv too (for checking whole workbooks).
    progress
        Called with each workbook's name as it is read.

    Raises
    ------
    InputError
        No feed.toml, or feed.toml is not valid.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataNotFoundError(f"source folder not found: {folder}")
    config = read_config(folder)
    layout: dict[str, Any] = dict(config.layout)
    if profile is not None:
        base = get_profile(profile)
        layout["profile"] = base.name
    prof = profile_from_mapping(layout, source="feed.toml")
    notices: list[Notice] = []
    if stops_from is not None:
        stops, stop_notices = read_stops_feed(Path(stops_from))
    else:
        stops, stop_notices = read_stops_csv(folder / "stops.csv")
    notices.extend(stop_notices)
    routes, route_notices = read_routes_csv(folder / "routes.csv")
    notices.extend(route_notices)
    route_ids = {r.route_id for r in routes}
    route_ids_all = None if all_sheets and prof.skip_unlisted_routes else route_ids
    wanted = None
    if prof.skip_unlisted_routes and route_ids_all is not None:  # read only the tables in use
        wanted = {r.fare_table for r in routes} | route_ids
    fare_tables, fare_notices = read_fares(folder / "fares", prof, wanted=wanted)
    notices.extend(fare_notices)
    trips, trip_notices = read_timetables(
        folder / "timetables",
        prof,
        routes=route_ids_all,
        progress=progress,
    )
    notices.extend(trip_notices)
    if route_ids_all is None:
        extra = sorted({t.route_id for t in trips} - route_ids)
        routes.extend(
            Route(rid, "", rid, "", "", location=Location(file="routes.csv")) for rid in extra
        )
    hints = read_pole_hints(folder / prof.pole_file) if prof.pole_file else {}
    if stops:  # without a stop master (reported above) every stop would be "unknown"
        trips, resolve_notices = resolve_stops(
            trips, stops, profile=prof, pole_hints=hints, fare_tables=fare_tables
        )
        notices.extend(resolve_notices)
    if stops_from is not None:
        used = {ts.name for t in trips for ts in t.stops}
        matched = used & {normalize_text(s.name) for s in stops}
        notices.append(
            notice(
                "stops_from_feed",
                f"{len(stops)} poles from {Path(stops_from).name}; {len(matched)} of {len(used)} "
                "stop names in the timetables matched",
                Location.of(Path(stops_from)),
            )
        )
    log.info("read %s: %d stops, %d routes, %d trips", folder, len(stops), len(routes), len(trips))
    return Source(
        config=config,
        stops=tuple(stops),
        routes=tuple(routes),
        trips=tuple(trips),
        fare_tables=tuple(fare_tables),
        notices=tuple(notices),
        profile=prof,
    )
