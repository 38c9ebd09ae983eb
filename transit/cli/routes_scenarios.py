"""`transit routes apply` and `transit routes compare`: route reorganization scenario files
(``docs/scenarios.md``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transit.cli.common import every_problem, print_table, progress, say, say_evidence

if TYPE_CHECKING:
    import pandas as pd

    from transit.demand.scenarios.scenario import RouteScenario

SCENARIO = click.Path(exists=True, dir_okay=False, path_type=Path)
FEED = click.Path(exists=True, path_type=Path)


@click.command(name="apply")
@click.argument("scenario_file", type=SCENARIO)
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The edited GTFS-JP feed to write (.zip).")  # fmt: skip
@click.option("--baseline", type=FEED, default=None, help="Baseline feed instead of the file's.")
@click.option("--judge/--no-judge", default=False, help="Run the independent judge on the feed.")
def apply_cmd(scenario_file: Path, out_path: Path, baseline: Path | None, judge: bool) -> None:
    """Apply SCENARIO_FILE (a baseline plus edits) and write the edited feed.

    Every problem of the file is reported at once with the edit number and key (exit 2).
    With --judge, exit 1 when the judge (gtfs-validator) reports an error.
    """
    from transit.core.errors import WorkError  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.scenarios.apply import apply_scenario, write_scenario_feed  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.scenarios.scenario import load_scenario  # noqa: PLC0415  (keeps `transit --help` fast)

    with every_problem():
        scenario = load_scenario(scenario_file, baseline=baseline.resolve() if baseline else None)
        applied = apply_scenario(scenario)
    write_scenario_feed(applied, out_path)
    for name in ("routes", "trips", "stops", "stop_times"):
        say(f"{name}: {len(applied.baseline.get(name))} -> {len(applied.feed.get(name))}")
    for zone in applied.zones:
        say(
            f"on-demand zone (edit {zone.number}): {len(zone.stops)} stops inside, hubs {', '.join(zone.hubs) or '-'}"
        )
    say(f"wrote {out_path}")
    if judge:
        from transit.gtfs.validate import format_report, validate_feed  # noqa: PLC0415  (keeps `transit --help` fast)

        report = validate_feed(out_path)
        for line in format_report(report):
            say(line)
        if not report.ok:
            raise WorkError(f"{out_path.name}: the judge reported {report.errors} error(s)")


@click.command(name="compare")
@click.argument("scenario_files", nargs=-1, required=True, type=SCENARIO)
@click.option("--store", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Ridership store: every observed ride is re-routed.")  # fmt: skip
@click.option("--od", "od_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="OD matrix CSV instead of a store (origin_stop_id, destination_stop_id, riders, day_type or date, time_band or start/end).")  # fmt: skip
@click.option(
    "-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--baseline", type=FEED, default=None, help="Baseline feed for every file instead of theirs."
)
@click.option(
    "--k",
    "k",
    type=click.IntRange(min=1),
    default=None,
    help="Small-cell threshold (default: the base file's costs.k).",
)
@click.option("--maps/--no-maps", "draw_maps", default=True, help="Write a map per scenario.")
@click.option(
    "--progress/--no-progress", "show_progress", default=True, help="Show a progress bar."
)
def compare_cmd(
    scenario_files: tuple[Path, ...],
    store: Path | None,
    od_csv: Path | None,
    out_dir: Path,
    baseline: Path | None,
    k: int | None,
    draw_maps: bool,
    show_progress: bool,
) -> None:
    """Compare scenarios side by side; the first file is the base (usually no edits).

    Prints the network table and writes network/routes/stops/blocks CSV, comparison.xlsx
    (日本語の見出し, 出典・前提), journeys/<scenario>.csv (pseudonymous) and maps/<scenario>.html.
    """
    from transit.core.errors import InputError  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.scenarios.compare import compare_scenarios, write_comparison  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.scenarios.evaluate import evaluate_scenario  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.scenarios.scenario import load_scenario  # noqa: PLC0415  (keeps `transit --help` fast)

    if (store is None) == (od_csv is None):
        raise InputError("give either --store or --od")
    scenarios = [
        load_scenario(p, baseline=baseline.resolve() if baseline else None) for p in scenario_files
    ]
    riders = _riders(scenarios[0], store, od_csv)
    threshold = k if k is not None else scenarios[0].costs.k
    evaluations = []
    with progress() as prog:
        task = prog.add_task("scenarios", total=len(scenarios), visible=show_progress)
        for scenario in scenarios:
            prog.update(task, description=scenario.name)
            evaluations.append(
                evaluate_scenario(
                    scenario, riders, progress=lambda m: prog.update(task, description=m)
                )
            )
            prog.advance(task)
    comparison = compare_scenarios(evaluations)
    riders_from = store if store is not None else od_csv
    paths = write_comparison(comparison, evaluations, out_dir, k=threshold, riders_from=riders_from)
    _print(comparison.network, comparison.names)
    say_evidence(out_dir / "network.csv")
    if draw_maps:
        from transit.maps.scenarios import write_scenario_maps  # noqa: PLC0415  (keeps `transit --help` fast)

        paths += write_scenario_maps(
            evaluations, out_dir / "maps", k=threshold, riders_from=riders_from
        )
    for p in paths:
        say(f"wrote {p}")


def _riders(scenario: RouteScenario, store: Path | None, od_csv: Path | None) -> pd.DataFrame:
    from transit.demand.scenarios.apply import load_baseline  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.scenarios.riders import read_od, read_riders  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.gtfs.service import active_dates  # noqa: PLC0415  (keeps `transit --help` fast)

    if store is not None:
        return read_riders(store)
    assert od_csv is not None
    return read_od(od_csv, dates=sorted(active_dates(load_baseline(scenario))))


def _print(network: pd.DataFrame, names: tuple[str, ...]) -> None:
    rows = [
        [m, label, *(_fmt(v) for v in values)]
        for m, label, *values in network.itertuples(index=False, name=None)
    ]
    print_table("シナリオ比較 (network)", ["measure", "指標", *names], rows)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return (
            "" if math.isnan(value) else (f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}")
        )
    return str(value)


def add_scenario_commands(group: click.Group) -> None:
    """Register ``apply`` and ``compare`` in the ``routes`` group."""
    group.add_command(apply_cmd)
    group.add_command(compare_cmd)
