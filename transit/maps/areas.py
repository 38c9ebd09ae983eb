"""Workshop map of a simulated on-demand day in one area (Folium, offline via
:mod:`transit.maps.mapkit`): the area, roads, stops and destinations, ride requests (served or
refused) and the vehicles' tracks animated over the day.

The builder returns a ``folium.Map``; write it with :func:`transit.maps.mapkit.save_map`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import folium
import networkx as nx
import pandas as pd
import shapely
from folium.plugins import TimestampedGeoJson
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from transit.core.errors import TransitError
from transit.core.gtfstime import format_hhmm
from transit.gtfs.feedio import read_feed
from transit.maps import mapkit, markup
from transit.routing.areas.config import AreaConfig
from transit.routing.areas.prepare import area_network
from transit.routing.areas.read import read_area_polygon, read_destinations
from transit.routing.areas.sweep import SweepResult
from transit.routing.roads.matrix import graph_to_csr, shortest_path_nodes
from transit.routing.roads.network import add_travel_times
from transit.routing.sim.results import SimResult
from transit.routing.sim.setup import iter_rows

#: Calendar day used to timestamp the animation (any weekday; only clock times are shown).
ANIMATION_DAY = dt.date(2026, 4, 1)
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
    """A map of one simulated day.

    Parameters
    ----------
    result
        A simulation result (its ``requests`` and ``tracks`` tables are drawn).
    graph
        The road network the day ran on (roads inside the area are drawn faintly; tracks follow
        its shortest paths when ``follow_roads``).
    polygon
        The service area (drawn as the basemap outline).
    stops
        Bus stops to show: ``stop_name``, ``lon``, ``lat``.
    places
        Destinations: ``name_ja``, ``kind``, ``lon``, ``lat``.
    title
        Map title (Japanese). A synthetic network adds "道路網は架空" to it.

    Returns
    -------
    folium.Map
        Layers: 対象地区, 道路, バス停, 目的地, 予約（対応）, 予約（お断り), 車両の動き (animated).
    """
    bounds = _bounds(result, polygon)
    if graph.graph.get("transit_synthetic"):
        title = (
            f"{title}（道路網・需要は架空のサンプル）" if title else "道路網・需要は架空のサンプル"
        )
    fmap = mapkit.new_map(bounds, title=title or None, prefer_canvas=False)
    if polygon is not None:
        mapkit.add_outline(
            fmap,
            {"type": "Feature", "properties": {}, "geometry": mapping(polygon)},
            name="対象地区",
        )
    _add_roads(fmap, graph, bounds)
    if stops is not None and not stops.empty:
        group = folium.FeatureGroup(name="バス停")
        for s in iter_rows(stops):
            markup.stop_marker(s.lat, s.lon, s.stop_name).add_to(group)
        group.add_to(fmap)
    if places is not None and not places.empty:
        group = folium.FeatureGroup(name="目的地")
        for p in iter_rows(places):
            folium.RegularPolygonMarker(
                [float(p.lat), float(p.lon)],
                number_of_sides=4,
                radius=7,
                color="#0b3954",
                fill=True,
                fill_color="#ffd166",
                fill_opacity=1.0,
                tooltip=markup.tooltip(f"{p.name_ja}（{_KIND_JA.get(str(p.kind), str(p.kind))}）"),
            ).add_to(group)
        group.add_to(fmap)
    _add_requests(fmap, result.requests)
    _add_tracks(fmap, result.tracks, graph if follow_roads else None)
    _add_legend(fmap, result)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


_KIND_JA = {
    "hospital": "病院",
    "clinic": "診療所",
    "supermarket": "スーパー",
    "station": "駅",
    "branch_office": "総合支所",
    "bus_hub": "バス乗り継ぎ",
    "city_hall": "市役所",
    "school": "学校",
    "home": "自宅",
}


def _bounds(
    result: SimResult, polygon: BaseGeometry | None
) -> tuple[tuple[float, float], tuple[float, float]]:
    if polygon is not None:
        w, s, e, n = polygon.bounds
    else:
        req = result.requests
        lons = pd.concat([req["origin_lon"], req["dest_lon"]])
        lats = pd.concat([req["origin_lat"], req["dest_lat"]])
        w, e, s, n = float(lons.min()), float(lons.max()), float(lats.min()), float(lats.max())
    return (s, w), (n, e)


def _add_roads(
    fmap: folium.Map,
    graph: nx.MultiDiGraph,
    bounds: tuple[tuple[float, float], tuple[float, float]],
) -> None:
    (s, w), (n, e) = bounds
    pad = 0.01
    lines = []
    seen: set[tuple[Hashable, Hashable]] = set()
    for u, v in graph.edges():
        if (v, u) in seen or (u, v) in seen:
            continue
        a, b = graph.nodes[u], graph.nodes[v]
        if not (w - pad <= a["x"] <= e + pad and s - pad <= a["y"] <= n + pad):
            continue
        seen.add((u, v))
        lines.append([[a["x"], a["y"]], [b["x"], b["y"]]])
    if not lines:
        return
    folium.GeoJson(
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "MultiLineString", "coordinates": lines},
        },
        name="道路",
        style_function=lambda _f: {"color": "#b0b7bb", "weight": 1.2},
        interactive=False,
    ).add_to(fmap)


def _add_requests(fmap: folium.Map, requests: pd.DataFrame) -> None:
    served = folium.FeatureGroup(name="予約（対応）")
    refused = folium.FeatureGroup(name="予約（お断り）")
    for r in iter_rows(requests):
        ok = r.status == "served"
        lines = [
            f"予約 {r.request_id}（{'事前' if r.booking == 'advance' else '当日'}予約）",
            f"希望乗車時刻 {format_hhmm(r.desired_s)}",
            f"行き先 {_KIND_JA.get(str(r.purpose), str(r.purpose))}",
        ]
        if ok:
            lines += [
                f"乗車 {format_hhmm(r.pickup_s)}（待ち {r.wait_min:.0f} 分）",
                f"降車 {format_hhmm(r.dropoff_s)}（乗車 {r.ride_min:.0f} 分）",
                f"車両 {r.vehicle_id}",
            ]
            if bool(r.missed_connection):
                lines.append("バスに乗り継げず")
        else:
            lines.append("お断り（空き車両なし）")
        folium.CircleMarker(
            [float(r.origin_lat), float(r.origin_lon)],
            radius=4,
            color=SERVED_COLOR if ok else REJECTED_COLOR,
            fill=True,
            fill_opacity=0.8,
            weight=1,
            popup=markup.popup(lines, max_width=260),
        ).add_to(served if ok else refused)
    served.add_to(fmap)
    refused.add_to(fmap)


def _iso(seconds: float) -> str:
    base = dt.datetime.combine(ANIMATION_DAY, dt.time())
    return (base + dt.timedelta(seconds=float(seconds))).isoformat()


def _add_tracks(fmap: folium.Map, tracks: pd.DataFrame, graph: nx.MultiDiGraph | None) -> None:
    if tracks.empty:
        return
    csr = (
        graph_to_csr(graph, weight="travel_time") if graph is not None and _has_tt(graph) else None
    )
    features: list[dict[str, Any]] = []
    for k, (vid, group) in enumerate(tracks.groupby("vehicle_id", sort=True)):
        color = VEHICLE_COLORS[k % len(VEHICLE_COLORS)]
        grp = group.sort_values("seq")
        if set(grp["event"]) <= {"start", "end"}:
            continue  # the vehicle stayed at the depot all day
        coords: list[list[float]] = []
        times: list[str] = []
        prev = None
        for row in iter_rows(grp):
            if prev is not None and row.node != prev.node and csr is not None and graph is not None:
                path = shortest_path_nodes(csr, prev.node, [row.node])[0]
                t0, t1 = float(prev.depart_s), float(row.arrival_s)
                for i, node in enumerate(path[1:-1], start=1):
                    frac = i / (len(path) - 1)
                    nd = graph.nodes[node]
                    coords.append([float(nd["x"]), float(nd["y"])])
                    times.append(_iso(t0 + frac * (t1 - t0)))
            coords.append([float(row.lon), float(row.lat)])
            times.append(_iso(float(row.arrival_s)))
            if float(row.depart_s) > float(row.arrival_s):
                coords.append([float(row.lon), float(row.lat)])
                times.append(_iso(float(row.depart_s)))
            prev = row
        if len(coords) < 2:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "times": times,
                    "popup": markup.text(f"車両 {vid}"),
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
    if not features:
        return
    TimestampedGeoJson(
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
    ).add_to(fmap)


def _has_tt(graph: nx.MultiDiGraph) -> bool:
    return all("travel_time" in d for _u, _v, d in graph.edges(data=True))


def _add_legend(fmap: folium.Map, result: SimResult) -> None:
    k = result.kpis

    def fmt(key: str, unit: str = "", pct: bool = False) -> str:
        v = k.get(key)
        if v is None:
            return "—"
        return f"{v * 100:.0f}%" if pct else f"{v:.1f}{unit}"

    rows = [
        ("車両数", f"{k.get('vehicles')} 台"),
        ("予約件数", f"{k.get('requests')} 件"),
        ("対応率", fmt("served_rate", pct=True)),
        ("平均待ち時間", fmt("wait_mean_min", " 分")),
        ("95%待ち時間", fmt("wait_p95_min", " 分")),
        ("平均乗車時間", fmt("ride_mean_min", " 分")),
        ("走行距離", fmt("vehicle_km", " km")),
        ("1人当たり費用", fmt("cost_per_pax_yen", " 円")),
        ("乗り継ぎ失敗", f"{k.get('missed_connections')} 件"),
    ]
    box = (
        '<div style="position:fixed;bottom:30px;left:10px;z-index:1000;background:white;'
        'padding:6px 10px;border:1px solid #888;border-radius:4px;font-size:13px;">'
        + markup.table(rows, right=[1], title="シミュレーション結果（1日）")
        + f'<span style="color:{SERVED_COLOR}">●</span> 対応した予約　'
        f'<span style="color:{REJECTED_COLOR}">●</span> お断りした予約</div>'
    )
    root = fmap.get_root()
    root.html.add_child(folium.Element(box))  # type: ignore[attr-defined]


def map_area_result(
    cfg: AreaConfig, result: SimResult, *, graph: nx.MultiDiGraph | None = None
) -> folium.Map:
    """:func:`map_simulation` for an area configuration: reads its polygon, destinations and
    (when ``gtfs`` is a source folder or feed) the bus stops inside it; ``graph`` defaults to
    the area's network."""
    polygon = read_area_polygon(cfg)
    places = read_destinations(cfg, polygon)
    stops = _area_stops(cfg, polygon)
    if graph is None:
        graph = area_network(cfg)
    if not _has_tt(graph):
        graph = add_travel_times(graph, factor=cfg.service.speed_factor)
    k = result.kpis
    title = f"{cfg.area.name_ja} オンデマンド交通シミュレーション（{k.get('vehicles')}台・シード{k.get('seed')}）"
    return map_simulation(result, graph, polygon=polygon, stops=stops, places=places, title=title)


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
    """One map per area, ``<area_id>.html``: the run of the fleet the ranking chose (or the
    largest fleet tried) with the smallest seed. Returns the HTML paths written."""
    by_id = {a.area.id: a for a in areas}
    paths: list[Path] = []
    for row in iter_rows(result.ranking):
        cfg = by_id[str(row.area_id)]
        keys = sorted(k for k in result.results if k[0] == row.area_id)
        fleet = row.fleet_needed if row.meets_target else max(k[1] for k in keys)
        key = min(k for k in keys if k[1] == int(fleet))
        fmap = map_area_result(cfg, result.results[key])
        saved = mapkit.save_map(fmap, out_dir / f"{row.area_id}.html")
        paths.append(saved.path)
    return paths
