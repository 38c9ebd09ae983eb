"""Commands of `transit drt` (bench part)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
