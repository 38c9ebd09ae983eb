"""The scheduled service a ridership store is measured against, taken from a GTFS feed.

A :class:`Schedule` holds the few feed tables ridership analytics needs, typed and indexed:
stops, routes, trips (with scheduled length and duration), stop times (with the position of
each stop on its trip and the distance along it) and the service dates of every service id.
It is saved inside a ridership store (Parquet) so a report needs no feed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from transit.core.errors import InputError, Location
from transit.core.fileio import atomic_write_bytes
from transit.core.geo import haversine_m
from transit.core.gtfstime import gtfs_seconds_array
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.service import service_date_table

log = logging.getLogger(__name__)

_TABLES = ("stops", "routes", "trips", "stop_times", "service_dates")


@dataclass(frozen=True)
class Schedule:
    """Typed feed tables for ridership analytics.

    Attributes
    ----------
    stops : DataFrame
        ``stop_id`` (str), ``stop_name`` (str), ``stop_lat``, ``stop_lon`` (float, WGS84 degrees).
    routes : DataFrame
        ``route_id``, ``route_name`` (short name, else long name).
    trips : DataFrame
        ``trip_id``, ``route_id``, ``service_id``, ``direction_id`` (int), ``n_stops`` (int),
        ``km`` (scheduled length, km), ``hours`` (first departure to last arrival, h),
        ``start_s`` (first departure, seconds after midnight of the service day).
    stop_times : DataFrame
        ``trip_id``, ``seq`` (0-based position on the trip), ``stop_id``, ``arr_s``, ``dep_s``
        (seconds after midnight of the service day; may exceed 86 400), ``dist_km`` (distance
        along the trip from its first stop, km).
    service_dates : DataFrame
        ``service_id``, ``date`` (datetime64[ns], midnight): the dates each service runs.
    """

    stops: pd.DataFrame
    routes: pd.DataFrame
    trips: pd.DataFrame
    stop_times: pd.DataFrame
    service_dates: pd.DataFrame

    def save(self, folder: Path) -> None:
        """Write the tables as Parquet files into ``folder`` (created when missing), each
        atomically."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in _TABLES:
            atomic_write_bytes(
                folder / f"{name}.parquet", getattr(self, name).to_parquet(index=False)
            )

    @classmethod
    def load(cls, folder: Path) -> Schedule:
        """Read a schedule written by :meth:`save`."""
        missing = [n for n in _TABLES if not (folder / f"{n}.parquet").is_file()]
        if missing:
            raise InputError(
                f"no schedule in this store (missing {', '.join(missing)}); ingest with --feed first",
                Location.of(folder),
            )
        return cls(**{n: pd.read_parquet(folder / f"{n}.parquet") for n in _TABLES})


def _col(df: pd.DataFrame, name: str, default: str = "") -> pd.Series:
    if name in df.columns:
        return df[name].fillna(default).astype(str)
    return pd.Series([default] * len(df), index=df.index, dtype=object)


def build_schedule(tables: Mapping[str, pd.DataFrame]) -> Schedule:
    """Build a :class:`Schedule` from GTFS tables of text (``stops``, ``routes``, ``trips``,
    ``stop_times``, ``calendar``, ``calendar_dates``; any may be missing or empty).

    Distances along a trip come from ``shape_dist_traveled`` when every stop time of the trip has
    one (taken as km when the trip's total is below 1 000, else metres), otherwise from straight
    lines between consecutive stops. Service dates come from :mod:`transit.gtfs.service`.
    """
    empty = pd.DataFrame()
    stops = _stops_table(tables.get("stops", empty))
    routes = _routes_table(tables.get("routes", empty))
    st = _stop_times_table(tables.get("stop_times", empty), stops)
    trips = _trips_table(tables.get("trips", empty), st)
    services = service_date_table(Feed(tables))
    st = st[st["trip_id"].isin(trips["trip_id"])].reset_index(drop=True)
    log.info("schedule: %d stops, %d trips, %d stop times", len(stops), len(trips), len(st))
    return Schedule(stops, routes, trips, st, services)


def _stops_table(stops_in: pd.DataFrame) -> pd.DataFrame:
    """``stop_id``, ``stop_name``, ``stop_lat``, ``stop_lon`` (float, NaN when unreadable)."""
    return pd.DataFrame(
        {
            "stop_id": _col(stops_in, "stop_id"),
            "stop_name": _col(stops_in, "stop_name"),
            "stop_lat": pd.to_numeric(_col(stops_in, "stop_lat", "nan"), errors="coerce"),
            "stop_lon": pd.to_numeric(_col(stops_in, "stop_lon", "nan"), errors="coerce"),
        }
    ).reset_index(drop=True)


def _routes_table(routes_in: pd.DataFrame) -> pd.DataFrame:
    """``route_id``, ``route_name`` (the short name, else the long name)."""
    short, long_ = _col(routes_in, "route_short_name"), _col(routes_in, "route_long_name")
    return pd.DataFrame(
        {"route_id": _col(routes_in, "route_id"), "route_name": short.where(short != "", long_)}
    ).reset_index(drop=True)


def _stop_times_table(st_in: pd.DataFrame, stops: pd.DataFrame) -> pd.DataFrame:
    """``trip_id``, ``seq``, ``stop_id``, ``arr_s``, ``dep_s``, ``dist_km`` (see
    :class:`Schedule`), sorted by trip and position."""
    st = _timed_stop_times(st_in)
    st["seq"] = st.groupby("trip_id").cumcount().astype("int32")
    st["dist_km"] = _distances_km(st, stops)
    return st[["trip_id", "seq", "stop_id", "arr_s", "dep_s", "dist_km"]]


def _timed_stop_times(st_in: pd.DataFrame) -> pd.DataFrame:
    """Stop times sorted by trip and ``stop_sequence``, with ``arr_s`` and ``dep_s`` in seconds
    (a missing one from the other; untimed stops interpolated within the trip) and
    ``shape_dist`` (float, NaN when missing)."""
    st = pd.DataFrame(
        {
            "trip_id": _col(st_in, "trip_id"),
            "stop_sequence": pd.to_numeric(_col(st_in, "stop_sequence", "0"), errors="coerce"),
            "stop_id": _col(st_in, "stop_id"),
            "arr_s": gtfs_seconds_array(_col(st_in, "arrival_time")),
            "dep_s": gtfs_seconds_array(_col(st_in, "departure_time")),
            "shape_dist": pd.to_numeric(_col(st_in, "shape_dist_traveled", "nan"), errors="coerce"),
        }
    )
    st = st.sort_values(["trip_id", "stop_sequence"], kind="stable").reset_index(drop=True)
    st["arr_s"] = st["arr_s"].fillna(st["dep_s"])
    st["dep_s"] = st["dep_s"].fillna(st["arr_s"])
    # untimed stops: interpolate within the trip (by position)
    gaps = st["arr_s"].isna()
    if gaps.any():
        some = st["trip_id"].isin(st.loc[gaps, "trip_id"])
        st.loc[some, ["arr_s", "dep_s"]] = (
            st[some]
            .groupby("trip_id")[["arr_s", "dep_s"]]
            .transform(lambda s: s.interpolate(limit_direction="both"))
        )
    return st


def _distances_km(st: pd.DataFrame, stops: pd.DataFrame) -> np.ndarray:
    """Distance along the trip from its first stop (km) of each stop time of ``st`` (sorted by
    trip and position): from ``shape_dist`` when the whole trip has it, else straight lines."""
    coords = stops.set_index("stop_id")[["stop_lat", "stop_lon"]]
    coords = coords[~coords.index.duplicated()]
    lat = coords["stop_lat"].reindex(st["stop_id"]).to_numpy(dtype=float)
    lon = coords["stop_lon"].reindex(st["stop_id"]).to_numpy(dtype=float)
    same_trip = np.r_[False, st["trip_id"].to_numpy()[1:] == st["trip_id"].to_numpy()[:-1]]
    step = np.zeros(len(st))
    if len(st) > 1:
        step[1:] = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]) / 1000.0
    step = np.where(same_trip & np.isfinite(step), step, 0.0)
    line_km = pd.Series(step).groupby(st["trip_id"].to_numpy()).cumsum().to_numpy()
    shape = st["shape_dist"]
    has_shape = shape.notna().groupby(st["trip_id"]).transform("all").to_numpy()
    first = shape.groupby(st["trip_id"]).transform("first")
    total = shape.groupby(st["trip_id"]).transform("max")
    scale = np.where(total.to_numpy() >= 1000, 0.001, 1.0)
    shape_km = (shape - first).to_numpy() * scale
    return np.asarray(np.where(has_shape, shape_km, line_km))


def _trips_table(trips_in: pd.DataFrame, st: pd.DataFrame) -> pd.DataFrame:
    """Trips that have stop times: ``trip_id``, ``route_id``, ``service_id``, ``direction_id``,
    ``n_stops``, ``km``, ``start_s``, ``hours`` (see :class:`Schedule`)."""
    agg = st.groupby("trip_id").agg(
        n_stops=("seq", "size"),
        km=("dist_km", "max"),
        start_s=("dep_s", "first"),
        end_s=("arr_s", "last"),
    )
    trips = pd.DataFrame(
        {
            "trip_id": _col(trips_in, "trip_id"),
            "route_id": _col(trips_in, "route_id"),
            "service_id": _col(trips_in, "service_id"),
            "direction_id": pd.to_numeric(_col(trips_in, "direction_id", "0"), errors="coerce")
            .fillna(0)
            .astype("int32"),
        }
    )
    trips = trips.merge(agg, left_on="trip_id", right_index=True, how="inner")
    trips["hours"] = (trips.pop("end_s") - trips["start_s"]) / 3600.0
    trips["n_stops"] = trips["n_stops"].astype("int32")
    return trips.reset_index(drop=True)


def read_schedule(feed_path: Path) -> Schedule:
    """Read a GTFS feed (zip or folder) with :func:`transit.gtfs.feedio.read_feed` into a
    :class:`Schedule`."""

    feed = read_feed(feed_path)
    names = ("stops", "routes", "trips", "stop_times", "calendar", "calendar_dates")
    tables = {n: feed.get(n) for n in names}
    return build_schedule(tables)


def trip_runs(schedule: Schedule) -> pd.DataFrame:
    """Every scheduled run of a trip: ``trip_id``, ``date`` (service date), ``route_id``,
    ``direction_id``, ``km``, ``hours``, ``start_s``."""
    out = schedule.trips.merge(schedule.service_dates, on="service_id", how="inner")
    cols = ["trip_id", "date", "route_id", "direction_id", "km", "hours", "start_s"]
    return out[cols].sort_values(["date", "start_s", "trip_id"]).reset_index(drop=True)
