"""The workshop atlas: every map of a city in one folder that opens offline, with a landing page.

:func:`build_atlas` reads what the pipelines wrote (a feed; optionally the ridership store, the
on-demand study's output and the scenario comparison) and writes into one folder:

- ``network.html`` (routes, stops and their departures), ``ridership.html`` (boardings and
  loads per time band), ``scenario-<name>.html`` (before/after of each scenario, side by side),
  ``areas.html`` (the candidate areas' choropleth, refused requests, animated tracks, ranking)
  and ``area-<id>.html`` (one simulated day per area);
- ``handout/<page>.png``: a static rendering of each map for print;
- ``index.html`` (:mod:`transit.maps.landing`): what each map shows, its key numbers and where
  every number comes from;
- ``assets/``: Leaflet and the plugins' files, shared by the pages;
- ``provenance.json``: what the pages are drawn from, with the flags of the inputs (each page
  and the landing page say in a footer whether the atlas is illustrative).

Whatever is missing (no store, no comparison, an area without its day file) leaves its page out
with a reason in :attr:`Atlas.notes` (and the log); nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path

from transit.core import provenance as prov
from transit.core.explain import summary
from transit.maps.atlas_areas import area_pages
from transit.maps.atlas_base import ROLES, Atlas, AtlasInputs, atlas_record, make_base
from transit.maps.atlas_pages import network_page, ridership_page, scenario_pages
from transit.maps.labels import check_lang
from transit.maps.landing import write_index

__all__ = ["ROLES", "Atlas", "AtlasInputs", "build_atlas"]


def build_atlas(
    inputs: AtlasInputs, out_dir: Path, *, lang: str = "ja", inline: bool = False
) -> Atlas:
    """Write the atlas of ``inputs`` into ``out_dir`` (see the module docstring); returns what
    was written. ``lang`` is ``ja`` or ``en``; ``inline`` writes self-contained pages."""
    record = atlas_record(inputs)
    atlas = Atlas(out_dir, check_lang(lang), footer=summary(record, check_lang(lang)))
    base = make_base(inputs, atlas)
    network_page(base, atlas, inline=inline)
    if inputs.store is not None:
        ridership_page(base, inputs.store, atlas, inline=inline)
    if inputs.scenarios is not None:
        scenario_pages(base, inputs.scenarios, atlas, inline=inline)
    if inputs.areas is not None:
        area_pages(base, atlas, inline=inline)
    atlas.files.append(write_index(atlas))
    pages = [p for p in atlas.files if "assets" not in p.relative_to(atlas.folder).parts]
    atlas.files += prov.write(record, pages)
    return atlas
