"""`transit demand`: Ridership: boarding/alighting records -> KPIs, load profiles, OD (privately)."""

from __future__ import annotations

import click


@click.group(name="demand")
def group() -> None:
    """Ridership: boarding/alighting records -> KPIs, load profiles, OD (privately)."""
