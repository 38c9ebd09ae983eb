"""The on-demand part of ``transit demo``: a small area sweep on the sample city, with maps.

:func:`run` ranks the sample city's candidate areas (``data/sample/drt/AREAS.toml``) for fleets
of 1–3 vehicles with one seed and short solver limits, and writes the ranking (CSV, Excel) and a
map per area. It prints nothing; it returns the files written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from transit.core.paths import sample_dir
from transit.maps.areas import write_area_maps
from transit.routing.areas.config import load_areas
from transit.routing.areas.ranking import write_ranking
from transit.routing.areas.sweep import sweep

log = logging.getLogger(__name__)


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
    study = load_areas(sample_dir() / "drt" / "AREAS.toml")
    areas = [
        a.with_changes(
            dispatch={"time_limit_s": time_limit_s, "reopt_interval_min": reopt_interval_min}
        )
        for a in study.areas
    ]
    result = sweep(
        areas, fleets=fleets, seeds=[seed], workers=workers, reference=study.settings.reference
    )
    paths = write_ranking(result, out_dir)
    paths += write_area_maps(areas, result, out_dir / "maps")
    log.info("drt demo: %d areas ranked, %d files", len(areas), len(paths))
    return paths
