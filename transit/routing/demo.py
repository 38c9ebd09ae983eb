"""The on-demand part of ``transit demo``: a small area sweep on the sample city, with maps.

:func:`run` ranks the sample city's candidate areas (``data/sample/drt/AREAS.toml``) for fleets
of 1–3 vehicles with one seed and short solver limits, and writes the ranking (CSV, Excel) and a
map per area. It prints nothing; it returns the files written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from transit import mapkit
from transit.config import from_mapping, read_toml
from transit.paths import sample_dir
from transit.routing.area import AreaConfig, AreasConfig, iter_rows, load_areas
from transit.routing.drt_map import map_area_result
from transit.routing.sweep import SweepResult, sweep, write_ranking

log = logging.getLogger(__name__)


def write_area_maps(areas: Sequence[AreaConfig], result: SweepResult, out_dir: Path) -> list[Path]:
    """One map per area, ``<area_id>.html``: the run of the fleet the ranking chose (or the
    largest fleet tried) with the smallest seed. Returns the HTML paths written."""
    by_id = {a.area.id: a for a in areas}
    paths: list[Path] = []
    for row in iter_rows(result.ranking):
        cfg = by_id[str(row.area_id)]
        keys = sorted(k for k in result.results if k[0] == row.area_id)
        fleet = row.fleet_needed if row.meets_target else max(k[1] for k in keys)
        key = min(k for k in keys if k[1] == int(fleet))
        fmap = map_area_result(cfg, result.results[key])
        saved = mapkit.save_map(fmap, out_dir / f"{row.area_id}.html")
        paths.append(saved.path)
    return paths


def run(
    out_dir: Path,
    *,
    seed: int = 1,
    fleets: Sequence[int] = (1, 2, 3),
    workers: int | None = 2,
    time_limit_s: float = 0.3,
    reopt_interval_min: float = 60.0,
) -> list[Path]:
    """Rank the sample city's candidate areas (small sweep) and write ranking and maps.

    Short solver limits (``time_limit_s`` per re-optimization, every ``reopt_interval_min``)
    keep it to about a minute on 2 cores; the ranking is indicative (one seed).

    Writes ``out_dir/ranking.csv``, ``runs.csv``, ``ranking.xlsx`` and
    ``out_dir/maps/<area>.html`` (``transit demo`` passes ``demo-output/drt``). Returns the paths
    written (about a minute on 2 cores).
    """
    areas_toml = sample_dir() / "drt" / "AREAS.toml"
    meta = from_mapping(AreasConfig, read_toml(areas_toml), source=areas_toml.name)
    areas = [
        a.with_changes(
            dispatch={"time_limit_s": time_limit_s, "reopt_interval_min": reopt_interval_min}
        )
        for a in load_areas(areas_toml)
    ]
    result = sweep(areas, fleets=fleets, seeds=[seed], workers=workers, reference=meta.reference)
    paths = write_ranking(result, out_dir)
    paths += write_area_maps(areas, result, out_dir / "maps")
    log.info("drt demo: %d areas ranked, %d files", len(areas), len(paths))
    return paths
