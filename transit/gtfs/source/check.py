"""Spreadsheet-level checks of a source folder: small registered rules producing located notices.

Each rule takes the :class:`~transit.gtfs.source.model.Source` and yields notices that point at what
staff can open: the workbook, sheet and cell, or the CSV row. :func:`check_source` returns the
notices found while reading followed by those of every rule, in registration order.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from transit.core.errors import Location
from transit.core.geo import haversine_m
from transit.core.gtfstime import format_hmm, normalize_text
from transit.core.notices import Notice
from transit.gtfs.source.codes import notice
from transit.gtfs.source.daytypes import is_new_year_break, is_obon
from transit.gtfs.source.fares import route_fare_pairs
from transit.gtfs.source.model import WEEKDAYS, Source, Stop, Trip
from transit.gtfs.source.readings import suggest_english, suggest_reading
from transit.gtfs.source.sheetroutes import SheetRoutes

Rule = Callable[[Source], Iterable[Notice]]
RULES: list[Rule] = []


def rule(func: Rule) -> Rule:
    """Register a check rule (run by :func:`check_source` in registration order)."""
    RULES.append(func)
    return func


def served_stop_ids(source: Source) -> set[str]:
    """stop_ids used by at least one trip."""
    return {ts.stop_id for t in source.trips for ts in t.stops if ts.stop_id}


def served_route_ids(source: Source) -> set[str]:
    """route_ids used by at least one trip."""
    return {t.route_id for t in source.trips}


@rule
def check_feed_dates(source: Source) -> Iterator[Notice]:
    """feed end after start, never in the New-Year or Obon break; day-type days are known."""
    feed = source.config.feed
    where = Location(file="feed.toml", field="feed.end_date")
    if feed.end_date < feed.start_date:
        yield notice(
            "bad_feed_dates",
            f"end_date {feed.end_date} is before start_date {feed.start_date}",
            where,
        )
    if is_new_year_break(feed.end_date) or is_obon(feed.end_date):
        yield notice(
            "feed_end_in_holiday_break",
            f"end_date {feed.end_date} falls in 12/29–1/3 or 8/13–8/16; end the feed before or after",
            where,
        )
    for name, day_type in sorted(source.config.day_types.items()):
        bad = [d for d in day_type.days if d not in WEEKDAYS]
        if bad:
            yield notice(
                "unknown_day_type_day",
                f"unknown day(s) {', '.join(bad)} (use {', '.join(WEEKDAYS)})",
                Location(file="feed.toml", field=f"day_types.{name}.days"),
            )
        if not day_type.service_id.isascii() or not day_type.service_id:
            yield notice(
                "non_ascii_id",
                f"service_id {day_type.service_id!r} must be non-empty ASCII",
                Location(file="feed.toml", field=f"day_types.{name}.service_id"),
            )


@rule
def check_duplicate_ids(source: Source) -> Iterator[Notice]:
    """stop_id and route_id are unique in their masters."""
    seen: dict[str, Stop] = {}
    for stop in source.stops:
        if stop.stop_id in seen:
            first = seen[stop.stop_id].location
            yield notice(
                "duplicate_stop_id",
                f"stop_id {stop.stop_id!r} is also used at {first.cell or first.row}",
                stop.location,
            )
        else:
            seen[stop.stop_id] = stop
    routes: set[str] = set()
    for route in source.routes:
        if route.route_id in routes:
            yield notice(
                "duplicate_route_id",
                f"route_id {route.route_id!r} is defined twice",
                route.location,
            )
        routes.add(route.route_id)


@rule
def check_stop_positions(source: Source) -> Iterator[Notice]:
    """Every stop has coordinates, inside the service area, not far from the others."""
    area = source.config.checks.service_area
    placed: list[Stop] = []
    for stop in source.stops:
        if stop.bad_coordinates:
            continue
        if stop.lat is None or stop.lon is None:
            yield notice(
                "missing_stop_coordinates",
                f"stop {stop.stop_id!r} ({stop.name}) has no stop_lat/stop_lon",
                stop.location,
            )
            continue
        if len(area) == 4 and not (
            area[0] <= stop.lat <= area[2] and area[1] <= stop.lon <= area[3]
        ):
            yield notice(
                "stop_outside_service_area",
                f"stop {stop.stop_id!r} ({stop.name}) at {stop.lat}, {stop.lon} is outside the "
                f"service area {area} (latitude and longitude swapped?)",
                stop.location,
            )
            continue
        placed.append(stop)
    if len(placed) >= 3:
        mlat = statistics.median(s.lat for s in placed if s.lat is not None)
        mlon = statistics.median(s.lon for s in placed if s.lon is not None)
        for stop in placed:
            assert stop.lat is not None and stop.lon is not None
            km = haversine_m(mlat, mlon, stop.lat, stop.lon) / 1000.0
            if km > 50:
                yield notice(
                    "stop_far_from_others",
                    f"stop {stop.stop_id!r} ({stop.name}) is {km:.0f} km from the other stops",
                    stop.location,
                )


def _sheet_header_location(trip: Trip, source: Source, what: str) -> Location:
    prof = source.profile
    cell = ""
    if what == "route" and prof.route_from == "cell":
        cell = prof.route_cell
    if what == "day_type" and prof.day_type_from == "cell":
        cell = prof.day_type_cell
    return Location(file=trip.file, sheet=trip.sheet, cell=cell or None)


@rule
def check_sheet_routes(source: Source) -> Iterator[Notice]:
    """The routes of feed.toml's ``[sheets]`` and ``[workbooks]`` are ASCII ids of routes.csv."""
    routes = {r.route_id for r in source.routes}
    for where, route_id in SheetRoutes.of(source.config).entries():
        if not route_id or not route_id.isascii():
            yield notice("non_ascii_id", f"route_id {route_id!r} must be non-empty ASCII", where)
        elif route_id not in routes:
            yield notice("unknown_route", f"route {route_id!r} is not in routes.csv", where)


@rule
def check_routes_and_day_types(source: Source) -> Iterator[Notice]:
    """Every sheet's route is in routes.csv and its day type in feed.toml (one notice per sheet;
    a route from feed.toml's ``[sheets]``/``[workbooks]`` is checked there)."""
    routes = {r.route_id for r in source.routes}
    mapped = SheetRoutes.of(source.config)
    day_types = source.config.day_types
    done: set[tuple[str, str, str]] = set()
    for trip in source.trips:
        if (
            trip.route_id not in routes
            and (trip.file, trip.sheet, "r") not in done
            and mapped.route_for(trip.file, trip.sheet) is None
        ):
            done.add((trip.file, trip.sheet, "r"))
            yield notice(
                "unknown_route",
                f"route {trip.route_id!r} is not in routes.csv",
                _sheet_header_location(trip, source, "route"),
            )
        if trip.day_type not in day_types and (trip.file, trip.sheet, "d") not in done:
            done.add((trip.file, trip.sheet, "d"))
            known = ", ".join(sorted(day_types))
            yield notice(
                "undefined_day_type",
                f"day type {trip.day_type!r} is not defined in feed.toml (defined: {known})",
                _sheet_header_location(trip, source, "day_type"),
            )


@rule
def check_times(source: Source) -> Iterator[Notice]:
    """Times never go backwards within a trip."""
    for trip in source.trips:
        prev = -1
        prev_name = ""
        for ts in trip.stops:
            t = min(ts.arrival, ts.departure)
            if t < prev or ts.departure < ts.arrival:
                earlier, before = (t, prev) if t < prev else (ts.departure, ts.arrival)
                yield notice(
                    "time_going_backwards",
                    f"{format_hmm(earlier)} at {ts.name!r} is earlier than {format_hmm(before)} "
                    f"{'at ' + repr(prev_name) if t < prev else '(its arrival)'} "
                    f"(trip {trip.label or trip.column})",
                    ts.time_location,
                )
            prev = max(prev, ts.arrival, ts.departure)
            prev_name = ts.name


@rule
def check_speeds(source: Source) -> Iterator[Notice]:
    """No trip runs faster than ``[checks] max_speed_kmh`` between consecutive stops."""
    limit = source.config.checks.max_speed_kmh
    area = source.config.checks.service_area
    pos = {
        s.stop_id: (s.lat, s.lon)
        for s in source.stops
        if s.lat is not None
        and s.lon is not None
        and (len(area) != 4 or (area[0] <= s.lat <= area[2] and area[1] <= s.lon <= area[3]))
    }
    for trip in source.trips:
        for a, b in zip(trip.stops, trip.stops[1:], strict=False):
            pa, pb = pos.get(a.stop_id), pos.get(b.stop_id)
            if pa is None or pb is None:
                continue
            assert (
                pa[0] is not None and pa[1] is not None and pb[0] is not None and pb[1] is not None
            )
            km = haversine_m(pa[0], pa[1], pb[0], pb[1]) / 1000.0
            seconds = max(b.arrival - a.departure, 60)
            kmh = km / (seconds / 3600)
            if kmh > limit:
                yield notice(
                    "implausible_speed",
                    f"{km:.1f} km from {a.name!r} to {b.name!r} in {max(b.arrival - a.departure, 0) // 60} "
                    f"min is {kmh:.0f} km/h (limit {limit:.0f})",
                    b.time_location,
                )


@rule
def check_duplicate_trips(source: Source) -> Iterator[Notice]:
    """No two trips of one route and day type share every stop and time."""
    seen: dict[tuple[object, ...], Trip] = {}
    for trip in source.trips:
        key = (
            trip.route_id,
            trip.day_type,
            tuple((ts.stop_id or ts.name, ts.arrival, ts.departure) for ts in trip.stops),
        )
        if key in seen:
            first = seen[key]
            yield notice(
                "duplicate_trip",
                f"same stops and times as the trip in {first.sheet}!{first.column}",
                trip.location,
            )
        else:
            seen[key] = trip


@rule
def check_names(source: Source) -> Iterator[Notice]:
    """Served stops and routes have readings and English names (suggestions are reported)."""
    served = served_stop_ids(source)
    names_done: set[str] = set()
    for stop in source.stops:
        if stop.stop_id not in served or stop.name in names_done:
            continue
        names_done.add(stop.name)
        if not stop.name_kana:
            yield notice(
                "missing_reading",
                f"stop {stop.name!r}: suggested reading {suggest_reading(stop.name)!r}",
                stop.location,
            )
        if not stop.name_en:
            yield notice(
                "missing_english_name",
                f"stop {stop.name!r}: suggested English name {suggest_english(stop.name)!r}",
                stop.location,
            )
    used = served_route_ids(source)
    for route in source.routes:
        if route.route_id not in used:
            continue
        name = route.long_name or route.short_name
        if not route.long_name_kana and not name.isascii():
            yield notice(
                "missing_reading",
                f"route {route.route_id!r}: suggested reading {suggest_reading(name)!r}",
                route.location,
            )
        if not route.long_name_en and not name.isascii():
            yield notice(
                "missing_english_name",
                f"route {route.route_id!r}: suggested English name {suggest_english(name)!r}",
                route.location,
            )


@rule
def check_unused_stops(source: Source) -> Iterator[Notice]:
    """Stops of stops.csv that no trip serves (informative)."""
    served = served_stop_ids(source)
    parents = {s.parent_station for s in source.stops if s.stop_id in served}
    for stop in source.stops:
        if stop.location.file != "stops.csv":
            continue
        if stop.stop_id not in served and stop.stop_id not in parents:
            yield notice(
                "unused_stop", f"stop {stop.stop_id!r} ({stop.name}) has no trip", stop.location
            )


def zone_of(stop: Stop) -> str:
    """A stop's fare zone: its ``zone_id``, else its stop_id (the muroran profile) ..."""
    return stop.zone_id or stop.stop_id


def name_zones(stops: Iterable[Stop]) -> dict[str, str]:
    """Zone of each (NFKC) stop name: a zone_id given to its poles, else its smallest stop_id."""
    groups: dict[str, list[Stop]] = defaultdict(list)
    for s in stops:
        groups[normalize_text(s.name)].append(s)
    out: dict[str, str] = {}
    for name, poles in groups.items():
        given = sorted(p.zone_id for p in poles if p.zone_id)
        out[name] = given[0] if given else min(p.stop_id for p in poles)
    return out


def route_fares(
    source: Source, *, fare_key: str
) -> tuple[list[tuple[str, str, str, int]], list[Notice]]:
    """Fare rule rows ``(route_id, origin_zone, destination_zone, yen)`` and fare notices."""
    tables = {t.table_id: t for t in source.fare_tables}
    stop_by_id = {s.stop_id: s for s in source.stops}
    by_key = fare_key == "stop_id"
    zones_by_name = name_zones(source.stops)
    zone_of_key = {sid: zone_of(s) for sid, s in stop_by_id.items()} if by_key else zones_by_name
    served: dict[str, set[str]] = defaultdict(set)
    for trip in source.trips:
        for ts in trip.stops:
            if ts.stop_id:
                served[trip.route_id].add(
                    ts.stop_id if by_key else normalize_text(stop_by_id[ts.stop_id].name)
                )
    rows: list[tuple[str, str, str, int]] = []
    notices: list[Notice] = []
    for route in source.routes:
        if not route.fare_table or route.route_id not in served:
            continue
        table = tables.get(route.fare_table)
        if table is None:
            notices.append(
                notice(
                    "unknown_fare_table",
                    f"route {route.route_id!r} uses fare table {route.fare_table!r}, which no sheet "
                    f"in fares/ defines (defined: {', '.join(sorted(tables)) or 'none'})",
                    route.location,
                )
            )
            continue
        pairs, missing = route_fare_pairs(
            table, route.route_id, sorted(served[route.route_id]), zone_of_key, by_key=by_key
        )
        rows.extend(pairs)
        if missing:
            a, b = missing[0]
            notices.append(
                notice(
                    "fare_pair_missing",
                    f"fare table {table.table_id!r} gives no fare for {len(missing)} stop pair(s) "
                    f"of route {route.route_id!r}, e.g. {a} – {b}",
                    table.location,
                )
            )
    return rows, notices


@rule
def check_fares(source: Source) -> Iterator[Notice]:
    """Fare tables named by routes exist and price every pair of stops the route serves."""
    yield from route_fares(source, fare_key=source.profile.fare_key)[1]


def check_source(source: Source) -> list[Notice]:
    """Every notice about a source folder: those found while reading, then every rule's.

    Returns
    -------
    list of Notice
        In reading order, then rule order (see :data:`RULES`).
    """
    notices = list(source.notices)
    for func in RULES:
        notices.extend(func(source))
    return notices
