"""`transit routes`: route reorganization scenarios on the baseline network."""

from __future__ import annotations

from pathlib import Path

import click

from transit.cli.common import print_table, say
from transit.core.errors import DataNotFoundError
from transit.routing.design.report import write_comparison
from transit.routing.design.evaluation import compare_route_sets
from transit.routing.design.network import (
    parse_route_set,
    read_link_network,
    read_literature_route_sets,
)


@click.group(name="routes")
def group() -> None:
    """Route reorganization scenarios: evaluate and compare route sets on a network."""


@group.command(name="evaluate")
@click.option(
    "--network",
    "network",
    required=True,
    help="Network prefix: DIR/NAME reads NAME_nodes.txt, NAME_links.txt, NAME_demand.txt.",
)
@click.argument("route_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--literature",
    is_flag=True,
    help="ROUTE_FILES hold several named route sets (title, count, routes).",
)
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None)
def evaluate(
    network: str, route_files: tuple[Path, ...], literature: bool, out_dir: Path | None
) -> None:
    """Compare route sets (one route per line, stops joined by '-'): ATT, transfers, route time.

    Mumford (2013) convention: 5-minute transfer penalty, least-time paths, ties to fewer
    transfers. Writes scenarios.csv, scenarios.xlsx (日本語の見出し) and scenarios.json with -o.
    """
    prefix = Path(network)
    net = read_link_network(prefix.parent, prefix.name)
    scenarios: list[tuple[str, tuple[tuple[int, ...], ...]]] = []
    for path in route_files:
        if not path.is_file():
            raise DataNotFoundError(f"route set file not found: {path}")
        if literature:
            scenarios.extend(read_literature_route_sets(path).items())
        else:
            scenarios.append(
                (path.stem, parse_route_set(path.read_text("utf-8"), source=path.name))
            )
    table = compare_route_sets(net, scenarios)
    cols = ["scenario", "n_routes", "ATT", "d0", "d1", "d2", "dun", "route_time_total", "feasible"]
    rows = [[_fmt(v) for v in rec] for rec in table[cols].itertuples(index=False)]
    print_table(
        f"route sets on {net.name} (demand {net.demand and sum(net.demand.values()):g})", cols, rows
    )
    if out_dir is not None:
        for path in write_comparison(table, out_dir):
            say(f"wrote {path}")


def _fmt(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)
