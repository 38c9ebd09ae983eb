"""`transit drt`: On-demand dispatch (dial-a-ride): solver benchmarks, day simulation, area ranking."""

from __future__ import annotations

import click


@click.group(name="drt")
def group() -> None:
    """On-demand dispatch (dial-a-ride): solver benchmarks, day simulation, area ranking."""
