"""Ridership KPIs by route, trip, stop, time band and day type (names from the design notes).

``boardings``, ``alightings`` (persons), ``pax_km`` (passenger-km), ``max_load`` (most riders on
board on one segment of one run) and where (``max_load_stop_id``: the stop the segment starts
at), ``avg_load`` (平均乗車密度 = pax_km / vehicle_km), ``boardings_per_vehicle_hour``,
``boardings_per_vehicle_km``, ``farebox_ratio`` (収支率 = fare revenue / operating cost, when
fares and a cost per vehicle-km or vehicle-hour are given). Vehicle-km and vehicle-hours count
every scheduled run between the first and last service date with data, ridden or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transit.core.assumptions import from_table
from transit.demand.loads import _bands
from transit.demand.records import DEFAULT_TIME_BANDS, TimeBand, day_type_of
from transit.demand.schedule import Schedule, trip_runs


@dataclass(frozen=True)
class KpiOptions:
    """Options of the KPI tables.

    ``flat_fare_yen``: revenue per boarding when taps carry no fare; ``cost_per_vehicle_km`` /
    ``cost_per_vehicle_hour`` (yen) give the operating cost for ``farebox_ratio``;
    ``min_avg_load``: trips (and routes) below it are flagged; ``min_segment_load``: route
    segments whose mean load is below it are flagged; ``k``: small-cell threshold.
    """

    flat_fare_yen: float | None = None
    cost_per_vehicle_km: float | None = None
    cost_per_vehicle_hour: float | None = None
    min_avg_load: float = from_table("demand.kpis.min_avg_load")
    min_segment_load: float = from_table("demand.kpis.min_segment_load")
    k: int = from_table("privacy.k")
    time_bands: tuple[TimeBand, ...] = DEFAULT_TIME_BANDS


KPI_COLUMNS = (
    "boardings",
    "alightings",
    "pax_km",
    "max_load",
    "max_load_stop_id",
    "runs",
    "vehicle_km",
    "vehicle_hours",
    "avg_load",
    "boardings_per_vehicle_hour",
    "boardings_per_vehicle_km",
    "fare_yen",
    "cost_yen",
    "farebox_ratio",
)


def scheduled_runs(
    schedule: Schedule,
    first: pd.Timestamp,
    last: pd.Timestamp,
    *,
    bands: tuple[TimeBand, ...] = DEFAULT_TIME_BANDS,
) -> pd.DataFrame:
    """Scheduled trip runs with service dates in ``[first, last]``: ``trip_id``, ``date``,
    ``day_type``, ``route_id``, ``direction_id``, ``trip_band``, ``km``, ``hours``."""
    runs = trip_runs(schedule)
    runs = runs[(runs["date"] >= first) & (runs["date"] <= last)].copy()
    runs["day_type"] = runs["date"].dt.date.map(day_type_of)
    runs["trip_band"] = _bands(runs["start_s"].to_numpy(dtype=float), bands)
    return runs.reset_index(drop=True)


def compute_kpis(
    loads: pd.DataFrame,
    runs: pd.DataFrame,
    keys: Sequence[str],
    *,
    options: KpiOptions | None = None,
) -> pd.DataFrame:
    """KPIs grouped by ``keys`` (columns present in both ``loads`` and ``runs``, e.g.
    ``["route_id"]``, ``["trip_id"]``, ``["trip_band", "day_type"]``).

    ``loads`` comes from :func:`transit.demand.loads.compute_loads`, ``runs`` from
    :func:`scheduled_runs`. Returns ``keys`` + :data:`KPI_COLUMNS` (see the module docstring;
    km, hours, yen; ratios NaN where undefined), sorted by ``keys``.
    """
    opts = options or KpiOptions()
    keys = list(keys)
    lg = loads.groupby(keys, sort=True, dropna=False)
    agg = lg.agg(
        boardings=("boardings", "sum"),
        alightings=("alightings", "sum"),
        pax_km=("pax_km", "sum"),
        max_load=("load", "max"),
        fare_yen=("fare_yen", "sum"),
    )
    at_max = loads.loc[lg["load"].idxmax().to_numpy(), [*keys, "stop_id"]]
    agg["max_load_stop_id"] = at_max.set_index(keys)["stop_id"].reindex(agg.index)
    rg = runs.groupby(keys, sort=True, dropna=False).agg(
        runs=("km", "size"), vehicle_km=("km", "sum"), vehicle_hours=("hours", "sum")
    )
    out = rg.join(agg, how="outer")
    for c in ("boardings", "alightings", "max_load", "runs", "fare_yen"):
        out[c] = out[c].fillna(0).astype("int64")
    for c in ("pax_km", "vehicle_km", "vehicle_hours"):
        out[c] = out[c].fillna(0.0)
    vkm = out["vehicle_km"].where(out["vehicle_km"] > 0)
    vh = out["vehicle_hours"].where(out["vehicle_hours"] > 0)
    out["avg_load"] = out["pax_km"] / vkm
    out["boardings_per_vehicle_hour"] = out["boardings"] / vh
    out["boardings_per_vehicle_km"] = out["boardings"] / vkm
    if opts.flat_fare_yen is not None:
        out["fare_yen"] = (out["boardings"] * opts.flat_fare_yen).round().astype("int64")
    cost = pd.Series(0.0, index=out.index)
    have_cost = False
    if opts.cost_per_vehicle_km is not None:
        cost += out["vehicle_km"] * opts.cost_per_vehicle_km
        have_cost = True
    if opts.cost_per_vehicle_hour is not None:
        cost += out["vehicle_hours"] * opts.cost_per_vehicle_hour
        have_cost = True
    out["cost_yen"] = cost if have_cost else np.nan
    out["farebox_ratio"] = out["fare_yen"] / out["cost_yen"].where(out["cost_yen"] > 0)
    out = out.reset_index()
    order = {b.name: i for i, b in enumerate(opts.time_bands)}
    out = out.sort_values(
        keys, key=lambda s: s.map(order) if str(s.name).endswith("_band") else s, kind="stable"
    ).reset_index(drop=True)
    return out[[*keys, *KPI_COLUMNS]]


def stop_kpis(loads: pd.DataFrame, schedule: Schedule, keys: Sequence[str] = ()) -> pd.DataFrame:
    """Boardings and alightings per stop (and ``keys``, e.g. ``["day_type", "time_band"]``):
    ``stop_id``, ``stop_name``, ``stop_lat``, ``stop_lon``, keys, ``boardings``, ``alightings``,
    ``fare_yen``."""
    g = loads.groupby(["stop_id", *keys], sort=True)
    out = g[["boardings", "alightings", "fare_yen"]].sum().reset_index()
    stops = schedule.stops.drop_duplicates("stop_id")
    out = out.merge(stops, on="stop_id", how="left")
    return out[
        [
            "stop_id",
            "stop_name",
            "stop_lat",
            "stop_lon",
            *keys,
            "boardings",
            "alightings",
            "fare_yen",
        ]
    ]


def segment_flags(profile: pd.DataFrame, *, min_segment_load: float) -> pd.DataFrame:
    """Route segments whose mean load is below ``min_segment_load`` (last stops excluded).

    ``profile`` comes from :func:`transit.demand.loads.route_load_profile`."""
    last = profile.groupby(["route_id", "direction_id"])["seq"].transform("max")
    low = (profile["mean_load"] < min_segment_load) & (profile["seq"] < last)
    return profile[low].reset_index(drop=True)


def trip_flags(trip_table: pd.DataFrame, *, min_avg_load: float) -> pd.DataFrame:
    """Trips whose ``avg_load`` (平均乗車密度) is below ``min_avg_load``."""
    return trip_table[trip_table["avg_load"].fillna(0.0) < min_avg_load].reset_index(drop=True)
