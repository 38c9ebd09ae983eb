"""`transit demand`: Ridership: boarding/alighting records -> KPIs, load profiles, OD (privately)."""

from __future__ import annotations

from pathlib import Path

import click

from transit.cli.common import print_table, say, say_evidence, write_json
from transit.core import provenance as prov
from transit.core.assumptions import value
from transit.demand.counts_report import build_counts_report
from transit.demand.ingest import detect_kind, ingest_files
from transit.demand.kpis import KpiOptions
from transit.demand.pseudonym import load_key
from transit.demand.report import ReportOptions, build_od, build_report
from transit.demand.schedule import read_schedule
from transit.demand.store.folder import ride_files
from transit.demand.store.options import IngestOptions
from transit.demand.synth import SynthOptions, synth_taps, write_taps
from transit.maps.ridership import write_ridership_map

_STORE = click.option(
    "--store", "store", required=True, type=click.Path(path_type=Path), help="Store folder."
)
_K = click.option(
    "--k",
    "k",
    default=value("privacy.k"),
    show_default=True,
    type=int,
    help="Suppress cells below k riders (the privacy threshold).",
)
_OUT_FOLDER = click.option(
    "-o", "--out", "out", required=True, type=click.Path(path_type=Path), help="Output folder."
)


@click.group(name="demand")
def group() -> None:
    """Ridership: boarding/alighting records -> KPIs, load profiles, OD (privately)."""


@group.command(name="ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--feed", type=click.Path(path_type=Path), help="GTFS feed (zip or folder) to match against."
)
@_STORE
@click.option(
    "--key-file",
    type=click.Path(path_type=Path),
    help="Pseudonym key file (else $TRANSIT_PSEUDONYM_KEY).",
)
@click.option("--memory-limit", default="1200MB", show_default=True, help="DuckDB memory limit.")
@click.option(
    "--schedule-tolerance",
    default=value("demand.ingest.schedule_tolerance_min"),
    show_default=True,
    help="Minutes a tap may be off its trip's schedule.",
)
@click.option(
    "--match-tolerance",
    default=value("demand.ingest.match_tolerance_min"),
    show_default=True,
    help="Minutes for matching vehicle-only taps to a trip.",
)
@click.option(
    "--max-ride",
    default=value("demand.ingest.max_ride_min"),
    show_default=True,
    help="Longest possible ride (minutes).",
)
def ingest_cmd(
    files: tuple[Path, ...],
    feed: Path | None,
    store: Path,
    key_file: Path | None,
    schedule_tolerance: float,
    match_tolerance: float,
    max_ride: float,
    memory_limit: str,
) -> None:
    """Ingest tap/count files (CSV, Parquet; Excel for counts) into a ridership store."""

    needs_key = any(detect_kind(f) == "taps" for f in files if f.is_file())
    key = load_key(key_file=key_file, forbid_inside=store) if needs_key else None
    opts = IngestOptions(
        schedule_tolerance_min=schedule_tolerance,
        match_tolerance_min=match_tolerance,
        max_ride_min=max_ride,
        memory_limit=memory_limit,
    )
    summaries = ingest_files(list(files), store=store, key=key, feed=feed, options=opts)
    rows = []
    for s in summaries:
        state = "取込済（変更なし）" if s.already_ingested else "取込"
        rows.append(
            (
                s.file,
                s.kind,
                state,
                s.rows_read,
                s.accepted,
                s.rejected,
                f"{100 * s.match_rate:.1f}%",
            )
        )
    print_table("ingest", ["file", "kind", "state", "read", "accepted", "rejected", "match"], rows)
    for s in (x for x in summaries if x.kind == "taps"):
        where = store / s.rejects_file if s.rejects_file else "-"
        say(
            f"{s.file}: matched by trip id {s.matched_by_trip_id}, by vehicle+time+stop "
            f"{s.matched_by_vehicle}; rejects: {where}"
        )
    reasons: dict[str, int] = {}
    for s in summaries:
        for r, n in s.rejected_by_reason.items():
            reasons[r] = reasons.get(r, 0) + n
    if reasons:
        print_table("rejected rows by reason", ["reason", "rows"], sorted(reasons.items()))
    for s in summaries:
        for note in s.notes:
            say(f"{s.file}: {note}")
    write_json(store / "last_ingest.json", [s.as_dict() for s in summaries])


@group.command(name="synth")
@click.option(
    "--feed", required=True, type=click.Path(path_type=Path), help="GTFS feed (zip or folder)."
)
@click.option("--rows", required=True, type=int, help="Number of tap rows to write.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option(
    "-o",
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output .csv or .parquet.",
)
@click.option(
    "--days",
    default=SynthOptions().days,
    show_default=True,
    type=int,
    help="Number of service days.",
)
@click.option(
    "--corrupt-share", default=0.0, show_default=True, type=float, help="Share of corrupt rows."
)
@click.option(
    "--transfer-share",
    default=value("demand.synth.transfer_share"),
    show_default=True,
    type=float,
    help="Share of rides that are transfers.",
)
@click.option(
    "--vehicle-only-share",
    default=value("demand.synth.vehicle_only_share"),
    show_default=True,
    type=float,
    help="Share of rides without trip id.",
)
def synth_cmd(
    feed: Path,
    rows: int,
    seed: int,
    out: Path,
    days: int,
    corrupt_share: float,
    transfer_share: float,
    vehicle_only_share: float,
) -> None:
    """Generate synthetic IC card taps consistent with the feed's timetable."""

    opts = SynthOptions(
        days=days,
        corrupt_share=corrupt_share,
        transfer_share=transfer_share,
        vehicle_only_share=vehicle_only_share,
    )
    table = synth_taps(read_schedule(feed), rows=rows, seed=seed, options=opts)
    params = [opts, prov.setting("rows", rows), prov.setting("seed", seed)]
    write_taps(table, out, feed=feed, parameters=params)
    say(f"wrote {table.num_rows} taps to {out} (synthetic, seed {seed})")


@group.command(name="report")
@_STORE
@_OUT_FOLDER
@_K
@click.option(
    "--min-avg-load",
    default=value("demand.kpis.min_avg_load"),
    show_default=True,
    help="Flag trips with 平均乗車密度 below this.",
)
@click.option(
    "--min-segment-load",
    default=value("demand.kpis.min_segment_load"),
    show_default=True,
    help="Flag segments with mean load below this.",
)
@click.option("--flat-fare", type=float, help="Fare per boarding (yen) when taps carry none.")
@click.option("--cost-per-km", type=float, help="Operating cost per vehicle-km (yen).")
@click.option("--cost-per-hour", type=float, help="Operating cost per vehicle-hour (yen).")
@click.option("--no-charts", is_flag=True, help="Skip the PNG charts.")
def report_cmd(
    store: Path,
    out: Path,
    k: int,
    min_avg_load: float,
    min_segment_load: float,
    flat_fare: float | None,
    cost_per_km: float | None,
    cost_per_hour: float | None,
    no_charts: bool,
) -> None:
    """KPI tables, Excel workbook (Japanese headers), charts and the ridership map."""

    kopts = KpiOptions(
        flat_fare_yen=flat_fare,
        cost_per_vehicle_km=cost_per_km,
        cost_per_vehicle_hour=cost_per_hour,
        min_avg_load=min_avg_load,
        min_segment_load=min_segment_load,
        k=k,
    )
    opts = ReportOptions(kpi=kopts, charts=not no_charts)
    if not ride_files(store):
        written = build_counts_report(store, out, options=opts)
        say(f"wrote {len(written)} files to {out} (count data; cells below k={k} suppressed)")
        say_evidence(out / "ridership_report.xlsx")
        return
    written = build_report(store, out, options=opts)
    written.append(write_ridership_map(store, out / "ridership_map.html", k=k))
    say(f"wrote {len(written)} files to {out} (cells below k={k} suppressed)")
    say_evidence(out / "ridership_report.xlsx")


@group.command(name="od")
@_STORE
@_OUT_FOLDER
@_K
@click.option(
    "--transfer-window",
    default=value("demand.journeys.transfer_window_min"),
    show_default=True,
    help="Minutes between rides of one journey.",
)
@click.option(
    "--transfer-radius",
    default=value("demand.journeys.transfer_radius_m"),
    show_default=True,
    help="Metres between alighting and next boarding stop.",
)
@click.option(
    "--beta",
    default=value("demand.od.ipf_beta"),
    show_default=True,
    help="Gravity seed decay per stop for IPF (0 = uniform).",
)
def od_cmd(
    store: Path, out: Path, k: int, transfer_window: float, transfer_radius: float, beta: float
) -> None:
    """OD tables: stop-to-stop from taps, linked journeys with transfers, IPF from counts."""

    written = build_od(
        store, out, k=k, window_min=transfer_window, radius_m=transfer_radius, beta=beta
    )
    for p in written:
        say(str(p))
