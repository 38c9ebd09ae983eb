"""`transit routes`: Route reorganization scenarios on the baseline network."""

from __future__ import annotations

import click


@click.group(name="routes")
def group() -> None:
    """Route reorganization scenarios on the baseline network."""
