"""Road networks (OSM XML, GraphML, sample), travel times, snapping, and bulk matrices."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transit.core.errors import DataNotFoundError, InputError, WorkError
from transit.routing.roads import network
from transit.routing.roads.matrix import graph_to_csr, shortest_path_nodes, travel_time_matrix
from transit.routing.roads.network import (
    SYNTHETIC_LABEL,
    add_travel_times,
    far_from_network,
    read_network,
    sample_network,
    snap_points,
)

OSM_DIR = ("nobeoka", "osm_test_fallback")
OAKLAND = "osmnx_tests_West-Oakland.osm.bz2"
PLANET = "osmnx_tests_planet_10.068_48.135_10.071_48.137.osm"


@pytest.mark.external
@pytest.mark.parametrize(
    ("name", "network_type", "nodes", "edges"),
    [
        (OAKLAND, "all", 47, 106),
        (OAKLAND, "drive", 28, 64),
        (PLANET, "all", 21, 40),
        (PLANET, "drive", 20, 38),
    ],
)
def test_read_osm_counts(
    external: Path, name: str, network_type: str, nodes: int, edges: int
) -> None:
    """OSM XML files (plain and bz2) load with exact node/edge counts per network type."""
    graph = read_network(external.joinpath(*OSM_DIR, name), network_type=network_type)  # type: ignore[arg-type]
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    assert graph.graph["transit_source"] == name
    assert graph.graph["transit_synthetic"] is False


@pytest.mark.external
def test_drive_network_is_strongly_connected_with_travel_times(external: Path) -> None:
    """The drive network is one strong component; travel times follow the speed table."""
    graph = add_travel_times(read_network(external.joinpath(*OSM_DIR, OAKLAND)))
    assert nx.is_strongly_connected(graph)
    total_len = sum(d["length"] for _u, _v, d in graph.edges(data=True))
    total_tt = sum(d["travel_time"] for _u, _v, d in graph.edges(data=True))
    assert round(total_len, 3) == 12480.852
    assert round(total_tt, 3) == 1775.083


def test_pbf_names_what_to_install(tmp_path: Path) -> None:
    """A .osm.pbf file gives a clear error naming the converter to install."""
    pbf = tmp_path / "area.osm.pbf"
    pbf.write_bytes(b"\x00")
    with pytest.raises(InputError, match="osmium") as info:
        read_network(pbf)
    assert info.value.location is not None and info.value.location.file == "area.osm.pbf"


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    """Unknown suffixes and missing files are input errors."""
    bad = tmp_path / "roads.shp"
    bad.write_text("x")
    with pytest.raises(InputError, match="unknown road network format"):
        read_network(bad)
    with pytest.raises(DataNotFoundError):
        read_network(tmp_path / "nothing.osm")


def test_download_offline_is_a_clear_work_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without internet, a download by place name fails with a message saying what to do."""
    import osmnx as ox
    import requests

    def offline(*_a: object, **_k: object) -> nx.MultiDiGraph:
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr(ox, "graph_from_place", offline)
    with pytest.raises(WorkError, match=r"local \.osm"):
        network.download_network("北浦町, 延岡市")


def _tiny_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(crs="epsg:4326")
    coords = {1: (131.80, 32.70), 2: (131.81, 32.70), 3: (131.81, 32.71)}
    for n, (x, y) in coords.items():
        g.add_node(n, x=x, y=y)
    g.add_edge(1, 2, length=1000.0, maxspeed="40", highway="secondary")
    g.add_edge(2, 1, length=1000.0, maxspeed="30 mph", highway="secondary")
    g.add_edge(2, 3, length=500.0, highway="residential")
    g.add_edge(3, 2, length=500.0, highway="mystery")
    g.add_edge(3, 1, length=2000.0, speed_kph=60.0, highway="residential")
    return g


def test_travel_times_from_tags() -> None:
    """Speed: own speed_kph, else maxspeed (km/h or mph), else the class table, else fallback."""
    g = add_travel_times(_tiny_graph(), factor=1.0)
    tt = {(u, v): round(d["travel_time"], 6) for u, v, d in g.edges(data=True)}
    assert tt == {
        (1, 2): 90.0,  # 1 km at 40 km/h
        (2, 1): round(1000 / (30 * 1.609344 / 3.6), 6),
        (2, 3): 72.0,  # residential 25 km/h
        (3, 2): 60.0,  # unknown class: fallback 30 km/h
        (3, 1): 120.0,  # own speed 60 km/h
    }
    slow = add_travel_times(_tiny_graph(), factor=0.5)
    assert slow.edges[1, 2, 0]["travel_time"] == 180.0
    assert "travel_time" not in _tiny_graph().edges[1, 2, 0]  # input not mutated


def test_graphml_round_trip(tmp_path: Path) -> None:
    """GraphML written by networkx (string attributes) reads back with float coordinates."""
    path = tmp_path / "roads.graphml"
    nx.write_graphml(_tiny_graph(), path)
    g = read_network(path, network_type="all")
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 5
    assert all(isinstance(d["x"], float) for _n, d in g.nodes(data=True))
    assert sorted(d["length"] for _u, _v, d in g.edges(data=True)) == [
        500.0,
        500.0,
        1000.0,
        1000.0,
        2000.0,
    ]


def test_sample_network_is_labelled_synthetic(sample: Path) -> None:
    """The offline default network says it is synthetic."""
    if not (sample / "network" / "roads.graphml").is_file():
        pytest.skip("sample network not generated yet")
    g = sample_network()
    assert g.graph["transit_synthetic"] is True
    assert g.graph["transit_source"] == SYNTHETIC_LABEL
    assert nx.is_strongly_connected(g)


def test_snap_points_exact() -> None:
    """Each point snaps to its nearest node, with the distance in metres."""
    g = _tiny_graph()
    snapped = snap_points(g, [131.8001, 131.8099, 131.81], [32.7, 32.7, 32.7101])
    assert snapped["node"].tolist() == [1, 2, 3]
    r = 6_371_008.8
    expected = math.radians(0.0001) * r * math.cos(math.radians(32.7033333333))
    assert snapped["snap_m"].iloc[0] == pytest.approx(expected, rel=1e-6)
    assert snapped["snap_m"].iloc[2] == pytest.approx(math.radians(0.0001) * r, rel=1e-6)


def test_far_from_network_counts_points_beyond_the_distance() -> None:
    """How many points lie beyond ``max_m`` of their nearest node, and the farthest (great
    circle): one degree of latitude north of the graph is 111.2 km."""
    g = _tiny_graph()
    lon, lat = [131.8001, 131.81, 131.81], [32.7, 32.7101, 33.71]
    assert far_from_network(g, lon, lat, max_m=2000.0) == (1, pytest.approx(111_195.1, abs=0.1))
    assert far_from_network(g, lon, lat, max_m=200_000.0) == (0, 0.0)
    assert far_from_network(g, [], [], max_m=1.0) == (0, 0.0)


def test_matrix_equals_networkx_dijkstra_small_graph() -> None:
    """Bulk matrix = networkx Dijkstra; parallel edges keep the smallest weight."""
    g = add_travel_times(_tiny_graph())
    g.add_edge(1, 2, length=10.0, travel_time=5.0)  # a faster parallel edge
    nodes = [1, 2, 3]
    m = travel_time_matrix(g, nodes)
    simple = nx.DiGraph()
    for u, v, d in g.edges(data=True):
        w = d["travel_time"]
        if not simple.has_edge(u, v) or simple[u][v]["w"] > w:
            simple.add_edge(u, v, w=w)
    for i, a in enumerate(nodes):
        dist = nx.single_source_dijkstra_path_length(simple, a, weight="w")
        assert [m[i, j] for j in range(3)] == pytest.approx([dist[b] for b in nodes], abs=1e-9)
    assert m[0, 1] == 5.0


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=12),
    p=st.floats(min_value=0.1, max_value=0.6),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_matrix_matches_networkx_on_random_graphs(n: int, p: float, seed: int) -> None:
    """On random directed graphs, every entry equals networkx's (inf where unreachable)."""
    rng = np.random.default_rng(seed)
    base = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(n))
    for u, v in base.edges():
        g.add_edge(u, v, travel_time=float(rng.integers(1, 100)))
    origins = [int(x) for x in rng.integers(0, n, size=4)]
    m = travel_time_matrix(g, origins, list(range(n)), chunk=2)
    for i, a in enumerate(origins):
        dist = nx.single_source_dijkstra_path_length(g, a, weight="travel_time")
        expected = [dist.get(b, math.inf) for b in range(n)]
        assert m[i].tolist() == expected


def test_shortest_path_nodes_and_missing_weight() -> None:
    """Paths follow the fastest route; a graph without the weight is an input error."""
    g = add_travel_times(_tiny_graph())
    csr = graph_to_csr(g)
    assert shortest_path_nodes(csr, 1, [3, 1]) == [[1, 2, 3], [1]]
    with pytest.raises(InputError, match="add_travel_times"):
        graph_to_csr(_tiny_graph())
    with pytest.raises(InputError, match="not in the road network"):
        travel_time_matrix(csr, [99])
