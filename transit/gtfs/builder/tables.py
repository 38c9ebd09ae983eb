"""A source model -> GTFS-JP v3 tables (a dict of DataFrames of text, ready for ``write_feed``).

Ids are ASCII and derived from the input only: trips are ``{route_id}_{service_id}_{n}``
(numbered in order of first departure), patterns and shapes ``{route_id}_p{k}`` (in order of first
appearance), fares ``fare_{yen}``. The same source gives the same tables, and through
:func:`transit.gtfs.feedio.write_feed` the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from transit.core.gtfstime import format_time, normalize_text
from transit.gtfs.builder.calendar import build_calendar
from transit.gtfs.builder.shapes import Point, RoadNetwork, build_shapes
from transit.gtfs.feedio import write_feed
from transit.gtfs.source.check import name_zones, route_fares
from transit.gtfs.source.fares import build_fare_tables
from transit.gtfs.source.model import FeedConfig, Source, Stop, Trip
from transit.gtfs.source.readings import suggest_english, suggest_reading
from transit.gtfs.source.workbook import column_number

log = logging.getLogger(__name__)

Tables = dict[str, pd.DataFrame]

FEED_STOP_COLUMNS = (
    "stop_id",
    "stop_name",
    "stop_lat",
    "stop_lon",
    "zone_id",
    "location_type",
    "parent_station",
    "platform_code",
)
"""The columns of the built ``stops.txt`` (GTFS names; the source master is
:data:`~transit.gtfs.source.columns.STOPS_CSV`)."""


@dataclass(frozen=True)
class BuiltTrip:
    """A trip with its feed ids."""

    trip_id: str
    service_id: str
    pattern_id: str
    trip: Trip


def _frame(rows: list[dict[str, str]], columns: list[str] | None = None) -> pd.DataFrame:
    """A table of text from row dicts; columns from ``columns`` or the first row's keys."""
    cols = columns if columns is not None else (list(rows[0]) if rows else [])
    return pd.DataFrame([[r.get(c, "") for c in cols] for r in rows], columns=cols, dtype=object)


def _ymd(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _degrees(value: float | None) -> str:
    return "" if value is None else f"{value:.7f}".rstrip("0").rstrip(".")


def _trip_order(trip: Trip) -> tuple[object, ...]:
    """Trips in time order, independent of how they are laid out in sheets (ties: stops, sheet)."""
    return (
        trip.stops[0].departure if trip.stops else 0,
        tuple((ts.stop_id, ts.arrival, ts.departure) for ts in trip.stops),
        trip.sheet_index,
        column_number(trip.column),
    )


def assign_trip_ids(source: Source) -> list[BuiltTrip]:
    """Feed ids for every buildable trip (known route and day type, at least two known stops).

    Trips are numbered per route and service in time order (first departure, then stops and
    times, then sheet and column): ``{route_id}_{service_id}_{n}``, so the ids do not depend on
    how trips are spread over sheets; patterns per route by first appearance in that order:
    ``{route_id}_p{k}``.
    """
    day_types = source.config.day_types
    routes = {r.route_id for r in source.routes}
    ordered = sorted(
        (t for t in source.trips if t.day_type in day_types and t.route_id in routes),
        key=_trip_order,
    )
    counters: dict[tuple[str, str], int] = defaultdict(int)
    patterns: dict[str, dict[tuple[str, ...], str]] = defaultdict(dict)
    out: list[BuiltTrip] = []
    for trip in ordered:
        seq = tuple(ts.stop_id for ts in trip.stops if ts.stop_id)
        if len(seq) < 2:
            continue
        service = day_types[trip.day_type].service_id
        counters[(trip.route_id, service)] += 1
        known = patterns[trip.route_id]
        if seq not in known:
            known[seq] = f"{trip.route_id}_p{len(known) + 1}"
        out.append(
            BuiltTrip(
                f"{trip.route_id}_{service}_{counters[(trip.route_id, service)]}",
                service,
                known[seq],
                trip,
            )
        )
    return out


def _stop_times(built: list[BuiltTrip]) -> pd.DataFrame:
    cols: dict[str, list[str]] = {
        k: []
        for k in (
            "trip_id",
            "arrival_time",
            "departure_time",
            "stop_id",
            "stop_sequence",
            "timepoint",
        )
    }
    for b in built:
        prev = 0
        seq = 0
        for ts in b.trip.stops:
            if not ts.stop_id:
                continue
            seq += 1
            arr = max(ts.arrival, prev)
            dep = max(ts.departure, arr)
            prev = dep
            cols["trip_id"].append(b.trip_id)
            cols["arrival_time"].append(format_time(arr))
            cols["departure_time"].append(format_time(dep))
            cols["stop_id"].append(ts.stop_id)
            cols["stop_sequence"].append(str(seq))
            cols["timepoint"].append("1")
    return pd.DataFrame(cols, dtype=object)


def _translation(
    table: str,
    field_name: str,
    record_id: str,
    name: str,
    kana: str,
    en: str,
    *,
    by_value: bool = False,
) -> list[dict[str, str]]:
    """``ja-Hrkt`` and ``en`` rows of one name (missing ones suggested by the kana converter).

    Rows point at their record by ``record_id``, or with ``by_value`` by ``field_value`` (every
    record whose field has this value, e.g. one headsign used by many trips).
    """
    return [
        {
            "table_name": table,
            "field_name": field_name,
            "language": lang,
            "translation": text,
            "record_id": "" if by_value else record_id,
            "field_value": name if by_value else "",
        }
        for lang, text in (
            ("ja-Hrkt", kana or suggest_reading(name)),
            ("en", en or suggest_english(name)),
        )
    ]


def _agency_tables(config: FeedConfig) -> Tables:
    agency = config.agency
    tables = {
        "agency": _frame(
            [
                {
                    "agency_id": agency.id,
                    "agency_name": agency.name,
                    "agency_url": agency.url,
                    "agency_timezone": agency.timezone,
                    "agency_lang": agency.lang,
                    "agency_phone": agency.phone,
                    "agency_fare_url": agency.fare_url,
                    "agency_email": agency.email,
                }
            ]
        )
    }
    if config.agency_jp is not None:
        jp = config.agency_jp
        tables["agency_jp"] = _frame(
            [
                {
                    "agency_id": agency.id,
                    "agency_official_name": jp.official_name,
                    "agency_zip_number": jp.zip_number,
                    "agency_address": jp.address,
                    "agency_president_pos": jp.president_pos,
                    "agency_president_name": jp.president_name,
                }
            ]
        )
    return tables


def _stops_table(
    source: Source, used: set[str], stop_by_id: dict[str, Stop]
) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Served poles and their parent stations, with their name translations."""
    parents = {stop_by_id[s].parent_station for s in used if stop_by_id[s].parent_station}
    by_pole = source.profile.fare_key == "stop_id"
    rows: list[dict[str, str]] = []
    translations: list[dict[str, str]] = []
    for sid in sorted((used | parents) & set(stop_by_id)):
        s = stop_by_id[sid]
        rows.append(
            {
                "stop_id": sid,
                "stop_name": s.name,
                "stop_lat": _degrees(s.lat),
                "stop_lon": _degrees(s.lon),
                "zone_id": (s.zone_id or sid) if by_pole and sid in used else s.zone_id,
                "location_type": "1" if sid in parents else "0",
                "parent_station": s.parent_station,
                "platform_code": s.platform_code,
            }
        )
        translations += _translation("stops", "stop_name", sid, s.name, s.name_kana, s.name_en)
    return _frame(rows, list(FEED_STOP_COLUMNS)), translations


def _routes_table(source: Source, used: set[str]) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Routes with trips, with translations of their Japanese names."""
    rows: list[dict[str, str]] = []
    translations: list[dict[str, str]] = []
    for r in source.routes:
        if r.route_id not in used:
            continue
        rows.append(
            {
                "route_id": r.route_id,
                "agency_id": source.config.agency.id,
                "route_short_name": r.short_name,
                "route_long_name": r.long_name,
                "route_type": r.route_type,
                "route_color": r.color,
                "route_text_color": r.text_color,
            }
        )
        if r.long_name:
            translations += _translation(
                "routes",
                "route_long_name",
                r.route_id,
                r.long_name,
                r.long_name_kana,
                r.long_name_en,
            )
        if r.short_name and not r.short_name.isascii():
            translations += _translation(
                "routes", "route_short_name", r.route_id, r.short_name, "", ""
            )
    return _frame(rows), translations


def _trips_tables(
    source: Source, built: list[BuiltTrip], stop_by_id: dict[str, Stop]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[Point]]]:
    """``trips``, ``pattern_jp`` and the stop positions of every pattern (for shapes)."""
    rows: list[dict[str, str]] = []
    patterns: dict[str, dict[str, str]] = {}
    points: dict[str, list[Point]] = {}
    for b in built:
        stops = [ts for ts in b.trip.stops if ts.stop_id]
        rows.append(
            {
                "route_id": b.trip.route_id,
                "service_id": b.service_id,
                "trip_id": b.trip_id,
                "trip_headsign": b.trip.headsign or stop_by_id[stops[-1].stop_id].name,
                "direction_id": b.trip.direction_id,
                "shape_id": b.pattern_id,
                "jp_pattern_id": b.pattern_id,
            }
        )
        if b.pattern_id in patterns:
            continue
        parts = b.trip.pattern_name.split("-")
        patterns[b.pattern_id] = {
            "jp_pattern_id": b.pattern_id,
            "route_update_date": _ymd(source.config.feed.start_date),
            "origin_stop": stop_by_id[stops[0].stop_id].name,
            "via_stop": "・".join(parts[1:-1]) if len(parts) > 2 else "",
            "destination_stop": stop_by_id[stops[-1].stop_id].name,
        }
        poles = [stop_by_id[ts.stop_id] for ts in stops]
        points[b.pattern_id] = [
            (p.lat, p.lon) for p in poles if p.lat is not None and p.lon is not None
        ]
    pattern_jp = _frame([patterns[k] for k in sorted(patterns)])
    return _frame(rows), pattern_jp, points


def _headsign_translations(trips: pd.DataFrame, stops: tuple[Stop, ...]) -> list[dict[str, str]]:
    """Translations of every distinct headsign (a stop's reading and English name when the
    headsign is a stop name, else suggestions), by ``field_value``."""
    known: dict[str, tuple[str, str]] = {}
    for s in stops:
        if s.name_kana or s.name_en:
            known.setdefault(normalize_text(s.name), (s.name_kana, s.name_en))
    out: list[dict[str, str]] = []
    for headsign in sorted(set(trips["trip_headsign"]) if len(trips) else set()):
        if not headsign or headsign.isascii():
            continue
        kana, en = known.get(normalize_text(headsign), ("", ""))
        out += _translation("trips", "trip_headsign", "", headsign, kana, en, by_value=True)
    return out


def _feed_info(config: FeedConfig) -> pd.DataFrame:
    feed = config.feed
    return _frame(
        [
            {
                "feed_publisher_name": feed.publisher_name,
                "feed_publisher_url": feed.publisher_url,
                "feed_lang": feed.lang,
                "feed_start_date": _ymd(feed.start_date),
                "feed_end_date": _ymd(feed.end_date),
                "feed_version": feed.version,
                "feed_contact_email": feed.contact_email,
                "feed_contact_url": "" if feed.contact_email else feed.publisher_url,
            }
        ]
    )


def build_tables(source: Source, *, network: RoadNetwork | None = None) -> Tables:
    """GTFS-JP v3 tables for a source model.

    Trips whose route or day type is unknown, and stops that could not be resolved, are left
    out (the checks report them; a build with ERROR notices is refused unless forced). Times are
    ``HH:MM:SS``, never decreasing within a trip, every one a timepoint.

    Returns
    -------
    dict of str to DataFrame
        agency, agency_jp (when configured), routes, stops (served poles and their parents,
        with platform_code and zone_id), trips (headsign, direction_id, shape_id, jp_pattern_id),
        pattern_jp (origin, via and destination stop names of each pattern), stop_times,
        calendar, calendar_dates, fare_attributes, fare_rules (when fare tables apply),
        feed_info, translations (ja-Hrkt and en of every stop and route name and of every
        headsign), shapes.
        Every column is text.
    """
    cfg = source.config
    tables = _agency_tables(cfg)
    built = assign_trip_ids(source)
    used_routes = {b.trip.route_id for b in built}
    used_stops = {ts.stop_id for b in built for ts in b.trip.stops if ts.stop_id}
    stop_by_id: dict[str, Stop] = {}
    for s in source.stops:
        stop_by_id.setdefault(s.stop_id, s)
    tables["stops"], stop_names = _stops_table(source, used_stops, stop_by_id)
    tables["routes"], route_names = _routes_table(source, used_routes)
    tables["trips"], tables["pattern_jp"], points = _trips_tables(source, built, stop_by_id)
    tables["stop_times"] = _stop_times(built)
    services = {b.service_id for b in built}
    tables["calendar"], tables["calendar_dates"] = build_calendar(
        {k: v for k, v in cfg.day_types.items() if v.service_id in services},
        start=cfg.feed.start_date,
        end=cfg.feed.end_date,
    )
    fare_rows = [
        r for r in route_fares(source, fare_key=source.profile.fare_key)[0] if r[0] in used_routes
    ]
    if fare_rows:
        tables["fare_attributes"], tables["fare_rules"] = build_fare_tables(
            fare_rows, settings=cfg.fares, agency_id=cfg.agency.id
        )
        if source.profile.fare_key == "zone":
            zones = {z for _, o, d, _ in fare_rows for z in (o, d)}
            tables["stops"] = _fill_zones(tables["stops"], source.stops, zones)
    tables["feed_info"] = _feed_info(cfg)
    headsigns = _headsign_translations(tables["trips"], source.stops)
    tables["translations"] = _frame(stop_names + route_names + headsigns)
    tables["shapes"] = build_shapes(
        {k: v for k, v in points.items() if len(v) >= 2}, network=network
    )
    log.info(
        "built %d trips, %d stops, %d routes", len(built), len(tables["stops"]), len(used_routes)
    )
    return tables


def _fill_zones(stops: pd.DataFrame, master: tuple[Stop, ...], zones: set[str]) -> pd.DataFrame:
    by_name = name_zones(master)
    out = stops.copy()
    out["zone_id"] = [
        z
        or (
            by_name.get(normalize_text(name), "")
            if by_name.get(normalize_text(name), "") in zones
            else ""
        )
        for z, name in zip(out["zone_id"], out["stop_name"], strict=True)
    ]
    out.loc[out["location_type"] == "1", "zone_id"] = ""
    return out


def write_tables(tables: Tables, path: Path) -> None:
    """Write tables as a GTFS zip (deterministic, atomic) through ``feedio.write_feed``."""
    write_feed(tables, path)
