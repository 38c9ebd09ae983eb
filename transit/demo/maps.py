"""The atlas step of ``transit demo``: the workshop atlas of the sample city from the outputs of
the earlier steps (feed, ridership store, on-demand study, scenario comparison).

It is what ``make maps`` runs (``transit maps all`` on ``demo-output/``); every input of the
sample city is synthetic, and the landing page says so.
"""

from __future__ import annotations

from pathlib import Path

from transit.core.paths import sample_dir
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.feedio import Feed
from transit.gtfs.source.read import read_source
from transit.maps.atlas import AtlasInputs, build_atlas


def sample_feed() -> Feed:
    """The sample city's feed, built in memory from ``data/sample/gtfs``."""
    return Feed(build_tables(read_source(sample_dir() / "gtfs")))


def atlas_inputs(demo_dir: Path) -> AtlasInputs:
    """The atlas inputs the demo wrote under ``demo_dir`` (all synthetic: the sample city,
    which the atlas reads from their ``provenance.json``, not from a list given here)."""
    return AtlasInputs(
        feed=demo_dir / "gtfs" / "sample-feed-2026.zip",
        store=demo_dir / "demand" / "store",
        areas=demo_dir / "drt",
        scenarios=demo_dir / "scenarios",
    )


def run(demo_dir: Path, *, lang: str = "ja") -> list[Path]:
    """Write the atlas into ``demo_dir/atlas``; returns the files written (pages, handout
    pictures and the landing page; the shared assets are left out of the list)."""
    atlas = build_atlas(atlas_inputs(demo_dir), demo_dir / "atlas", lang=lang)
    return [p for p in atlas.files if "assets" not in p.relative_to(atlas.folder).parts]
