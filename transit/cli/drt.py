"""`transit drt`: on-demand dispatch (dial-a-ride): solver benchmarks, day simulation, area ranking."""

from __future__ import annotations

import click

from transit.cli import drt_bench, drt_sim


@click.group(name="drt")
def group() -> None:
    """On-demand dispatch (dial-a-ride): solver benchmarks, day simulation, area ranking."""


for _cmd in (*drt_bench.COMMANDS, *drt_sim.COMMANDS):
    group.add_command(_cmd)
