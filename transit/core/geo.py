"""Small geodesy helpers shared by every pipeline (WGS84 degrees in, metres out)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8

F = TypeVar("F", float, npt.NDArray[np.float64])


def haversine_m(lat1: F, lon1: F, lat2: F, lon2: F) -> F:
    """Great-circle distance in metres; scalars give a float, arrays an array (broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    if np.ndim(dist) == 0:
        return float(dist)  # type: ignore[return-value]
    return np.asarray(dist, dtype=np.float64)  # type: ignore[return-value]
