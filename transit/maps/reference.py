"""Real places drawn for reference on the maps when the external data holds them (real data
first): the JR 日豊本線 stations in Nobeoka (国土数値情報 鉄道データ, via uedayou.net/jrslod) and
the town (町字) representative points (Geolonia 住所データ, CC BY 4.0). Each is credited where it
is drawn, and recorded as an input of the map's provenance. The sample city's own places (its
stations, hubs and destinations) stay what the simulation uses: these layers show where the
real ones are, so a reader sees what the illustrative places stand in for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium

from transit.core.paths import external_data_dir
from transit.maps import mapkit, markup
from transit.maps.sources import ATTRIBUTIONS

STATIONS_PARTS = ("nobeoka", "stations", "jr_nippo_main_line_stations_nobeoka_bbox.geojson")
TOWNS_PARTS = ("nobeoka", "towns", "nobeoka_town_points.geojson")

_NAMES = {
    "stations": ("JR駅（実データ・国土数値情報）", "JR stations (real data, 国土数値情報)"),
    "towns": ("町字の代表点（実データ・Geolonia）", "town points (real data, Geolonia)"),
}


@dataclass(frozen=True)
class RealPlaces:
    """The real places found: ``stations`` and ``towns`` as ``(name, lat, lon)``, the
    ``credits`` their licences require and the ``paths`` read (inputs for provenance)."""

    stations: tuple[tuple[str, float, float], ...] = ()
    towns: tuple[tuple[str, float, float], ...] = ()
    credits: tuple[str, ...] = ()
    paths: tuple[tuple[str, Path], ...] = ()


def _points(
    data: dict[str, Any], name_key: str, *, in_city: str, city: object = True
) -> list[tuple[str, float, float]]:
    out = []
    for f in data.get("features", []):
        props, geom = f.get("properties") or {}, f.get("geometry") or {}
        if geom.get("type") != "Point" or props.get(in_city) != city:
            continue
        lon, lat = geom["coordinates"][:2]
        out.append((str(props.get(name_key, "")), float(lat), float(lon)))
    return out


def real_places() -> RealPlaces:
    """The JR stations inside 延岡市 and the town points of the external data (an empty
    :class:`RealPlaces` when it is absent)."""
    base = external_data_dir(required=False)
    if base is None:
        return RealPlaces()
    stations_path, towns_path = base.joinpath(*STATIONS_PARTS), base.joinpath(*TOWNS_PARTS)
    stations: list[tuple[str, float, float]] = []
    towns: list[tuple[str, float, float]] = []
    credits: list[str] = []
    paths: list[tuple[str, Path]] = []
    if stations_path.is_file():
        data = mapkit.read_geojson(stations_path)
        stations = _points(data, "name", in_city="municipality", city="延岡市")
        credits.append(ATTRIBUTIONS["n02"])
        paths.append(("stations", stations_path))
    if towns_path.is_file():
        towns = _points(mapkit.read_geojson(towns_path), "town", in_city="in_city_polygon")
        credits.append(ATTRIBUTIONS["geolonia"])
        paths.append(("towns", towns_path))
    return RealPlaces(tuple(stations), tuple(towns), tuple(credits), tuple(paths))


def add_real_places(fmap: folium.Map, places: RealPlaces, *, lang: str = "ja") -> None:
    """Add the stations (shown) and the town points (hidden until switched on) as layers of
    ``fmap``, names as escaped tooltips (the layer control, if any, moved after them)."""
    pick = 1 if lang == "en" else 0
    for key, points, color, radius, show in (
        ("stations", places.stations, "#1a365d", 6, True),
        ("towns", places.towns, "#718096", 3, False),
    ):
        if not points:
            continue
        group = folium.FeatureGroup(name=_NAMES[key][pick], show=show)
        for name, lat, lon in points:
            folium.CircleMarker(
                (lat, lon),
                radius=radius,
                color=color,
                weight=1.5,
                fill=True,
                fill_opacity=0.8,
                tooltip=markup.tooltip(name),
            ).add_to(group)
        group.add_to(fmap)
    for key, child in list(fmap._children.items()):  # the layer control must come after its layers
        if isinstance(child, folium.LayerControl):
            fmap._children.move_to_end(key)
