"""On-demand zones: the polygon of an ``on_demand`` edit, read from a GeoJSON file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from transit.core.errors import DataNotFoundError, InputError, Location


def read_zone(path: Path, area_id: str = "") -> BaseGeometry:
    """The polygon of feature ``area_id`` (its ``area_id`` or ``id`` property) in a GeoJSON
    file, or of its only feature when ``area_id`` is empty; raises a located input error."""
    if not path.is_file():
        raise DataNotFoundError(f"on-demand area file not found: {path}")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a GeoJSON file ({exc})", Location.of(path)) from exc
    feats = data.get("features", [data]) if isinstance(data, dict) else []
    if area_id:
        feats = [
            f
            for f in feats
            if area_id in {str((f.get("properties") or {}).get(k)) for k in ("area_id", "id")}
        ]
    if not feats:
        raise InputError(f"no feature with area_id {area_id!r}", Location.of(path))
    if len(feats) > 1:
        raise InputError("more than one feature: give area_id", Location.of(path))
    try:
        geom = shape(feats[0]["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"feature has no readable geometry ({exc})", Location.of(path)) from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
        raise InputError(f"the area must be a polygon, got {geom.geom_type}", Location.of(path))
    return geom


def inside(zone: BaseGeometry, lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Which points ``(lat, lon)`` lie inside (or on the edge of) ``zone``."""
    la = np.asarray(lat, dtype=float)
    lo = np.asarray(lon, dtype=float)
    ok = np.isfinite(la) & np.isfinite(lo)
    out = np.zeros(la.shape, dtype=bool)
    out[ok] = shapely.covers(zone, shapely.points(lo[ok], la[ok]))
    return out
