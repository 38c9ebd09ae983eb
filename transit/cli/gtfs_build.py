"""Commands of `transit gtfs` (build part)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
