"""A feed's timetable as arrays for the journey search: stops, FIFO trip patterns, walks.

The one place of the scenario package that reads the typed ridership schedule
(:func:`transit.demand.schedule.build_schedule`): times in seconds after midnight of the service
day, distances along each trip in km. A :class:`Timetable` holds the trips of one set of active
service ids (one kind of service day); :class:`Walks` the walking links between stops, shared by
every timetable of a feed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from transit.core.geo import haversine_m
from transit.demand.scenarios.params import SearchParams
from transit.demand.schedule import Schedule, build_schedule
from transit.gtfs.feedio import Feed
from transit.gtfs.service import service_date_table

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Scale of the (stop or position, time) keys of departure events: times stay below 10^7 s.
KEY_SCALE = 10_000_000.0


def schedule_of(feed: Feed) -> Schedule:
    """The typed schedule of ``feed`` (stops, routes, trips with km and hours, stop times)."""
    names = ("stops", "routes", "trips", "stop_times", "calendar", "calendar_dates")
    return build_schedule({n: feed.get(n) for n in names})


@dataclass(frozen=True, eq=False)
class Pattern:
    """Trips with the same stop sequence that never overtake each other (FIFO).

    ``stops`` (L,) stop indices; ``trips`` (n,) timetable trip indices sorted by departure;
    ``dep_t`` (L, n) departures (s) by position then trip, each row non-decreasing; ``arr_pad``
    (n + 1, L) arrivals by trip then position, with a last row of ``inf`` (trip ``n`` = none)."""

    stops: IntArray
    trips: IntArray
    dep_t: FloatArray
    arr_pad: FloatArray

    @cached_property
    def trips_pad(self) -> IntArray:
        """``trips`` with ``-1`` appended (the trip of "no trip")."""
        return np.append(self.trips, -1)

    @cached_property
    def dep_keys(self) -> FloatArray:
        """``position × KEY_SCALE + departure`` for every (position, trip), ascending: one
        binary search finds the earliest trip at any position."""
        pos = np.arange(self.dep_t.shape[0], dtype=float)[:, None]
        return np.asarray((pos * KEY_SCALE + self.dep_t).ravel(), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Walks:
    """Walking links between stops within the walking distance (both directions, no self-links).

    ``src``, ``dst`` stop indices sorted by ``src``; ``walk_s`` seconds; ``offsets`` (S + 1,)
    so that the links leaving stop ``s`` are ``offsets[s]:offsets[s + 1]``."""

    src: IntArray
    dst: IntArray
    walk_s: FloatArray
    offsets: IntArray

    @cached_property
    def slots(self) -> tuple[IntArray, ...]:
        """The links grouped by rank among the links into the same stop (slot ``j`` holds
        the ``j``-th link into every stop that has one): no stop appears twice in a slot."""
        order = np.lexsort((self.src, self.dst))
        dst = self.dst[order]
        starts = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]]) if len(dst) else dst
        rank = np.arange(len(dst)) - np.repeat(starts, np.diff(np.r_[starts, len(dst)]))
        return tuple(order[rank == j] for j in range(int(rank.max()) + 1 if len(rank) else 0))

    def between(self, a: IntArray, b: IntArray) -> FloatArray:
        """Walking seconds from stops ``a`` to stops ``b`` (0 where equal, ``inf`` where no
        link)."""
        n = len(self.offsets) - 1
        keys = self.src * n + self.dst
        want = np.asarray(a, dtype=np.int64) * n + np.asarray(b, dtype=np.int64)
        at = np.minimum(np.searchsorted(keys, want), max(len(keys) - 1, 0))
        hit = (keys[at] == want) if len(keys) else np.zeros(len(want), dtype=bool)
        out = np.where(hit, self.walk_s[at] if len(keys) else 0.0, np.inf)
        return np.where(np.asarray(a) == np.asarray(b), 0.0, out)

    def near(self, stops: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """For each given stop, itself (walk 0) and its walking neighbours:
        ``(position in the input, stop index, walk seconds)``, grouped by input position."""
        counts = self.offsets[stops + 1] - self.offsets[stops]
        owner = np.repeat(np.arange(len(stops)), counts)
        start = np.repeat(self.offsets[stops], counts)
        within = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
        link = start + within
        pos = np.concatenate([np.arange(len(stops)), owner])
        stop = np.concatenate([stops, self.dst[link]])
        walk = np.concatenate([np.zeros(len(stops)), self.walk_s[link]])
        order = np.argsort(pos, kind="stable")
        return pos[order], stop[order], walk[order]


@dataclass(frozen=True, eq=False)
class Timetable:
    """The trips running on one kind of service day, ready for :mod:`.raptor`.

    Trip arrays (T,): ``trip_ids``, ``route_ids``. Stop events of trip ``t`` are
    ``offsets[t]:offsets[t + 1]`` of ``ev_stop``, ``ev_arr``, ``ev_dep``, ``ev_km`` (position
    order). ``board_keys`` are the departure events where a rider can board (every position but
    the last), sorted by ``stop × KEY_SCALE + dep``; ``board_event`` gives their event index.
    ``stop_patterns`` lists, per stop, ``(pattern, position)`` pairs (CSR by
    ``stop_pattern_offsets``)."""

    stop_ids: tuple[str, ...]
    trip_ids: npt.NDArray[np.object_]
    route_ids: npt.NDArray[np.object_]
    offsets: IntArray
    ev_stop: IntArray
    ev_arr: FloatArray
    ev_dep: FloatArray
    ev_km: FloatArray
    ev_trip: IntArray
    patterns: tuple[Pattern, ...]
    board_keys: FloatArray
    board_event: IntArray
    stop_pattern_offsets: IntArray
    stop_pattern: IntArray
    stop_pattern_pos: IntArray

    @property
    def n_stops(self) -> int:
        """Number of stops (the feed's, served or not)."""
        return len(self.stop_ids)


def stop_index(schedule: Schedule) -> dict[str, int]:
    """Stop id → index, in the schedule's stop order (duplicates keep the first)."""
    out: dict[str, int] = {}
    for sid in schedule.stops["stop_id"].astype(str):
        out.setdefault(sid, len(out))
    return out


def build_walks(schedule: Schedule, index: Mapping[str, int], params: SearchParams) -> Walks:
    """Walking links between every pair of distinct stops at most ``params.max_walk_m`` apart."""
    stops = schedule.stops.drop_duplicates("stop_id")
    order = np.array([index[s] for s in stops["stop_id"].astype(str)], dtype=np.int64)
    lat = np.full(len(index), np.nan)
    lon = np.full(len(index), np.nan)
    lat[order] = stops["stop_lat"].to_numpy(dtype=float)
    lon[order] = stops["stop_lon"].to_numpy(dtype=float)
    src_l, dst_l, dist_l = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for start in range(0, len(index), 512):  # bounded memory: 512 × S distances at a time
        part = np.arange(start, min(start + 512, len(index)))
        dist = haversine_m(lat[part, None], lon[part, None], lat[None, :], lon[None, :])
        ok = np.isfinite(dist) & (dist <= params.max_walk_m)
        ok[np.arange(len(part)), part] = False
        i, j = np.nonzero(ok)
        src_l.append(part[i])
        dst_l.append(j)
        dist_l.append(dist[i, j])
    src = np.concatenate(src_l).astype(np.int64)
    dst = np.concatenate(dst_l).astype(np.int64)
    walk = np.concatenate(dist_l) * params.walk_detour_factor / (params.walk_speed_kmh / 3.6)
    order2 = np.lexsort((dst, src))
    counts = np.bincount(src, minlength=len(index))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return Walks(src[order2], dst[order2], walk[order2], offsets)


def build_timetable(
    schedule: Schedule, services: Collection[str], index: Mapping[str, int]
) -> Timetable:
    """The trips of ``schedule`` whose ``service_id`` is in ``services``, as arrays.

    Trips with fewer than two timed stops are left out (nobody can ride them)."""
    trips = schedule.trips[schedule.trips["service_id"].isin(set(services))]
    st = schedule.stop_times[schedule.stop_times["trip_id"].isin(set(trips["trip_id"]))]
    st = st.dropna(subset=["arr_s", "dep_s"]).sort_values(["trip_id", "seq"], kind="stable")
    sizes = st.groupby("trip_id", sort=True).size()
    keep = sizes[sizes >= 2].index
    st = st[st["trip_id"].isin(set(keep))]
    trip_ids = np.array(sorted(keep), dtype=object)
    t_index = {t: i for i, t in enumerate(trip_ids)}
    route_of = trips.drop_duplicates("trip_id").set_index("trip_id")["route_id"]
    ev_trip = st["trip_id"].map(t_index).to_numpy(dtype=np.int64)
    counts = np.bincount(ev_trip, minlength=len(trip_ids))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    ev_stop = np.array([index[s] for s in st["stop_id"].astype(str)], dtype=np.int64)
    ev_arr = st["arr_s"].to_numpy(dtype=float)
    ev_dep = st["dep_s"].to_numpy(dtype=float)
    patterns = _patterns(offsets, ev_stop, ev_arr, ev_dep)
    board_event, board_keys = _board_events(offsets, ev_stop, ev_dep)
    spo, sp, spp = _stop_patterns(patterns, len(index))
    return Timetable(
        stop_ids=tuple(index),
        trip_ids=trip_ids,
        route_ids=np.array([str(route_of.get(t, "")) for t in trip_ids], dtype=object),
        offsets=offsets,
        ev_stop=ev_stop,
        ev_arr=ev_arr,
        ev_dep=ev_dep,
        ev_km=st["dist_km"].to_numpy(dtype=float),
        ev_trip=ev_trip,
        patterns=patterns,
        board_keys=board_keys,
        board_event=board_event,
        stop_pattern_offsets=spo,
        stop_pattern=sp,
        stop_pattern_pos=spp,
    )


def _board_events(
    offsets: IntArray, ev_stop: IntArray, ev_dep: FloatArray
) -> tuple[IntArray, FloatArray]:
    last = np.zeros(len(ev_stop), dtype=bool)
    last[offsets[1:] - 1] = True
    events = np.nonzero(~last)[0]
    keys = ev_stop[events] * KEY_SCALE + ev_dep[events]
    order = np.argsort(keys, kind="stable")
    return events[order].astype(np.int64), keys[order]


def _patterns(
    offsets: IntArray, ev_stop: IntArray, ev_arr: FloatArray, ev_dep: FloatArray
) -> tuple[Pattern, ...]:
    """Group trips by stop sequence, then split each group into FIFO sub-patterns (a trip joins
    the first sub-pattern whose last trip it neither overtakes nor is overtaken by)."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for t in range(len(offsets) - 1):
        groups.setdefault(tuple(ev_stop[offsets[t] : offsets[t + 1]].tolist()), []).append(t)
    out: list[Pattern] = []
    for seq, members in sorted(groups.items()):
        rows = np.array([offsets[t] for t in members])[:, None] + np.arange(len(seq))[None, :]
        dep, arr = ev_dep[rows], ev_arr[rows]
        order = np.lexsort((arr[:, -1], dep[:, 0]))
        subs: list[list[int]] = []
        for i in order:
            for sub in subs:
                j = sub[-1]
                if np.all(dep[i] >= dep[j]) and np.all(arr[i] >= arr[j]):
                    sub.append(int(i))
                    break
            else:
                subs.append([int(i)])
        for sub in subs:
            idx = np.array(sub)
            pad = np.vstack([arr[idx], np.full((1, len(seq)), np.inf)])
            out.append(
                Pattern(
                    stops=np.array(seq, dtype=np.int64),
                    trips=np.array([members[i] for i in sub], dtype=np.int64),
                    dep_t=np.ascontiguousarray(dep[idx].T),
                    arr_pad=np.ascontiguousarray(pad),
                )
            )
    return tuple(out)


def _stop_patterns(
    patterns: tuple[Pattern, ...], n_stops: int
) -> tuple[IntArray, IntArray, IntArray]:
    if not patterns:
        return np.zeros(n_stops + 1, dtype=np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    stop = np.concatenate([p.stops for p in patterns])
    pat = np.concatenate([np.full(len(p.stops), i) for i, p in enumerate(patterns)])
    pos = np.concatenate([np.arange(len(p.stops)) for p in patterns])
    order = np.lexsort((pos, pat, stop))
    counts = np.bincount(stop, minlength=n_stops)
    offs = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return offs, pat[order].astype(np.int64), pos[order].astype(np.int64)


@dataclass(frozen=True, eq=False)
class Network:
    """What the search needs of one feed: its schedule, stop index, walking links and service
    dates, and a cache of one :class:`Timetable` per set of service ids."""

    schedule: Schedule
    stop_index: Mapping[str, int]
    walks: Walks
    service_dates: pd.DataFrame
    timetables: dict[tuple[str, ...], Timetable] = field(default_factory=dict)

    def timetable(self, services: tuple[str, ...]) -> Timetable:
        """The timetable of the trips of ``services`` (built once)."""
        if services not in self.timetables:
            self.timetables[services] = build_timetable(self.schedule, services, self.stop_index)
        return self.timetables[services]


def prepare_network(feed: Feed, params: SearchParams) -> Network:
    """The :class:`Network` of ``feed`` with walking links for ``params``."""
    schedule = schedule_of(feed)
    index = stop_index(schedule)
    return Network(schedule, index, build_walks(schedule, index, params), service_date_table(feed))


def service_sets(service_dates: pd.DataFrame, dates: pd.Series) -> pd.Series:
    """For each date (datetime64 values), the sorted tuple of service ids running that day;
    ``service_dates`` is :func:`transit.gtfs.service.service_date_table` of the feed."""
    by_date: dict[pd.Timestamp, tuple[str, ...]] = {}
    for day, group in service_dates.groupby("date"):
        by_date[pd.Timestamp(str(day))] = tuple(sorted(set(group["service_id"].astype(str))))
    days = pd.Series(pd.to_datetime(dates).astype("datetime64[ns]"), index=dates.index)
    return days.map(lambda d: by_date.get(pd.Timestamp(d), ()))
