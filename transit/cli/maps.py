"""`transit maps`: Workshop maps (Folium HTML with bundled assets, opens offline)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import click
import folium
import networkx as nx

from transit import mapkit
from transit.cli.common import progress, say
from transit.errors import InputError, Location, TransitError, WorkError
from transit.gtfs.build import build_tables
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.feedmap import feed_bounds, map_feed
from transit.gtfs.source import read_source
from transit.paths import external_data_dir, sample_dir

log = logging.getLogger(__name__)

BOUNDARY_PARTS = ("nobeoka", "boundaries", "nobeoka_city_N03-21_s0010.geojson")


def default_boundary() -> dict[str, Any] | None:
    """The Nobeoka city boundary (external data) when present, else ``None``."""
    base = external_data_dir(required=False)
    if base is None:
        return None
    path = base.joinpath(*BOUNDARY_PARTS)
    return mapkit.read_geojson(path) if path.is_file() else None


def _boundary(path: Path | None) -> dict[str, Any] | None:
    return mapkit.read_geojson(path) if path is not None else default_boundary()


def _save(fmap: folium.Map, out: Path, *, inline: bool) -> None:
    saved = mapkit.save_map(fmap, out, inline=inline)
    say(f"wrote {saved.path} ({len(saved.assets)} asset files)")
    for url in saved.dropped:
        say(f"  not available offline, left out: {url}")


def _road_lines(path: Path) -> list[list[tuple[float, float]]]:
    try:
        return mapkit.graph_lines(nx.read_graphml(path))
    except (nx.NetworkXError, ElementTree.ParseError, KeyError, ValueError) as exc:
        raise InputError(
            f"not a road network GraphML with node x/y ({exc})", Location.of(path)
        ) from exc


@click.group(name="maps")
def group() -> None:
    """Workshop maps (Folium HTML with bundled assets, opens offline)."""


@group.command(name="feed")
@click.argument("feed", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write.",
)
@click.option(
    "--boundary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GeoJSON drawn as the basemap (default: the Nobeoka boundary when available).",
)
@click.option(
    "--roads",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Road network (OSMnx GraphML) drawn faintly under the routes.",
)
@click.option(
    "--inline", is_flag=True, help="One self-contained HTML file (scripts and styles inlined)."
)
def feed_cmd(
    feed: Path, out: Path, boundary: Path | None, roads: Path | None, inline: bool
) -> None:
    """Map of a GTFS feed: routes in their colours, stops with their departures."""
    data = read_feed(feed)
    lines = _road_lines(roads) if roads is not None else None
    outline = _boundary(boundary)
    if boundary is None and outline is not None:
        box = mapkit.geojson_bounds(outline)
        if box is None or not mapkit.bounds_overlap(box, feed_bounds(data)):
            outline = None  # the default (Nobeoka) boundary is elsewhere: leave it out
    _save(map_feed(data, boundary=outline, roads=lines), out, inline=inline)


def sample_feed() -> Feed:
    """The sample city's feed, built in memory from ``data/sample/gtfs``."""
    return Feed(build_tables(read_source(sample_dir() / "gtfs")))


def sample_roads() -> list[list[tuple[float, float]]] | None:
    """The sample city's (synthetic) road network as lines, or ``None`` when absent."""
    from transit.routing.network import sample_network  # noqa: PLC0415  (keeps `transit --help` fast)

    try:
        return mapkit.graph_lines(sample_network())
    except TransitError:
        return None


def kitaura_drt_map(*, seed: int = 1) -> folium.Map:
    """One simulated on-demand day in Kitaura (the sample area file, today's fleet)."""
    from transit.routing.area import load_area  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.drt_map import map_area_result  # noqa: PLC0415
    from transit.routing.simulator import prepare_area, simulate  # noqa: PLC0415

    cfg = load_area(sample_dir() / "drt" / "kitaura.toml")
    scenario = prepare_area(cfg, seed=seed)
    result = simulate(scenario, seed=seed)
    fmap: folium.Map = map_area_result(cfg, result, graph=scenario.graph)
    return fmap


def _sample_maps() -> list[tuple[str, Callable[[], folium.Map]]]:
    """Every map the sample city has: ``(file name, builder)``."""
    boundary = default_boundary()
    maps: list[tuple[str, Callable[[], folium.Map]]] = [
        ("feed.html", lambda: map_feed(sample_feed(), boundary=boundary, roads=sample_roads()))
    ]
    if (sample_dir() / "drt" / "kitaura.toml").is_file():
        maps.append(("drt_kitaura.html", kitaura_drt_map))
    return maps


@group.command(name="all")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the HTML maps (assets/ beside them).",
)
@click.option(
    "--inline", is_flag=True, help="Self-contained HTML files (scripts and styles inlined)."
)
def all_cmd(out_dir: Path, inline: bool) -> None:
    """Write every map of the sample city into OUT (opens offline)."""
    maps = _sample_maps()
    failed: list[str] = []
    with progress() as prog:
        task = prog.add_task("maps", total=len(maps))
        for name, make in maps:
            prog.update(task, description=name)
            try:
                _save(make(), out_dir / name, inline=inline)
            except TransitError as exc:
                failed.append(f"{name}: {exc}")
            prog.advance(task)
    if failed:
        raise WorkError("; ".join(failed))
