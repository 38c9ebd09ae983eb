"""Commands of `transit gtfs` (feed part)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
