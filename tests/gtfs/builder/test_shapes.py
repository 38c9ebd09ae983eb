"""Shapes: shortest paths along a GraphML road network, straight segments otherwise."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from tests.gtfs.factory import make_source
from transit.core.errors import InputError
from transit.gtfs.builder.shapes import RoadNetwork, build_shapes, pattern_path
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.source.read import read_source
from transit.routing.roads.network import read_graphml


def read_network(path: Path) -> RoadNetwork:
    """A GraphML network as the build reads it (through the routing road reader)."""
    return RoadNetwork(read_graphml(path))


def _write_l_network(path: Path) -> None:
    """Three nodes in an L: (0,0) -> (0,0.01) -> (0.01,0.01), plus an isolated node far away."""
    g = nx.MultiDiGraph()
    for n, (lat, lon) in {
        "a": (0.0, 0.0),
        "b": (0.0, 0.01),
        "c": (0.01, 0.01),
        "z": (5.0, 5.0),
    }.items():
        g.add_node(n, x=str(lon), y=str(lat))
    for u, v in (("a", "b"), ("b", "c")):
        g.add_edge(u, v, length="1000")
        g.add_edge(v, u, length="1000")
    nx.write_graphml(g, path)


def test_path_follows_the_network(tmp_path: Path) -> None:
    path = tmp_path / "roads.graphml"
    _write_l_network(path)
    net = read_network(path)
    pts = pattern_path([(0.0001, 0.0), (0.0099, 0.0101)], network=net)
    assert pts == [(0.0001, 0.0), (0.0, 0.0), (0.0, 0.01), (0.01, 0.01), (0.0099, 0.0101)]


def test_no_path_falls_back_to_a_straight_segment(tmp_path: Path) -> None:
    path = tmp_path / "roads.graphml"
    _write_l_network(path)
    net = read_network(path)
    assert pattern_path([(0.0, 0.0), (5.0, 5.0)], network=net) == [(0.0, 0.0), (5.0, 5.0)]
    assert pattern_path([(1.0, 2.0), (3.0, 4.0)]) == [(1.0, 2.0), (3.0, 4.0)]


def test_build_shapes_rows() -> None:
    df = build_shapes({"p2": [(1.0, 2.0), (1.5, 2.5)], "p1": [(0.0, 0.0), (0.1, 0.1), (0.2, 0.2)]})
    assert df.values.tolist() == [
        ["p1", "0.0000000", "0.0000000", "1"],
        ["p1", "0.1000000", "0.1000000", "2"],
        ["p1", "0.2000000", "0.2000000", "3"],
        ["p2", "1.0000000", "2.0000000", "1"],
        ["p2", "1.5000000", "2.5000000", "2"],
    ]


def test_unreadable_network_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "roads.graphml"
    bad.write_text("not xml", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable GraphML road network"):
        read_network(bad)


def test_build_with_the_sample_network_draws_longer_shapes(sample: Path, tmp_path: Path) -> None:
    graph = sample / "network" / "roads.graphml"
    if not graph.is_file():
        pytest.skip("data/sample/network/roads.graphml is not there yet")
    source = read_source(make_source(tmp_path / "src"))
    straight = build_tables(source)["shapes"]
    along = build_tables(source, network=read_network(graph))["shapes"]
    assert (
        sorted(set(along["shape_id"]))
        == sorted(set(straight["shape_id"]))
        == ["R1_p1", "R1_p2", "R1_p3"]
    )
    assert len(along) > len(straight)
    first = along[along["shape_id"] == "R1_p1"]
    assert first.iloc[0][["shape_pt_lat", "shape_pt_lon"]].tolist() == ["32.5889000", "131.6636000"]
