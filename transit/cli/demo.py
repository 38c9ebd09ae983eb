"""`transit demo`: run every pipeline that exists on the embedded sample city."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="demo")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("demo-output"),
    show_default=True,
    help="Folder to write the demo outputs into.",
)
def command(out_dir: Path) -> None:
    """Run every pipeline on the embedded sample city (no network) and list what was written."""
    out_dir.mkdir(parents=True, exist_ok=True)
