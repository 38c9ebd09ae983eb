"""`transit maps`: Workshop maps (Folium HTML with bundled assets, opens offline)."""

from __future__ import annotations

import click


@click.group(name="maps")
def group() -> None:
    """Workshop maps (Folium HTML with bundled assets, opens offline)."""
