"""An area's data files, read and checked: the polygon, the population, the destinations, the
bus hubs and the depot.

The polygon must be a valid (:func:`shapely.is_valid`; the reason from
:func:`shapely.validation.explain_validity`), non-empty polygon with numeric coordinates;
population and destination coordinates must be finite numbers; the depot must name a place or a
kind of the area's destinations, or be ``"lon,lat"``. Each refusal is an
:class:`~transit.core.errors.InputError` naming the file and the key (the GeoJSON member, the CSV
row and column, or the area file's key).
"""

from __future__ import annotations

import json
import math
import typing
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from transit.core.errors import ConfigError, DataNotFoundError, InputError, Location
from transit.gtfs.feedio import read_feed
from transit.routing.areas.config import AreaConfig
from transit.routing.sim.setup import iter_rows

#: Geometry types an area may have.
POLYGON_TYPES = ("Polygon", "MultiPolygon")


def read_area_polygon(cfg: AreaConfig) -> BaseGeometry:
    """The service-area polygon (WGS84) of the area's ``id`` in its GeoJSON file; with
    ``polygon = ""`` the convex hull of every population point, buffered by about 1 km (a
    whole-city study). Raises a located :class:`InputError` when the feature is missing, has
    coordinates that are not numbers, or is not a valid, non-empty polygon."""
    if not cfg.area.polygon:
        pts = read_csv_table(cfg.path(cfg.area.population), required=("lon", "lat"))
        lon = _numeric(pts["lon"], cfg.path(cfg.area.population), "lon")
        lat = _numeric(pts["lat"], cfg.path(cfg.area.population), "lat")
        return shapely.MultiPoint(list(zip(lon, lat, strict=True))).convex_hull.buffer(0.01)
    path = cfg.path(cfg.area.polygon)
    if not path.is_file():
        raise DataNotFoundError(f"area polygon file not found: {path}")
    try:
        data = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid GeoJSON: {exc}", Location.of(path)) from exc
    if not isinstance(data, dict):
        raise InputError("not a GeoJSON object", Location.of(path))
    feats = data.get("features", [data] if data.get("type") == "Feature" else [])
    feats = feats if isinstance(feats, list) else []
    chosen = [i for i, f in enumerate(feats) if _area_id(f) == cfg.area.id]
    if not chosen and len(feats) == 1:
        chosen = [0]
    if not chosen:
        ids = sorted(_area_id(f) for f in feats)
        raise InputError(
            f"no feature with area_id {cfg.area.id!r} (found: {', '.join(ids)})", Location.of(path)
        )
    return area_geometry(feats[chosen[0]], path=path, index=chosen[0], area_id=cfg.area.id)


def area_geometry(feature: Any, *, path: Path, index: int, area_id: str) -> BaseGeometry:
    """The polygon of GeoJSON ``feature`` (number ``index`` of the file ``path``), checked:
    numeric coordinates, a polygon, not empty, valid."""
    where = f"features[{index}].geometry"
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict):
        raise InputError(f"area {area_id!r} has no geometry", Location.of(path, field=where))
    bad = _bad_position(geometry.get("coordinates"), "coordinates")
    if bad is not None:
        key, value = bad
        raise InputError(
            f"not a position [lon, lat] in degrees: {value!r}",
            Location.of(path, field=f"{where}.{key}"),
        )
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise InputError(
            f"area {area_id!r} is not a readable geometry ({exc})", Location.of(path, field=where)
        ) from exc
    if geom.geom_type not in POLYGON_TYPES:
        raise InputError(f"area {area_id!r} is not a polygon", Location.of(path, field=where))
    if geom.is_empty:
        raise InputError(f"area {area_id!r} is an empty polygon", Location.of(path, field=where))
    if not geom.is_valid:
        raise InputError(
            f"area {area_id!r} is not a valid polygon: {explain_validity(geom)}",
            Location.of(path, field=where),
        )
    return geom


def _area_id(feature: Any) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    return str(props.get("area_id", "")) if isinstance(props, dict) else ""


def _bad_position(coords: Any, key: str) -> tuple[str, Any] | None:
    """The first position of a GeoJSON coordinate array that is not ``[lon, lat]`` in degrees
    (finite numbers, |lon| ≤ 180, |lat| ≤ 90): its key (``coordinates[0][3]``) and value."""
    if not isinstance(coords, list) or not coords:
        return key, coords
    if not isinstance(coords[0], list):  # a position
        ok = 2 <= len(coords) <= 3 and all(_is_number(v) for v in coords)
        return None if ok and abs(coords[0]) <= 180 and abs(coords[1]) <= 90 else (key, coords)
    for i, item in enumerate(coords):
        found = _bad_position(item, f"{key}[{i}]")
        if found is not None:
            return found
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_population(cfg: AreaConfig, polygon: BaseGeometry) -> pd.DataFrame:
    """Population points inside the area polygon.

    Returns columns ``point_id`` (str), ``lon``, ``lat`` (degrees), ``population``, ``elderly``
    (persons; 0 when the file has no ``elderly`` column).
    """
    path = cfg.path(cfg.area.population)
    df = read_csv_table(path, required=("lon", "lat", "population"))
    if "point_id" not in df.columns:
        df["point_id"] = [f"P{i + 1}" for i in range(len(df))]
    if "elderly" not in df.columns:
        df["elderly"] = 0.0
    for col in ("lon", "lat", "population", "elderly"):
        df[col] = _numeric(df[col], path, col)
    inside = shapely.contains_xy(polygon, df["lon"].to_numpy(), df["lat"].to_numpy())
    out = df.loc[
        inside & (df["population"] > 0), ["point_id", "lon", "lat", "population", "elderly"]
    ]
    out = out.astype({"point_id": str}).reset_index(drop=True)
    if out.empty:
        raise InputError(f"no population inside area {cfg.area.id!r}", Location.of(path))
    return typing.cast(pd.DataFrame, out)


def read_destinations(cfg: AreaConfig, polygon: BaseGeometry) -> pd.DataFrame:
    """Destinations (``places.csv`` rows) inside the area polygon buffered by
    ``destination_buffer_m``.

    Returns columns ``place_id``, ``name_ja``, ``kind`` (str), ``lon``, ``lat``.
    """
    path = cfg.path(cfg.area.destinations)
    df = read_csv_table(path, required=("place_id", "kind", "lon", "lat"))
    if "name_ja" not in df.columns:
        df["name_ja"] = df["place_id"]
    for col in ("lon", "lat"):
        df[col] = _numeric(df[col], path, col)
    deg = cfg.area.destination_buffer_m / 111_000.0
    zone = polygon.buffer(deg)
    inside = shapely.contains_xy(zone, df["lon"].to_numpy(), df["lat"].to_numpy())
    out = df.loc[inside, ["place_id", "name_ja", "kind", "lon", "lat"]].astype(
        {"place_id": str, "name_ja": str, "kind": str}
    )
    if cfg.area.hub_stops:
        out = pd.concat([out, read_hub_stops(cfg)], ignore_index=True)
    out = out.reset_index(drop=True)
    if out.empty:
        raise InputError(f"no destination inside area {cfg.area.id!r}", Location.of(path))
    return typing.cast(pd.DataFrame, out)


def read_hub_stops(cfg: AreaConfig) -> pd.DataFrame:
    """The area's ``hub_stops`` as destinations (kind ``bus_hub``, ``place_id`` = stop id), with
    coordinates from the ``gtfs`` source folder's ``stops.csv`` or the feed's ``stops.txt``."""
    if not cfg.area.gtfs:
        raise ConfigError("hub_stops needs gtfs (where the stops are)", cfg.at("area.gtfs"))
    src = cfg.path(cfg.area.gtfs)
    if (src / "stops.csv").is_file():
        stops = read_csv_table(src / "stops.csv", required=("stop_id", "stop_lat", "stop_lon"))
    else:
        stops = read_feed(src).stops
    stops = stops.set_index("stop_id")
    rows = []
    for sid in cfg.area.hub_stops:
        if sid not in stops.index:
            raise ConfigError(f"hub stop {sid!r} not in {src.name}", cfg.at("area.hub_stops"))
        rec = typing.cast(pd.Series, stops.loc[sid])
        rows.append(
            {
                "place_id": sid,
                "name_ja": str(rec.get("stop_name", sid)),
                "kind": "bus_hub",
                "lon": float(rec["stop_lon"]),
                "lat": float(rec["stop_lat"]),
            }
        )
    return pd.DataFrame(rows, columns=["place_id", "name_ja", "kind", "lon", "lat"])


def depot_location(cfg: AreaConfig, destinations: pd.DataFrame) -> tuple[float, float]:
    """(lon, lat) of the depot: a ``place_id`` of the area's ``destinations``, a ``kind`` (its
    first place), or ``"lon,lat"``; anything else raises :class:`ConfigError` at
    ``fleet.depot`` naming the places the area has."""
    spec = cfg.fleet.depot.strip()
    by_id = destinations[destinations["place_id"] == spec]
    if by_id.empty:
        by_id = destinations[destinations["kind"] == spec]
    if not by_id.empty:
        first = next(iter_rows(by_id))
        return float(first.lon), float(first.lat)
    if "," in spec:
        parts = spec.split(",")
        try:
            lon, lat = (float(v) for v in parts)
        except ValueError:
            lon = lat = math.nan
        if all(map(math.isfinite, (lon, lat))) and abs(lon) <= 180 and abs(lat) <= 90:
            return lon, lat
        raise ConfigError(f'not "lon,lat" in degrees: {spec!r}', cfg.at("fleet.depot"))
    places = ", ".join(sorted(destinations["place_id"].astype(str)))
    kinds = ", ".join(sorted(set(destinations["kind"].astype(str))))
    raise ConfigError(
        f'{spec!r} is neither a place_id nor a kind of the area\'s destinations, nor "lon,lat" '
        f"(places: {places}; kinds: {kinds})",
        cfg.at("fleet.depot"),
    )


def read_csv_table(path: Path, *, required: tuple[str, ...], what: str = "file") -> pd.DataFrame:
    """A UTF-8 CSV as text cells (BOM tolerated); raises ``DataNotFoundError`` ("``what`` not
    found") when absent and a located :class:`InputError` when unreadable or a ``required``
    column is missing."""
    if not path.is_file():
        raise DataNotFoundError(f"{what} not found: {path}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a UTF-8 CSV file: {exc}", Location.of(path)) from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"missing columns: {', '.join(missing)}", Location.of(path))
    return df


def _numeric(series: pd.Series, path: Path, col: str) -> pd.Series:
    """``series`` as floats; the first cell that is not a finite number raises a located error."""
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() | ~values.abs().lt(math.inf)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise InputError(
            f"not a number: {series[bad].iloc[0]!r}", Location.of(path, row=row, column=col)
        )
    return values.astype(float)
