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
from transit.maps import controls, mapkit, markup
from transit.maps.labels import label, service_label

#: Colours for routes without ``route_color`` (colour-blind-safe palette, Okabe–Ito).
PALETTE = ("0072B2", "D55E00", "009E73", "CC79A7", "E69F00", "56B4E9", "F0E442", "000000")


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


def stop_departures(
    feed: Feed, *, lang: str = "ja"
) -> dict[str, list[tuple[str, str, str, list[str]]]]:
    """Departures at each stop: ``stop_id -> [(route label, headsign, day type, [H:MM, …])]``
    (the day type named in ``lang``: 平日, 土曜 …).

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
            service_label(str(r["service_id"]), lang),
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


def _popup_html(
    name: str,
    platform: str,
    deps: list[tuple[str, str, str, list[str]]],
    *,
    lang: str = "ja",
) -> str:
    """A stop's popup: its name (and platform), the routes serving it, and a table of the
    departures per route, headsign and day type (all escaped)."""
    title = name + (label("platform", lang, platform=platform) if platform else "")
    rows = [[r, h, s, " ".join(times)] for r, h, s, times in deps] or [
        [label("no_departures", lang), "", "", ""]
    ]
    header = [
        label(k, lang) for k in ("col_route", "col_headsign", "col_service", "col_departures")
    ]
    table = markup.table(rows, header=header, title=title, bordered=True)
    routes = sorted({r for r, _h, _s, _t in deps})
    serving = (
        f"<div>{markup.text(label('serving_routes', lang, routes=', '.join(routes)))}</div>"
        if routes
        else ""
    )
    return f'<div style="font-size:13px">{table}{serving}</div>'


def route_patterns(feed: Feed) -> dict[str, list[tuple[list[tuple[float, float]], list[str]]]]:
    """Each route's lines and the trips that run them: ``route_id -> [(line, [trip_id, …])]``.

    A line is a shape of the feed (``[(lat, lon), …]``) when the trips have shapes, else the
    trip's stop sequence; trips sharing one line are listed together."""
    trips = feed.trips
    if "shape_id" in trips.columns and len(feed.get("shapes")):
        shapes = _shape_points(feed)
        keys = [str(s) if str(s) in shapes else "" for s in trips["shape_id"]]
        if any(keys):
            return _group_patterns(trips, keys, shapes)
    pos = _stop_positions(feed)
    st = feed.stop_times.assign(_seq=_num(feed.stop_times["stop_sequence"]))
    st = st.sort_values(["trip_id", "_seq"], kind="mergesort")
    seqs = st.groupby("trip_id", sort=False)["stop_id"].agg(tuple)
    lines = {"|".join(seq): [pos[s] for s in seq if s in pos] for seq in seqs.drop_duplicates()}
    keys = ["|".join(seqs.get(t, ())) for t in trips["trip_id"]]
    return _group_patterns(trips, keys, lines)


def _shape_points(feed: Feed) -> dict[str, list[tuple[float, float]]]:
    shapes = feed.get("shapes")
    sh = shapes.assign(
        _seq=_num(shapes["shape_pt_sequence"]),
        _lat=_num(shapes["shape_pt_lat"]),
        _lon=_num(shapes["shape_pt_lon"]),
    ).sort_values(["shape_id", "_seq"], kind="mergesort")
    return {
        str(k): list(zip(g["_lat"], g["_lon"], strict=True))
        for k, g in sh.groupby("shape_id", sort=True)
    }


def _stop_positions(feed: Feed) -> dict[str, tuple[float, float]]:
    stops = feed.stops
    return {
        str(s): (float(a), float(b))
        for s, a, b in zip(
            stops["stop_id"], _num(stops["stop_lat"]), _num(stops["stop_lon"]), strict=True
        )
        if pd.notna(a) and pd.notna(b)
    }


def _group_patterns(
    trips: pd.DataFrame, keys: list[str], lines: Mapping[str, list[tuple[float, float]]]
) -> dict[str, list[tuple[list[tuple[float, float]], list[str]]]]:
    by: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rid, tid, key in zip(trips["route_id"], trips["trip_id"], keys, strict=True):
        if key and key in lines:
            by[str(rid)][key].append(str(tid))
    return {rid: [(lines[k], tids) for k, tids in pats.items()] for rid, pats in by.items()}


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
    lang: str = "ja",
    outline_name: str | None = None,
    attributions: Sequence[str] = (),
) -> folium.Map:
    """A map of ``feed``: one layer per route (its colour; line width = trips per day), stops
    with the routes serving them and their departures per day type.

    Parameters
    ----------
    feed
        The feed to draw.
    boundary
        GeoJSON of the city boundary, drawn as the base layer (the map has no tiles), named
        ``outline_name`` (default 市域 / City outline).
    roads
        Road lines ``[(lat, lon), …]`` drawn faintly under the routes (see
        :func:`transit.maps.mapkit.graph_lines`).
    title
        Shown at the top (default: the agency name and ``バス路線図``).
    lang
        ``ja`` or ``en``: the language of titles, layers, popups and the legend.
    attributions
        Credits of the data sources, shown in the attribution line.

    Returns
    -------
    folium.Map
        Layers: 市域 (base, when given), 経緯線, 道路 (when given), one ``路線 …`` layer per
        route, ``停留所``; a layer control, a legend.
    """
    bounds = feed_bounds(feed)
    if title is None:
        agency = feed.column("agency", "agency_name").tolist()
        title = label("network_title", lang, agency=agency[0] if agency else "").strip()
    fmap = mapkit.new_map(bounds, title=title)
    if boundary is not None:
        mapkit.add_outline(fmap, boundary, name=outline_name or label("outline", lang), base=True)
    (s, w), (n, e) = bounds
    pad = 0.02
    mapkit.add_graticule(
        fmap, ((s - pad, w - pad), (n + pad, e + pad)), name=label("graticule", lang)
    )
    if roads is not None:
        mapkit.add_lines(fmap, roads, name=label("roads", lang))
    _add_routes(fmap, feed, lang=lang)
    _add_stops(fmap, feed, lang=lang)
    controls.add_box(fmap, _legend(feed, lang), corner="bottomright", box_id="legend")
    controls.add_attribution(fmap, attributions)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def trips_per_day(feed: Feed, trip_ids: Sequence[str]) -> dict[str, int]:
    """``service_id -> number of ``trip_ids`` running on a day of that service``."""
    service = dict(
        zip(feed.trips["trip_id"].astype(str), feed.trips["service_id"].astype(str), strict=True)
    )
    counts: dict[str, int] = defaultdict(int)
    for tid in trip_ids:
        counts[service.get(str(tid), "")] += 1
    return dict(sorted(counts.items()))


def line_weight(trips: int) -> float:
    """Line width (pixels) for ``trips`` a day: 2 px, plus 1 px per 10 trips, at most 10 px."""
    return min(10.0, 2.0 + trips / 10.0)


def _add_routes(fmap: folium.Map, feed: Feed, *, lang: str = "ja") -> None:
    """One layer per route with a shape or stop path, in the route's colour, each line as wide
    as its busiest day type has trips."""
    colors = route_colors(feed)
    patterns = route_patterns(feed)
    for rec in feed.routes.to_dict("records"):
        rid = str(rec["route_id"])
        if rid not in patterns:
            continue
        name = label("route", lang, name=route_label(rec))
        group = folium.FeatureGroup(name=markup.text(name))
        for line, trip_ids in patterns[rid]:
            if len(line) < 2:
                continue
            per_day = trips_per_day(feed, trip_ids)
            counts = ", ".join(
                label("trips_per_day", lang, service=service_label(sid, lang), n=n)
                for sid, n in per_day.items()
            )
            folium.PolyLine(
                [list(p) for p in line],
                color=colors.get(rid, "#" + PALETTE[0]),
                weight=line_weight(max(per_day.values())),
                opacity=0.85,
                tooltip=markup.tooltip(f"{name} — {counts}"),
            ).add_to(group)
        group.add_to(fmap)


def _legend(feed: Feed, lang: str) -> str:
    colors = route_colors(feed)
    rows = [
        (colors[str(rec["route_id"])], route_label(rec))
        for rec in feed.routes.to_dict("records")
        if str(rec["route_id"]) in colors
    ]
    notes = [label("line_weight_trips", lang)]
    return controls.legend_html(label("legend", lang), rows[:12], notes=notes)


def _add_stops(fmap: folium.Map, feed: Feed, *, lang: str = "ja") -> None:
    """The 停留所 layer: every stop or pole with a position, with its departures in a popup."""
    deps = stop_departures(feed, lang=lang)
    stops_group = folium.FeatureGroup(name=label("stops", lang))
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
        popup = _popup_html(str(name), str(plat[i] or ""), deps.get(str(sid), []), lang=lang)
        marker = markup.stop_marker(lat, lon, name, popup=folium.Popup(popup, max_width=520))
        marker.add_to(stops_group)
    stops_group.add_to(fmap)
