"""`transit routes propose`: reorganization proposals drawn from ridership (docs/proposals.md)."""

from __future__ import annotations

from pathlib import Path

import click

from transit.cli.common import print_table, progress, say, say_evidence

PATH = click.Path(path_type=Path)


@click.command(name="propose")
@click.option("--store", type=PATH, required=True, help="Ridership store (transit demand ingest).")
@click.option("--feed", type=PATH, required=True, help="The baseline GTFS feed (zip or folder).")
@click.option("--budget-vehicle-hours", "budget", type=click.FloatRange(min=0), default=None,
              help="Keep proposals whose scenario runs at most H vehicle-hours per weekday first.")  # fmt: skip
@click.option("--network", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Road network (GraphML) for the scenario files.")  # fmt: skip
@click.option("--population", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Population points CSV for the scenario files.")  # fmt: skip
@click.option(
    "-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--progress/--no-progress", "show_progress", default=True, help="Show a progress bar."
)
def propose_cmd(
    store: Path,
    feed: Path,
    budget: float | None,
    network: Path | None,
    population: Path | None,
    out_dir: Path,
    show_progress: bool,
) -> None:
    """Propose edits from ridership: route tails, low-load trips, headways, on-demand zones.

    Each proposal gets a scenario file (OUT/scenarios/<id>.toml, for `transit routes compare`)
    scored against the baseline; writes proposals.csv, evidence.csv, proposals.xlsx
    (日本語の見出し), proposals_ja.txt and provenance.json.
    """
    from transit.demand.proposals.facts import read_facts  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.proposals.propose import propose  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.demand.proposals.write import published_tables, write_proposals  # noqa: PLC0415  (keeps `transit --help` fast)

    facts = read_facts(store, feed)  # bad inputs: one located line, before any output
    with progress() as prog:
        task = prog.add_task("proposals", total=None, visible=show_progress)
        result = propose(
            store, feed, out_dir, budget_vehicle_hours=budget, network=network,
            population=population, facts=facts, progress=lambda m: prog.update(task, description=m),
        )  # fmt: skip
    ranked, _ = published_tables(result)
    cols = ["rank", "id", "riders_lost", "vehicle_hours_saved", "hours_saved_per_rider_lost",
            "within_budget"]  # fmt: skip
    rows = [["" if v is None else str(v) for v in r] for r in ranked[cols].itertuples(index=False)]
    print_table(f"{len(rows)} proposals (k = {result.params.k})", cols, rows)
    for path in [*result.files, *result.attachments, *write_proposals(result, out_dir)]:
        say(f"wrote {path}")
    say_evidence(out_dir / "proposals.csv")


def add_propose_command(group: click.Group) -> None:
    """Register ``propose`` in the ``routes`` group."""
    group.add_command(propose_cmd)
