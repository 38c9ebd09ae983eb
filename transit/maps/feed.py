"""A Folium map of a feed: routes in their colours, stops with a popup of their departures.

The map has no tiles (it must open offline in a workshop room, see :mod:`transit.maps.mapkit`): a
faint grid and, when given, the city boundary are the basemap. Labels are Japanese.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import pandas as pd

from transit.core.gtfstime import format_hmm, gtfs_seconds
from transit.gtfs.feedio import Feed
from transit.maps import mapkit, markup

#: Colours for routes without ``route_color`` (colour-blind-safe palette, Okabe–Ito).
PALETTE = ("0072B2", "D55E00", "009E73", "CC79A7", "E69F00", "56B4E9", "F0E442", "000000")

#: Japanese labels of common service ids (others are shown as they are).
SERVICE_LABELS: Mapping[str, str] = {
    "weekday": "平日",
    "weekdays": "平日",
    "saturday": "土曜",
    "sunday": "日曜",
    "holiday": "日祝",
    "weekend": "土日祝",
    "sat": "土曜",
    "sun": "日曜",
}


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _hhmm(text: str) -> str:
    """A GTFS time as the popup shows it (``7:05``); other text unchanged."""
    seconds = gtfs_seconds(text)
    return str(text) if seconds is None else format_hmm(seconds)


def route_label(rec: Mapping[Any, Any]) -> str:
    """``short long`` name of a route record (whichever are given), else its id."""
    parts = [str(rec.get("route_short_name", "") or ""), str(rec.get("route_long_name", "") or "")]
    text = " ".join(p for p in parts if p)
    return text or str(rec.get("route_id", ""))


def route_colors(feed: Feed) -> dict[str, str]:
    """``route_id -> '#RRGGBB'``: ``route_color`` when given, else a palette colour by order."""
    out: dict[str, str] = {}
    ids = feed.column("routes", "route_id").tolist()
    colors = feed.column("routes", "route_color").tolist()
    for i, (rid, col) in enumerate(zip(ids, colors, strict=True)):
        c = str(col or "").strip().lstrip("#")
        valid = len(c) == 6 and all(ch in "0123456789abcdefABCDEF" for ch in c)
        out[str(rid)] = "#" + (c if valid else PALETTE[i % len(PALETTE)])
    return out


def stop_departures(feed: Feed) -> dict[str, list[tuple[str, str, str, list[str]]]]:
    """Departures at each stop: ``stop_id -> [(route label, headsign, service, [H:MM, …])]``.

    Sorted by route, headsign and service; times sorted; the last stop of a trip (no departure
    to speak of) is left out.
    """
    st = feed.stop_times
    trips = feed.trips
    if not len(st) or not len(trips):
        return {}
    st = st.assign(_seq=_num(st["stop_sequence"]))
    last = st.groupby("trip_id")["_seq"].transform("max")
    st = st[st["_seq"] < last]
    routes = {str(r["route_id"]): route_label(r) for r in feed.routes.to_dict("records")}
    tinfo = {
        str(r["trip_id"]): (
            routes.get(str(r["route_id"]), str(r["route_id"])),
            str(r.get("trip_headsign", "") or ""),
            SERVICE_LABELS.get(str(r["service_id"]), str(r["service_id"])),
        )
        for r in trips.to_dict("records")
    }
    dep_col = "departure_time" if "departure_time" in st.columns else "arrival_time"
    groups: dict[str, dict[tuple[str, str, str], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for tid, sid, dep in zip(st["trip_id"], st["stop_id"], st[dep_col], strict=True):
        info = tinfo.get(str(tid))
        if info is None or not str(dep):
            continue
        groups[str(sid)][info].append(str(dep))
    out: dict[str, list[tuple[str, str, str, list[str]]]] = {}
    for sid, by in groups.items():
        out[sid] = [
            (r, h, s, [_hhmm(t) for t in sorted(times, key=_time_key)])
            for (r, h, s), times in sorted(by.items())
        ]
    return out


def _time_key(t: str) -> int:
    """Sort key of a GTFS time: its seconds (text that is not a time first)."""
    seconds = gtfs_seconds(t)
    return -1 if seconds is None else seconds


def _popup_html(name: str, platform: str, deps: list[tuple[str, str, str, list[str]]]) -> str:
    title = name + (f"（のりば {platform}）" if platform else "")
    rows = [[r, h, s, " ".join(times)] for r, h, s, times in deps] or [
        ["発車する便はありません", "", "", ""]
    ]
    header = ["路線", "行先", "運行日", "発車時刻"]
    table = markup.table(rows, header=header, title=title, bordered=True)
    return f'<div style="font-size:13px">{table}</div>'


def _route_lines(feed: Feed) -> dict[str, list[list[tuple[float, float]]]]:
    """Lines of each route: its shapes when the feed has them, else its distinct stop patterns."""
    trips = feed.trips
    out: dict[str, list[list[tuple[float, float]]]] = defaultdict(list)
    shapes = feed.get("shapes")
    if len(shapes) and "shape_id" in trips.columns:
        sh = shapes.assign(
            _seq=_num(shapes["shape_pt_sequence"]),
            _lat=_num(shapes["shape_pt_lat"]),
            _lon=_num(shapes["shape_pt_lon"]),
        ).sort_values(["shape_id", "_seq"], kind="mergesort")
        pts = {
            str(k): list(zip(g["_lat"], g["_lon"], strict=True))
            for k, g in sh.groupby("shape_id", sort=True)
        }
        pairs = trips[["route_id", "shape_id"]].drop_duplicates()
        for rid, sid in zip(pairs["route_id"], pairs["shape_id"], strict=True):
            if str(sid) in pts:
                out[str(rid)].append(pts[str(sid)])
        if out:
            return dict(out)
    stops = feed.stops
    pos = {
        str(s): (float(a), float(b))
        for s, a, b in zip(
            stops["stop_id"], _num(stops["stop_lat"]), _num(stops["stop_lon"]), strict=True
        )
        if pd.notna(a) and pd.notna(b)
    }
    st = feed.stop_times.assign(_seq=_num(feed.stop_times["stop_sequence"]))
    st = st.sort_values(["trip_id", "_seq"], kind="mergesort")
    seqs = st.groupby("trip_id", sort=False)["stop_id"].agg(tuple)
    route_of = dict(zip(trips["trip_id"], trips["route_id"], strict=True))
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for tid, seq in seqs.items():
        rid = str(route_of.get(str(tid), ""))
        key = (rid, tuple(seq))
        if not rid or key in seen:
            continue
        seen.add(key)
        out[rid].append([pos[s] for s in seq if s in pos])
    return dict(out)


def feed_bounds(feed: Feed) -> tuple[tuple[float, float], tuple[float, float]]:
    """``((south, west), (north, east))`` of the feed's stops."""
    lat, lon = _num(feed.stops["stop_lat"]).dropna(), _num(feed.stops["stop_lon"]).dropna()
    if not len(lat) or not len(lon):
        return ((32.5, 131.6), (32.7, 131.8))
    return ((float(lat.min()), float(lon.min())), (float(lat.max()), float(lon.max())))


def map_feed(
    feed: Feed,
    *,
    boundary: Mapping[str, Any] | None = None,
    roads: Sequence[Sequence[tuple[float, float]]] | None = None,
    title: str | None = None,
) -> folium.Map:
    """A map of ``feed``: one layer per route (its colour), stops with their departures.

    Parameters
    ----------
    feed
        The feed to draw.
    boundary
        GeoJSON of the city boundary, drawn as the basemap (the map has no tiles).
    roads
        Road lines ``[(lat, lon), …]`` drawn faintly under the routes (see
        :func:`transit.maps.mapkit.graph_lines`).
    title
        Shown at the top (default: the agency name and ``バス路線図``).

    Returns
    -------
    folium.Map
        Layers: 市域 and 道路 (when given), one ``路線 …`` layer per route, ``停留所``; a layer
        control.
    """
    bounds = feed_bounds(feed)
    if title is None:
        agency = feed.column("agency", "agency_name").tolist()
        title = f"{agency[0] if agency else ''} バス路線図".strip()
    fmap = mapkit.new_map(bounds, title=title)
    if boundary is not None:
        mapkit.add_outline(fmap, boundary)
    (s, w), (n, e) = bounds
    pad = 0.02
    mapkit.add_graticule(fmap, ((s - pad, w - pad), (n + pad, e + pad)))
    if roads is not None:
        mapkit.add_lines(fmap, roads, name="道路")
    _add_routes(fmap, feed)
    _add_stops(fmap, feed)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def _add_routes(fmap: folium.Map, feed: Feed) -> None:
    """One layer per route with a shape or stop path, in the route's colour."""
    colors = route_colors(feed)
    lines = _route_lines(feed)
    for rec in feed.routes.to_dict("records"):
        rid = str(rec["route_id"])
        if rid not in lines:
            continue
        label = route_label(rec)
        group = folium.FeatureGroup(name=markup.text(f"路線 {label}"))
        for line in lines[rid]:
            if len(line) < 2:
                continue
            folium.PolyLine(
                [list(p) for p in line],
                color=colors.get(rid, "#" + PALETTE[0]),
                weight=4,
                opacity=0.85,
                tooltip=markup.tooltip(f"路線 {label}"),
            ).add_to(group)
        group.add_to(fmap)


def _add_stops(fmap: folium.Map, feed: Feed) -> None:
    """The 停留所 layer: every stop or pole with a position, with its departures in a popup."""
    deps = stop_departures(feed)
    stops_group = folium.FeatureGroup(name="停留所")
    stops = feed.stops
    lt = feed.column("stops", "location_type").tolist()
    plat = feed.column("stops", "platform_code").tolist()
    for i, (sid, name, lat, lon) in enumerate(
        zip(
            stops["stop_id"],
            stops["stop_name"],
            _num(stops["stop_lat"]),
            _num(stops["stop_lon"]),
            strict=True,
        )
    ):
        if pd.isna(lat) or pd.isna(lon) or str(lt[i] or "0") not in ("0", ""):
            continue
        popup = _popup_html(str(name), str(plat[i] or ""), deps.get(str(sid), []))
        marker = markup.stop_marker(lat, lon, name, popup=folium.Popup(popup, max_width=520))
        marker.add_to(stops_group)
    stops_group.add_to(fmap)
