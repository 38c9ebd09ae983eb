"""A source model -> GTFS-JP v3 tables (a dict of DataFrames of text, ready for ``write_feed``).

Ids are ASCII and derived from the input only: trips are ``{route_id}_{service_id}_{n}``
(numbered in order of first departure), patterns and shapes ``{route_id}_p{k}`` (in order of first
appearance), fares ``fare_{yen}``. The same source gives the same tables, and through
:func:`transit.gtfs.feedio.write_feed` the same bytes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from transit.gtfs.calendar import build_calendar
from transit.gtfs.check import name_zones, route_fares
from transit.gtfs.fares import build_fare_tables
from transit.gtfs.feedio import write_feed
from transit.gtfs.model import Source, Stop, Trip
from transit.gtfs.readings import suggest_english, suggest_reading
from transit.gtfs.shapes import Point, RoadNetwork, build_shapes
from transit.gtfs.times import format_time
from transit.gtfs.workbook import column_number

log = logging.getLogger(__name__)

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class BuiltTrip:
    """A trip with its feed ids."""

    trip_id: str
    service_id: str
    pattern_id: str
    trip: Trip


def _frame(rows: list[dict[str, str]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [[r.get(c, "") for c in columns] for r in rows], columns=columns, dtype=object
    )


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


def _kana(stop_or_name: str, given: str) -> str:
    return given or suggest_reading(stop_or_name)


def _english(name: str, given: str) -> str:
    return given or suggest_english(name)


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
        pattern_jp (origin, via and destination stop names of each pattern),
        stop_times, calendar, calendar_dates, fare_attributes, fare_rules (when fare tables
        apply), feed_info, translations (ja-Hrkt and en of every stop and route name), shapes.
        Every column is text.
    """
    cfg = source.config
    agency = cfg.agency
    tables: Tables = {}
    tables["agency"] = _frame(
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
        ],
        [
            "agency_id",
            "agency_name",
            "agency_url",
            "agency_timezone",
            "agency_lang",
            "agency_phone",
            "agency_fare_url",
            "agency_email",
        ],
    )
    if cfg.agency_jp is not None:
        jp = cfg.agency_jp
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
            ],
            [
                "agency_id",
                "agency_official_name",
                "agency_zip_number",
                "agency_address",
                "agency_president_pos",
                "agency_president_name",
            ],
        )
    built = assign_trip_ids(source)
    used_routes = {b.trip.route_id for b in built}
    used_stops = {ts.stop_id for b in built for ts in b.trip.stops if ts.stop_id}
    stop_by_id: dict[str, Stop] = {}
    for s in source.stops:
        stop_by_id.setdefault(s.stop_id, s)
    parents = {stop_by_id[s].parent_station for s in used_stops if stop_by_id[s].parent_station}
    keep = sorted((used_stops | parents) & set(stop_by_id))
    translations: list[dict[str, str]] = []
    stop_rows = []
    for sid in keep:
        s = stop_by_id[sid]
        stop_rows.append(
            {
                "stop_id": s.stop_id,
                "stop_name": s.name,
                "stop_lat": "" if s.lat is None else f"{s.lat:.7f}".rstrip("0").rstrip("."),
                "stop_lon": "" if s.lon is None else f"{s.lon:.7f}".rstrip("0").rstrip("."),
                "zone_id": (s.zone_id or sid)
                if sid in used_stops and source.profile.fare_key == "stop_id"
                else s.zone_id,
                "location_type": "1" if sid in parents else "0",
                "parent_station": s.parent_station,
                "platform_code": s.platform_code,
            }
        )
        for lang, text in (
            ("ja-Hrkt", _kana(s.name, s.name_kana)),
            ("en", _english(s.name, s.name_en)),
        ):
            translations.append(
                {
                    "table_name": "stops",
                    "field_name": "stop_name",
                    "language": lang,
                    "translation": text,
                    "record_id": sid,
                }
            )
    stop_cols = [
        "stop_id",
        "stop_name",
        "stop_lat",
        "stop_lon",
        "zone_id",
        "location_type",
        "parent_station",
        "platform_code",
    ]
    tables["stops"] = _frame(stop_rows, stop_cols)
    route_rows = []
    for r in source.routes:
        if r.route_id not in used_routes:
            continue
        route_rows.append(
            {
                "route_id": r.route_id,
                "agency_id": agency.id,
                "route_short_name": r.short_name,
                "route_long_name": r.long_name,
                "route_type": r.route_type,
                "route_color": r.color,
                "route_text_color": r.text_color,
            }
        )
        for field_name, text in (
            ("route_long_name", r.long_name),
            ("route_short_name", r.short_name),
        ):
            if not text or (field_name == "route_short_name" and text.isascii()):
                continue
            given_kana = r.long_name_kana if field_name == "route_long_name" else ""
            given_en = r.long_name_en if field_name == "route_long_name" else ""
            for lang, tr in (
                ("ja-Hrkt", _kana(text, given_kana)),
                ("en", _english(text, given_en)),
            ):
                translations.append(
                    {
                        "table_name": "routes",
                        "field_name": field_name,
                        "language": lang,
                        "translation": tr,
                        "record_id": r.route_id,
                    }
                )
    tables["routes"] = _frame(
        route_rows,
        [
            "route_id",
            "agency_id",
            "route_short_name",
            "route_long_name",
            "route_type",
            "route_color",
            "route_text_color",
        ],
    )
    pattern_points: dict[str, list[Point]] = {}
    patterns: dict[str, dict[str, str]] = {}
    trip_rows = []
    for b in built:
        stops = [ts for ts in b.trip.stops if ts.stop_id]
        headsign = b.trip.headsign or stops[-1].name
        trip_rows.append(
            {
                "route_id": b.trip.route_id,
                "service_id": b.service_id,
                "trip_id": b.trip_id,
                "trip_headsign": headsign,
                "direction_id": b.trip.direction_id,
                "shape_id": b.pattern_id,
                "jp_pattern_id": b.pattern_id,
            }
        )
        if b.pattern_id not in patterns:
            parts = b.trip.pattern_name.split("-")
            patterns[b.pattern_id] = {
                "jp_pattern_id": b.pattern_id,
                "route_update_date": cfg.feed.start_date.strftime("%Y%m%d"),
                "origin_stop": stops[0].name,
                "via_stop": "・".join(parts[1:-1]) if len(parts) > 2 else "",
                "destination_stop": stops[-1].name,
            }
        if b.pattern_id not in pattern_points:
            pts = [stop_by_id[ts.stop_id] for ts in stops]
            pattern_points[b.pattern_id] = [
                (p.lat, p.lon) for p in pts if p.lat is not None and p.lon is not None
            ]
    tables["trips"] = _frame(
        trip_rows,
        [
            "route_id",
            "service_id",
            "trip_id",
            "trip_headsign",
            "direction_id",
            "shape_id",
            "jp_pattern_id",
        ],
    )
    tables["pattern_jp"] = _frame(
        [patterns[k] for k in sorted(patterns)],
        ["jp_pattern_id", "route_update_date", "origin_stop", "via_stop", "destination_stop"],
    )
    tables["stop_times"] = _stop_times(built)
    used_day_types = {
        name: dt
        for name, dt in cfg.day_types.items()
        if dt.service_id in {b.service_id for b in built}
    }
    calendar, calendar_dates = build_calendar(
        used_day_types, start=cfg.feed.start_date, end=cfg.feed.end_date
    )
    tables["calendar"] = calendar
    tables["calendar_dates"] = calendar_dates
    fare_rows, _ = route_fares(source, fare_key=source.profile.fare_key)
    fare_rows = [r for r in fare_rows if r[0] in used_routes]
    if fare_rows:
        attributes, rules = build_fare_tables(fare_rows, settings=cfg.fares, agency_id=agency.id)
        tables["fare_attributes"] = attributes
        tables["fare_rules"] = rules
        if source.profile.fare_key == "zone":
            zones = {z for _, o, d, _ in fare_rows for z in (o, d)}
            tables["stops"] = _fill_zones(tables["stops"], source.stops, zones)
    feed = cfg.feed
    tables["feed_info"] = _frame(
        [
            {
                "feed_publisher_name": feed.publisher_name,
                "feed_publisher_url": feed.publisher_url,
                "feed_lang": feed.lang,
                "feed_start_date": feed.start_date.strftime("%Y%m%d"),
                "feed_end_date": feed.end_date.strftime("%Y%m%d"),
                "feed_version": feed.version,
                "feed_contact_email": feed.contact_email,
                "feed_contact_url": "" if feed.contact_email else feed.publisher_url,
            }
        ],
        [
            "feed_publisher_name",
            "feed_publisher_url",
            "feed_lang",
            "feed_start_date",
            "feed_end_date",
            "feed_version",
            "feed_contact_email",
            "feed_contact_url",
        ],
    )
    tables["translations"] = _frame(
        translations, ["table_name", "field_name", "language", "translation", "record_id"]
    )
    tables["shapes"] = build_shapes(
        {k: v for k, v in pattern_points.items() if len(v) >= 2}, network=network
    )
    log.info("built %d trips, %d stops, %d routes", len(built), len(keep), len(route_rows))
    return tables


def _fill_zones(stops: pd.DataFrame, master: tuple[Stop, ...], zones: set[str]) -> pd.DataFrame:
    by_name = name_zones(master)
    out = stops.copy()
    out["zone_id"] = [
        z or (by_name.get(name, "") if by_name.get(name, "") in zones else "")
        for z, name in zip(out["zone_id"], out["stop_name"], strict=True)
    ]
    out.loc[out["location_type"] == "1", "zone_id"] = ""
    return out


def write_tables(tables: Tables, path: Path) -> None:
    """Write tables as a GTFS zip (deterministic, atomic) through ``feedio.write_feed``."""
    write_feed(tables, path)
