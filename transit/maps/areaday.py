"""What an on-demand area map draws, as plain data: :class:`AreaDay`.

:func:`area_day` turns a simulated day (:class:`~transit.routing.sim.results.SimResult`) and its
road network into the layers of the map (the area, roads, stops, destinations, requests and the
vehicles' timed tracks, in lon/lat); :func:`write_area_day` keeps them beside the area's map as
JSON, so that the workshop atlas draws the day again (in either language) without the road
network or a new simulation.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from transit.core.fileio import atomic_write_text
from transit.routing.roads.matrix import graph_to_csr, shortest_path_nodes
from transit.routing.sim.results import SimResult
from transit.routing.sim.setup import iter_rows

#: Calendar day used to timestamp the animation (any weekday; only clock times are shown).
ANIMATION_DAY = dt.date(2026, 4, 1)
#: Coordinates are kept to 5 decimals (about 1 m): enough for a map, and small files.
DECIMALS = 5
#: Request fields kept for the popups.
REQUEST_FIELDS = (
    "request_id",
    "booking",
    "desired_s",
    "purpose",
    "status",
    "pickup_s",
    "dropoff_s",
    "wait_min",
    "ride_min",
    "vehicle_id",
    "missed_connection",
)


@dataclass(frozen=True)
class AreaDay:
    """The layers of one area's simulated day (lon/lat degrees, times in seconds of the day).

    ``polygon`` is a GeoJSON geometry or ``None``; ``roads`` a list of ``[[lon, lat], [lon,
    lat]]`` segments; ``stops`` ``{name, lon, lat}``; ``places`` ``{name, kind, lon, lat}``;
    ``requests`` ``{lon, lat}`` plus :data:`REQUEST_FIELDS`; ``tracks`` one ``{vehicle_id,
    coords: [[lon, lat], …], times: [ISO datetime, …]}`` per vehicle that moved; ``kpis`` the
    day's KPIs; ``synthetic`` whether roads and demand are made up; ``title`` an explicit title
    (else one is made from ``name_ja``/``name_en``, ``vehicles`` and ``seed`` in the KPIs).
    """

    area_id: str = ""
    name_ja: str = ""
    name_en: str = ""
    title: str = ""
    polygon: dict[str, Any] | None = None
    roads: list[list[list[float]]] = field(default_factory=list)
    stops: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    tracks: list[dict[str, Any]] = field(default_factory=list)
    kpis: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = False

    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """``((south, west), (north, east))`` of the polygon, else of the requests."""
        if self.polygon is not None:
            from shapely.geometry import shape  # noqa: PLC0415  (only for this)

            w, s, e, n = shape(self.polygon).bounds
            return (s, w), (n, e)
        lons = [r["lon"] for r in self.requests] or [131.66]
        lats = [r["lat"] for r in self.requests] or [32.58]
        return (min(lats), min(lons)), (max(lats), max(lons))


def area_day(
    result: SimResult,
    graph: nx.MultiDiGraph,
    *,
    polygon: BaseGeometry | None = None,
    stops: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    title: str = "",
    names: tuple[str, str] = ("", ""),
    follow_roads: bool = True,
) -> AreaDay:
    """The layers of ``result`` on ``graph`` (see :class:`AreaDay`); ``stops`` has
    ``stop_name, lon, lat``, ``places`` ``name_ja, kind, lon, lat``; tracks follow the graph's
    shortest paths between executed stops when ``follow_roads`` (and travel times are known)."""
    return AreaDay(
        area_id=str(result.kpis.get("area_id", "") or ""),
        name_ja=names[0],
        name_en=names[1],
        title=title,
        polygon=_rounded(mapping(polygon)) if polygon is not None else None,
        roads=_roads(graph, _bounds(result, polygon)),
        stops=_points(stops, {"stop_name": "name"}),
        places=_points(places, {"name_ja": "name", "kind": "kind"}),
        requests=_requests(result.requests),
        tracks=_tracks(result.tracks, graph if follow_roads else None),
        kpis={k: _plain(v) for k, v in result.kpis.items()},
        synthetic=bool(graph.graph.get("transit_synthetic")),
    )


def _r(x: Any) -> float:
    return round(float(x), DECIMALS)


def _rounded(geometry: Any) -> Any:
    """A GeoJSON geometry mapping with its coordinates rounded (lists, not tuples)."""
    if isinstance(geometry, Mapping):
        return {k: _rounded(v) for k, v in geometry.items()}
    if isinstance(geometry, list | tuple):
        return [_rounded(v) for v in geometry]
    if isinstance(geometry, float):
        return _r(geometry)
    return geometry


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


def _roads(
    graph: nx.MultiDiGraph, bounds: tuple[tuple[float, float], tuple[float, float]]
) -> list[list[list[float]]]:
    """The road segments starting near ``bounds`` (each two-way road once)."""
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
        lines.append([[_r(a["x"]), _r(a["y"])], [_r(b["x"]), _r(b["y"])]])
    return lines


def _points(table: pd.DataFrame | None, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    if table is None or table.empty:
        return []
    return [
        {
            **{new: str(getattr(row, old)) for old, new in columns.items()},
            "lon": _r(row.lon),
            "lat": _r(row.lat),
        }
        for row in iter_rows(table)
    ]


def _requests(requests: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in iter_rows(requests):
        rec: dict[str, Any] = {"lon": _r(r.origin_lon), "lat": _r(r.origin_lat)}
        for name in REQUEST_FIELDS:
            value = getattr(r, name, None)
            rec[name] = None if value is None or pd.isna(value) else _plain(value)
        out.append(rec)
    return out


def _plain(value: Any) -> Any:
    """A value as JSON holds it (numpy scalars to Python ones, NaN to ``None``)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _iso(seconds: float) -> str:
    base = dt.datetime.combine(ANIMATION_DAY, dt.time())
    return (base + dt.timedelta(seconds=round(float(seconds)))).isoformat()


def _tracks(tracks: pd.DataFrame, graph: nx.MultiDiGraph | None) -> list[dict[str, Any]]:
    """One timed line per vehicle that left its depot (road nodes in between when ``graph``)."""
    if tracks.empty:
        return []
    usable = graph is not None and has_travel_times(graph)
    csr = graph_to_csr(graph, weight="travel_time") if usable and graph is not None else None
    out: list[dict[str, Any]] = []
    for vid, group in tracks.groupby("vehicle_id", sort=True):
        grp = group.sort_values("seq")
        if set(grp["event"]) <= {"start", "end"}:
            continue  # the vehicle stayed at the depot all day
        coords, times = _vehicle_track(grp, graph if csr is not None else None, csr)
        if len(coords) >= 2:
            out.append({"vehicle_id": str(vid), "coords": coords, "times": times})
    return out


def _vehicle_track(
    grp: pd.DataFrame, graph: nx.MultiDiGraph | None, csr: Any
) -> tuple[list[list[float]], list[str]]:
    """The timed points of one vehicle's executed stops (and the road nodes between them)."""
    coords: list[list[float]] = []
    times: list[str] = []

    def add(lon: float, lat: float, t: float) -> None:
        point, when = [_r(lon), _r(lat)], _iso(t)
        if not (coords and coords[-1] == point and times[-1] == when):
            coords.append(point)
            times.append(when)

    prev = None
    for row in iter_rows(grp):
        if prev is not None and row.node != prev.node and graph is not None:
            path = shortest_path_nodes(csr, prev.node, [row.node])[0]
            t0, t1 = float(prev.depart_s), float(row.arrival_s)
            for i, node in enumerate(path[1:-1], start=1):
                nd = graph.nodes[node]
                add(float(nd["x"]), float(nd["y"]), t0 + i / (len(path) - 1) * (t1 - t0))
        add(float(row.lon), float(row.lat), float(row.arrival_s))
        if float(row.depart_s) > float(row.arrival_s):
            add(float(row.lon), float(row.lat), float(row.depart_s))
        prev = row
    return coords, times


def has_travel_times(graph: nx.MultiDiGraph) -> bool:
    """True when every edge of ``graph`` has a ``travel_time``."""
    return all("travel_time" in d for _u, _v, d in graph.edges(data=True))


def write_area_day(day: AreaDay, path: Path) -> Path:
    """Write ``day`` as compact JSON (atomically); returns ``path``."""
    text = json.dumps(asdict(day), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    atomic_write_text(path, text + "\n")
    return path


def read_area_day(path: Path) -> AreaDay:
    """The :class:`AreaDay` written by :func:`write_area_day` at ``path``."""
    data = json.loads(Path(path).read_text("utf-8"))
    known = set(AreaDay.__dataclass_fields__)
    return AreaDay(**{k: v for k, v in data.items() if k in known})
