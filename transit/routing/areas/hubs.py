"""Bus departures at hubs, read from a GTFS feed, for timing on-demand rides to a connection.

The buses of the simulated **service date** count: the services running that day come from
:func:`transit.gtfs.service.services_on` (``calendar.txt`` *and* ``calendar_dates.txt``), so on
a national holiday the weekday timetable's buses are gone and the holiday ones run. Without a
date, :func:`default_service_date` picks the first Monday of the feed's period that is not a
national holiday (the weekday timetable).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from transit.core.assumptions import value
from transit.core.errors import InputError
from transit.core.geo import haversine_m
from transit.core.gtfstime import gtfs_seconds_array
from transit.gtfs.builder.load import load_feed
from transit.gtfs.feedio import Feed
from transit.gtfs.service import feed_period, service_dates, services_on
from transit.gtfs.source.daytypes import is_holiday
from transit.routing.sim.setup import iter_rows

log = logging.getLogger(__name__)


def hub_departures(
    feed_path: Path,
    hubs: pd.DataFrame,
    *,
    date: dt.date | None = None,
    radius_m: float | None = None,
    toward: Sequence[str] = (),
) -> dict[str, tuple[float, ...]]:
    """Departure times of buses from stops near each hub, on the service day ``date``.

    Parameters
    ----------
    feed_path
        A GTFS feed (zip or folder), read with :func:`transit.gtfs.feedio.read_feed`, or a
        GTFS-JP *source folder* (with ``feed.toml``), built in memory with :mod:`transit.gtfs`.
    hubs
        Columns ``place_id``, ``lon``, ``lat``.
    date
        The simulated day: only trips of the services running that day count
        (:func:`transit.gtfs.service.services_on`). ``None``: :func:`default_service_date`. A
        feed without any calendar keeps every trip.
    radius_m
        Stops within this distance of a hub belong to it (default: ``drt.hubs.radius_m`` of
        the assumptions table).
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
    if stops.empty or feed.stop_times.empty:
        raise InputError(f"feed {feed_path} has no stops or stop_times")
    st = _departures(feed, date, toward)
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce").to_numpy()
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce").to_numpy()
    radius = float(value("drt.hubs.radius_m")) if radius_m is None else radius_m
    out: dict[str, tuple[float, ...]] = {}
    for hub in iter_rows(hubs):
        dist = haversine_m(
            lat, lon, np.full_like(lat, float(hub.lat)), np.full_like(lon, float(hub.lon))
        )
        near = set(stops["stop_id"][dist <= radius])
        times = st.loc[st["stop_id"].isin(near), "dep_s"].astype(float)
        out[str(hub.place_id)] = tuple(sorted(set(times.tolist())))
        log.debug(
            "hub %s: %d stops, %d departures", hub.place_id, len(near), len(out[str(hub.place_id)])
        )
    return out


def _departures(feed: Feed, date: dt.date | None, toward: Sequence[str]) -> pd.DataFrame:
    """``stop_times`` rows that are departures of the day's trips (not a trip's last stop; with
    ``toward``, before the trip reaches one of those stops), with ``dep_s`` in seconds."""
    trips = feed.trips
    services = _services(feed, date)
    if services is not None and "service_id" in trips.columns:
        trips = trips[trips["service_id"].isin(services)]
    st = feed.stop_times
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
    st["dep_s"] = gtfs_seconds_array(dep_col)
    return st[st["dep_s"].notna()]


def _services(feed: Feed, date: dt.date | None) -> set[str] | None:
    """The services running on ``date`` (default: :func:`default_service_date`); ``None`` when
    the feed has no calendar at all (every trip counts)."""
    if not service_dates(feed):
        return None
    day = date if date is not None else default_service_date(feed)
    if day is None:
        return None
    return services_on(feed, day)


def default_service_date(feed: Feed) -> dt.date | None:
    """The first Monday of the feed's period (:func:`transit.gtfs.service.feed_period`) that is
    not a Japanese national holiday (the weekday timetable); ``None`` for a feed without dates."""
    period = feed_period(feed)
    if period is None:
        return None
    first, last = period
    day = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    while day <= last:
        if not is_holiday(day):
            return day
        day += dt.timedelta(days=7)
    return None


@functools.lru_cache(maxsize=4)
def _cached_feed(path: str) -> Feed:
    """Feeds are read (or built) once per process: a sweep runs many days on the same feed."""
    return load_feed(Path(path))
