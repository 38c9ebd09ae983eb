"""Bus departures at hubs, read from a GTFS feed, for timing on-demand rides to a connection."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from transit.core.errors import InputError
from transit.core.geo import haversine_m
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.source.read import read_source
from transit.routing.areas.config import iter_rows

log = logging.getLogger(__name__)

WEEKDAY = "monday"


def hub_departures(
    feed_path: Path,
    hubs: pd.DataFrame,
    *,
    radius_m: float = 300.0,
    weekday: str = WEEKDAY,
    toward: Sequence[str] = (),
) -> dict[str, tuple[float, ...]]:
    """Departure times of buses from stops near each hub, on a service day of ``weekday``.

    Parameters
    ----------
    feed_path
        A GTFS feed (zip or folder), read with :func:`transit.gtfs.feedio.read_feed`, or a
        GTFS-JP *source folder* (with ``feed.toml``), built in memory with :mod:`transit.gtfs`.
    hubs
        Columns ``place_id``, ``lon``, ``lat``.
    radius_m
        Stops within this distance of a hub belong to it.
    weekday
        ``calendar.txt`` column naming the day type to use (``monday`` = a weekday).
    toward
        Stop ids (e.g. the city terminal's poles): when given, only trips that reach one of
        them after the hub count (the buses riders connect to).

    Returns
    -------
    dict
        ``place_id`` → sorted departure times (seconds after midnight; GTFS times past 24:00 kept).
        A stop's departure counts unless it is the last stop of its trip. Hubs with no stop get
        an empty tuple.
    """
    feed = _cached_feed(str(Path(feed_path).resolve()))
    stops = feed.stops
    st = feed.stop_times
    trips = feed.trips
    if stops.empty or st.empty:
        raise InputError(f"feed {feed_path} has no stops or stop_times")
    services = _services_on(feed.calendar, weekday)
    if services is not None and "service_id" in trips.columns:
        trips = trips[trips["service_id"].isin(services)]
    st = st[st["trip_id"].isin(set(trips["trip_id"]))].copy()
    st["seq"] = pd.to_numeric(st["stop_sequence"], errors="coerce")
    last = st.groupby("trip_id")["seq"].transform("max")
    st = st[st["seq"] < last]
    if toward:
        st_all = feed.stop_times
        target = st_all[st_all["stop_id"].isin(set(toward))].assign(
            seq=lambda d: pd.to_numeric(d["stop_sequence"], errors="coerce")
        )
        reach = target.groupby("trip_id")["seq"].max()
        st = st[st["seq"] < st["trip_id"].map(reach).fillna(-1)]
    dep_col = st["departure_time"].where(st["departure_time"] != "", st["arrival_time"])
    st["dep_s"] = [_gtfs_seconds(t) for t in dep_col]
    st = st[st["dep_s"].notna()]
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce").to_numpy()
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce").to_numpy()
    out: dict[str, tuple[float, ...]] = {}
    for hub in iter_rows(hubs):
        dist = haversine_m(
            lat, lon, np.full_like(lat, float(hub.lat)), np.full_like(lon, float(hub.lon))
        )
        near = set(stops["stop_id"][dist <= radius_m])
        times = st.loc[st["stop_id"].isin(near), "dep_s"].astype(float)
        out[str(hub.place_id)] = tuple(sorted(set(times.tolist())))
        log.debug(
            "hub %s: %d stops, %d departures", hub.place_id, len(near), len(out[str(hub.place_id)])
        )
    return out


@functools.lru_cache(maxsize=4)
def _cached_feed(path: str) -> Feed:
    """Feeds are read (or built) once per process: a sweep runs many days on the same feed."""
    return read_any_feed(Path(path))


def read_any_feed(path: Path) -> Feed:
    """A GTFS feed from a zip, a folder of ``.txt`` files, or a source folder (built in memory)."""
    if path.is_dir() and (path / "feed.toml").is_file():
        return Feed(build_tables(read_source(path)), path)
    return read_feed(path)


def next_departures(departures: Sequence[float], after: float) -> tuple[float | None, float | None]:
    """The first departure at or after ``after`` and the one following it (``None`` if none)."""
    arr = np.asarray(departures, dtype=float)
    k = int(np.searchsorted(arr, after, side="left"))
    first = float(arr[k]) if k < len(arr) else None
    second = float(arr[k + 1]) if k + 1 < len(arr) else None
    return first, second


def _services_on(calendar: pd.DataFrame, weekday: str) -> set[str] | None:
    if calendar.empty or weekday not in calendar.columns:
        return None
    return set(calendar.loc[calendar[weekday].astype(str) == "1", "service_id"])


def _gtfs_seconds(text: str) -> float | None:
    parts = str(text).strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    h, m, s = (int(p) for p in parts)
    return float(h * 3600 + m * 60 + s)
