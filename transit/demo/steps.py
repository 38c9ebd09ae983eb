"""The steps of ``transit demo``: one per pipeline, each writing into its own sub-folder.

A step is a function ``(out_dir) -> list[Path]`` that writes under ``out_dir`` and returns the
files it wrote; it prints nothing (the CLI shows progress and lists the files).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    """One demo step: a label for people and the function that runs it."""

    label: str
    run: Callable[[Path], list[Path]]


def _gtfs(out_dir: Path) -> list[Path]:
    from transit.demo import gtfs  # noqa: PLC0415  (keeps `transit --help` fast)

    return gtfs.run(out_dir)


def _demand(out_dir: Path) -> list[Path]:
    from transit.demo import demand  # noqa: PLC0415  (keeps `transit --help` fast)

    return demand.run(out_dir / "gtfs" / "sample-feed-2026.zip", out_dir / "demand")


def _drt(out_dir: Path) -> list[Path]:
    from transit.demo import drt  # noqa: PLC0415  (keeps `transit --help` fast)

    return drt.run(out_dir / "drt")


def _scenarios(out_dir: Path) -> list[Path]:
    from transit.demo import scenarios  # noqa: PLC0415  (keeps `transit --help` fast)

    feed = out_dir / "gtfs" / "sample-feed-2026.zip"
    return scenarios.run(feed, out_dir / "demand" / "store", out_dir / "scenarios")


def _proposals(out_dir: Path) -> list[Path]:
    from transit.demo import proposals  # noqa: PLC0415  (keeps `transit --help` fast)

    feed = out_dir / "gtfs" / "sample-feed-2026.zip"
    return proposals.run(feed, out_dir / "demand" / "store", out_dir / "proposals")


def _atlas(out_dir: Path) -> list[Path]:
    from transit.demo import maps  # noqa: PLC0415  (keeps `transit --help` fast)

    return maps.run(out_dir)


def demo_steps() -> list[Step]:
    """The demo's steps in the order they run (later steps read earlier steps' outputs)."""
    return [
        Step("GTFS-JP: build, judge, revise, diff, publish, map", _gtfs),
        Step("ridership: synthetic taps, ingest, KPIs, OD, map", _demand),
        Step("on-demand: simulate candidate areas, rank, maps", _drt),
        Step("route reorganization: three sample scenarios compared, maps", _scenarios),
        Step("reorganization proposals from ridership, top three compared", _proposals),
        Step("workshop atlas: every map, handout pictures, landing page", _atlas),
    ]
