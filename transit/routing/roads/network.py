"""Road networks: load OSM data (file or download) or the sample city's synthetic network.

Every loader returns a ``networkx.MultiDiGraph`` in WGS84 (node attributes ``x`` = longitude,
``y`` = latitude; edge attribute ``length`` in metres) whose ``graph`` dictionary carries
``transit_source`` (where the network came from) and ``transit_synthetic`` (``True`` for the
sample city's made-up roads, which must be labelled as such wherever they are shown).
:func:`read_graphml` is the toolkit's one GraphML reader (the simulator, the GTFS shapes and the
maps read roads through it); :func:`add_travel_times` adds ``speed_kph`` and ``travel_time``
(seconds) to every edge; :func:`snap_points` finds the nearest node of each point (with
:func:`transit.core.geo.nearest_points`, which the GTFS shapes use too) and
:func:`far_from_network` counts the points a network does not cover.

Why :func:`add_travel_times` and not OSMnx's ``add_edge_speeds(hwy_speeds=…, fallback=…)``
(with the speeds of the assumptions table, ``roads.*``) + ``add_edge_travel_times``: measured
with OSMnx 2.1, the two differ. OSMnx ignores an edge's own ``speed_kph`` (it reads only ``maxspeed``), takes the
*first* class of a list-valued ``highway`` (ours: the mean of the classes' speeds), imputes a
class missing from the table by the mean ``maxspeed`` seen for it (ours: the fallback), and
needs a ``crs`` graph attribute. On the sample network (3,346 edges, every one with its own
speed) OSMnx gives 115,146.9 s of total edge travel time instead of 101,990.0 s (+12.9 %;
2,184 edges differ, by up to 11.4 s, e.g. edge 2→19, a 344.2 m residential street drawn at
30 km/h: 41.30 s, OSMnx 49.56 s at the table's 25 km/h); on OSMnx's West-Oakland test extract
+6.3 % (2 of 64 edges, a 700.8 m ``['service', 'unclassified']`` edge: 112.14 s, OSMnx 168.20 s);
on its 10.068,48.135 extract the same. A Kitaura day (seed 1, re-optimization off) would see
its requests' direct ride times grow from 358.5 to 389.4 minutes in total. The network's own
speeds are facts about the network (the sample city's synthetic roads are defined with them),
so this module keeps its own speed rule.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd

from transit.core.assumptions import value
from transit.core.errors import DataNotFoundError, InputError, Location, WorkError
from transit.core.geo import haversine_m, nearest_points
from transit.core.paths import sample_dir

log = logging.getLogger(__name__)

NetworkType = Literal["drive", "all"]

#: Label stored in ``G.graph["transit_source"]`` for the sample city's network.
SYNTHETIC_LABEL = "synthetic sample network (架空の道路網 — not real roads)"

#: OSM ``highway`` values a car cannot use; dropped when ``network_type="drive"``.
NON_DRIVABLE = frozenset(
    {
        "footway",
        "pedestrian",
        "path",
        "steps",
        "cycleway",
        "bridleway",
        "track",
        "corridor",
        "elevator",
        "platform",
        "construction",
        "proposed",
        "abandoned",
        "bus_guideway",
        "escalator",
        "raceway",
    }
)

_OSM_SUFFIXES = (".osm", ".osm.bz2", ".osm.xml", ".xml", ".xml.bz2")


def read_network(path: Path, *, network_type: NetworkType = "drive") -> nx.MultiDiGraph:
    """Read a road network from an OSM XML file (``.osm``, ``.osm.bz2``) or a GraphML file.

    Parameters
    ----------
    path
        The file. ``.osm.pbf`` is not readable by OSMnx; the error says how to convert it.
    network_type
        ``"drive"`` keeps only edges a car can use (drops footways, paths, steps, …) and then
        the largest strongly connected component; ``"all"`` keeps everything OSMnx read.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes with ``x`` (longitude), ``y`` (latitude); edges with ``length`` (m) and, where the
        source had them, ``highway``, ``maxspeed``, ``name``. ``G.graph["transit_source"]`` names
        the file.
    """
    import osmnx as ox  # noqa: PLC0415  (slow import, only when reading OSM)

    path = Path(path)
    name = path.name.lower()
    if not path.is_file():
        raise DataNotFoundError(f"road network file not found: {path}")
    if name.endswith(".pbf"):
        raise InputError(
            "OSMnx cannot read .osm.pbf files; convert it to OSM XML first, e.g. "
            "`osmium cat FILE.osm.pbf -o FILE.osm` (install osmium-tool: apt install osmium-tool, "
            "or pip install osmium), then pass the .osm file",
            Location.of(path),
        )
    if name.endswith(".graphml"):
        graph = read_graphml(path)
    elif name.endswith(_OSM_SUFFIXES):
        try:
            graph = ox.graph_from_xml(path, simplify=True, retain_all=False)
        except Exception as exc:  # osmnx raises several types for broken XML
            raise InputError(f"cannot read OSM XML: {exc}", Location.of(path)) from exc
    else:
        raise InputError(
            "unknown road network format (expected .osm, .osm.bz2, .osm.pbf or .graphml)",
            Location.of(path),
        )
    if graph.number_of_nodes() == 0:
        raise InputError("the road network has no nodes", Location.of(path))
    graph.graph["transit_source"] = graph.graph.get("transit_source", str(path.name))
    graph.graph.setdefault("transit_synthetic", False)
    if network_type == "drive":
        graph = keep_drivable(graph)
    log.info(
        "read %s: %d nodes, %d edges", path.name, graph.number_of_nodes(), graph.number_of_edges()
    )
    return graph


def download_network(place: str, *, network_type: NetworkType = "drive") -> nx.MultiDiGraph:
    """Download the road network of a named place (e.g. ``"北浦町, 延岡市, 宮崎県"``) with OSMnx.

    Needs internet access; offline, raises :class:`~transit.core.errors.WorkError` saying to use a
    local ``.osm`` or GraphML file instead (or the sample city's synthetic network).
    Returns the same kind of graph as :func:`read_network`.
    """
    import osmnx as ox  # noqa: PLC0415  (slow import, only when reading OSM)
    import requests  # noqa: PLC0415

    try:
        graph = ox.graph_from_place(
            place, network_type="drive" if network_type == "drive" else "all"
        )
    except (requests.RequestException, OSError) as exc:
        raise WorkError(
            f"cannot download the road network of {place!r} (no internet connection?): {exc}; "
            "use a local .osm/.osm.bz2/.graphml file instead"
        ) from exc
    except (ValueError, ox._errors.InsufficientResponseError) as exc:
        raise InputError(f"OpenStreetMap has no usable road network for {place!r}: {exc}") from exc
    graph.graph["transit_source"] = f"OpenStreetMap download: {place}"
    graph.graph["transit_synthetic"] = False
    return graph


def sample_network() -> nx.MultiDiGraph:
    """The sample city's synthetic road network (``data/sample/network/roads.graphml``).

    The roads are made up (approximate real place positions joined by a generated grid); the
    returned graph carries ``transit_synthetic = True`` and ``transit_source`` =
    :data:`SYNTHETIC_LABEL` so that maps and reports can say so.
    """
    path = sample_dir() / "network" / "roads.graphml"
    if not path.is_file():
        raise DataNotFoundError(f"sample road network not found: {path}")
    graph = read_graphml(path)
    graph.graph["transit_source"] = SYNTHETIC_LABEL
    graph.graph["transit_synthetic"] = True
    return graph


def load_network(
    source: str | Path | None, *, network_type: NetworkType = "drive"
) -> nx.MultiDiGraph:
    """Load a network from a file path, ``"sample"`` / ``None`` (the synthetic sample network), or
    ``"place:NAME"`` (download by place name). See :func:`read_network`."""
    if source is None or str(source) == "sample":
        return sample_network()
    text = str(source)
    if text.startswith("place:"):
        return download_network(text.removeprefix("place:").strip(), network_type=network_type)
    return read_network(Path(text), network_type=network_type)


def keep_drivable(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy without non-drivable edges (:data:`NON_DRIVABLE`), reduced to its largest strongly
    connected component (so every node can reach every other)."""
    out = graph.copy()
    drop = [
        (u, v, k)
        for u, v, k, hw in out.edges(keys=True, data="highway")
        if hw is not None and set(_as_list(hw)) <= NON_DRIVABLE
    ]
    out.remove_edges_from(drop)
    return largest_strong_component(out)


def largest_strong_component(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the largest strongly connected component (ties: the one with the smallest node)."""
    if graph.number_of_nodes() == 0:
        return graph.copy()
    comps = list(nx.strongly_connected_components(graph))
    best = max(comps, key=lambda c: (len(c), -_min_key(c)))
    return graph.subgraph(best).copy()


def add_travel_times(
    graph: nx.MultiDiGraph,
    *,
    speeds_kph: Mapping[str, float] | None = None,
    fallback_kph: float | None = None,
    factor: float = 1.0,
) -> nx.MultiDiGraph:
    """A copy with ``speed_kph`` and ``travel_time`` (seconds) on every edge.

    The speed of an edge is, in order: its own ``speed_kph`` (e.g. from a synthetic network), its
    ``maxspeed`` tag (km/h, ``"40"``, ``"40 mph"``), the speed of its ``highway`` class in
    ``speeds_kph`` (default: ``roads.speeds_kmh`` of the assumptions table), else
    ``fallback_kph`` (default: ``roads.fallback_speed_kmh``); then multiplied by
    ``factor`` (e.g. 0.8 for a small car on narrow roads). ``travel_time = length / speed``.
    """
    if fallback_kph is None:
        fallback_kph = float(value("roads.fallback_speed_kmh"))
    if factor <= 0 or fallback_kph <= 0:
        raise InputError("speeds must be positive (factor and fallback_kph)")
    table = dict(value("roads.speeds_kmh") if speeds_kph is None else speeds_kph)
    out = graph.copy()
    for _u, _v, data in out.edges(data=True):
        speed = _edge_speed(data, table, fallback_kph) * factor
        length = float(data.get("length", 0.0))
        data["speed_kph"] = speed
        data["travel_time"] = length / (speed / 3.6)
    return out


def snap_points(
    graph: nx.MultiDiGraph, lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray
) -> pd.DataFrame:
    """Nearest graph node of each point (WGS84 degrees), by :func:`transit.core.geo.nearest_points`.

    Returns
    -------
    pandas.DataFrame
        One row per point, in input order: ``node`` (node id), ``snap_m`` (straight-line
        distance from the point to the node, metres; an equirectangular approximation, exact to
        well under 1% over a city).
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    if lon_a.shape != lat_a.shape:
        raise InputError("lon and lat must have the same length")
    nodes = list(graph.nodes)
    if not nodes:
        raise InputError("the road network has no nodes")
    if lon_a.size == 0:
        return pd.DataFrame({"node": pd.Series([], dtype=object), "snap_m": []})
    nx_ = np.array([graph.nodes[n]["x"] for n in nodes], dtype=float)
    ny_ = np.array([graph.nodes[n]["y"] for n in nodes], dtype=float)
    idx, dist = nearest_points(lon_a, lat_a, nx_, ny_)
    return pd.DataFrame({"node": [nodes[i] for i in idx], "snap_m": dist})


def far_from_network(
    graph: nx.MultiDiGraph,
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    *,
    max_m: float,
) -> tuple[int, float]:
    """How many points (WGS84 degrees) lie farther than ``max_m`` metres from their nearest node
    of ``graph``, and the largest such distance (metres, great-circle; 0.0 when none).

    A network that does not cover the points would silently snap them all to a few nodes at
    its edge (a day of 0 km); callers refuse such points with this count.
    """
    snap = snap_points(graph, lon, lat)
    if snap.empty:
        return 0, 0.0
    nodes = snap["node"].tolist()
    node_lon = np.array([graph.nodes[n]["x"] for n in nodes], dtype=float)
    node_lat = np.array([graph.nodes[n]["y"] for n in nodes], dtype=float)
    dist = np.asarray(
        haversine_m(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), node_lat, node_lon),
        dtype=float,
    )
    far = dist[dist > max_m]
    return int(far.size), float(far.max()) if far.size else 0.0


# --- helpers ------------------------------------------------------------------------------


def read_graphml(path: Path) -> nx.MultiDiGraph:
    """Read a road network from GraphML (as OSMnx or networkx write it) — the one GraphML reader
    of the toolkit (simulator, GTFS shapes, maps).

    Returns a ``MultiDiGraph`` (an undirected file gets both directions) with float ``x``
    (longitude) and ``y`` (latitude) on every node, ``length`` (metres; the straight-line
    distance where the file has none) and float ``speed_kph``/``travel_time`` where present.
    Raises :class:`~transit.core.errors.InputError` (located at the file) when the file cannot be
    parsed or a node has no coordinates.
    """
    try:
        raw = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises several parser errors
        raise InputError(f"not a readable GraphML road network ({exc})", Location.of(path)) from exc
    graph = nx.MultiDiGraph(raw) if not raw.is_directed() else raw
    if not isinstance(graph, nx.MultiDiGraph):
        graph = nx.MultiDiGraph(graph)
    missing = [n for n, d in graph.nodes(data=True) if "x" not in d or "y" not in d]
    if missing:
        raise InputError(
            f"GraphML nodes need x (lon) and y (lat) attributes: {len(missing)} nodes lack "
            f"them (e.g. node {missing[0]!r})",
            Location.of(path),
        )
    for _n, d in graph.nodes(data=True):
        d["x"] = float(d["x"])
        d["y"] = float(d["y"])
    for u, v, d in graph.edges(data=True):
        if "length" in d:
            d["length"] = float(d["length"])
        else:
            a, b = graph.nodes[u], graph.nodes[v]
            d["length"] = haversine_m(a["y"], a["x"], b["y"], b["x"])
        for key in ("speed_kph", "travel_time"):
            if key in d:
                d[key] = float(d[key])
    for key in ("transit_synthetic",):
        if key in graph.graph and isinstance(graph.graph[key], str):
            graph.graph[key] = graph.graph[key].lower() == "true"
    return graph


def _edge_speed(data: Mapping[str, object], table: Mapping[str, float], fallback: float) -> float:
    own = data.get("speed_kph")
    if isinstance(own, int | float | str):
        try:
            value = float(own)
        except ValueError:
            value = math.nan
        if value > 0:
            return value
    maxspeed = _parse_maxspeed(data.get("maxspeed"))
    if maxspeed is not None:
        return maxspeed
    speeds = [table[h] for h in _as_list(data.get("highway")) if h in table]
    return float(np.mean(speeds)) if speeds else fallback


_SPEED_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


def _parse_maxspeed(value: object) -> float | None:
    """``"40"`` → 40.0, ``"30 mph"`` → 48.28, a list → mean of its parsable items, else None."""
    items = _as_list(value)
    parsed: list[float] = []
    for item in items:
        m = _SPEED_RE.match(str(item))
        if m:
            speed = float(m.group(1))
            parsed.append(speed * 1.609344 if m.group(2) == "mph" else speed)
    return float(np.mean(parsed)) if parsed else None


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    text = str(value)
    if text.startswith("[") and text.endswith("]"):  # a list serialized into GraphML
        return [t.strip(" '\"") for t in text[1:-1].split(",") if t.strip(" '\"")]
    return [text]


def _min_key(nodes: set[object]) -> float:
    keys = [n for n in nodes if isinstance(n, int | float)]
    return float(min(keys)) if keys else 0.0
