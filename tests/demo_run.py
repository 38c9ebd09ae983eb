"""One light run of the demo's steps, shared by the tests that read the demo's outputs (a
session fixture, ``light_demo`` in ``tests/conftest.py``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DemoRun:
    """One run of the demo's steps: the output folder, every file the steps returned, and the
    atlas step's seconds."""

    out: Path
    files: tuple[Path, ...]
    atlas_s: float


def run_light_demo(out: Path) -> DemoRun:
    """The demo's steps into ``out`` with lighter parameters (fewer taps, one fleet size, no
    judge on the scenario feeds): the same writers as ``transit demo``, in about a minute."""
    from transit.demo import demand, drt, gtfs, maps, proposals, scenarios

    files = gtfs.run(out)
    feed = out / "gtfs" / "sample-feed-2026.zip"
    files += demand.run(feed, out / "demand", rows=6000, seed=1)
    files += drt.run(out / "drt", fleets=(2,), time_limit_s=0.1, reopt_interval_min=120.0)
    files += scenarios.run(feed, out / "demand" / "store", out / "scenarios", judge=False)
    files += proposals.run(feed, out / "demand" / "store", out / "proposals")
    t0 = time.perf_counter()
    files += maps.run(out)
    return DemoRun(out, tuple(files), time.perf_counter() - t0)
