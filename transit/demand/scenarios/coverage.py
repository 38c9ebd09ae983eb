"""Who lives within walking distance of a served stop, and who lives in a 交通空白地.

A population point is *covered* at radius ``r`` when a stop served by at least one trip of the
scenario lies within ``r`` metres (straight line); it is in a transit blank area (交通空白地)
when no served stop lies within ``blank_radius_m`` and it is outside every on-demand zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from transit.core.errors import DataNotFoundError, InputError, Location
from transit.core.geo import haversine_m
from transit.demand.scenarios.zones import inside

#: Coverage radii (m) of ``pop_within_300m`` and ``pop_within_500m``.
RADII = (300.0, 500.0)


def read_population(path: Path) -> pd.DataFrame:
    """Population points (CSV with ``lon``, ``lat``, ``population``; optional ``point_id``,
    ``elderly``): returns those columns, numbers as floats."""
    if not path.is_file():
        raise DataNotFoundError(f"population file not found: {path}")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = sorted({"lon", "lat", "population"} - set(df.columns))
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", Location.of(path))
    out = pd.DataFrame(
        {"point_id": df.get("point_id", pd.Series([f"P{i + 1}" for i in range(len(df))]))}
    )
    for col in ("lon", "lat", "population", "elderly"):
        values = (
            pd.to_numeric(df[col], errors="coerce")
            if col in df.columns
            else pd.Series(0.0, index=df.index)
        )
        bad = np.flatnonzero(values.isna().to_numpy())
        if len(bad):
            raise InputError("not a number", Location.of(path, row=int(bad[0]) + 2, column=col))
        out[col] = values.astype(float).to_numpy()
    return out


def compute_coverage(
    population: pd.DataFrame,
    stops: pd.DataFrame,
    zones: Sequence[BaseGeometry],
    *,
    blank_radius_m: float,
) -> dict[str, float]:
    """Coverage of ``population`` by the served ``stops`` (``stop_lat``, ``stop_lon``).

    Returns ``pop_total``, ``pop_within_300m``, ``pop_within_500m``, ``pop_unserved``
    (persons in 交通空白地), ``pop_in_on_demand_zones`` and ``elderly_unserved``.
    """
    lat = population["lat"].to_numpy(dtype=float)
    lon = population["lon"].to_numpy(dtype=float)
    near = np.full(len(population), np.inf)
    s_lat = stops["stop_lat"].to_numpy(dtype=float)
    s_lon = stops["stop_lon"].to_numpy(dtype=float)
    for lo in range(0, len(population), 2048):
        part = slice(lo, lo + 2048)
        if len(s_lat):
            d = haversine_m(lat[part, None], lon[part, None], s_lat[None, :], s_lon[None, :])
            near[part] = np.min(d, axis=1)
    in_zone = np.zeros(len(population), dtype=bool)
    for zone in zones:
        in_zone |= inside(zone, lat, lon)
    people = population["population"].to_numpy(dtype=float)
    elderly = population["elderly"].to_numpy(dtype=float)
    blank = (near > blank_radius_m) & ~in_zone
    out = {"pop_total": float(people.sum())}
    for r in RADII:
        out[f"pop_within_{r:.0f}m"] = float(people[near <= r].sum())
    out["pop_unserved"] = float(people[blank].sum())
    out["pop_in_on_demand_zones"] = float(people[in_zone].sum())
    out["elderly_unserved"] = float(elderly[blank].sum())
    return out
