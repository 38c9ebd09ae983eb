"""The sample city's maps for ``transit maps all``: the feed map and one simulated Kitaura day."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from transit.core.errors import TransitError
from transit.core.paths import sample_dir
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.feedio import Feed
from transit.gtfs.source.read import read_source
from transit.maps import mapkit
from transit.maps.areas import map_area_result
from transit.maps.feed import map_feed
from transit.maps.outline import default_boundary
from transit.routing.areas.config import load_area
from transit.routing.areas.prepare import prepare_area
from transit.routing.roads.network import sample_network
from transit.routing.sim.simulator import simulate

if TYPE_CHECKING:
    import folium


def sample_feed() -> Feed:
    """The sample city's feed, built in memory from ``data/sample/gtfs``."""
    return Feed(build_tables(read_source(sample_dir() / "gtfs")))


def sample_roads() -> list[list[tuple[float, float]]] | None:
    """The sample city's (synthetic) road network as lines, or ``None`` when absent."""
    try:
        return mapkit.graph_lines(sample_network())
    except TransitError:
        return None


def kitaura_drt_map(*, seed: int = 1) -> folium.Map:
    """One simulated on-demand day in Kitaura (the sample area file, today's fleet)."""
    cfg = load_area(sample_dir() / "drt" / "kitaura.toml")
    setup = prepare_area(cfg, seed=seed)
    result = simulate(setup, seed=seed)
    return map_area_result(cfg, result, graph=setup.graph)


def sample_maps() -> list[tuple[str, Callable[[], folium.Map]]]:
    """Every map the sample city has: ``(file name, builder)``."""
    boundary = default_boundary()
    maps: list[tuple[str, Callable[[], folium.Map]]] = [
        ("feed.html", lambda: map_feed(sample_feed(), boundary=boundary, roads=sample_roads()))
    ]
    if (sample_dir() / "drt" / "kitaura.toml").is_file():
        maps.append(("drt_kitaura.html", kitaura_drt_map))
    return maps
