"""Checks of each edit against the feed it applies to, with located errors.

Every problem is an :class:`~transit.core.errors.InputError` located at the scenario file, the
edit (``edits[N]``, counted from 1) and the key; :mod:`.apply` collects them all and raises once
(the CLI exits with code 2).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from transit.core.errors import InputError
from transit.core.gtfstime import parse_clock
from transit.demand.scenarios.feedops import calls_of, route_trips, stop_set
from transit.demand.scenarios.replace import check_replace
from transit.demand.scenarios.scenario import (
    Edit,
    Extend,
    Headway,
    Merge,
    OnDemand,
    Remove,
    ReplaceRoutes,
    Reroute,
    RouteScenario,
    Shift,
    Truncate,
)
from transit.demand.scenarios.shift import check_shift
from transit.demand.scenarios.zones import read_zone
from transit.gtfs.feedio import Feed

Problem = tuple[str, str]
"""(key, message) of one problem in an edit."""


def check_edit(scenario: RouteScenario, number: int, edit: Edit, feed: Feed) -> list[InputError]:
    """The problems of edit ``number`` against ``feed`` (the feed after the edits before it)."""
    checks: dict[type, Callable[..., list[Problem]]] = {
        Remove: _remove,
        Truncate: _truncate,
        Extend: _extend,
        Reroute: _reroute,
        Merge: _merge,
        Headway: _headway,
        OnDemand: _on_demand,
        ReplaceRoutes: lambda e, f, _s: check_replace(e, f),
        Shift: lambda e, f, _s: check_shift(e, f),
    }
    found = checks[type(edit)](edit, feed, scenario)
    return [InputError(msg, scenario.where(number, key)) for key, msg in found]


def _route(feed: Feed, route: str, key: str = "route") -> list[Problem]:
    if route in set(feed.routes["route_id"].astype(str)):
        return []
    known = ", ".join(sorted(feed.routes["route_id"].astype(str))[:12])
    return [(key, f"no route {route!r} in the feed (routes: {known})")]


def _stop(feed: Feed, ref: str, key: str) -> list[Problem]:
    return (
        []
        if stop_set(feed, ref)
        else [(key, f"no stop {ref!r} (a stop_id, station id or stop name)")]
    )


def _clock(text: str, key: str) -> list[Problem]:
    try:
        parse_clock(text)
    except ValueError as exc:
        return [(key, str(exc))]
    return []


def _band(start: str, end: str, prefix: str = "") -> list[Problem]:
    found = _clock(start, f"{prefix}start") + _clock(end, f"{prefix}end")
    if not found and parse_clock(start) >= parse_clock(end):
        found.append((f"{prefix}end", f"end {end} is not after start {start}"))
    return found


def _serves(feed: Feed, route: str, *refs: str) -> bool:
    """Whether a trip of ``route`` serves every stop named in ``refs``."""
    sets = [stop_set(feed, r) for r in refs]
    for c in calls_of(feed, route_trips(feed, route)["trip_id"].astype(str)).values():
        ids = set(c["stop_id"].astype(str))
        if all(ids & s for s in sets):
            return True
    return False


def _ends_at(feed: Feed, route: str, ref: str) -> tuple[bool, bool]:
    """Whether a trip of ``route`` ends at / starts at a stop ``ref`` names."""
    poles = stop_set(feed, ref)
    ends = starts = False
    for c in calls_of(feed, route_trips(feed, route)["trip_id"].astype(str)).values():
        if len(c):
            ends |= str(c["stop_id"].iloc[-1]) in poles
            starts |= str(c["stop_id"].iloc[0]) in poles
    return ends, starts


def _remove(edit: Remove, feed: Feed, _s: RouteScenario) -> list[Problem]:
    found = _route(feed, edit.route)
    services = set(feed.trips["service_id"].astype(str))
    found += [
        ("service_ids", f"no service {s!r} in the feed")
        for s in edit.service_ids
        if s not in services
    ]
    if edit.start or edit.end:
        found += _band(edit.start or "00:00", edit.end or "47:59")
    if not found and edit.trips:
        known = set(route_trips(feed, edit.route)["trip_id"].astype(str))
        found += [
            ("trips", f"no trip {t!r} on route {edit.route}") for t in edit.trips if t not in known
        ]
    return found


def _truncate(edit: Truncate, feed: Feed, _s: RouteScenario) -> list[Problem]:
    found = (
        _route(feed, edit.route)
        + _stop(feed, edit.at_stop, "at_stop")
        + _stop(feed, edit.beyond, "beyond")
    )
    if not found and not _serves(feed, edit.route, edit.at_stop, edit.beyond):
        found.append(
            ("beyond", f"no trip of {edit.route} serves both {edit.at_stop} and {edit.beyond}")
        )
    return found


def _via(feed: Feed, via: tuple[str, ...], speed: float, dwell: float) -> list[Problem]:
    found = [] if via else [("via", "give at least one stop")]
    for i, ref in enumerate(via):
        found += _stop(feed, ref, f"via[{i + 1}]")
    if speed <= 0:
        found.append(("speed_kmh", "must be positive"))
    if dwell < 0:
        found.append(("dwell_s", "must not be negative"))
    return found


def _extend(edit: Extend, feed: Feed, _s: RouteScenario) -> list[Problem]:
    found = _route(feed, edit.route) + _stop(feed, edit.from_stop, "from_stop")
    found += _via(feed, edit.via, edit.speed_kmh, edit.dwell_s)
    if not found and not any(_ends_at(feed, edit.route, edit.from_stop)):
        found.append(("from_stop", f"no trip of {edit.route} starts or ends at {edit.from_stop}"))
    return found


def _reroute(edit: Reroute, feed: Feed, _s: RouteScenario) -> list[Problem]:
    found = (
        _route(feed, edit.route)
        + _stop(feed, edit.from_stop, "from_stop")
        + _stop(feed, edit.to_stop, "to_stop")
    )
    found += _via(feed, edit.via, edit.speed_kmh, edit.dwell_s)
    if not found and not _serves(feed, edit.route, edit.from_stop, edit.to_stop):
        found.append(
            ("to_stop", f"no trip of {edit.route} serves both {edit.from_stop} and {edit.to_stop}")
        )
    return found


def _merge(edit: Merge, feed: Feed, _s: RouteScenario) -> list[Problem]:
    if len(edit.routes) != 2 or edit.routes[0] == edit.routes[1]:
        return [("routes", "give two different routes")]
    found = _route(feed, edit.routes[0], "routes") + _route(feed, edit.routes[1], "routes")
    found += _stop(feed, edit.at_stop, "at_stop")
    if edit.max_layover_min < 0:
        found.append(("max_layover_min", "must not be negative"))
    if not found:
        e0, s0 = _ends_at(feed, edit.routes[0], edit.at_stop)
        e1, s1 = _ends_at(feed, edit.routes[1], edit.at_stop)
        if not ((e0 and s1) or (e1 and s0)):
            found.append(
                (
                    "at_stop",
                    f"no trip of one route ends at {edit.at_stop} where a trip of the other starts",
                )
            )
    if edit.route_id and edit.route_id not in edit.routes and not _route(feed, edit.route_id):
        found.append(("route_id", f"route {edit.route_id!r} already exists"))
    return found


def _headway(edit: Headway, feed: Feed, _s: RouteScenario) -> list[Problem]:
    found = _route(feed, edit.route) + ([] if edit.bands else [("bands", "give at least one band")])
    for i, band in enumerate(edit.bands, start=1):
        found += _band(band.start, band.end, f"bands[{i}].")
        if band.headway_min <= 0:
            found.append((f"bands[{i}].headway_min", "must be positive"))
    if not found:
        spans = sorted((parse_clock(b.start), parse_clock(b.end)) for b in edit.bands)
        if any(a[1] > b[0] for a, b in pairwise(spans)):
            found.append(("bands", "bands overlap"))
        trips = route_trips(feed, edit.route)
        services = set(trips["service_id"].astype(str))
        found += [
            ("service_ids", f"route {edit.route} has no trips on service {s!r}")
            for s in edit.service_ids
            if s not in services
        ]
    return found


def _on_demand(edit: OnDemand, feed: Feed, scenario: RouteScenario) -> list[Problem]:
    found: list[Problem] = []
    try:
        read_zone(scenario.path(edit.area), edit.area_id)
    except InputError as exc:
        found.append(("area", str(exc)))
    found += _band(edit.start, edit.end)
    for i, ref in enumerate(edit.hubs):
        found += _stop(feed, ref, f"hubs[{i + 1}]")
    found += [(k, "must be at least 1") for k in ("vehicles", "capacity") if getattr(edit, k) < 1]
    found += [
        ("day_types", f"unknown day type {d!r} (平日, 土曜, 日祝)")
        for d in edit.day_types
        if d not in ("平日", "土曜", "日祝")
    ]
    found += [
        (k, "must not be negative")
        for k in ("fare_yen", "cost_per_vehicle_hour_yen", "max_wait_min")
        if getattr(edit, k) < 0
    ]
    return found
