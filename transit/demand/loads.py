"""Loads along trips: how many riders are on board between consecutive stops.

The load leaving stop position ``seq`` of a trip run is the running sum of boardings minus
alightings up to and including that stop; the segment it applies to runs from stop ``seq`` to
stop ``seq + 1`` and has the scheduled length ``seg_km``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transit.demand.records import DEFAULT_TIME_BANDS, TimeBand, time_band_of
from transit.demand.schedule import Schedule


def compute_loads(
    visits: pd.DataFrame,
    schedule: Schedule,
    *,
    bands: tuple[TimeBand, ...] = DEFAULT_TIME_BANDS,
) -> pd.DataFrame:
    """Per trip run and stop position: boardings, alightings and the load leaving the stop.

    ``visits`` has ``trip_id``, ``date``, ``day_type``, ``seq``, ``boardings``, ``alightings``
    and optionally ``fare_yen`` (see :func:`transit.demand.store.queries.stop_visits`). Every stop of an
    observed trip run is listed, with zeros where nobody boarded or alighted.

    Returns ``trip_id``, ``date``, ``day_type``, ``route_id``, ``direction_id``, ``seq``,
    ``stop_id``, ``boardings``, ``alightings``, ``fare_yen``, ``load`` (riders on board leaving
    the stop), ``seg_km`` (km to the next stop, 0 at the last), ``pax_km`` (``load × seg_km``),
    ``dep_s`` (scheduled departure, s), ``time_band`` (band of the scheduled departure at the
    stop) and ``trip_band`` (band of the trip's first departure).
    """
    runs = visits[["trip_id", "date", "day_type"]].drop_duplicates()
    st = schedule.stop_times[["trip_id", "seq", "stop_id", "dep_s", "dist_km"]]
    grid = runs.merge(st, on="trip_id", how="inner")
    cols = ["trip_id", "date", "seq", "boardings", "alightings"]
    if "fare_yen" in visits.columns:
        cols.append("fare_yen")
    out = grid.merge(visits[cols], on=["trip_id", "date", "seq"], how="left")
    if "fare_yen" not in out.columns:
        out["fare_yen"] = 0
    for c in ("boardings", "alightings", "fare_yen"):
        out[c] = out[c].fillna(0).astype("int64")
    out = out.sort_values(["trip_id", "date", "seq"], kind="stable").reset_index(drop=True)
    net = out["boardings"] - out["alightings"]
    out["load"] = net.groupby([out["trip_id"], out["date"]]).cumsum().astype("int64")
    nxt = out.groupby(["trip_id", "date"])["dist_km"].shift(-1)
    out["seg_km"] = (nxt - out["dist_km"]).fillna(0.0).clip(lower=0.0)
    out["pax_km"] = out["load"] * out["seg_km"]
    trips = schedule.trips.set_index("trip_id")
    out["route_id"] = trips["route_id"].reindex(out["trip_id"]).to_numpy()
    out["direction_id"] = trips["direction_id"].reindex(out["trip_id"]).to_numpy()
    start = trips["start_s"].reindex(out["trip_id"]).to_numpy()
    out["time_band"] = _bands(out["dep_s"].to_numpy(), bands)
    out["trip_band"] = _bands(start, bands)
    cols_out = [
        "trip_id", "date", "day_type", "route_id", "direction_id", "seq", "stop_id",
        "boardings", "alightings", "fare_yen", "load", "seg_km", "pax_km", "dep_s",
        "time_band", "trip_band",
    ]  # fmt: skip
    return out[cols_out]


def _bands(seconds: np.ndarray, bands: tuple[TimeBand, ...]) -> np.ndarray:
    uniq, inv = np.unique(np.nan_to_num(seconds, nan=-1.0), return_inverse=True)
    names = np.array([time_band_of(s, bands) if s >= 0 else "" for s in uniq], dtype=object)
    return np.asarray(names[inv])


def route_load_profile(loads: pd.DataFrame) -> pd.DataFrame:
    """Average load profile of each route and direction, by stop position.

    Returns ``route_id``, ``direction_id``, ``seq``, ``stop_id`` (most common at that position),
    ``runs`` (trip runs through it), ``boardings``, ``alightings`` (totals), ``mean_load``
    (average riders on board leaving the stop per run), ``max_load``, ``pax_km``.
    """
    g = loads.groupby(["route_id", "direction_id", "seq"], sort=True)
    out = g.agg(
        stop_id=("stop_id", lambda s: s.mode().iloc[0]),
        runs=("load", "size"),
        boardings=("boardings", "sum"),
        alightings=("alightings", "sum"),
        mean_load=("load", "mean"),
        max_load=("load", "max"),
        pax_km=("pax_km", "sum"),
    )
    return out.reset_index()


def load_profile_from_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Load profile from stop counts along a line (kinds b and c): rows grouped by
    ``route_id``, ``direction_id`` (and ``trip_id``, ``day_type`` when given), ordered by
    ``stop_sequence``; the load leaving a stop is the running sum of boardings − alightings.

    Returns the input columns plus ``load`` (persons; negative values mean the counts do not
    balance upstream).
    """
    keys = [c for c in ("route_id", "direction_id", "trip_id", "day_type") if c in counts.columns]
    out = counts.sort_values([*keys, "stop_sequence"], kind="stable").reset_index(drop=True)
    net = out["boardings"] - out["alightings"]
    out["load"] = net.groupby([out[k] for k in keys]).cumsum() if keys else net.cumsum()
    return out
