"""Trip-level operations on a feed's tables, shared by the edits: stops named in a scenario,
the calls (stop times) of trips, writing calls back, and cutting a shape.

Every function takes a :class:`~transit.gtfs.feedio.Feed` (tables of text) and returns new
frames; nothing is changed in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from transit.core.geo import haversine_m
from transit.core.gtfstime import format_time, gtfs_seconds_array
from transit.gtfs.feedio import Feed

Point = tuple[float, float]
"""``(lat, lon)`` in degrees."""


def stop_set(feed: Feed, ref: str) -> frozenset[str]:
    """The poles (stops riders board at) that ``ref`` names: a pole's ``stop_id``, a station's
    ``stop_id`` (its poles), or a ``stop_name`` (every pole of that name); empty when none."""
    stops = feed.stops
    ids = stops["stop_id"].astype(str)
    kind = feed.column("stops", "location_type").astype(str)
    parent = feed.column("stops", "parent_station").astype(str)
    poles = kind != "1"
    if ref in set(ids[poles]):
        return frozenset([ref])
    children = set(ids[poles & (parent == ref)])
    if children:
        return frozenset(children)
    named = feed.column("stops", "stop_name").astype(str) == ref
    return frozenset(ids[poles & named])


def stop_points(feed: Feed) -> dict[str, Point]:
    """Every stop's ``(lat, lon)`` (stops without coordinates left out)."""
    lat = pd.to_numeric(feed.column("stops", "stop_lat"), errors="coerce")
    lon = pd.to_numeric(feed.column("stops", "stop_lon"), errors="coerce")
    out: dict[str, Point] = {}
    for sid, la, lo in zip(feed.stops["stop_id"].astype(str), lat, lon, strict=True):
        if pd.notna(la) and pd.notna(lo):
            out[sid] = (float(la), float(lo))
    return out


def column_map(feed: Feed, table: str, key: str, value: str) -> dict[str, str]:
    """``key`` → ``value`` over the rows of a table (text; blank where the column is missing)."""
    return dict(
        zip(feed.column(table, key).astype(str), feed.column(table, value).astype(str), strict=True)
    )


def fare_prices(feed: Feed) -> dict[str, float]:
    """``fare_id`` → price (yen; NaN when not a number)."""
    prices = pd.to_numeric(feed.column("fare_attributes", "price"), errors="coerce")
    ids = feed.column("fare_attributes", "fare_id").astype(str)
    return {f: float(p) for f, p in zip(ids, prices, strict=True)}


def fare_table(feed: Feed) -> dict[tuple[str, str, str], float]:
    """``(route_id, origin zone, destination zone)`` → price of every fare rule."""
    price = fare_prices(feed)
    cols = [
        feed.column("fare_rules", c).astype(str)
        for c in ("route_id", "origin_id", "destination_id", "fare_id")
    ]
    return {(r, o, d): price.get(f, np.nan) for r, o, d, f in zip(*cols, strict=True)}


def stop_names(feed: Feed) -> dict[str, str]:
    """Stop id → stop name."""
    return column_map(feed, "stops", "stop_id", "stop_name")


def nearest_pole(feed: Feed, ref: str, near: Point | None) -> str:
    """The pole ``ref`` names that is nearest to ``near`` (the first by id when ``near`` is
    ``None``); raises :class:`KeyError` when ``ref`` names none."""
    poles = sorted(stop_set(feed, ref))
    if not poles:
        raise KeyError(ref)
    if near is None or len(poles) == 1:
        return poles[0]
    pts = stop_points(feed)
    return min(poles, key=lambda p: haversine_m(near[0], near[1], *pts.get(p, near)))


def route_trips(feed: Feed, route: str) -> pd.DataFrame:
    """The ``trips`` rows of ``route``."""
    trips = feed.trips
    return trips[trips["route_id"].astype(str) == route]


def calls_of(feed: Feed, trip_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The stop times of each trip in call order, with ``arr_s`` and ``dep_s`` (seconds, NaN
    where blank) added; a trip without stop times maps to an empty frame."""
    wanted = list(dict.fromkeys(trip_ids))
    st = feed.stop_times
    st = st[st["trip_id"].astype(str).isin(set(wanted))].copy()
    st["_seq"] = pd.to_numeric(st["stop_sequence"], errors="coerce")
    st["arr_s"] = gtfs_seconds_array(st["arrival_time"])
    st["dep_s"] = gtfs_seconds_array(st["departure_time"])
    st = st.sort_values(["trip_id", "_seq"], kind="stable").drop(columns="_seq")
    groups = {str(t): g.reset_index(drop=True) for t, g in st.groupby("trip_id", sort=False)}
    empty = st.iloc[0:0]
    return {t: groups.get(t, empty) for t in wanted}


def with_times(
    calls: pd.DataFrame, arr: Sequence[float] | pd.Series, dep: Sequence[float] | pd.Series
) -> pd.DataFrame:
    """``calls`` with new ``arr_s``/``dep_s`` and their ``HH:MM:SS`` text (blank where NaN)."""
    out = calls.copy()
    out["arr_s"] = np.asarray(arr, dtype=float)
    out["dep_s"] = np.asarray(dep, dtype=float)
    out["arrival_time"] = [_text(v) for v in out["arr_s"]]
    out["departure_time"] = [_text(v) for v in out["dep_s"]]
    return out


def _text(seconds: float) -> str:
    return "" if pd.isna(seconds) else format_time(round(float(seconds)))


def shifted(calls: pd.DataFrame, by_s: float) -> pd.DataFrame:
    """``calls`` with every time moved by ``by_s`` seconds."""
    return with_times(calls, calls["arr_s"] + by_s, calls["dep_s"] + by_s)


def new_call(template: pd.DataFrame, stop_id: str, arr_s: float, dep_s: float) -> pd.DataFrame:
    """One call at ``stop_id`` shaped like the rows of ``template`` (other columns blank,
    ``timepoint`` 1 when the feed has it)."""
    row = dict.fromkeys(template.columns, "")
    row.update({"trip_id": str(template["trip_id"].iloc[0]), "stop_id": stop_id})
    if "timepoint" in row:
        row["timepoint"] = "1"
    return with_times(pd.DataFrame([row]), [arr_s], [dep_s])


def put_calls(
    feed: Feed, calls: Mapping[str, pd.DataFrame | None], *, trips: pd.DataFrame | None = None
) -> Feed:
    """A feed whose trips in ``calls`` have those stop times (``None`` or fewer than two calls
    removes the trip); ``trips`` replaces the ``trips`` table when given. Sequences are
    renumbered 1, 2, … in the given order."""
    st = feed.stop_times
    st = st[~st["trip_id"].astype(str).isin(set(calls))]
    parts = [st]
    dropped: set[str] = set()
    for trip_id, rows in calls.items():
        if rows is None or len(rows) < 2:
            dropped.add(trip_id)
            continue
        out = rows.drop(columns=["arr_s", "dep_s"], errors="ignore").copy()
        out["trip_id"] = trip_id
        out["stop_sequence"] = [str(i) for i in range(1, len(out) + 1)]
        if "shape_dist_traveled" in out.columns:  # distances along the old shape no longer hold
            out["shape_dist_traveled"] = ""
        parts.append(out[[c for c in st.columns if c in out.columns]])
    table = trips if trips is not None else feed.trips
    table = table[~table["trip_id"].astype(str).isin(dropped)].copy()
    if "block_id" in table.columns:  # a changed trip may now overlap its block's next trip
        table.loc[table["trip_id"].astype(str).isin(set(calls)), "block_id"] = ""
    new_st = pd.concat(parts, ignore_index=True).fillna("")
    return feed.replace(stop_times=new_st, trips=table.reset_index(drop=True))


def shape_points(feed: Feed, shape_id: str) -> list[Point]:
    """The points of a shape in sequence order (empty when the feed has no such shape)."""
    shapes = feed.get("shapes")
    if shapes.empty or not shape_id:
        return []
    rows = shapes[shapes["shape_id"].astype(str) == shape_id].copy()
    rows["_seq"] = pd.to_numeric(rows["shape_pt_sequence"], errors="coerce")
    rows = rows.sort_values("_seq", kind="stable")
    lat = pd.to_numeric(rows["shape_pt_lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(rows["shape_pt_lon"], errors="coerce").to_numpy(dtype=float)
    return list(zip(lat.tolist(), lon.tolist(), strict=True))


def cut_shape(points: Sequence[Point], first: Point, last: Point) -> list[Point]:
    """The part of a shape from the point nearest ``first`` to the point nearest ``last`` after
    it, ending exactly at the two stops (just the two stops when the shape is empty)."""
    if len(points) < 2:
        return [first, last]
    lat = np.array([p[0] for p in points], dtype=np.float64)
    lon = np.array([p[1] for p in points], dtype=np.float64)
    to_first = haversine_m(lat, lon, np.full_like(lat, first[0]), np.full_like(lon, first[1]))
    i = int(np.argmin(to_first))
    to_last = haversine_m(
        lat[i:], lon[i:], np.full(len(lat) - i, last[0]), np.full(len(lon) - i, last[1])
    )
    j = i + int(np.argmin(to_last))
    return [first, *points[i + 1 : j], last]
