"""`transit routes`: route reorganization scenarios on the baseline network."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from transit.cli.common import print_table, say, say_evidence
from transit.cli.routes_propose import add_propose_command
from transit.cli.routes_scenarios import add_scenario_commands
from transit.core import provenance as prov
from transit.core.errors import DataNotFoundError
from transit.routing.design.evaluation import compare_route_sets
from transit.routing.design.network import (
    instance_paths,
    parse_route_set,
    read_link_network,
    read_literature_route_sets,
)
from transit.routing.design.optimize import OBJECTIVES, DesignRequest, design_route_set
from transit.routing.design.report import design_record, write_comparison, write_routeset


@click.group(name="routes")
def group() -> None:
    """Route reorganization: apply and compare scenarios, propose edits from ridership, evaluate
    and design route sets on a link network."""


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
        files = list(instance_paths(prefix.parent, prefix.name).values())
        record = design_record(files, route_files, literature=literature)
        for path in write_comparison(table, out_dir, record):
            say(f"wrote {path}")
        say_evidence(out_dir / "scenarios.csv")


def _fmt(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


@group.command(name="design")
@click.argument("instance")
@click.option("--routes", "n_routes", type=int, required=True, help="Number of routes.")
@click.option("--min-nodes", type=int, default=2, show_default=True, help="Fewest stops per route.")
@click.option("--max-nodes", type=int, required=True, help="Most stops per route.")
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    default="passenger",
    show_default=True,
    help="passenger (ATT), operator (total route time), weighted, or pareto (a set).",
)
@click.option(
    "--weight", type=float, default=None, help="Weight W of ATT for --objective weighted."
)
@click.option("--time-limit", type=float, default=None, help="Seconds per worker (default 60).")
@click.option("--iterations", type=int, default=None, help="Iteration budget per worker.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--workers", type=int, default=2, show_default=True, help="Worker processes.")
@click.option(
    "-o", "--out", "out_path", type=click.Path(path_type=Path), required=True, help="ROUTESET.json"
)
def design(
    instance: str,
    n_routes: int,
    min_nodes: int,
    max_nodes: int,
    objective: str,
    weight: float | None,
    time_limit: float | None,
    iterations: int | None,
    seed: int,
    workers: int,
    out_path: Path,
) -> None:
    """Design a route set for INSTANCE (DIR/NAME: NAME_nodes.txt, NAME_links.txt,
    NAME_demand.txt) by simulated annealing; writes ROUTESET.json.

    Feasible route sets only: every stop covered, one connected network, simple routes of
    --min-nodes..--max-nodes stops. With --iterations and no --time-limit the result depends on
    the seed only. Evaluation: Mumford (2013) convention, as `transit routes evaluate`.
    """
    prefix = Path(instance)
    net = read_link_network(prefix.parent, prefix.name)
    request = DesignRequest(
        n_routes=n_routes,
        min_nodes=min_nodes,
        max_nodes=max_nodes,
        objective=objective,
        weight=weight,
        iterations=iterations,
        time_limit=time_limit,
        seed=seed,
        workers=workers,
    )
    result = design_route_set(net, request)
    members = [result.best] if result.best is not None else list(result.pareto)
    cols = ["n_routes", "ATT", "d0", "d1", "d2", "dun", "route_time_total"]
    rows = [[_fmt(m.evaluation.as_dict()[c]) for c in cols] for m in members]
    print_table(f"designed route set{'s' if len(rows) > 1 else ''} on {net.name}", cols, rows)
    files = list(instance_paths(prefix.parent, prefix.name).values())
    record = design_record(files, **asdict(request))
    written = write_routeset(result, out_path)
    say(f"wrote {written}")
    for path in prov.write(record, [written]):
        say(f"wrote {path}")
    say_evidence(written)


add_scenario_commands(group)
add_propose_command(group)
