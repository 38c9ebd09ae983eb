"""The ``replace_routes`` edit: some routes' trips removed, new routes run on stop sequences.

Each new route runs its ``stops`` in order (direction 0) and reversed (direction 1). Per service
of the edit, each band ``start``–``end`` gets a trip every ``headway_min`` minutes in each
direction, the first at ``start`` at either end (departures in ``[start, end)``). The run time
between two consecutive stops is the median over the baseline's calls of that link in either
direction (departure of one stop to arrival at the next, whole seconds, half up,
:func:`link_run_times`); buses do not dwell (arrival = departure). New trips have no shape and
no block; the route row copies the first replaced route's (agency, type) with the new id and
name.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from transit.core.gtfstime import format_hhmm, parse_clock
from transit.demand.scenarios.feedops import calls_of, new_call, put_calls, stop_names
from transit.demand.scenarios.scenario import Band, NewRoute, ReplaceRoutes
from transit.gtfs.feedio import Feed

Problem = tuple[str, str]
"""(key, message) of one problem in an edit."""


def link_run_times(feed: Feed) -> dict[tuple[str, str], float]:
    """``{(a, b): seconds}`` with ``a < b`` over every trip of ``feed``
    (:func:`median_run_times`)."""
    calls = list(calls_of(feed, feed.stop_times["trip_id"].astype(str)).values())
    return median_run_times(pd.concat(calls, ignore_index=True)) if calls else {}


def median_run_times(calls: pd.DataFrame) -> dict[tuple[str, str], float]:
    """``{(a, b): seconds}`` with ``a < b``: the median scheduled run time between consecutive
    calls at stops ``a`` and ``b`` (either direction; departure, else arrival, to the next
    arrival, else departure; pairs with a blank time skipped), rounded to whole seconds (half
    up). ``calls`` has ``trip_id``, ``stop_id``, ``arr_s``, ``dep_s`` (s), trips in call order."""
    trip = calls["trip_id"].astype(str).reset_index(drop=True)
    a = calls["stop_id"].astype(str).reset_index(drop=True)
    arr = pd.to_numeric(calls["arr_s"], errors="coerce").reset_index(drop=True)
    dep = pd.to_numeric(calls["dep_s"], errors="coerce").reset_index(drop=True)
    b, end = a.shift(-1), arr.fillna(dep).shift(-1)
    run = end - dep.fillna(arr)
    keep = (trip.shift(-1) == trip) & run.notna() & (a != b)
    samples: dict[tuple[str, str], list[float]] = {}
    for x, y, secs in zip(a[keep], b[keep], run[keep], strict=True):
        samples.setdefault((min(x, y), max(x, y)), []).append(float(secs))
    return {k: float(int(float(np.median(v)) + 0.5)) for k, v in sorted(samples.items())}


def check_replace(edit: ReplaceRoutes, feed: Feed) -> list[Problem]:
    """Problems of ``edit`` against ``feed``: unknown routes, services, stops; consecutive stops
    that no baseline trip runs between; bad bands."""
    known = set(feed.routes["route_id"].astype(str))
    found = [("routes", f"no route {r!r} in the feed") for r in edit.routes if r not in known]
    if not edit.new_routes:
        found.append(("new_routes", "at least one new route is needed"))
    links = link_run_times(feed)
    stops = set(feed.stops["stop_id"].astype(str))
    for k, route in enumerate(edit.new_routes, start=1):
        key = f"new_routes[{k}].stops"
        if len(route.stops) < 2:
            found.append((key, f"route {route.route_id} needs at least 2 stops"))
        found += [(key, f"no stop {s!r} in the feed") for s in route.stops if s not in stops]
        found += [
            (key, f"no trip runs between {a} and {b} (not a link of the baseline)")
            for a, b in pairwise(route.stops)
            if a in stops and b in stops and (min(a, b), max(a, b)) not in links
        ]
    services = set(feed.trips["service_id"].astype(str))
    for k, svc in enumerate(edit.services, start=1):
        key = f"services[{k}]"
        if svc.service_id not in services:
            found.append((f"{key}.service_id", f"no service {svc.service_id!r} in the feed"))
        for j, band in enumerate(svc.bands, start=1):
            found += _band_problems(band.start, band.end, band.headway_min, f"{key}.bands[{j}]")
    return found


def _band_problems(start: str, end: str, headway: float, key: str) -> list[Problem]:
    try:
        a, b = parse_clock(start), parse_clock(end)
    except ValueError as exc:
        return [(key, str(exc))]
    if a >= b:
        return [(f"{key}.end", f"end {end} is not after start {start}")]
    if not headway > 0:
        return [(f"{key}.headway_min", f"headway must be positive (got {headway:g})")]
    return []


def replace_routes(feed: Feed, edit: ReplaceRoutes) -> Feed:
    """``feed`` without the trips of ``edit.routes``, with the trips of ``edit.new_routes``."""
    links = link_run_times(feed)
    old = feed.trips[feed.trips["route_id"].astype(str).isin(set(edit.routes))]
    template = old.iloc[[0]] if len(old) else feed.trips.iloc[[0]]
    st_template = feed.stop_times.iloc[[0]].copy()
    names = stop_names(feed)
    new: dict[str, pd.DataFrame | None] = dict.fromkeys(old["trip_id"].astype(str))
    rows: list[pd.DataFrame] = []
    for route in edit.new_routes:
        for direction, stops in enumerate((route.stops, tuple(reversed(route.stops)))):
            runs = [links[(min(a, b), max(a, b))] for a, b in pairwise(stops)]
            for svc in edit.services:
                for t in _departures(svc.bands):
                    trip_id = f"{route.route_id}_{svc.service_id}_{direction}_{_hhmm(t)}"
                    new[trip_id] = _calls(st_template, trip_id, stops, runs, t)
                    row = template.copy()
                    row["trip_id"], row["route_id"] = trip_id, route.route_id
                    row["service_id"] = svc.service_id
                    row["direction_id"] = str(direction)
                    for col, value in (("trip_headsign", names.get(stops[-1], "")),
                                       ("shape_id", ""), ("block_id", "")):  # fmt: skip
                        if col in row.columns:
                            row[col] = value
                    rows.append(row)
    trips = pd.concat([feed.trips, *rows], ignore_index=True)
    out = put_calls(feed, new, trips=trips)
    return out.replace(routes=_routes(feed, edit))


def _departures(bands: tuple[Band, ...]) -> list[float]:
    out: list[float] = []
    for band in bands:
        start, end = parse_clock(band.start), parse_clock(band.end)
        t = float(start)
        while t < end:
            out.append(t)
            t += float(band.headway_min) * 60.0
    return sorted(set(out))


def _hhmm(seconds: float) -> str:
    return format_hhmm(seconds).replace(":", "")


def _calls(
    template: pd.DataFrame, trip_id: str, stops: tuple[str, ...], runs: list[float], t: float
) -> pd.DataFrame:
    template = template.assign(trip_id=trip_id)
    times = [t, *(t + s for s in np.cumsum(runs))]
    return pd.concat(
        [new_call(template, s, at, at) for s, at in zip(stops, times, strict=True)],
        ignore_index=True,
    )


def _routes(feed: Feed, edit: ReplaceRoutes) -> pd.DataFrame:
    """The routes table with a row per new route (copied from the first replaced route)."""
    routes = feed.routes
    ids = routes["route_id"].astype(str)
    base = routes[ids.isin(set(edit.routes))]
    template = base.iloc[[0]] if len(base) else routes.iloc[[0]]
    rows = [_route_row(template, r) for r in edit.new_routes if r.route_id not in set(ids)]
    return pd.concat([routes, *rows], ignore_index=True)


def _route_row(template: pd.DataFrame, route: NewRoute) -> pd.DataFrame:
    row = template.copy()
    row["route_id"] = route.route_id
    for col, value in (("route_short_name", route.route_id),
                       ("route_long_name", route.name or route.route_id)):  # fmt: skip
        if col in row.columns:
            row[col] = value
    return row
