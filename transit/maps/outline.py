"""The city outline drawn under every map, so a map reads with no tiles at all.

The Nobeoka city boundary (国土数値情報 N03, external data) is used when the external data folder
is present; otherwise maps draw no outline, or (the atlas) an approximate outline of their own:
the convex hull of the candidate areas and the stops (:func:`approximate_outline`), labelled so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from transit.core.paths import external_data_dir
from transit.maps import mapkit
from transit.maps.sources import ATTRIBUTIONS

BOUNDARY_PARTS = ("nobeoka", "boundaries", "nobeoka_city_N03-21_s0010.geojson")


def default_boundary_path() -> Path:
    """Where the Nobeoka city boundary lives in the external data (it may be absent)."""
    base = external_data_dir(required=False)
    return (base or Path("external")).joinpath(*BOUNDARY_PARTS)


def default_boundary() -> dict[str, Any] | None:
    """The Nobeoka city boundary (external data) as GeoJSON when present, else ``None``."""
    path = default_boundary_path()
    return mapkit.read_geojson(path) if path.is_file() else None


@dataclass(frozen=True)
class CityBoundary:
    """The real city boundary for a map, when the external data holds it: its ``geojson``,
    the ``credits`` its licence requires (国土数値情報) and its ``path`` (an input to record in
    the map's provenance); all empty when absent."""

    geojson: dict[str, Any] | None = None
    credits: tuple[str, ...] = ()
    path: Path | None = None


def city_boundary() -> CityBoundary:
    """The Nobeoka city boundary (:func:`default_boundary`) with its credit, or an empty
    :class:`CityBoundary` when the external data is absent."""
    path = default_boundary_path()
    if not path.is_file():
        return CityBoundary()
    return CityBoundary(mapkit.read_geojson(path), (ATTRIBUTIONS["n03"],), path)


def read_boundary(path: Path | None) -> dict[str, Any] | None:
    """The GeoJSON at ``path``, or :func:`default_boundary` when ``path`` is ``None``."""
    return mapkit.read_geojson(path) if path is not None else default_boundary()


def approximate_outline(
    areas: Mapping[str, Any] | None,
    points: Iterable[tuple[float, float]],
    *,
    pad_deg: float = 0.01,
) -> dict[str, Any] | None:
    """An approximate city outline: the convex hull of the ``areas`` polygons (GeoJSON) and the
    ``points`` (``(lon, lat)``, e.g. the stops), padded by ``pad_deg`` degrees (about 1 km).

    Returns a GeoJSON FeatureCollection of one polygon with ``approximate: true``, or ``None``
    when there is nothing to wrap."""
    geoms = [shape(f["geometry"]) for f in (areas or {}).get("features", []) if f.get("geometry")]
    pts = [(float(x), float(y)) for x, y in points]
    if pts:
        geoms.append(shapely.MultiPoint(pts))
    if not geoms:
        return None
    hull = shapely.union_all(geoms).convex_hull.buffer(pad_deg, quad_segs=4)
    hull = shapely.set_precision(hull, 1e-5)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"approximate": True}, "geometry": mapping(hull)}
        ],
    }
