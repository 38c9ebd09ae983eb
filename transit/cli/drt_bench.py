"""Commands of `transit drt` (bench part): solver benchmarks on Cordeau DARP / Li & Lim PDPTW."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from transit.cli.common import print_table, progress, say, write_json
from transit.core import provenance as prov
from transit.core.paths import external_path


@click.command("bench")
@click.argument("kind", type=click.Choice(["cordeau", "lilim"]))
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of instance files (*.txt, optional bks.csv). Default for cordeau: the external Cordeau set.",
)
@click.option(
    "--instances", default=None, help="Comma-separated names or patterns, e.g. a2-16,a3-*."
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    help="Seconds per instance (above 0).",
)
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True, help="0 or more.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Parallel search processes.",
)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="RESULTS.json",
)
def bench(
    kind: str,
    data: Path | None,
    instances: str | None,
    time_limit: float,
    seed: int,
    workers: int,
    out: Path,
) -> None:
    """Solve benchmark instances (KIND: cordeau or lilim), re-check every plan, write RESULTS.json.

    Per instance: instance, cost, vehicles, routes (node/task ids without depots), feasible (by the
    independent checker), gap_pct against bks.csv when known, wall_s.
    """
    from transit.routing.dispatch.bench import (  # noqa: PLC0415  (keeps `transit --help` fast)
        TABLE_COLUMNS,
        BenchKind,
        list_instances,
        load_bks,
        run_instance,
        summarize,
        table_rows,
    )

    kind_l: BenchKind = "cordeau" if kind == "cordeau" else "lilim"
    if data is None:
        if kind != "cordeau":
            raise click.UsageError("--data is required for lilim")
        data = external_path("darp", "cordeau2006")
    patterns = [p.strip() for p in instances.split(",") if p.strip()] if instances else None
    files = list_instances(data, patterns=patterns)
    bks = load_bks(data)
    rows: list[dict[str, Any]] = []
    with progress() as prog:
        task = prog.add_task(f"{kind}: {len(files)} instances × {time_limit:g} s", total=len(files))
        for path in files:
            prog.update(task, description=f"{kind}: {path.stem}")
            rows.append(
                run_instance(
                    path, kind_l, time_limit=time_limit, seed=seed, workers=workers, bks=bks
                )
            )
            prog.advance(task)
    summary = summarize(rows)
    write_json(
        out,
        {
            "kind": kind,
            "time_limit": time_limit,
            "seed": seed,
            "workers": workers,
            "instances": rows,
            "summary": summary,
        },
    )
    prov.write_provenance(
        f"配車ソルバーのベンチマーク / dial-a-ride benchmark ({kind})",
        inputs=[("instance", p) for p in files],
        settings={"time_limit_s": time_limit, "seed": seed, "workers": workers},
        outputs=[out],
    )
    print_table(f"{kind} ({time_limit:g} s, {workers} workers)", TABLE_COLUMNS, table_rows(rows))
    say(
        f"feasible {summary['feasible']}/{summary['n']}, mean gap {summary['mean_gap_pct']} %, "
        f"max gap {summary['max_gap_pct']} % → {out}"
    )


COMMANDS: list[click.Command] = [bench]
