"""Shapes: the path of each stop pattern, along a road network when one is given.

With a road network (a graph whose nodes carry ``x``/``y`` in degrees and edges ``length`` in
metres — callers read GraphML through :func:`transit.routing.roads.network.read_graphml`) each
pair of consecutive stops is joined by the shortest path between their nearest nodes
(:func:`transit.core.geo.nearest_points`, networkx); without one, or where no path exists, by a
straight segment.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from transit.core.geo import nearest_points

log = logging.getLogger(__name__)

Point = tuple[float, float]
"""``(lat, lon)`` in degrees."""


class RoadNetwork:
    """A road graph with a nearest-node lookup (nodes ``x`` = lon, ``y`` = lat; edges ``length``)."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph
        nodes = sorted(graph.nodes, key=str)
        self._nodes = nodes
        self._lat = np.array([float(graph.nodes[n]["y"]) for n in nodes], dtype=float)
        self._lon = np.array([float(graph.nodes[n]["x"]) for n in nodes], dtype=float)

    def nearest(self, points: Sequence[Point]) -> list[Any]:
        """The node nearest to each point (:func:`transit.core.geo.nearest_points`)."""
        lat = [p[0] for p in points]
        lon = [p[1] for p in points]
        idx, _dist = nearest_points(lon, lat, self._lon, self._lat)
        return [self._nodes[i] for i in idx]

    def path(self, a: Point, b: Point, ends: tuple[Any, Any] | None = None) -> list[Point] | None:
        """Points of the shortest path from ``a`` to ``b`` (ends included), ``None`` if none;
        ``ends`` are their nearest nodes when already known."""
        na, nb = ends if ends is not None else self.nearest([a, b])
        try:
            nodes = nx.shortest_path(self.graph, na, nb, weight="length")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
        pts = [(float(self.graph.nodes[n]["y"]), float(self.graph.nodes[n]["x"])) for n in nodes]
        return [a, *pts, b]


def pattern_path(stops: Sequence[Point], *, network: RoadNetwork | None = None) -> list[Point]:
    """The points of one pattern's shape: stop to stop along the network, straight otherwise."""
    if network is None or len(stops) < 2:
        return list(stops)
    snapped = network.nearest(stops)
    out: list[Point] = [stops[0]]
    for (a, b), ends in zip(pairwise(stops), pairwise(snapped), strict=True):
        seg = network.path(a, b, ends)
        if seg is None:
            out.append(b)
            continue
        for p in seg[1:]:
            if p != out[-1]:
                out.append(p)
    return out


def build_shapes(
    patterns: Mapping[str, Sequence[Point]], *, network: RoadNetwork | None = None
) -> pd.DataFrame:
    """``shapes`` rows for every pattern.

    Returns
    -------
    DataFrame
        shape_id, shape_pt_lat, shape_pt_lon (degrees, 7 decimals), shape_pt_sequence (from 1);
        all text.
    """
    rows: dict[str, list[str]] = {
        k: [] for k in ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence")
    }
    for shape_id in sorted(patterns):
        pts = pattern_path(patterns[shape_id], network=network)
        for seq, (lat, lon) in enumerate(pts, start=1):
            rows["shape_id"].append(shape_id)
            rows["shape_pt_lat"].append(f"{lat:.7f}")
            rows["shape_pt_lon"].append(f"{lon:.7f}")
            rows["shape_pt_sequence"].append(str(seq))
    return pd.DataFrame(rows)
