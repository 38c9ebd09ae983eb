"""`transit maps`: Workshop maps (Folium HTML with bundled assets, opens offline)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transit.cli.common import say
from transit.core import provenance as prov
from transit.core.explain import summary
from transit.gtfs.feedio import read_feed
from transit.maps import mapkit
from transit.maps.feed import feed_bounds, map_feed
from transit.maps.outline import default_boundary_path, read_boundary

if TYPE_CHECKING:
    import folium

log = logging.getLogger(__name__)


def _save(fmap: folium.Map, out: Path, *, inline: bool, footer: str | None = None) -> None:
    saved = mapkit.save_map(fmap, out, inline=inline, footer=footer)
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
    inputs = [("feed", feed), *((("roads", roads),) if roads else ())]
    inputs += [("boundary", boundary or default_boundary_path())] if outline is not None else []
    record = prov.record("路線図 / map of the feed", inputs=[prov.source(r, p) for r, p in inputs])
    fmap = map_feed(data, boundary=outline, roads=lines)
    _save(fmap, out, inline=inline, footer=summary(record))
    prov.write(record, [out])


_PATH = click.Path(exists=True, path_type=Path)


@group.command(name="all")
@click.option("--feed", required=True, type=_PATH, help="The GTFS(-JP) feed (zip or folder).")
@click.option("--store", type=_PATH, help="Ridership store (transit demand ingest).")
@click.option("--areas", "areas_out", type=_PATH, help="Output folder of `transit drt areas`.")
@click.option(
    "--scenarios", "compare_out", type=_PATH, help="Output folder of `transit routes compare`."
)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the atlas (index.html, the maps, handout/, assets/).",
)
@click.option(
    "--population", type=_PATH, help="Population points CSV (default: the sample city's)."
)
@click.option(
    "--candidate-areas", type=_PATH, help="Candidate areas GeoJSON (default: the sample city's)."
)
@click.option(
    "--boundary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="City boundary GeoJSON (default: the Nobeoka boundary when available, else an outline "
    "of the areas and stops).",
)
@click.option(
    "--synthetic",
    multiple=True,
    type=click.Choice(
        ["all", "feed", "store", "areas", "scenarios", "population", "candidate_areas"]
    ),
    help="Mark inputs synthetic on the landing page even when their provenance.json does not "
    "(the flags are read from it); repeat, or 'all'.",
)
@click.option(
    "--inline", is_flag=True, help="Self-contained HTML files (scripts and styles inlined)."
)
def all_cmd(
    feed: Path,
    store: Path | None,
    areas_out: Path | None,
    compare_out: Path | None,
    lang: str,
    out_dir: Path,
    population: Path | None,
    candidate_areas: Path | None,
    boundary: Path | None,
    synthetic: tuple[str, ...],
    inline: bool,
) -> None:
    """The workshop atlas: every map (network, ridership, scenarios, on-demand areas) and a
    landing page, index.html, in OUT (opens offline, also from a USB stick)."""
    from transit.maps.atlas import ROLES, AtlasInputs, build_atlas  # noqa: PLC0415  (keeps `transit --help` fast)

    roles = frozenset(ROLES if "all" in synthetic else synthetic)
    inputs = AtlasInputs(
        feed=feed,
        store=store,
        areas=areas_out,
        scenarios=compare_out,
        population=population,
        candidate_areas=candidate_areas,
        boundary=boundary,
        synthetic=roles,
    )
    atlas = build_atlas(inputs, out_dir, lang=lang, inline=inline)
    for page in atlas.pages:
        say(f"  {page.file}: {page.title}")
    for note in atlas.notes:
        say(f"  left out: {note}")
    size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())
    say(f"wrote {out_dir / 'index.html'} ({len(atlas.pages)} maps, {size / 1e6:.1f} MB)")
