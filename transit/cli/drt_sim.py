"""Commands of `transit drt` (sim part)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
