"""The edits of a scenario, one pure function ``Feed -> Feed`` per kind (merge: :mod:`.merge`).

Each edit changes ``trips`` and ``stop_times`` (and the shapes of the trips it changes); the
tables that follow from them — stops and routes still served, patterns, fares of new stop
pairs, translations — are brought back in step by :func:`transit.demand.scenarios.finish.finish`.
A changed trip gets a new shape: the old one cut at its new ends, or extended along the roads.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from transit.core.gtfstime import format_hhmm, parse_clock
from transit.demand.scenarios.feedops import (
    Point,
    calls_of,
    column_map,
    cut_shape,
    nearest_pole,
    new_call,
    put_calls,
    route_trips,
    shape_points,
    shifted,
    stop_names,
    stop_points,
    stop_set,
    with_times,
)
from transit.demand.scenarios.roads import Roads
from transit.demand.scenarios.scenario import Band, Extend, Headway, Remove, Reroute, Truncate
from transit.demand.scenarios.zones import inside
from transit.gtfs.feedio import Feed


def first_departures(calls: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Each trip's first departure (s; its arrival when the departure is blank)."""
    out: dict[str, float] = {}
    for trip, c in calls.items():
        if len(c):
            dep = c["dep_s"].iloc[0]
            out[trip] = float(dep if pd.notna(dep) else c["arr_s"].iloc[0])
    return out


# --- remove -------------------------------------------------------------------------------------


def remove_trips(feed: Feed, edit: Remove) -> Feed:
    """Remove the trips of ``edit.route`` that match every filter of the edit."""
    trips = route_trips(feed, edit.route)
    keep = pd.Series(True, index=trips.index)
    if edit.service_ids:
        keep &= trips["service_id"].astype(str).isin(set(edit.service_ids))
    if edit.trips:
        keep &= trips["trip_id"].astype(str).isin(set(edit.trips))
    if edit.start or edit.end:
        first = first_departures(calls_of(feed, trips["trip_id"].astype(str)))
        start = parse_clock(edit.start) if edit.start else -np.inf
        end = parse_clock(edit.end) if edit.end else np.inf
        at = trips["trip_id"].astype(str).map(first)
        keep &= (at >= start) & (at < end)
    return put_calls(feed, dict.fromkeys(trips.loc[keep, "trip_id"].astype(str)))


# --- shapes of changed trips ---------------------------------------------------------------------


def _unique(base: str, taken: set[str]) -> str:
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def reshape(feed: Feed, paths: dict[str, list[Point]], *, tag: str) -> Feed:
    """Give each trip in ``paths`` a new shape with those points (trips with the same points
    share one); a feed without shapes is left without."""
    shapes = feed.get("shapes")
    if shapes.empty or not paths:
        return feed
    taken = set(shapes["shape_id"].astype(str))
    trips = feed.trips.copy()
    old = column_map(feed, "trips", "trip_id", "shape_id")
    by_points: dict[tuple[Point, ...], str] = {}
    rows: list[dict[str, str]] = []
    new_id: dict[str, str] = {}
    for trip in sorted(paths):
        pts = tuple(paths[trip])
        if pts not in by_points:
            by_points[pts] = sid = _unique(f"{old.get(trip) or 'shape'}_{tag}", taken)
            rows += [
                {"shape_id": sid, "shape_pt_lat": f"{la:.7f}", "shape_pt_lon": f"{lo:.7f}",
                 "shape_pt_sequence": str(i)}
                for i, (la, lo) in enumerate(pts, start=1)
            ]  # fmt: skip
        new_id[trip] = by_points[pts]
    ids = trips["trip_id"].astype(str)
    trips["shape_id"] = [
        new_id.get(t, s) for t, s in zip(ids, feed.column("trips", "shape_id"), strict=True)
    ]
    return feed.replace(
        trips=trips, shapes=pd.concat([shapes, pd.DataFrame(rows)], ignore_index=True)
    )


def _cut_paths(feed: Feed, new: dict[str, pd.DataFrame | None]) -> dict[str, list[Point]]:
    """Old shapes cut to the first and last stops of the shortened trips."""
    pts = stop_points(feed)
    shape_of = column_map(feed, "trips", "trip_id", "shape_id")
    out: dict[str, list[Point]] = {}
    for trip, calls in new.items():
        if calls is None or len(calls) < 2 or not shape_of.get(trip):
            continue
        first, last = str(calls["stop_id"].iloc[0]), str(calls["stop_id"].iloc[-1])
        out[trip] = cut_shape(shape_points(feed, shape_of[trip]), pts[first], pts[last])
    return out


def _new_headsigns(feed: Feed, new: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """``trips`` where each trip whose last stop changed is signed to its new last stop."""
    names = stop_names(feed)
    trips = feed.trips.copy()
    if "trip_headsign" not in trips.columns:
        return trips
    last = {t: str(c["stop_id"].iloc[-1]) for t, c in new.items() if c is not None and len(c) >= 2}
    ids = trips["trip_id"].astype(str)
    trips["trip_headsign"] = [
        names.get(last[t], h) if t in last else h
        for t, h in zip(ids, trips["trip_headsign"], strict=True)
    ]
    return trips


def replace_trips(feed: Feed, new: dict[str, pd.DataFrame | None], *, tag: str) -> Feed:
    """Shortened trips ``new`` (``None`` = removed): calls, headsigns and cut shapes."""
    paths = _cut_paths(feed, new)
    out = put_calls(feed, new, trips=_new_headsigns(feed, new))
    return reshape(out, paths, tag=tag)


# --- truncate -----------------------------------------------------------------------------------


def _tail_stops(
    calls: dict[str, pd.DataFrame], at: frozenset[str], beyond: frozenset[str]
) -> set[str]:
    """Stops on the far side of ``at`` (the side of ``beyond``) in trips serving both."""
    tail: set[str] = set()
    for c in calls.values():
        ids = c["stop_id"].astype(str).tolist()
        pos_at = [i for i, s in enumerate(ids) if s in at]
        pos_b = [i for i, s in enumerate(ids) if s in beyond]
        if pos_at and pos_b:
            i, j = pos_at[0], pos_b[0]
            tail |= set(ids[i + 1 :] if j > i else ids[:i])
    return tail - at


def longest_run(keep: Sequence[bool]) -> slice:
    """The longest run of ``True`` (the first of equal runs); an empty slice when none."""
    best, start, run = slice(0, 0), 0, 0
    for i, k in enumerate([*keep, False]):
        if k:
            run += 1
            continue
        if run > best.stop - best.start:
            best = slice(start, i)
        start, run = i + 1, 0
    return best


def truncate_route(feed: Feed, edit: Truncate) -> Feed:
    """Drop the part of ``edit.route`` beyond ``edit.at_stop`` (on the side of ``beyond``)."""
    at, beyond = stop_set(feed, edit.at_stop), stop_set(feed, edit.beyond)
    calls = calls_of(feed, route_trips(feed, edit.route)["trip_id"].astype(str))
    tail = _tail_stops(calls, at, beyond)
    new: dict[str, pd.DataFrame | None] = {}
    for trip, c in calls.items():
        ids = c["stop_id"].astype(str).tolist()
        pos_at = [i for i, s in enumerate(ids) if s in at]
        if pos_at:
            i = pos_at[0]
            if any(s in tail for s in ids[i + 1 :]):
                new[trip] = c.iloc[: i + 1]
            elif any(s in tail for s in ids[:i]):
                new[trip] = c.iloc[i:]
        elif any(s in tail for s in ids):
            new[trip] = c.iloc[longest_run([s not in tail for s in ids])]
    return replace_trips(feed, new, tag="cut")


# --- extend and reroute -------------------------------------------------------------------------


def via_poles(feed: Feed, start: str, via: Sequence[str]) -> list[str]:
    """The poles of ``via`` stops, each the one nearest the stop before it (from ``start``)."""
    pts = stop_points(feed)
    out: list[str] = []
    prev = pts.get(start)
    for ref in via:
        pole = nearest_pole(feed, ref, prev)
        out.append(pole)
        prev = pts.get(pole, prev)
    return out


def _timed(roads: Roads, pts: dict[str, Point], stops: Sequence[str], speed: float) -> list[float]:
    """Running times between consecutive ``stops``, rounded to whole seconds (half up)."""
    return [float(int(r + 0.5)) for r in roads.run_s([pts[s] for s in stops], speed_kmh=speed)]


def extend_route(feed: Feed, edit: Extend, roads: Roads) -> Feed:
    """Trips of ``edit.route`` ending at ``from_stop`` go on through ``via``; trips starting
    there start at the last ``via`` stop (times from the roads, or the stated speed)."""
    origin = stop_set(feed, edit.from_stop)
    pts = stop_points(feed)
    calls = calls_of(feed, route_trips(feed, edit.route)["trip_id"].astype(str))
    shape_of = column_map(feed, "trips", "trip_id", "shape_id")
    new: dict[str, pd.DataFrame | None] = {}
    paths: dict[str, list[Point]] = {}
    for trip, c in calls.items():
        ids = c["stop_id"].astype(str).tolist()
        old_pts = shape_points(feed, shape_of.get(trip, ""))
        if ids and ids[-1] in origin:
            stops = [ids[-1], *via_poles(feed, ids[-1], edit.via)]
            new[trip] = _append(c, stops, _timed(roads, pts, stops, edit.speed_kmh), edit.dwell_s)
            if old_pts:
                paths[trip] = old_pts + roads.path([pts[s] for s in stops])[1:]
        elif ids and ids[0] in origin:
            stops = [*reversed(via_poles(feed, ids[0], edit.via)), ids[0]]
            new[trip] = _prepend(c, stops, _timed(roads, pts, stops, edit.speed_kmh), edit.dwell_s)
            if old_pts:
                paths[trip] = roads.path([pts[s] for s in stops])[:-1] + old_pts
    out = put_calls(feed, new, trips=_new_headsigns(feed, new))
    return reshape(out, paths, tag="ext")


def _append(
    c: pd.DataFrame, stops: Sequence[str], runs: Sequence[float], dwell: float
) -> pd.DataFrame:
    """``c`` continuing from its last stop through ``stops[1:]``."""
    last = c.iloc[-1]
    arr = [*c["arr_s"].iloc[:-1], last["arr_s"]]
    dep = [*c["dep_s"].iloc[:-1], last["arr_s"] + dwell]
    head = with_times(c, arr, dep)
    t, rows = dep[-1], [head]
    for i, (stop, run) in enumerate(zip(stops[1:], runs, strict=True)):
        a = t + run
        t = a + (dwell if i < len(runs) - 1 else 0.0)
        rows.append(new_call(c, stop, a, t))
    return pd.concat(rows, ignore_index=True)


def _prepend(
    c: pd.DataFrame, stops: Sequence[str], runs: Sequence[float], dwell: float
) -> pd.DataFrame:
    """``c`` starting earlier at ``stops[0]`` and reaching its first stop through ``stops``."""
    first = c.iloc[0]
    t = float(first["dep_s"]) - dwell
    head = with_times(c, [t, *c["arr_s"].iloc[1:]], c["dep_s"])
    rows: list[pd.DataFrame] = []
    for i, (stop, run) in enumerate(zip(reversed(stops[:-1]), reversed(runs), strict=True)):
        d = t - run
        t = d - (dwell if i < len(runs) - 1 else 0.0)
        rows.insert(0, new_call(c, stop, t, d))
    return pd.concat([*rows, head], ignore_index=True)


def reroute_route(feed: Feed, edit: Reroute, roads: Roads) -> Feed:
    """Trips of ``edit.route`` run from ``from_stop`` to ``to_stop`` (either way) through
    ``via``; the stops after the new segment keep their running times."""
    a_set, b_set = stop_set(feed, edit.from_stop), stop_set(feed, edit.to_stop)
    pts = stop_points(feed)
    calls = calls_of(feed, route_trips(feed, edit.route)["trip_id"].astype(str))
    new: dict[str, pd.DataFrame | None] = {}
    for trip, c in calls.items():
        ids = c["stop_id"].astype(str).tolist()
        i = next((k for k, s in enumerate(ids) if s in a_set | b_set), None)
        if i is None:
            continue
        ends = b_set if ids[i] in a_set else a_set
        j = next((k for k in range(i + 1, len(ids)) if ids[k] in ends), None)
        if j is None:
            continue
        via = list(edit.via) if ids[i] in a_set else list(reversed(edit.via))
        stops = [ids[i], *via_poles(feed, ids[i], via), ids[j]]
        new[trip] = _through(
            c, i, j, stops, _timed(roads, pts, stops, edit.speed_kmh), edit.dwell_s
        )
    out = put_calls(feed, new)
    paths = {
        t: roads.path([pts[s] for s in c["stop_id"].astype(str)])
        for t, c in new.items()
        if c is not None
    }
    return reshape(out, paths, tag="via")


def _through(
    c: pd.DataFrame, i: int, j: int, stops: Sequence[str], runs: Sequence[float], dwell: float
) -> pd.DataFrame:
    """``c`` with calls ``i+1 … j-1`` replaced by ``stops[1:-1]``; call ``j`` onward shifted."""
    t = float(c["dep_s"].iloc[i])
    middle = []
    for stop, run in zip(stops[1:-1], runs[:-1], strict=True):
        a = t + run
        t = a + dwell
        middle.append(new_call(c, stop, a, t))
    delta = t + runs[-1] - float(c["arr_s"].iloc[j])
    return pd.concat([c.iloc[: i + 1], *middle, shifted(c.iloc[j:], delta)], ignore_index=True)


# --- headway ------------------------------------------------------------------------------------


def set_headway(feed: Feed, edit: Headway) -> Feed:
    """Replace the trips of ``edit.route`` starting in each band by trips every headway."""
    trips = route_trips(feed, edit.route)
    if edit.service_ids:
        trips = trips[trips["service_id"].astype(str).isin(set(edit.service_ids))]
    calls = calls_of(feed, trips["trip_id"].astype(str))
    first = first_departures(calls)
    taken = set(feed.trips["trip_id"].astype(str))
    new: dict[str, pd.DataFrame | None] = {}
    added: list[pd.DataFrame] = []
    group_keys = [trips["service_id"].astype(str), _directions(feed, trips, calls)]
    for _, group in trips.groupby(group_keys, sort=True):
        ids = group["trip_id"].astype(str).tolist()
        for band in edit.bands:
            made = _band_trips(ids, calls, first, band, taken)
            new.update(dict.fromkeys((t for t in ids if _in_band(first.get(t), band)), None))
            for trip_id, (template, c) in made.items():
                new[trip_id] = c
                row = group[group["trip_id"].astype(str) == template].iloc[[0]].copy()
                row["trip_id"] = trip_id
                added.append(row)
    table = pd.concat([feed.trips, *added], ignore_index=True)
    return put_calls(feed, new, trips=table)


def _directions(feed: Feed, trips: pd.DataFrame, calls: dict[str, pd.DataFrame]) -> pd.Series:
    """Each trip's direction: its ``direction_id`` when the route uses two or more, else its
    first and last stop (so that outbound and inbound trips are never mixed)."""
    given = feed.column("trips", "direction_id").loc[trips.index].astype(str)
    if given.nunique() >= 2:
        return given
    ends = [
        f"{c['stop_id'].iloc[0]}>{c['stop_id'].iloc[-1]}" if len(c) else ""
        for c in (calls[str(t)] for t in trips["trip_id"])
    ]
    return pd.Series(ends, index=trips.index)


def _in_band(t: float | None, band: Band) -> bool:
    return t is not None and parse_clock(band.start) <= t < parse_clock(band.end)


def _band_trips(
    ids: list[str],
    calls: dict[str, pd.DataFrame],
    first: dict[str, float],
    band: Band,
    taken: set[str],
) -> dict[str, tuple[str, pd.DataFrame]]:
    """New trips of one band: id → (template trip, calls)."""
    start, end = parse_clock(band.start), parse_clock(band.end)
    timed = [t for t in ids if t in first]
    if not timed:
        return {}
    inner = [t for t in timed if start <= first[t] < end] or timed
    patterns = pd.Series([tuple(calls[t]["stop_id"]) for t in inner], index=inner)
    counts = patterns.value_counts(sort=False)
    best = max(counts.index, key=lambda p: (counts[p], len(p), p))
    candidates = [t for t in inner if patterns[t] == best]
    out: dict[str, tuple[str, pd.DataFrame]] = {}
    t = float(start)
    while t < end:
        template = min(candidates, key=lambda c: (abs(first[c] - t), c))
        trip_id = _unique(f"{template}_h{format_hhmm(t).replace(':', '')}", taken)
        out[trip_id] = (template, shifted(calls[template], t - first[template]))
        t += band.headway_min * 60.0
    return out


# --- on-demand zones ----------------------------------------------------------------------------


def cut_zone(feed: Feed, zone: BaseGeometry) -> tuple[Feed, tuple[str, ...], tuple[str, ...]]:
    """Remove every stop inside ``zone`` from every trip (a trip keeps its longest run of stops
    outside). Returns the feed, the stops inside, and the hubs: the stops where cut trips now
    start or end next to the zone."""
    pts = stop_points(feed)
    ids = sorted(pts)
    lat = [pts[s][0] for s in ids]
    lon = [pts[s][1] for s in ids]
    zone_stops = {s for s, k in zip(ids, inside(zone, lat, lon), strict=True) if k}
    calls = calls_of(feed, feed.trips["trip_id"].astype(str))
    new: dict[str, pd.DataFrame | None] = {}
    hubs: set[str] = set()
    for trip, c in calls.items():
        stops = c["stop_id"].astype(str).tolist()
        if not zone_stops & set(stops):
            continue
        run = longest_run([s not in zone_stops for s in stops])
        new[trip] = c.iloc[run]
        if run.stop > run.start:
            if run.start > 0:
                hubs.add(stops[run.start])
            if run.stop < len(stops):
                hubs.add(stops[run.stop - 1])
    return replace_trips(feed, new, tag="odt"), tuple(sorted(zone_stops)), tuple(sorted(hubs))
