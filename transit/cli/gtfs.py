"""`transit gtfs`: timetable workbooks -> validated GTFS-JP feed -> diff -> versioned publication."""

from __future__ import annotations

import click

from transit.cli import gtfs_build, gtfs_feed


@click.group(name="gtfs")
def group() -> None:
    """GTFS-JP: timetable workbooks -> validated feed -> diff -> versioned publication."""


for _cmd in (*gtfs_build.COMMANDS, *gtfs_feed.COMMANDS):
    group.add_command(_cmd)
