"""`transit maps`: Workshop maps (Folium HTML with bundled assets, opens offline)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transit.cli.common import progress, say
from transit.core.errors import TransitError, WorkError
from transit.gtfs.feedio import read_feed
from transit.maps import mapkit
from transit.maps.feed import feed_bounds, map_feed
from transit.maps.outline import read_boundary

if TYPE_CHECKING:
    import folium

log = logging.getLogger(__name__)


def _save(fmap: folium.Map, out: Path, *, inline: bool) -> None:
    saved = mapkit.save_map(fmap, out, inline=inline)
    say(f"wrote {saved.path} ({len(saved.assets)} asset files)")
    for url in saved.dropped:
        say(f"  not available offline, left out: {url}")


def _road_lines(path: Path) -> list[list[tuple[float, float]]]:
    from transit.routing.roads.network import read_graphml  # noqa: PLC0415  (keeps `transit --help` fast)

    return mapkit.graph_lines(read_graphml(path))


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
    outline = read_boundary(boundary)
    if boundary is None and outline is not None:
        box = mapkit.geojson_bounds(outline)
        if box is None or not mapkit.bounds_overlap(box, feed_bounds(data)):
            outline = None  # the default (Nobeoka) boundary is elsewhere: leave it out
    _save(map_feed(data, boundary=outline, roads=lines), out, inline=inline)


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
    from transit.demo.maps import sample_maps  # noqa: PLC0415  (keeps `transit --help` fast)

    maps = sample_maps()
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
