"""Road times and road shapes for the edits: the one place of the scenario package that reads a
road network (through :mod:`transit.routing.roads`).

With a network, the running time between two stops is the shortest travel time between their
nearest road nodes, and a new shape follows the roads; without one, the time is the straight-line
distance at the edit's stated speed, and the shape is straight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from transit.core.geo import haversine_m
from transit.demand.scenarios.feedops import Point
from transit.gtfs.builder.shapes import RoadNetwork, pattern_path
from transit.routing.roads.matrix import graph_to_csr, travel_time_matrix
from transit.routing.roads.network import add_travel_times, load_network, snap_points


@dataclass(frozen=True, eq=False)
class Roads:
    """A road network with travel times (``graph``), or none (``graph`` is ``None``)."""

    graph: Any = None

    def run_s(self, points: Sequence[Point], *, speed_kmh: float) -> list[float]:
        """Running time (s) between consecutive ``points``: on the roads, else the straight
        line at ``speed_kmh``."""
        if len(points) < 2:
            return []
        lat = np.array([p[0] for p in points])
        lon = np.array([p[1] for p in points])
        line = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]) / (speed_kmh / 3.6)
        if self.graph is None:
            return [float(v) for v in line]
        nodes = snap_points(self.graph, lon, lat)["node"].tolist()
        csr = graph_to_csr(self.graph)
        times = travel_time_matrix(csr, nodes[:-1], nodes[1:])
        road = np.diagonal(times)
        return [float(r) if np.isfinite(r) else float(s) for r, s in zip(road, line, strict=True)]

    def matrix_s(
        self,
        origins: Sequence[Point],
        destinations: Sequence[Point],
        *,
        speed_kmh: float,
        detour_factor: float,
    ) -> npt.NDArray[np.float64]:
        """Driving time (s) from every origin to every destination: on the roads (nearest
        nodes), else the straight line × ``detour_factor`` at ``speed_kmh``."""
        olat = np.array([p[0] for p in origins], dtype=np.float64)
        olon = np.array([p[1] for p in origins], dtype=np.float64)
        dlat = np.array([p[0] for p in destinations], dtype=np.float64)
        dlon = np.array([p[1] for p in destinations], dtype=np.float64)
        line = haversine_m(olat[:, None], olon[:, None], dlat[None, :], dlon[None, :])
        line = line * detour_factor / (speed_kmh / 3.6)
        if self.graph is None or not len(origins) or not len(destinations):
            return np.asarray(line, dtype=np.float64)
        o_nodes = snap_points(self.graph, olon, olat)["node"].tolist()
        d_nodes = snap_points(self.graph, dlon, dlat)["node"].tolist()
        road = travel_time_matrix(graph_to_csr(self.graph), o_nodes, d_nodes)
        return np.where(np.isfinite(road), road, line)

    def path(self, stops: Sequence[Point]) -> list[Point]:
        """A shape through ``stops``: along the roads when there is a network, else straight."""
        network = RoadNetwork(self.graph) if self.graph is not None else None
        return pattern_path(list(stops), network=network)


def read_roads(path: Path | None) -> Roads:
    """The road network at ``path`` (GraphML, ``.osm``, …) with travel times; no network when
    ``path`` is ``None``."""
    if path is None:
        return Roads(None)
    return Roads(add_travel_times(load_network(str(path))))


def road_graph(source: str | Path | None) -> Any:
    """A road graph with travel times for the on-demand simulation: ``source`` (a file path),
    or the sample city's synthetic network when ``None`` or ``"sample"``."""
    return add_travel_times(load_network(None if source in (None, "", "sample") else str(source)))
