"""A brute-force journey search for tests: every journey enumerated, the cheapest kept.

It shares nothing with :mod:`transit.demand.scenarios.raptor` but the definition in
:mod:`transit.demand.scenarios.assign`: walk to a stop near the origin, ride up to
``max_transfers + 1`` trips (one walk and the minimum transfer time between two), walk from a
stop near the destination; leave within the window; arrive within the longest journey.
"""

from __future__ import annotations

import math

from transit.core.geo import haversine_m
from transit.core.gtfstime import gtfs_seconds
from transit.demand.scenarios.params import SearchParams
from transit.gtfs.feedio import Feed


def _trips(feed: Feed) -> dict[str, list[tuple[str, float, float]]]:
    out: dict[str, list[tuple[int, str, float, float]]] = {}
    for rec in feed.stop_times.to_dict("records"):
        arr, dep = gtfs_seconds(rec["arrival_time"]), gtfs_seconds(rec["departure_time"])
        assert arr is not None and dep is not None
        out.setdefault(rec["trip_id"], []).append(
            (int(rec["stop_sequence"]), rec["stop_id"], float(arr), float(dep))
        )
    return {t: [(s, a, d) for _, s, a, d in sorted(calls)] for t, calls in out.items()}


def _walk(feed: Feed, params: SearchParams) -> dict[str, dict[str, float]]:
    pos = {
        r["stop_id"]: (float(r["stop_lat"]), float(r["stop_lon"]))
        for r in feed.stops.to_dict("records")
    }
    out: dict[str, dict[str, float]] = {}
    for a, (la, lo) in pos.items():
        out[a] = {a: 0.0}
        for b, (lb, lob) in pos.items():
            dist = haversine_m(la, lo, lb, lob)
            if a != b and dist <= params.max_walk_m:
                out[a][b] = params.walk_s(dist)
    return out


def best_cost(
    feed: Feed, origin: str, dest: str, lo: float, hi: float, params: SearchParams
) -> float | None:
    """Least generalized cost (minutes) of any journey, ``None`` when there is none."""
    trips = _trips(feed)
    near = _walk(feed, params)
    best = math.inf
    rounds = params.max_transfers + 1

    def ride(trip: str, p: int, depart: float, shift: float, legs: int) -> None:
        nonlocal best
        calls = trips[trip]
        for q in range(p + 1, len(calls)):
            stop, arr, _ = calls[q]
            final = near[stop].get(dest)
            if final is not None:
                arrive = arr + final
                if arrive - depart <= params.max_journey_min * 60.0:
                    cost = (arrive - depart) + params.wait_weight * abs(shift)
                    cost += (legs - 1) * params.transfer_penalty_min * 60.0
                    best = min(best, cost)
            if legs == rounds:
                continue
            for nxt, walk in near[stop].items():
                ready = arr + walk + params.min_transfer_min * 60.0
                for t2, calls2 in trips.items():
                    for p2 in range(len(calls2) - 1):
                        if calls2[p2][0] == nxt and calls2[p2][2] >= ready:
                            ride(t2, p2, depart, shift, legs + 1)

    for s1, walk0 in near[origin].items():
        for trip, calls in trips.items():
            for p in range(len(calls) - 1):
                if calls[p][0] != s1:
                    continue
                depart = calls[p][2] - walk0
                if (
                    not lo - params.depart_before_min * 60.0
                    <= depart
                    <= hi + params.depart_after_min * 60.0
                ):
                    continue
                shift = depart - lo if depart < lo else max(depart - hi, 0.0)
                ride(trip, p, depart, shift, 1)
    return None if math.isinf(best) else best / 60.0
