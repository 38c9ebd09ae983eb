"""The candidate areas of an on-demand study on one map: a choropleth with a switch between the
indicators (population, share aged 65+, distance to the nearest stop, and the simulated served
rate, 95th-percentile wait and cost per passenger), the bus stops inside the areas, the refused
requests and every vehicle's track animated over the day, and the ranking table beside.

:func:`area_indicators` computes the table the map shades (pure pandas/shapely);
:func:`map_area_overview` draws it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from transit.core.geo import nearest_points
from transit.maps import controls, mapkit, markup
from transit.maps.areaday import AreaDay
from transit.maps.areas import add_requests, add_stop_layer, add_tracks, kpi_text
from transit.maps.labels import label, measure

#: The indicators of the switch, in order: population ones, then simulated ones.
INDICATORS = (
    "population",
    "elderly_share",
    "stop_distance_m",
    "served_rate",
    "wait_p95_min",
    "cost_per_pax_yen",
)
#: Light to dark (ColorBrewer YlOrRd, 5 classes); a missing value is grey.
RAMP = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MISSING = "#d0d0d0"


def area_indicators(
    areas: Mapping[str, Any],
    population: pd.DataFrame,
    stops: pd.DataFrame,
    ranking: pd.DataFrame | None,
) -> pd.DataFrame:
    """One row per candidate area (GeoJSON features with ``area_id``, ``name_ja``,
    ``name_en``): ``area_id, name_ja, name_en, population, elderly_share`` (0–1),
    ``stop_distance_m`` (population-weighted mean straight-line distance from the population
    points of the area to the nearest stop, metres), and from the ranking (when given) ``rank,
    fleet_needed, served_rate`` (0–1), ``wait_p95_min``, ``cost_per_pax_yen``.

    ``population`` has ``lon, lat, population, elderly, area_id``; ``stops`` ``lon, lat``."""
    pop = population.assign(
        population=pd.to_numeric(population["population"], errors="coerce").fillna(0),
        elderly=pd.to_numeric(population["elderly"], errors="coerce").fillna(0),
        area_id=population["area_id"].fillna("").astype(str),
    )
    if len(stops) and len(pop):
        _idx, dist = nearest_points(pop["lon"], pop["lat"], stops["lon"], stops["lat"])
        pop = pop.assign(_dist=dist)
    else:
        pop = pop.assign(_dist=np.nan)
    rows = []
    for feature in areas.get("features", []):
        props = feature.get("properties", {}) or {}
        aid = str(props.get("area_id", ""))
        g = pop[pop["area_id"] == aid]
        people = float(g["population"].sum())
        rows.append(
            {
                "area_id": aid,
                "name_ja": str(props.get("name_ja", aid)),
                "name_en": str(props.get("name_en", "") or aid),
                "population": int(people),
                "elderly_share": float(g["elderly"].sum()) / people if people else np.nan,
                "stop_distance_m": float((g["_dist"] * g["population"]).sum()) / people
                if people
                else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    if ranking is not None and len(ranking) and len(table):
        keep = [
            "area_id",
            "rank",
            "fleet_needed",
            "served_rate",
            "wait_p95_min",
            "cost_per_pax_yen",
        ]
        table = table.merge(
            ranking[[c for c in keep if c in ranking.columns]], on="area_id", how="left"
        )
    return table


def shade(value: float, low: float, high: float) -> str:
    """The :data:`RAMP` colour of ``value`` between ``low`` and ``high`` (grey when missing)."""
    if value is None or pd.isna(value):
        return MISSING
    if high <= low:
        return RAMP[len(RAMP) // 2]
    i = int((float(value) - low) / (high - low) * len(RAMP))
    return RAMP[min(max(i, 0), len(RAMP) - 1)]


def indicator_text(key: str, value: Any, lang: str = "ja") -> str:
    """An indicator value as the map prints it."""
    if value is None or pd.isna(value):
        return label("no_data", lang)
    if key == "elderly_share":
        return f"{float(value) * 100:.0f}%"
    if key in ("population", "stop_distance_m"):
        return (
            f"{round(float(value)):,d}{' 人' if key == 'population' and lang == 'ja' else ''}"
            + (" m" if key == "stop_distance_m" else "")
        )
    return kpi_text(key, float(value), lang)


def map_area_overview(
    areas: Mapping[str, Any],
    indicators: pd.DataFrame,
    days: Sequence[AreaDay],
    *,
    stops: Sequence[Mapping[str, Any]] = (),
    lang: str = "ja",
    boundary: Mapping[str, Any] | None = None,
    outline_name: str | None = None,
    attributions: Sequence[str] = (),
) -> folium.Map:
    """The overview map (see the module docstring): ``indicators`` from :func:`area_indicators`,
    ``days`` the areas' simulated days (refused requests and tracks), ``stops`` the bus stops
    inside the areas (``name, lon, lat``)."""
    bounds = mapkit.geojson_bounds(boundary or areas) or mapkit.geojson_bounds(areas)
    fmap = mapkit.new_map(bounds, title=label("areas_title", lang), prefer_canvas=False)
    if boundary is not None:
        mapkit.add_outline(fmap, boundary, name=outline_name or label("outline", lang), base=True)
    choices = []
    for i, key in enumerate(k for k in INDICATORS if k in indicators.columns):
        layer = _choropleth(areas, indicators, key, lang, show=i == 0)
        layer.add_to(fmap)
        choices.append((measure(key, lang), layer))
    if choices:
        fmap.add_child(controls.LayerSwitch(label("indicator", lang), choices))
    add_stop_layer(fmap, stops, name=label("ondemand_stops", lang))
    requests = [r for day in days for r in day.requests]
    add_requests(fmap, requests, lang=lang, served=False)
    add_tracks(fmap, [t for day in days for t in day.tracks], lang=lang)
    legend = controls.legend_html(
        label("indicator", lang),
        [(RAMP[0], "低 / low"), (RAMP[-1], "高 / high"), (MISSING, label("no_data", lang))],
    )
    table = ranking_table(indicators, lang=lang)
    controls.add_panel(fmap, f'<div id="legend">{legend}</div><br>{table}', width_pct=28)
    controls.add_attribution(fmap, attributions)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def _choropleth(
    areas: Mapping[str, Any], indicators: pd.DataFrame, key: str, lang: str, *, show: bool
) -> folium.FeatureGroup:
    values = dict(zip(indicators["area_id"], indicators[key], strict=True))
    names = dict(
        zip(
            indicators["area_id"], indicators["name_en" if lang == "en" else "name_ja"], strict=True
        )
    )
    known = [float(v) for v in values.values() if v is not None and not pd.isna(v)]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    layer = folium.FeatureGroup(name=markup.text(measure(key, lang)), show=show, control=False)
    for feature in areas.get("features", []):
        aid = str((feature.get("properties") or {}).get("area_id", ""))
        color = shade(values.get(aid, np.nan), low, high)
        geometry = shapely.set_precision(shape(feature["geometry"]), 1e-5)
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geometry)},
            style_function=lambda _f, c=color: {
                "color": "#555555",
                "weight": 1.5,
                "fillColor": c,
                "fillOpacity": 0.65,
            },
            tooltip=markup.tooltip(
                f"{names.get(aid, aid)}: {measure(key, lang)} {indicator_text(key, values.get(aid), lang)}"
            ),
        ).add_to(layer)
    return layer


def ranking_table(indicators: pd.DataFrame, *, lang: str = "ja") -> str:
    """The ranking and the indicators of every area as escaped markup (ranked areas first)."""
    cols = ["rank", "name", *[k for k in INDICATORS if k in indicators.columns]]
    if "fleet_needed" in indicators.columns:
        cols.insert(2, "fleet_needed")
    table = (
        indicators.sort_values("rank", na_position="last") if "rank" in indicators else indicators
    )
    rows = []
    for rec in table.to_dict("records"):
        row: list[object] = []
        for key in cols:
            if key == "name":
                row.append(rec["name_en"] if lang == "en" else rec["name_ja"])
            elif key in ("rank", "fleet_needed"):
                v = rec.get(key)
                row.append("—" if v is None or pd.isna(v) else int(v))
            else:
                row.append(indicator_text(key, rec.get(key), lang))
        rows.append(row)
    header = [measure(k, lang) for k in cols]
    return markup.table(
        rows, header=header, right=range(2, len(cols)), title=label("ranking", lang)
    )
