"""`transit gtfs`: GTFS-JP: timetable workbooks -> validated feed -> diff -> versioned publication."""

from __future__ import annotations

import click


@click.group(name="gtfs")
def group() -> None:
    """GTFS-JP: timetable workbooks -> validated feed -> diff -> versioned publication."""
