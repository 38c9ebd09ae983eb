"""Workshop map of a simulated on-demand day in one area (Folium, offline via
:mod:`transit.maps.mapkit`): the area, roads, stops and destinations, ride requests (served or
refused) and the vehicles' tracks animated over the day.

The layers are plain data first (:class:`~transit.maps.areaday.AreaDay`), drawn by
:func:`map_area_day` in Japanese or English; :func:`write_area_maps` writes each area's map and
its day (``<area>.json``, read again by the workshop atlas).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import networkx as nx
import pandas as pd
import shapely
from folium.plugins import TimestampedGeoJson
from shapely.geometry.base import BaseGeometry

from transit.core import provenance as prov
from transit.core.errors import TransitError
from transit.core.explain import summary
from transit.core.gtfstime import format_hhmm
from transit.gtfs.feedio import read_feed
from transit.maps import controls, mapkit, markup
from transit.maps.areaday import AreaDay, area_day, has_travel_times, write_area_day
from transit.maps.labels import label, measure, place_kind, unit
from transit.maps.outline import city_boundary
from transit.maps.reference import RealPlaces, add_real_places, real_places
from transit.routing.areas.config import AreaConfig
from transit.routing.areas.evidence import study_record
from transit.routing.areas.prepare import area_network
from transit.routing.areas.read import read_area_polygon, read_destinations
from transit.routing.areas.sweep import SweepResult
from transit.routing.roads.network import add_travel_times
from transit.routing.sim.results import SimResult
from transit.routing.sim.setup import iter_rows

VEHICLE_COLORS = (
    "#d7263d",
    "#1b998b",
    "#2e86ab",
    "#f46036",
    "#7b2cbf",
    "#5c946e",
    "#c5283d",
    "#3d5a80",
)
SERVED_COLOR = "#2e7d32"
REJECTED_COLOR = "#9e9e9e"
#: KPIs of the legend box, in order.
LEGEND_KPIS = (
    "vehicles",
    "requests",
    "served_rate",
    "wait_mean_min",
    "wait_p95_min",
    "ride_mean_min",
    "vehicle_km",
    "cost_per_pax_yen",
    "missed_connections",
)


def map_simulation(
    result: SimResult,
    graph: nx.MultiDiGraph,
    *,
    polygon: BaseGeometry | None = None,
    stops: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    title: str = "",
    follow_roads: bool = True,
) -> folium.Map:
    """A map of one simulated day: :func:`map_area_day` of :func:`~transit.maps.areaday.area_day`.

    ``graph`` is the road network the day ran on (roads inside the area are drawn faintly;
    tracks follow its shortest paths when ``follow_roads``); ``polygon`` the service area;
    ``stops`` bus stops (``stop_name, lon, lat``); ``places`` destinations (``name_ja, kind,
    lon, lat``); ``title`` the map title (a synthetic network adds "道路網は架空" to it).

    Returns
    -------
    folium.Map
        Layers: 対象地区, 道路, バス停, 目的地, 予約（対応）, 予約（お断り), 車両の動き (animated).
    """
    day = area_day(
        result,
        graph,
        polygon=polygon,
        stops=stops,
        places=places,
        title=title,
        follow_roads=follow_roads,
    )
    return map_area_day(day)


def day_title(day: AreaDay, lang: str = "ja") -> str:
    """The map title of ``day``: its explicit title or the area, fleet and seed; a synthetic day
    says so."""
    title = day.title
    if not title and (day.name_ja or day.name_en):
        name = (day.name_en or day.name_ja) if lang == "en" else (day.name_ja or day.name_en)
        k = day.kpis
        title = label("sim_title", lang, name=name, vehicles=k.get("vehicles"), seed=k.get("seed"))
    if day.synthetic:
        title = (
            f"{title}{label('synthetic_suffix', lang)}" if title else label("synthetic_only", lang)
        )
    return title


def map_area_day(
    day: AreaDay,
    *,
    lang: str = "ja",
    boundary: Mapping[str, Any] | None = None,
    attributions: Sequence[str] = (),
    real: RealPlaces | None = None,
) -> folium.Map:
    """The map of ``day`` in ``lang``; ``boundary`` (GeoJSON) is drawn as the base layer under
    the area, the ``real`` stations and town points (:mod:`transit.maps.reference`) as layers
    for reference, ``attributions`` in the attribution line."""
    fmap = mapkit.new_map(day.bounds(), title=day_title(day, lang) or None, prefer_canvas=False)
    if boundary is not None:
        mapkit.add_outline(fmap, boundary, name=label("outline", lang), base=True)
    if day.polygon is not None:
        mapkit.add_outline(
            fmap,
            {"type": "Feature", "properties": {}, "geometry": day.polygon},
            name=label("area", lang),
        )
    _add_roads(fmap, day.roads, lang)
    add_stop_layer(fmap, day.stops, name=label("bus_stops", lang))
    _add_places(fmap, day.places, lang)
    add_requests(fmap, day.requests, lang=lang)
    add_tracks(fmap, day.tracks, lang=lang)
    controls.add_box(fmap, _legend(day.kpis, lang), corner="bottomright", box_id="legend")
    controls.add_attribution(fmap, attributions)
    if real is not None:
        add_real_places(fmap, real, lang=lang)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def _add_roads(fmap: folium.Map, roads: list[list[list[float]]], lang: str) -> None:
    if not roads:
        return
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "MultiLineString", "coordinates": roads},
        },
        name=label("roads", lang),
        style_function=lambda _f: {"color": "#b0b7bb", "weight": 1.2},
        interactive=False,
    ).add_to(fmap)


def add_stop_layer(
    fmap: folium.Map, stops: Sequence[Mapping[str, Any]], *, name: str
) -> folium.FeatureGroup | None:
    """The ``stops`` (``name, lon, lat``) as the project's stop markers in one layer."""
    if not stops:
        return None
    group = folium.FeatureGroup(name=name)
    for s in stops:
        markup.stop_marker(s["lat"], s["lon"], s["name"]).add_to(group)
    group.add_to(fmap)
    return group


def _add_places(fmap: folium.Map, places: Sequence[Mapping[str, Any]], lang: str) -> None:
    if not places:
        return
    group = folium.FeatureGroup(name=label("places", lang))
    for p in places:
        kind = place_kind(str(p["kind"]), lang)
        folium.RegularPolygonMarker(
            [float(p["lat"]), float(p["lon"])],
            number_of_sides=4,
            radius=7,
            color="#0b3954",
            fill=True,
            fill_color="#ffd166",
            fill_opacity=1.0,
            tooltip=markup.tooltip(
                f"{p['name']}（{kind}）" if lang == "ja" else f"{p['name']} ({kind})"
            ),
        ).add_to(group)
    group.add_to(fmap)


def request_lines(r: Mapping[str, Any], lang: str = "ja") -> list[str]:
    """The popup lines of one request (booking, times, outcome), plain text."""
    kind = label("advance" if r.get("booking") == "advance" else "same_day", lang)
    lines = [
        label("request", lang, id=r.get("request_id"), kind=kind),
        label("desired", lang, t=_clock(r.get("desired_s"))),
        label("purpose", lang, p=place_kind(str(r.get("purpose")), lang)),
    ]
    if r.get("status") == "served":
        lines += [
            label("pickup", lang, t=_clock(r.get("pickup_s")), w=float(r.get("wait_min") or 0)),
            label("dropoff", lang, t=_clock(r.get("dropoff_s")), r=float(r.get("ride_min") or 0)),
            label("vehicle", lang, id=r.get("vehicle_id")),
        ]
        if bool(r.get("missed_connection")):
            lines.append(label("missed", lang))
    else:
        lines.append(label("refused", lang))
    return lines


def _clock(seconds: Any) -> str:
    return "—" if seconds is None else format_hhmm(float(seconds))


def add_requests(
    fmap: folium.Map,
    requests: Sequence[Mapping[str, Any]],
    *,
    lang: str = "ja",
    served: bool = True,
) -> tuple[folium.FeatureGroup, folium.FeatureGroup]:
    """Two layers of request origins (served green, refused grey) with their popups; the served
    layer is left out when not ``served``. Returns ``(served, refused)``."""
    layers = (
        folium.FeatureGroup(name=label("served", lang)),
        folium.FeatureGroup(name=label("rejected", lang)),
    )
    for r in requests:
        ok = r.get("status") == "served"
        if ok and not served:
            continue
        folium.CircleMarker(
            [float(r["lat"]), float(r["lon"])],
            radius=4,
            color=SERVED_COLOR if ok else REJECTED_COLOR,
            fill=True,
            fill_opacity=0.8,
            weight=1,
            popup=markup.popup(request_lines(r, lang), max_width=260),
        ).add_to(layers[0] if ok else layers[1])
    if served:
        layers[0].add_to(fmap)
    layers[1].add_to(fmap)
    return layers


def track_features(
    tracks: Sequence[Mapping[str, Any]], *, lang: str = "ja"
) -> list[dict[str, Any]]:
    """The TimestampedGeoJson features of ``tracks`` (one colour per vehicle)."""
    features = []
    for k, track in enumerate(tracks):
        color = VEHICLE_COLORS[k % len(VEHICLE_COLORS)]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": track["coords"]},
                "properties": {
                    "times": track["times"],
                    "popup": markup.text(label("vehicle", lang, id=track["vehicle_id"])),
                    "style": {"color": color, "weight": 3, "opacity": 0.8},
                    "icon": "circle",
                    "iconstyle": {
                        "color": color,
                        "fillColor": color,
                        "fillOpacity": 1,
                        "radius": 6,
                    },
                },
            }
        )
    return features


def add_tracks(
    fmap: folium.Map, tracks: Sequence[Mapping[str, Any]], *, lang: str = "ja"
) -> TimestampedGeoJson | None:
    """The vehicles' tracks animated over the day, with a time slider (needs the SVG renderer:
    ``mapkit.new_map(prefer_canvas=False)``)."""
    features = track_features(tracks, lang=lang)
    if not features:
        return None
    layer = TimestampedGeoJson(
        {"type": "FeatureCollection", "features": features},
        period="PT1M",
        duration="PT15M",
        add_last_point=True,
        auto_play=False,
        loop=False,
        max_speed=60,
        transition_time=100,
        date_options="HH:mm",
        time_slider_drag_update=True,
    )
    layer.add_to(fmap)
    return layer


def kpi_text(key: str, value: Any, lang: str = "ja") -> str:
    """A KPI value as the maps print it (rates in %, minutes and yen with one decimal)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if key.endswith("_rate"):
        return f"{float(value) * 100:.0f}%"
    if isinstance(value, float):
        return f"{value:.1f}{unit(key, lang)}"
    return f"{value}{unit(key, lang)}"


def _legend(kpis: Mapping[str, Any], lang: str) -> str:
    rows = [(measure(key, lang), kpi_text(key, kpis.get(key), lang)) for key in LEGEND_KPIS]
    return (
        markup.table(rows, right=[1], title=label("sim_result", lang))
        + f'<span style="color:{SERVED_COLOR}">●</span> {markup.text(label("served_dot", lang))}　'
        f'<span style="color:{REJECTED_COLOR}">●</span> {markup.text(label("rejected_dot", lang))}'
    )


def map_area_result(
    cfg: AreaConfig, result: SimResult, *, graph: nx.MultiDiGraph | None = None
) -> folium.Map:
    """:func:`map_area_day` of :func:`config_day`: the day of ``result`` in ``cfg``'s area."""
    return map_area_day(config_day(cfg, result, graph=graph))


def config_day(
    cfg: AreaConfig, result: SimResult, *, graph: nx.MultiDiGraph | None = None
) -> AreaDay:
    """The :class:`AreaDay` of ``result`` for an area configuration: reads its polygon,
    destinations and (when ``gtfs`` is a source folder or feed) the bus stops inside it;
    ``graph`` defaults to the area's network."""
    polygon = read_area_polygon(cfg)
    places = read_destinations(cfg, polygon)
    stops = _area_stops(cfg, polygon)
    if graph is None:
        graph = area_network(cfg)
    if not has_travel_times(graph):
        graph = add_travel_times(graph, factor=cfg.service.speed_factor)
    names = (cfg.area.name_ja, cfg.area.name_en)
    return area_day(result, graph, polygon=polygon, stops=stops, places=places, names=names)


def _area_stops(cfg: AreaConfig, polygon: BaseGeometry) -> pd.DataFrame | None:
    if not cfg.area.gtfs:
        return None
    src = cfg.path(cfg.area.gtfs)
    try:
        if (src / "stops.csv").is_file():
            stops = pd.read_csv(
                src / "stops.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
        else:
            stops = read_feed(src).stops
    except (TransitError, OSError, ValueError):
        return None
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce")
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce")
    ok = lon.notna() & lat.notna()
    zone = polygon.buffer(0.003)
    inside = ok & shapely.contains_xy(zone, lon.fillna(0).to_numpy(), lat.fillna(0).to_numpy())
    return pd.DataFrame(
        {"stop_name": stops.loc[inside, "stop_name"], "lon": lon[inside], "lat": lat[inside]}
    ).reset_index(drop=True)


def write_area_maps(areas: Sequence[AreaConfig], result: SweepResult, out_dir: Path) -> list[Path]:
    """One map per area, ``<area_id>.html``, and its day, ``<area_id>.json`` (see
    :func:`~transit.maps.areaday.read_area_day`): the run of the fleet the ranking chose (or
    the largest fleet tried) with the smallest seed, over the real city boundary, with the real
    JR stations and town points as reference layers (credited) when the external data holds
    them; each map with a footer saying where its numbers come
    from, and their ``provenance.json`` (the sweep's record). Returns the paths written."""
    by_id = {a.area.id: a for a in areas}
    record = dataclasses.replace(
        result.record or study_record(areas, what=""),
        what="オンデマンド交通の候補地区の1日の地図 / maps of one simulated day per area",
    )
    city, real = city_boundary(), real_places()
    extra = [("boundary", city.path)] if city.path is not None else []
    extra += list(real.paths)
    record = dataclasses.replace(
        record, inputs=(*record.inputs, *(prov.source(role, path) for role, path in extra))
    )
    footer = summary(record)
    paths: list[Path] = []
    for row in iter_rows(result.ranking):
        cfg = by_id[str(row.area_id)]
        keys = sorted(k for k in result.results if k[0] == row.area_id)
        fleet = row.fleet_needed if row.meets_target else max(k[1] for k in keys)
        key = min(k for k in keys if k[1] == int(fleet))
        day = config_day(cfg, result.results[key])
        credits = (*city.credits, *real.credits)
        fmap = map_area_day(day, boundary=city.geojson, attributions=credits, real=real)
        saved = mapkit.save_map(fmap, out_dir / f"{row.area_id}.html", footer=footer)
        paths += [saved.path, write_area_day(day, out_dir / f"{row.area_id}.json")]
    return [*paths, *prov.write(record, paths)]
