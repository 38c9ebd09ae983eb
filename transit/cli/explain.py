"""`transit explain PATH`: what a result file or folder is, what it was made from, and which of
its numbers rest on assumptions (from its ``provenance.json``; :mod:`transit.core.explain`)."""

from __future__ import annotations

from pathlib import Path

import click

from transit.cli.common import say


@click.command(name="explain")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default="ja",
    show_default=True,
    help="Language of the account (日本語 or English).",
)
@click.option("--all", "every", is_flag=True, help="List every parameter, not only the notable.")
def command(path: Path, lang: str, every: bool) -> None:
    """Explain a result: what it is, its inputs (the made-up ones first) and its assumptions.

    PATH is a file written by transit (ranking.xlsx, kpis.json, a map …) or a folder of
    results. Exits 2 when no provenance.json lists it.
    """
    from transit.core.explain import account  # noqa: PLC0415  (keeps `transit --help` fast)

    for line in account(path, lang, every=every):
        say(line)
