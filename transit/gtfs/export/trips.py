"""A feed's trips and stop times -> the stop patterns the timetable sheets are made of.

Each trip becomes its list of ``(stop_id, arrival, departure)`` in seconds; a missing arrival or
departure takes the other, and stops without any time between two timed stops get a time
interpolated (a blank cell would mean "does not stop"). Trips are grouped by route, direction,
service and stop sequence: one sheet per group.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from transit.core.gtfstime import gtfs_seconds
from transit.gtfs.export.draft import ExportLoss
from transit.gtfs.export.frames import records, text_column
from transit.gtfs.feedio import Feed

StopTime = tuple[str, int | None, int | None]
"""``(stop_id, arrival, departure)``, times in seconds after midnight (``None`` when unknown)."""
PatternKey = tuple[str, str, str, tuple[str, ...]]
"""``(route_id, direction_id, service_id, stop_ids)`` of a group of trips."""


@dataclass(frozen=True)
class TripPlan:
    """``trip_info`` (trips.txt records by trip_id), ``by_trip`` (each trip's stop times in
    sequence order), ``groups`` (trip ids by :data:`PatternKey`) and the ``losses``."""

    trip_info: dict[str, dict[str, Any]]
    by_trip: dict[str, list[StopTime]]
    groups: dict[PatternKey, list[str]]
    losses: list[ExportLoss]


def ordered_stop_times(stop_times: pd.DataFrame) -> pd.DataFrame:
    """``stop_times`` sorted by trip_id, then stop_sequence read as a number (stable)."""
    st = stop_times.assign(_seq=pd.to_numeric(stop_times["stop_sequence"], errors="coerce"))
    return st.sort_values(["trip_id", "_seq"], kind="mergesort")


def plan_trips(feed: Feed) -> TripPlan:
    """The trips of ``feed`` as stop-time lists grouped into patterns, with what is lost
    (pickup/drop-off types, stop headsigns, interpolated times, frequencies, untimed trips)."""
    by_trip, losses = _stop_times(feed)
    interpolated = 0
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
    trip_info = {str(r["trip_id"]): r for r in records(feed.trips)}
    groups, untimed = _groups(by_trip, trip_info)
    if untimed:
        losses.append(
            ExportLoss("trips_without_times", untimed, "trips whose first or last stop has no time")
        )
    return TripPlan(trip_info, by_trip, groups, losses)


def _stop_times(feed: Feed) -> tuple[dict[str, list[StopTime]], list[ExportLoss]]:
    """Each trip's stop times (a missing arrival or departure takes the other), and the counts
    of pickup/drop-off types and stop headsigns the source format cannot hold."""
    stt = ordered_stop_times(feed.stop_times)
    arr_col, dep_col = text_column(stt, "arrival_time"), text_column(stt, "departure_time")
    pick, drop = text_column(stt, "pickup_type"), text_column(stt, "drop_off_type")
    shs = text_column(stt, "stop_headsign")
    by_trip: dict[str, list[StopTime]] = defaultdict(list)
    dropped_types = 0
    headsigns = 0
    trip_ids, stop_ids = text_column(stt, "trip_id"), text_column(stt, "stop_id")
    for i, (tid, sid) in enumerate(zip(trip_ids, stop_ids, strict=True)):
        a, d = gtfs_seconds(arr_col[i]), gtfs_seconds(dep_col[i])
        if a is None and d is not None:
            a = d
        if d is None and a is not None:
            d = a
        by_trip[tid].append((sid, a, d))
        dropped_types += pick[i] not in ("", "0") or drop[i] not in ("", "0")
        headsigns += shs[i] != ""
    losses: list[ExportLoss] = []
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
    return by_trip, losses


def _interpolate(rows: list[StopTime]) -> tuple[list[StopTime], int]:
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


def _groups(
    by_trip: dict[str, list[StopTime]], trip_info: dict[str, dict[str, Any]]
) -> tuple[dict[PatternKey, list[str]], int]:
    """Trip ids by route, direction, service and stop sequence; and how many trips had a stop
    still without a time (left out)."""
    groups: dict[PatternKey, list[str]] = defaultdict(list)
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
    return groups, untimed
