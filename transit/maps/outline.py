"""The city outline drawn under every map, so a map reads with no tiles at all.

The Nobeoka city boundary (国土数値情報 N03, external data) is used when the external data folder
is present; otherwise maps draw no outline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transit.core.paths import external_data_dir
from transit.maps import mapkit

BOUNDARY_PARTS = ("nobeoka", "boundaries", "nobeoka_city_N03-21_s0010.geojson")


def default_boundary() -> dict[str, Any] | None:
    """The Nobeoka city boundary (external data) as GeoJSON when present, else ``None``."""
    base = external_data_dir(required=False)
    if base is None:
        return None
    path = base.joinpath(*BOUNDARY_PARTS)
    return mapkit.read_geojson(path) if path.is_file() else None


def read_boundary(path: Path | None) -> dict[str, Any] | None:
    """The GeoJSON at ``path``, or :func:`default_boundary` when ``path`` is ``None``."""
    return mapkit.read_geojson(path) if path is not None else default_boundary()
