"""Feed -> source folder (``docs/source-format.md``), so staff can edit a published feed in Excel.

:func:`plan_export` turns a :class:`~transit.gtfs.feedio.Feed` into a :class:`SourceDraft` (pure:
tables and sheet grids in memory); :func:`write_source` writes it:

- ``feed.toml``: ``[feed]`` from feed_info (or the service period), ``[agency]`` (+ ``[agency_jp]``),
  one ``[day_types.NAME]`` per service_id (NAME is the feed's service_id, NFKC-normalized as
  sheets are read; weekdays, national holidays and the New-Year break inferred from calendar +
  calendar_dates), ``[layout]`` transit, ``[checks] service_area`` around the feed's stops;
- ``stops.csv`` and ``routes.csv`` with readings (ja-Hrkt) and English names from translations;
- ``timetables/{route}.xlsx``: one sheet per stop pattern × direction × service in the
  ``transit`` layout (stops down with their stop_id in column B, trips across, 着/発 rows where
  a trip's arrival and departure differ);
- ``fares/fares.xlsx``: one fare triangle per route whose fare_rules are by origin/destination zone.

Whatever the source format cannot hold is counted in :attr:`SourceDraft.losses` (e.g.
frequencies, pickup/drop-off types, shapes, calendar exceptions that are not holidays), so an
export never loses data silently. Ids that are not ASCII are replaced by ``S1``, ``R1``, … and
the replacements listed in :attr:`SourceDraft.id_map`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import logging
import re
import shutil
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from transit.core.errors import InputError, Location
from transit.gtfs.feedio import Feed
from transit.gtfs.service import feed_period, service_dates
from transit.gtfs.source.daytypes import is_holiday, is_new_year_break, runs_on
from transit.gtfs.source.model import WEEKDAYS, DayType

log = logging.getLogger(__name__)

STOPS_COLUMNS = (
    "stop_id",
    "stop_name",
    "stop_name_kana",
    "stop_name_en",
    "stop_lat",
    "stop_lon",
    "platform_code",
    "parent_station",
    "zone_id",
    "location_type",
)
ROUTES_COLUMNS = (
    "route_id",
    "route_short_name",
    "route_long_name",
    "route_long_name_kana",
    "route_long_name_en",
    "route_type",
    "route_color",
    "route_text_color",
    "fare_table",
)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FILE_BAD = re.compile(r"[^A-Za-z0-9._-]")


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


# ------------------------------------------------------------------------------------ helpers


class _Ids:
    """ASCII id normalization: keeps ASCII ids, maps others to ``{prefix}{n}``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.mapping: dict[str, str] = {}
        self._used: set[str] = set()

    def reserve(self, values: Iterable[str]) -> None:
        self._used |= {v for v in values if _ok_id(v)}

    def __call__(self, value: str) -> str:
        if value in self.mapping:
            return self.mapping[value]
        if _ok_id(value):
            return value
        n = len(self.mapping) + 1
        while f"{self.prefix}{n}" in self._used:
            n += 1
        new = f"{self.prefix}{n}"
        self._used.add(new)
        self.mapping[value] = new
        return new


def _ok_id(value: str) -> bool:
    return bool(value) and value.isascii() and value == value.strip() and "," not in value


def _recs(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def _col(df: pd.DataFrame, name: str) -> list[str]:
    if name in df.columns:
        return [str(v) for v in df[name].fillna("").tolist()]
    return [""] * len(df)


def _seconds(text: str) -> int | None:
    parts = text.strip().split(":")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        return None
    h, m, s = (int(p) for p in parts)
    return h * 3600 + m * 60 + s


def format_cell_time(seconds: int) -> str:
    """A time as staff write it: ``7:05`` (``7:05:30`` when seconds are not zero; hours ≥ 24
    after midnight)."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}" if s == 0 else f"{h}:{m:02d}:{s:02d}"


def _translations(feed: Feed) -> dict[tuple[str, str, str], str]:
    """``(field_name, key, language) -> text``; key is a record_id or a field_value (the text).

    The GTFS-JP v1/v2 layout (``trans_id, lang, translation``) is keyed by the text for both
    ``stop_name`` and ``route_long_name``.
    """
    out: dict[tuple[str, str, str], str] = {}
    tr = feed.get("translations")
    if not len(tr):
        return out
    if {"field_name", "language", "translation"} <= set(tr.columns):
        for rec in _recs(tr):
            fname = str(rec.get("field_name", ""))
            lang = str(rec.get("language", ""))
            text = str(rec.get("translation", ""))
            for key in (str(rec.get("record_id", "") or ""), str(rec.get("field_value", "") or "")):
                if key:
                    out[(fname, key, lang)] = text
    elif {"trans_id", "lang", "translation"} <= set(tr.columns):
        for rec in _recs(tr):
            for fname in ("stop_name", "route_long_name"):
                out[(fname, str(rec["trans_id"]), str(rec["lang"]))] = str(rec["translation"])
    return out


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_date(value: dt.date) -> str:
    return value.isoformat()


def _gtfs_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date()
    except ValueError:
        return None


# --------------------------------------------------------------------------------- day types


def infer_day_type(dates: set[dt.date], *, start: dt.date, end: dt.date) -> DayType:
    """The :class:`DayType` (service_id left empty) that best reproduces ``dates`` in the period.

    Weekdays: those on which the service runs on at least half of the (non-holiday,
    non-New-Year) dates of that weekday; holidays ``on`` when it runs on most national holidays,
    ``only`` when it runs only on holidays; ``new_year_break`` when it never runs 12/29–1/3 on
    its weekdays.
    """
    per_day: dict[int, list[bool]] = defaultdict(list)
    holidays: list[bool] = []
    break_days: list[bool] = []
    day = start
    while day <= end:
        runs = day in dates
        if is_new_year_break(day):
            break_days.append(runs)
        elif is_holiday(day):
            holidays.append(runs)
        else:
            per_day[day.weekday()].append(runs)
        day += dt.timedelta(days=1)
    days = [WEEKDAYS[i] for i in range(7) if per_day[i] and sum(per_day[i]) * 2 >= len(per_day[i])]
    on_holidays = bool(holidays) and sum(holidays) * 2 > len(holidays)
    mode: str = "on" if on_holidays else "off"
    if not days and on_holidays:
        mode = "only"
    new_year_break = not any(break_days) if break_days else True
    return DayType(service_id="", days=days, holidays=mode, new_year_break=new_year_break)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------- plan


def plan_export(feed: Feed) -> SourceDraft:
    """Turn ``feed`` into a :class:`SourceDraft` (nothing is written).

    Raises
    ------
    InputError
        The feed has no stops, routes, trips or stop_times.
    """
    for name in ("stops", "routes", "trips", "stop_times"):
        if not feed.has(name):
            raise InputError(
                f"the feed has no {name}.txt rows: nothing to export",
                Location.of(feed.source) if feed.source else None,
            )
    losses: list[ExportLoss] = []
    trans = _translations(feed)
    stop_ids, route_ids, service_ids, zone_ids = _Ids("S"), _Ids("R"), _Ids("svc"), _Ids("Z")
    stop_ids.reserve(_col(feed.stops, "stop_id"))
    route_ids.reserve(_col(feed.routes, "route_id"))
    service_ids.reserve(_col(feed.trips, "service_id"))
    zone_ids.reserve(_col(feed.stops, "zone_id"))

    # stops.csv
    st = feed.stops
    names = dict(zip(_col(st, "stop_id"), _col(st, "stop_name"), strict=True))
    zones_raw = dict(zip(_col(st, "stop_id"), _col(st, "zone_id"), strict=True))
    zones = _name_zones(st) if _has_zonal_fares(feed) else zones_raw
    merged = sum(1 for k, z in zones_raw.items() if z and zones.get(k, "") != z)
    if merged:
        losses.append(
            ExportLoss(
                "zones_merged",
                merged,
                "poles whose fare zone differs from the other poles of the same name; the source "
                "format prices fares by stop name, so each name keeps one zone",
            )
        )
    stop_rows = []
    for rec in st.to_dict("records"):
        sid = str(rec["stop_id"])
        name = str(rec.get("stop_name", "") or "")
        stop_rows.append(
            {
                "stop_id": stop_ids(sid),
                "stop_name": name,
                "stop_name_kana": trans.get(("stop_name", sid, "ja-Hrkt"))
                or trans.get(("stop_name", name, "ja-Hrkt"), ""),
                "stop_name_en": trans.get(("stop_name", sid, "en"))
                or trans.get(("stop_name", name, "en"), ""),
                "stop_lat": str(rec.get("stop_lat", "") or ""),
                "stop_lon": str(rec.get("stop_lon", "") or ""),
                "platform_code": str(rec.get("platform_code", "") or ""),
                "parent_station": stop_ids(str(rec["parent_station"]))
                if rec.get("parent_station")
                else "",
                "zone_id": zone_ids(zones[sid]) if zones.get(sid) else "",
                "location_type": str(rec.get("location_type", "") or ""),
            }
        )
    stops_df = pd.DataFrame(stop_rows, columns=list(STOPS_COLUMNS))

    # day types
    period = feed_period(feed)
    used_services = sorted(set(_col(feed.trips, "service_id")))
    sdates = service_dates(feed)
    if period is None:
        all_dates = [d for s in used_services for d in sdates.get(s, set())]
        if not all_dates:
            raise InputError("the feed has no service dates (calendar, calendar_dates)")
        period = (min(all_dates), max(all_dates))
    day_types: dict[str, DayType] = {}
    day_names: dict[str, str] = {}
    mismatched = 0
    for sid in used_services:
        day_names[sid] = unicodedata.normalize("NFKC", sid).strip()
        dates = {d for d in sdates.get(sid, set()) if period[0] <= d <= period[1]}
        guess = infer_day_type(dates, start=period[0], end=period[1])
        dtype = DayType(
            service_id=service_ids(sid),
            days=guess.days,
            holidays=guess.holidays,
            new_year_break=guess.new_year_break,
        )
        day_types[day_names[sid]] = dtype
        day = period[0]
        while day <= period[1]:
            mismatched += runs_on(dtype, day) != (day in dates)
            day += dt.timedelta(days=1)
    if mismatched:
        losses.append(
            ExportLoss(
                "calendar_not_representable",
                mismatched,
                "service dates that weekdays + national holidays + the New-Year break cannot "
                "express (e.g. school-term or one-off dates); edit them in feed.toml's day types",
            )
        )

    # trips and patterns
    trips = feed.trips
    trip_info = {str(r["trip_id"]): r for r in _recs(trips)}
    stt = feed.stop_times.copy()
    stt["_seq"] = pd.to_numeric(stt["stop_sequence"], errors="coerce")
    stt = stt.sort_values(["trip_id", "_seq"], kind="mergesort")
    arr_col, dep_col = _col(stt, "arrival_time"), _col(stt, "departure_time")
    interpolated = 0
    dropped_types = 0
    headsigns = 0
    by_trip: dict[str, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    pick, drop, shs = (
        _col(stt, "pickup_type"),
        _col(stt, "drop_off_type"),
        _col(stt, "stop_headsign"),
    )
    for i, (tid, sid) in enumerate(zip(_col(stt, "trip_id"), _col(stt, "stop_id"), strict=True)):
        a, d = _seconds(arr_col[i]), _seconds(dep_col[i])
        if a is None and d is not None:
            a = d
        if d is None and a is not None:
            d = a
        by_trip[tid].append((sid, a, d))
        dropped_types += pick[i] not in ("", "0") or drop[i] not in ("", "0")
        headsigns += shs[i] != ""
    if dropped_types:
        losses.append(
            ExportLoss(
                "pickup_drop_off_dropped",
                dropped_types,
                "stop times with pickup_type/drop_off_type other than regular; the source "
                "format has no column for them (rebuilt feeds allow boarding and alighting)",
            )
        )
    if headsigns:
        losses.append(ExportLoss("stop_headsign_dropped", headsigns, "stop_headsign values"))
    for tid, rows in by_trip.items():
        filled, n = _interpolate(rows)
        by_trip[tid] = filled
        interpolated += n

    if interpolated:
        losses.append(
            ExportLoss(
                "times_interpolated",
                interpolated,
                "stop times without a time (non-timepoints) got a time interpolated between "
                "their neighbours, since a blank cell means 'does not stop'",
            )
        )
    freq = feed.get("frequencies")
    if len(freq):
        losses.append(
            ExportLoss(
                "frequencies_dropped",
                len(freq),
                "frequencies.txt rows; each frequency-based trip is exported once, at its "
                "template times",
            )
        )

    groups: dict[tuple[str, str, str, tuple[str, ...]], list[str]] = defaultdict(list)
    untimed = 0
    for tid, rows in by_trip.items():
        info = trip_info.get(tid)
        if info is None:
            continue
        if any(a is None or d is None for _s, a, d in rows):
            untimed += 1
            continue
        key = (
            str(info["route_id"]),
            str(info.get("direction_id", "") or "0"),
            str(info["service_id"]),
            tuple(s for s, _a, _d in rows),
        )
        groups[key].append(tid)
    if untimed:
        losses.append(
            ExportLoss("trips_without_times", untimed, "trips whose first or last stop has no time")
        )

    # routes.csv and fares
    route_recs = {str(r["route_id"]): r for r in _recs(feed.routes)}
    fare_sheets, route_fare, fare_losses = _fare_sheets(
        feed, groups, names, zones, route_ids, zone_ids
    )
    losses += fare_losses
    route_rows = []
    for rid, rrec in route_recs.items():
        short = str(rrec.get("route_short_name", "") or "")
        long = str(rrec.get("route_long_name", "") or "")
        if not short and not long:
            short = rid
        label = long or short
        route_rows.append(
            {
                "route_id": route_ids(rid),
                "route_short_name": short,
                "route_long_name": long,
                "route_long_name_kana": trans.get(("route_long_name", rid, "ja-Hrkt"))
                or trans.get(("route_long_name", label, "ja-Hrkt"), ""),
                "route_long_name_en": trans.get(("route_long_name", rid, "en"))
                or trans.get(("route_long_name", label, "en"), ""),
                "route_type": str(rrec.get("route_type", "") or "3"),
                "route_color": str(rrec.get("route_color", "") or ""),
                "route_text_color": str(rrec.get("route_text_color", "") or ""),
                "fare_table": route_fare.get(rid, ""),
            }
        )
    routes_df = pd.DataFrame(route_rows, columns=list(ROUTES_COLUMNS))

    sheets = _timetable_sheets(
        groups, trip_info, by_trip, names, day_names, route_recs, stop_ids, route_ids
    )

    # what else is dropped
    if feed.has("shapes"):
        losses.append(
            ExportLoss(
                "shapes_dropped", len(feed["shapes"]), "shape points (the build draws shapes anew)"
            )
        )
    dropped_cols = sorted(
        c
        for c in trips.columns
        if c
        not in (
            "route_id",
            "service_id",
            "trip_id",
            "trip_headsign",
            "direction_id",
            "jp_trip_desc",
        )
        and any(v != "" for v in _col(trips, c))
    )
    if dropped_cols:
        losses.append(
            ExportLoss(
                "trip_fields_dropped",
                len(dropped_cols),
                "trips.txt columns: " + ", ".join(dropped_cols),
            )
        )
    known = {
        "agency",
        "agency_jp",
        "stops",
        "routes",
        "trips",
        "stop_times",
        "calendar",
        "calendar_dates",
        "fare_attributes",
        "fare_rules",
        "feed_info",
        "translations",
        "shapes",
        "frequencies",
    }
    extra = sorted(n for n in feed.names if n not in known and feed.has(n))
    if extra:
        losses.append(
            ExportLoss(
                "files_dropped", len(extra), "files: " + ", ".join(f"{n}.txt" for n in extra)
            )
        )
    if len(feed.agency) > 1:
        losses.append(
            ExportLoss("agencies_dropped", len(feed.agency) - 1, "agencies after the first")
        )
    renamed = sum(len(m.mapping) for m in (stop_ids, route_ids, service_ids, zone_ids))
    if renamed:
        losses.append(ExportLoss("ids_normalized", renamed, "non-ASCII ids replaced (see id_map)"))

    toml = _feed_toml(feed, period, day_types)
    id_map = {
        "stop": dict(stop_ids.mapping),
        "route": dict(route_ids.mapping),
        "service": dict(service_ids.mapping),
        "zone": dict(zone_ids.mapping),
    }
    return SourceDraft(
        toml, stops_df, routes_df, tuple(sheets), tuple(fare_sheets), tuple(losses), id_map
    )


def _interpolate(
    rows: list[tuple[str, int | None, int | None]],
) -> tuple[list[tuple[str, int | None, int | None]], int]:
    """Fill missing times between two timed stops linearly by position (whole seconds)."""
    timed = [i for i, (_s, a, _d) in enumerate(rows) if a is not None]
    if len(timed) == len(rows) or len(timed) < 2:
        return rows, 0
    out = list(rows)
    n = 0
    for lo, hi in itertools.pairwise(timed):
        t0 = rows[lo][2]
        t1 = rows[hi][1]
        assert t0 is not None and t1 is not None
        for k in range(lo + 1, hi):
            t = t0 + round((t1 - t0) * (k - lo) / (hi - lo))
            out[k] = (rows[k][0], t, t)
            n += 1
    return out, n


def _sheet_name(base: str, used: set[str]) -> str:
    name = _SHEET_BAD.sub("_", base)[:31] or "sheet"
    k = 2
    while name in used:
        suffix = f"~{k}"
        name = _SHEET_BAD.sub("_", base)[: 31 - len(suffix)] + suffix
        k += 1
    used.add(name)
    return name


def _file_name(route_id: str, used: set[str]) -> str:
    base = _FILE_BAD.sub("_", route_id) or "route"
    name, k = base, 2
    while name.lower() in used:
        name = f"{base}_{k}"
        k += 1
    used.add(name.lower())
    return name


def _timetable_sheets(
    groups: Mapping[tuple[str, str, str, tuple[str, ...]], list[str]],
    trip_info: Mapping[str, Mapping[str, Any]],
    by_trip: Mapping[str, list[tuple[str, int | None, int | None]]],
    names: Mapping[str, str],
    day_names: Mapping[str, str],
    route_recs: Mapping[str, Mapping[str, Any]],
    stop_ids: _Ids,
    route_ids: _Ids,
) -> list[SheetDraft]:
    sheets: list[SheetDraft] = []
    files: dict[str, str] = {}
    used_files: set[str] = set()
    used_sheets: dict[str, set[str]] = defaultdict(set)
    pattern_no: dict[str, dict[tuple[str, ...], int]] = defaultdict(dict)
    for (rid, direction, service, pattern), tids in sorted(groups.items()):
        if rid not in files:
            files[rid] = _file_name(route_ids(rid), used_files) + ".xlsx"
        wb = files[rid]
        k = pattern_no[rid].setdefault(pattern, len(pattern_no[rid]) + 1)

        def first_dep(tid: str) -> tuple[int, str]:
            d = by_trip[tid][0][2]
            return (d if d is not None else 0, tid)

        ordered = sorted(tids, key=first_dep)
        split = [
            any(by_trip[t][i][1] != by_trip[t][i][2] for t in ordered) for i in range(len(pattern))
        ]
        header: list[list[str]] = [
            ["系統", route_ids(rid), ""],
            ["運行日", day_names[service], ""],
            ["方向", direction if direction in ("0", "1") else "0", ""],
            ["行先", "", ""],
            ["備考", "", ""],
            ["停留所", "停留所ID", "着発"],
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
        rec = route_recs.get(rid, {})
        label = str(rec.get("route_short_name", "") or "") or route_ids(rid)
        name = _sheet_name(f"{label}_{k}_{direction}_{day_names[service]}", used_sheets[wb])
        rows = tuple(tuple(r) for r in header + body)
        sheets.append(SheetDraft(wb, name, rows, len(ordered), len(ordered) * len(pattern)))
    return sheets


def _fare_sheets(
    feed: Feed,
    groups: Mapping[tuple[str, str, str, tuple[str, ...]], list[str]],
    names: Mapping[str, str],
    zones: Mapping[str, str],
    route_ids: _Ids,
    zone_ids: _Ids,
) -> tuple[list[SheetDraft], dict[str, str], list[ExportLoss]]:
    """One triangle per route priced by origin/destination zones; rows = the route's stops."""
    rules = feed.get("fare_rules")
    attrs = feed.get("fare_attributes")
    if not len(rules) or not len(attrs):
        if len(attrs):
            return [], {}, [ExportLoss("fares_dropped", len(attrs), "fares without zone rules")]
        return [], {}, []
    price = {str(r["fare_id"]): str(r.get("price", "")) for r in attrs.to_dict("records")}
    if any(_yen_text(v) == "" for v in price.values()):
        return (
            [],
            {},
            [
                ExportLoss(
                    "fares_dropped",
                    len(rules),
                    "fare_rules: fares that are not whole yen cannot go into a fare triangle",
                )
            ],
        )
    raw = dict(zip(_col(feed.stops, "stop_id"), _col(feed.stops, "zone_id"), strict=True))
    to_name_zone: dict[str, str] = {}
    for sid, z in raw.items():
        if z and zones.get(sid):
            to_name_zone.setdefault(z, zones[sid])
    od: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    not_zonal = 0
    conflicts = 0
    for rec in _recs(rules):
        o, d = str(rec.get("origin_id", "") or ""), str(rec.get("destination_id", "") or "")
        if not o or not d or str(rec.get("contains_id", "") or ""):
            not_zonal += 1
            continue
        key = (to_name_zone.get(o, o), to_name_zone.get(d, d))
        yen = price.get(str(rec["fare_id"]), "")
        table = od[str(rec.get("route_id", "") or "")]
        if key in table and table[key] != yen:
            conflicts += 1
            continue
        table[key] = yen
    losses: list[ExportLoss] = []
    if not_zonal:
        losses.append(
            ExportLoss(
                "fare_rules_dropped",
                not_zonal,
                "fare_rules without origin and destination zones",
            )
        )
    if conflicts:
        losses.append(
            ExportLoss(
                "fare_conflicts",
                conflicts,
                "fare_rules giving another price to a pair of stop names (poles of one name "
                "priced differently, or direction-dependent fares); the first price is kept",
            )
        )
    by_route: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for (rid, _dir, _svc, pattern), _t in sorted(groups.items()):
        by_route[rid].append(pattern)
    sheets: list[SheetDraft] = []
    route_fare: dict[str, str] = {}
    used: set[str] = set()
    unpriced = 0
    for rid in sorted(by_route):
        table = od.get(rid) or od.get("") or {}
        if not table:
            continue
        order: list[tuple[str, str]] = []
        seen: set[str] = set()
        for pattern in sorted(by_route[rid], key=lambda p: (-len(p), p)):
            for sid in pattern:
                name = names.get(sid, sid)
                if name not in seen:
                    seen.add(name)
                    order.append((name, zones.get(sid, "")))
        if not any(z for _n, z in order):
            continue
        tid = _sheet_name(f"fare_{route_ids(rid)}", used)
        rows: list[tuple[str, ...]] = [(f"運賃三角表 {rid}",)]
        for j, (name, zone) in enumerate(order):
            cells = [name, zone_ids(zone) if zone else ""]
            for i in range(j):
                zi = order[i][1]
                yen = table.get((zi, zone)) or table.get((zone, zi)) or ""
                if not yen and zi and zone and zi != zone:
                    unpriced += 1
                cells.append(_yen_text(yen))
            rows.append(tuple(cells))
        sheets.append(SheetDraft("fares.xlsx", tid, tuple(rows)))
        route_fare[rid] = tid
    if unpriced:
        losses.append(
            ExportLoss("fare_pairs_unpriced", unpriced, "stop pairs of a route without a fare")
        )
    return sheets, route_fare, losses


def _has_zonal_fares(feed: Feed) -> bool:
    rules = feed.get("fare_rules")
    return bool(len(rules)) and any(
        o and d
        for o, d in zip(_col(rules, "origin_id"), _col(rules, "destination_id"), strict=True)
    )


def _name_zones(stops: pd.DataFrame) -> dict[str, str]:
    """Each stop's zone made uniform per stop name: the smallest zone_id among its poles."""
    by_name: dict[str, list[str]] = defaultdict(list)
    ids, names, zones = _col(stops, "stop_id"), _col(stops, "stop_name"), _col(stops, "zone_id")
    for name, z in zip(names, zones, strict=True):
        if z:
            by_name[name].append(z)
    return {
        sid: (min(by_name[name]) if by_name.get(name) else "")
        for sid, name in zip(ids, names, strict=True)
    }


def _yen_text(value: str) -> str:
    try:
        f = float(value)
    except ValueError:
        return ""
    return str(int(f)) if f.is_integer() and f >= 0 else ""


def _feed_toml(
    feed: Feed, period: tuple[dt.date, dt.date], day_types: Mapping[str, DayType]
) -> str:
    info = _recs(feed.feed_info)
    fi: dict[str, Any] = info[0] if info else {}
    ag = feed.agency.to_dict("records")[0]
    start = _gtfs_date(str(fi.get("feed_start_date", "") or "")) or period[0]
    end = _gtfs_date(str(fi.get("feed_end_date", "") or "")) or period[1]
    version = str(fi.get("feed_version", "") or "") or start.isoformat()
    out = io.StringIO()
    w = out.write
    w("# Exported from a GTFS feed by `transit gtfs export`; see docs/source-format.md.\n\n")
    w("[feed]\n")
    w(f"version = {_toml_str(version)}\n")
    w(f"start_date = {_toml_date(start)}\n")
    w(f"end_date = {_toml_date(end)}\n")
    w(
        f"publisher_name = {_toml_str(str(fi.get('feed_publisher_name', '') or ag.get('agency_name', '')))}\n"
    )
    w(
        f"publisher_url = {_toml_str(str(fi.get('feed_publisher_url', '') or ag.get('agency_url', '')))}\n"
    )
    w(f"contact_email = {_toml_str(str(fi.get('feed_contact_email', '') or ''))}\n")
    w("\n[agency]\n")
    w(f"id = {_toml_str(str(ag.get('agency_id', '') or 'agency'))}\n")
    w(f"name = {_toml_str(str(ag.get('agency_name', '')))}\n")
    w(f"url = {_toml_str(str(ag.get('agency_url', '')))}\n")
    w(f"phone = {_toml_str(str(ag.get('agency_phone', '') or ''))}\n")
    w(f"fare_url = {_toml_str(str(ag.get('agency_fare_url', '') or ''))}\n")
    w(f"timezone = {_toml_str(str(ag.get('agency_timezone', '') or 'Asia/Tokyo'))}\n")
    w(f"lang = {_toml_str(str(ag.get('agency_lang', '') or 'ja'))}\n")
    jp = feed.get("agency_jp").to_dict("records")
    if jp:
        j = jp[0]
        w("\n[agency_jp]\n")
        for key, col in (
            ("official_name", "agency_official_name"),
            ("zip_number", "agency_zip_number"),
            ("address", "agency_address"),
            ("president_pos", "agency_president_pos"),
            ("president_name", "agency_president_name"),
        ):
            w(f"{key} = {_toml_str(str(j.get(col, '') or ''))}\n")
    for name, dtype in day_types.items():
        w(f"\n[day_types.{_toml_str(name)}]\n")
        w(f"service_id = {_toml_str(dtype.service_id)}\n")
        w(f"days = [{', '.join(_toml_str(d) for d in dtype.days)}]\n")
        w(f"holidays = {_toml_str(dtype.holidays)}\n")
        w(f"new_year_break = {'true' if dtype.new_year_break else 'false'}\n")
    w('\n[layout]\nprofile = "transit"\n')
    area = _service_area(feed)
    if area is not None:
        w("\n[checks]\n")
        w(f"service_area = [{', '.join(f'{v:.4f}' for v in area)}]\n")
    attrs = feed.get("fare_attributes").to_dict("records")
    if attrs:
        a = attrs[0]
        pm = str(a.get("payment_method", "") or "0")
        tr = str(a.get("transfers", "") or "0")
        w("\n[fares]\n")
        w(f"payment_method = {int(pm) if pm.isdigit() else 0}\n")
        w(f"transfers = {int(tr) if tr.isdigit() else 0}\n")
        cur = str(a.get("currency_type", "") or "JPY")
        w(f"currency = {_toml_str(cur)}\n")
    return out.getvalue()


def _service_area(feed: Feed) -> list[float] | None:
    """``[min_lat, min_lon, max_lat, max_lon]`` of the feed's stops, widened by 0.1°."""
    lat = pd.to_numeric(pd.Series(_col(feed.stops, "stop_lat")), errors="coerce").dropna()
    lon = pd.to_numeric(pd.Series(_col(feed.stops, "stop_lon")), errors="coerce").dropna()
    if not len(lat) or not len(lon):
        return None
    return [
        float(lat.min()) - 0.1,
        float(lon.min()) - 0.1,
        float(lat.max()) + 0.1,
        float(lon.max()) + 0.1,
    ]


# ------------------------------------------------------------------------------------ write


def _csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(df.columns))
    writer.writerows(df.astype(str).itertuples(index=False, name=None))
    return buf.getvalue().encode("utf-8")


def write_source(draft: SourceDraft, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``draft`` as a source folder at ``out_dir`` (assembled beside it, then renamed).

    Returns the files written (relative paths below ``out_dir``). Raises :class:`InputError`
    when ``out_dir`` exists and is not empty, unless ``overwrite``.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise InputError(
            "output folder exists and is not empty (use --overwrite)", Location.of(out_dir)
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    written: list[Path] = []
    try:
        (tmp / "feed.toml").write_text(draft.feed_toml, "utf-8")
        (tmp / "stops.csv").write_bytes(_csv_bytes(draft.stops))
        (tmp / "routes.csv").write_bytes(_csv_bytes(draft.routes))
        written += [Path("feed.toml"), Path("stops.csv"), Path("routes.csv")]
        for folder, sheets in (("timetables", draft.sheets), ("fares", draft.fare_sheets)):
            (tmp / folder).mkdir()
            books: dict[str, list[SheetDraft]] = defaultdict(list)
            for sh in sheets:
                books[sh.workbook].append(sh)
            for book, items in sorted(books.items()):
                wb = Workbook()
                first = wb.active
                assert first is not None
                wb.remove(first)
                for sh in items:
                    ws = wb.create_sheet(sh.name)
                    for row in sh.rows:
                        ws.append([v if v != "" else None for v in row])
                wb.save(tmp / folder / book)
                written.append(Path(folder) / book)
        tmp.chmod(0o755)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def export_feed(feed: Feed, out_dir: Path, *, overwrite: bool = False) -> SourceDraft:
    """Export ``feed`` into a source folder at ``out_dir``; returns the draft (with losses)."""
    draft = plan_export(feed)
    write_source(draft, out_dir, overwrite=overwrite)
    log.info(
        "exported %d trips, %d stop times into %d sheets at %s",
        draft.trips,
        draft.stop_times,
        len(draft.sheets),
        out_dir,
    )
    return draft


def losses_summary(draft: SourceDraft) -> dict[str, int]:
    """``{loss code: count}``."""
    return {x.code: x.count for x in draft.losses}


# ------------------------------------------------------------------------------ round trip


@dataclass(frozen=True)
class RoundTrip:
    """How much of a feed survives export -> build: ``*_total`` in the original, ``*_kept`` found
    identical in the rebuilt feed (ids through ``id_map``; trips compared by route, service,
    stop sequence and times, since trip ids are renumbered)."""

    stops_total: int
    stops_kept: int
    trips_total: int
    trips_kept: int
    stop_times_total: int
    stop_times_kept: int

    @property
    def lossless(self) -> bool:
        """True when every served stop, trip and stop time came back."""
        return (
            self.stops_kept == self.stops_total
            and self.trips_kept == self.trips_total
            and self.stop_times_kept == self.stop_times_total
        )

    def as_dict(self) -> dict[str, int]:
        """The six counts."""
        return {
            "stops_total": self.stops_total,
            "stops_kept": self.stops_kept,
            "trips_total": self.trips_total,
            "trips_kept": self.trips_kept,
            "stop_times_total": self.stop_times_total,
            "stop_times_kept": self.stop_times_kept,
        }


def _signatures(
    feed: Feed, id_map: Mapping[str, Mapping[str, str]] | None
) -> Counter[tuple[Any, ...]]:
    def m(kind: str, value: str) -> str:
        return (id_map or {}).get(kind, {}).get(value, value)

    trips = {
        str(r["trip_id"]): (m("route", str(r["route_id"])), m("service", str(r["service_id"])))
        for r in _recs(feed.trips)
    }
    st = feed.stop_times.assign(
        _seq=pd.to_numeric(feed.stop_times["stop_sequence"], errors="coerce")
    )
    st = st.sort_values(["trip_id", "_seq"], kind="mergesort")
    rows: dict[str, list[tuple[str, int | None, int | None]]] = defaultdict(list)
    for tid, sid, a, d in zip(
        _col(st, "trip_id"),
        _col(st, "stop_id"),
        _col(st, "arrival_time"),
        _col(st, "departure_time"),
        strict=True,
    ):
        rows[tid].append((m("stop", sid), _seconds(a), _seconds(d)))
    out: Counter[tuple[Any, ...]] = Counter()
    for tid, seq in rows.items():
        if tid in trips:
            out[(*trips[tid], tuple(seq))] += 1
    return out


def _nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def compare_round_trip(
    original: Feed, rebuilt: Feed, *, id_map: Mapping[str, Mapping[str, str]] | None = None
) -> RoundTrip:
    """Count the stops (served ones: same id, name and position within 1e-6°), trips and stop
    times of ``original`` found unchanged in ``rebuilt``."""
    a, b = _signatures(original, id_map), _signatures(rebuilt, None)
    kept = a & b
    served = set(original.stop_times["stop_id"].astype(str))
    smap = (id_map or {}).get("stop", {})
    new_stops = {str(r["stop_id"]): r for r in _recs(rebuilt.stops)}
    stops_kept = 0
    for rec in _recs(original.stops):
        sid = str(rec["stop_id"])
        if sid not in served:
            continue
        other = new_stops.get(smap.get(sid, sid))
        if other is None or _nfkc(other.get("stop_name", "")) != _nfkc(rec.get("stop_name", "")):
            continue
        try:
            same = (
                abs(float(other["stop_lat"]) - float(rec["stop_lat"])) < 1e-6
                and abs(float(other["stop_lon"]) - float(rec["stop_lon"])) < 1e-6
            )
        except (KeyError, ValueError):
            same = False
        stops_kept += same
    return RoundTrip(
        stops_total=len(served),
        stops_kept=stops_kept,
        trips_total=sum(a.values()),
        trips_kept=sum(kept.values()),
        stop_times_total=sum(len(k[2]) * v for k, v in a.items()),
        stop_times_kept=sum(len(k[2]) * v for k, v in kept.items()),
    )
