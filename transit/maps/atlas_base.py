"""What every page of the workshop atlas shares: its inputs (:class:`AtlasInputs`), the record
of what was written (:class:`Atlas`, :class:`Page`), the base every map draws on
(:func:`make_base`: the feed, the city outline and the credits), and :func:`save_page`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from transit.core import provenance as prov
from transit.core.paths import sample_dir
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.service import feed_period
from transit.maps import handout, mapkit
from transit.maps.feed import feed_bounds
from transit.maps.labels import label
from transit.maps.outline import approximate_outline, default_boundary_path, read_boundary
from transit.maps.sources import ATTRIBUTIONS, InputFile, describe

log = logging.getLogger(__name__)

#: Roles of :class:`AtlasInputs` that ``synthetic`` may name.
ROLES = ("feed", "store", "areas", "scenarios", "population", "candidate_areas")


@dataclass(frozen=True)
class AtlasInputs:
    """What the atlas is drawn from. ``areas`` is the output folder of an on-demand study
    (``ranking.csv``, ``maps/<area>.json``), ``scenarios`` that of a scenario comparison
    (``network.csv``, ``stops.csv``, ``provenance.json``, ``feeds/<name>.zip``);
    ``population`` and ``candidate_areas`` default to the sample city's, ``boundary`` to the
    Nobeoka boundary when the external data is present. ``synthetic`` names the inputs that
    are made up (for the landing page)."""

    feed: Path
    store: Path | None = None
    areas: Path | None = None
    scenarios: Path | None = None
    population: Path | None = None
    candidate_areas: Path | None = None
    boundary: Path | None = None
    synthetic: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    """One map of the atlas: its file, title, the key numbers ``(label, value)``, the roles of
    the inputs it uses and its handout PNG (relative to the atlas folder)."""

    key: str
    file: str
    title: str
    numbers: tuple[tuple[str, str], ...]
    uses: tuple[str, ...]
    png: str


@dataclass
class Atlas:
    """What :func:`build_atlas` wrote: the ``folder``, its ``pages``, the ``inputs`` described
    on the landing page, the ``files`` written and ``notes`` on what was left out."""

    folder: Path
    lang: str
    pages: list[Page] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    #: The footer of every page: what the atlas is drawn from (:func:`atlas_record`).
    footer: str = ""

    def credit(self, texts: tuple[str, ...]) -> None:
        """Record credits shown on a page (listed once on the landing page)."""
        self.credits += [t for t in texts if t not in self.credits]

    def note(self, text: str) -> None:
        log.warning("atlas: %s", text)
        self.notes.append(text)


@dataclass(frozen=True)
class Base:
    """What every page shares: the feed, the outline (and its name), the credits."""

    feed: Feed
    outline: dict[str, Any] | None
    outline_name: str
    credits: tuple[str, ...]
    areas: dict[str, Any]
    lang: str
    inputs: AtlasInputs


def make_base(inputs: AtlasInputs, atlas: Atlas) -> Base:
    feed = read_feed(inputs.feed)
    lang = atlas.lang
    areas_path = inputs.candidate_areas or sample_dir() / "areas" / "candidate_areas.geojson"
    areas = mapkit.read_geojson(areas_path) if areas_path.is_file() else {"features": []}
    outline = read_boundary(inputs.boundary)
    box = mapkit.geojson_bounds(outline) if outline is not None else None
    credits: list[str] = []
    if outline is not None and box is not None and mapkit.bounds_overlap(box, feed_bounds(feed)):
        name = label("outline", lang)
        credits.append(ATTRIBUTIONS["n03"])
        atlas.inputs.append(
            describe(
                "boundary",
                inputs.boundary or default_boundary_path(),
                date="2021-01-01",
                note="国土数値情報 N03 (2021-01-01)",
            )
        )
    else:
        lon = pd.to_numeric(feed.stops["stop_lon"], errors="coerce")
        lat = pd.to_numeric(feed.stops["stop_lat"], errors="coerce")
        ok = (lon.notna() & lat.notna()).to_numpy()
        points = zip(lon[ok].tolist(), lat[ok].tolist(), strict=True)
        outline, name = approximate_outline(areas, points), label("outline_approx", lang)
        atlas.note("no city boundary data: the outline is approximate (hull of areas and stops)")
    if inputs.candidate_areas is None or inputs.population is None:
        credits.append(ATTRIBUTIONS["geolonia"])  # the sample city's places (data/sample)
    period = feed_period(feed)
    when = f"{period[0]:%Y-%m-%d} – {period[1]:%Y-%m-%d}" if period else ""
    atlas.inputs.append(
        describe(
            "feed",
            inputs.feed,
            date=when,
            nature=nature("feed", inputs),
        )
    )
    atlas.inputs.append(
        describe("candidate_areas", areas_path, nature=nature("candidate_areas", inputs))
    )
    atlas.credit(tuple(credits))
    return Base(feed, outline, name, tuple(credits), areas, lang, inputs)


def input_paths(inputs: AtlasInputs) -> dict[str, Path]:
    """The atlas's input files and folders by role (the sample city's population and
    candidate areas when none are given)."""
    sample = sample_dir()
    paths = {
        "feed": inputs.feed,
        "store": inputs.store,
        "areas": inputs.areas,
        "scenarios": inputs.scenarios,
        "population": inputs.population or sample / "population" / "points.csv",
        "candidate_areas": inputs.candidate_areas or sample / "areas" / "candidate_areas.geojson",
        "boundary": inputs.boundary,
    }
    return {role: p for role, p in paths.items() if p is not None and p.exists()}


def nature(role: str, inputs: AtlasInputs) -> str:
    """``synthetic`` when ``role`` is named in ``inputs.synthetic`` (an override) or its input
    carries a flag of its provenance (:func:`transit.core.provenance.flags_of`: the sample
    city, synthetic taps …); else ``real``."""
    if role in inputs.synthetic:
        return "synthetic"
    path = input_paths(inputs).get(role)
    return "synthetic" if path is not None and prov.flags_of(path) else "real"


def atlas_record(inputs: AtlasInputs) -> prov.Record:
    """What the atlas is drawn from: every input (with the flags its provenance gives; a role
    named in ``inputs.synthetic`` is flagged as the sample city's)."""
    sources = [
        prov.source(role, path, flags=("sample_city",) if role in inputs.synthetic else ())
        for role, path in input_paths(inputs).items()
    ]
    return prov.record("ワークショップ用地図帳 / the workshop atlas", inputs=sources)


def save_page(fmap: Any, atlas: Atlas, file: str, sketch: handout.Sketch, *, inline: bool) -> str:
    """Write one page and its handout PNG; returns the PNG's path relative to the atlas."""
    saved = mapkit.save_map(fmap, atlas.folder / file, inline=inline, footer=atlas.footer)
    for url in saved.dropped:
        atlas.note(f"{file}: {url} is not available offline and was left out")
    png = f"handout/{Path(file).stem}.png"
    handout.render_sketch(sketch, atlas.folder / png)
    atlas.files += [saved.path, *saved.assets, atlas.folder / png]
    return png


def page_sketch(base: Base, title: str) -> handout.Sketch:
    sketch = handout.Sketch(title, credits=" / ".join(base.credits))
    if base.outline is not None:
        sketch.add_geojson(base.outline)
    return sketch
