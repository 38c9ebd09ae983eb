"""Shapes: the path of each stop pattern, along a road network when one is given.

With a road network (a GraphML file as OSMnx writes it: nodes with ``x``/``y`` in degrees,
edges with ``length`` in metres) each pair of consecutive stops is joined by the shortest path
between their nearest nodes (networkx); without one, or where no path exists, by a straight
segment.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import numpy as np
import pandas as pd

from transit.core.errors import InputError, Location

log = logging.getLogger(__name__)

Point = tuple[float, float]
"""``(lat, lon)`` in degrees."""


class RoadNetwork:
    """A road graph with a nearest-node lookup (nodes ``x`` = lon, ``y`` = lat; edges ``length``)."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph
        nodes = sorted(graph.nodes, key=str)
        self._nodes = nodes
        self._xy = np.array(
            [[float(graph.nodes[n]["y"]), float(graph.nodes[n]["x"])] for n in nodes], dtype=float
        )

    def nearest(self, point: Point) -> Any:
        """The node nearest to ``point`` (equirectangular distance; ties by node order)."""
        lat, lon = point
        dy = self._xy[:, 0] - lat
        dx = (self._xy[:, 1] - lon) * np.cos(np.radians(lat))
        return self._nodes[int(np.argmin(dx * dx + dy * dy))]

    def path(self, a: Point, b: Point) -> list[Point] | None:
        """Points of the shortest path from ``a`` to ``b`` (ends included), ``None`` if none."""
        na, nb = self.nearest(a), self.nearest(b)
        try:
            nodes = nx.shortest_path(self.graph, na, nb, weight="length")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
        pts = [(float(self.graph.nodes[n]["y"]), float(self.graph.nodes[n]["x"])) for n in nodes]
        return [a, *pts, b]


def read_network(path: Path) -> RoadNetwork:
    """Read a GraphML road network; raises :class:`InputError` when it cannot be read."""
    try:
        graph = nx.read_graphml(path)
    except (OSError, nx.NetworkXError, ValueError, KeyError, ElementTree.ParseError) as exc:
        raise InputError(f"not a readable GraphML road network ({exc})", Location.of(path)) from exc
    for _, data in graph.nodes(data=True):
        if "x" not in data or "y" not in data:
            raise InputError("GraphML nodes need x (lon) and y (lat) attributes", Location.of(path))
        break
    for _, _, data in graph.edges(data=True):
        data["length"] = float(data.get("length", 1.0))
    return RoadNetwork(graph)


def pattern_path(stops: Sequence[Point], *, network: RoadNetwork | None = None) -> list[Point]:
    """The points of one pattern's shape: stop to stop along the network, straight otherwise."""
    if network is None or len(stops) < 2:
        return list(stops)
    out: list[Point] = [stops[0]]
    for a, b in pairwise(stops):
        seg = network.path(a, b)
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
