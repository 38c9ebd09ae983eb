"""`transit demo`: run every pipeline that exists on the embedded sample city.

The demo needs neither the network nor ``../shared``. Each pipeline contributes one step: a
function ``(out_dir) -> list[Path]`` that writes into its own sub-folder and returns the files
it wrote. The demo shows a progress display and lists every file at the end.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from transit.cli.common import progress, say


@dataclass(frozen=True)
class Step:
    """One demo step: a label for people and the function that runs it."""

    label: str
    run: Callable[[Path], list[Path]]


def _gtfs(out_dir: Path) -> list[Path]:
    from transit.gtfs import demo  # noqa: PLC0415  (keeps `transit --help` fast)

    return demo.run(out_dir)


def _demand(out_dir: Path) -> list[Path]:
    from transit.demand import demo  # noqa: PLC0415  (keeps `transit --help` fast)

    return demo.run(out_dir / "gtfs" / "sample-feed-2026.zip", out_dir / "demand")


def _drt(out_dir: Path) -> list[Path]:
    from transit.routing import demo  # noqa: PLC0415  (keeps `transit --help` fast)

    return demo.run(out_dir / "drt")


def _steps() -> list[Step]:
    return [
        Step("GTFS-JP: build, judge, revise, diff, publish, map", _gtfs),
        Step("ridership: synthetic taps, ingest, KPIs, OD, map", _demand),
        Step("on-demand: simulate candidate areas, rank, maps", _drt),
    ]


@click.command(name="demo")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("demo-output"),
    show_default=True,
    help="Folder to write the demo outputs into.",
)
def command(out_dir: Path) -> None:
    """Run every pipeline on the embedded sample city (no network) and list what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    steps = _steps()
    written: list[tuple[Step, list[Path], float]] = []
    with progress() as prog:
        task = prog.add_task("demo", total=len(steps))
        for step in steps:
            prog.update(task, description=step.label)
            t0 = time.perf_counter()
            files = step.run(out_dir)
            written.append((step, files, time.perf_counter() - t0))
            prog.advance(task)
    total = sum(len(files) for _, files, _ in written)
    say(f"transit demo wrote {total} files into {out_dir} (sample city: illustrative data)")
    for step, files, wall in written:
        say(f"\n{step.label} ({wall:.0f} s, {len(files)} files)")
        for path in files:
            say(f"  {_relative(path, out_dir)}")


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
