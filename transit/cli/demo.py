"""`transit demo`: run every pipeline on the embedded sample city (steps in :mod:`transit.demo`).

The demo needs neither the network nor ``../shared``. This module only shows a progress display
and lists every file the steps wrote.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from transit.cli.common import progress, say
from transit.demo.steps import Step, demo_steps


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
    steps = demo_steps()
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
