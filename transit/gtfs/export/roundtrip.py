"""How much of a feed survives export -> build: stops, trips and stop times found unchanged."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transit.core.gtfstime import gtfs_seconds
from transit.gtfs.export.frames import records, text_column
from transit.gtfs.export.trips import StopTime, ordered_stop_times
from transit.gtfs.feedio import Feed

IdMap = Mapping[str, Mapping[str, str]]


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


def _signatures(feed: Feed, id_map: IdMap | None) -> Counter[tuple[Any, ...]]:
    """How many trips have each ``(route, service, stop times)`` (ids mapped through ``id_map``)."""

    def m(kind: str, value: str) -> str:
        return (id_map or {}).get(kind, {}).get(value, value)

    trips = {
        str(r["trip_id"]): (m("route", str(r["route_id"])), m("service", str(r["service_id"])))
        for r in records(feed.trips)
    }
    st = ordered_stop_times(feed.stop_times)
    rows: dict[str, list[StopTime]] = defaultdict(list)
    for tid, sid, a, d in zip(
        text_column(st, "trip_id"),
        text_column(st, "stop_id"),
        text_column(st, "arrival_time"),
        text_column(st, "departure_time"),
        strict=True,
    ):
        rows[tid].append((m("stop", sid), gtfs_seconds(a), gtfs_seconds(d)))
    out: Counter[tuple[Any, ...]] = Counter()
    for tid, seq in rows.items():
        if tid in trips:
            out[(*trips[tid], tuple(seq))] += 1
    return out


def _nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def compare_round_trip(original: Feed, rebuilt: Feed, *, id_map: IdMap | None = None) -> RoundTrip:
    """Count the stops (served ones: same id, name and position within 1e-6°), trips and stop
    times of ``original`` found unchanged in ``rebuilt``."""
    a, b = _signatures(original, id_map), _signatures(rebuilt, None)
    kept = a & b
    served = set(original.stop_times["stop_id"].astype(str))
    smap = (id_map or {}).get("stop", {})
    new_stops = {str(r["stop_id"]): r for r in records(rebuilt.stops)}
    stops_kept = 0
    for rec in records(original.stops):
        sid = str(rec["stop_id"])
        if sid not in served:
            continue
        other = new_stops.get(smap.get(sid, sid))
        if other is None or _nfkc(other.get("stop_name", "")) != _nfkc(rec.get("stop_name", "")):
            continue
        stops_kept += _same_position(rec, other)
    return RoundTrip(
        stops_total=len(served),
        stops_kept=stops_kept,
        trips_total=sum(a.values()),
        trips_kept=sum(kept.values()),
        stop_times_total=sum(len(k[2]) * v for k, v in a.items()),
        stop_times_kept=sum(len(k[2]) * v for k, v in kept.items()),
    )


def _same_position(rec: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    try:
        return (
            abs(float(other["stop_lat"]) - float(rec["stop_lat"])) < 1e-6
            and abs(float(other["stop_lon"]) - float(rec["stop_lon"])) < 1e-6
        )
    except (KeyError, ValueError):
        return False
