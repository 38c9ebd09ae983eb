"""Commands of `transit drt` (simulation part): `simulate` one area's day, rank candidate `areas`."""

from __future__ import annotations

from pathlib import Path

import click

from transit.cli.common import (
    console_err,
    every_problem,
    print_table,
    progress,
    say,
    say_evidence,
)
from transit.core.assumptions import value
from transit.core.errors import InputError, WorkError

_KPI_ROWS = (
    ("requests", "予約件数 requests"),
    ("served_rate", "対応率 served_rate"),
    ("wait_mean_min", "平均待ち時間 wait_mean_min"),
    ("wait_p95_min", "95%待ち時間 wait_p95_min"),
    ("ride_mean_min", "平均乗車時間 ride_mean_min"),
    ("detour_factor", "迂回率 detour_factor"),
    ("vehicle_km", "走行距離 vehicle_km"),
    ("empty_km_share", "空車走行率 empty_km_share"),
    ("occupancy_mean", "平均乗車人数 occupancy_mean"),
    ("pax_per_vehicle_hour", "車両1時間当たり利用者 pax_per_vehicle_hour"),
    ("cost_per_pax_yen", "1人当たり費用 cost_per_pax_yen"),
    ("missed_connections", "乗り継ぎ失敗 missed_connections"),
    ("checker_violations", "制約違反 checker_violations"),
)


@click.command(name="simulate")
@click.argument("area_toml", type=click.Path(path_type=Path))
@click.option(
    "--vehicles", type=click.IntRange(min=1), default=None, help="Fleet size (default: the file's)."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Random seed (demand and solver), 0 or more.",
)
@click.option(
    "-o", "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Output folder."
)
@click.option("--map/--no-map", "draw_map", default=True, show_default=True, help="Write map.html.")
def simulate_cmd(
    area_toml: Path, vehicles: int | None, seed: int, out_dir: Path, draw_map: bool
) -> None:
    """Simulate one service day of on-demand dispatch in the area of AREA_TOML.

    Writes kpis.json, requests.csv, vehicles.csv, tracks.csv and map.html into OUT_DIR.
    """
    from transit.core import provenance as prov  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.core.explain import summary  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.maps import mapkit  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.maps.areas import map_area_result  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.areas.config import load_area  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.areas.evidence import study_record  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.areas.prepare import prepare_area  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.sim.results import write_result  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.sim.simulator import simulate  # noqa: PLC0415  (keeps `transit --help` fast)

    with every_problem():
        cfg = load_area(area_toml)
        setup = prepare_area(cfg, seed=seed, vehicles=vehicles)
    start, end = setup.shift_s
    with progress() as prog:
        task = prog.add_task(
            f"{cfg.area.name_ja}: {setup.vehicles}台, {len(setup.requests)}件",
            total=int(end - start),
        )
        result = simulate(
            setup,
            seed=seed,
            progress=lambda now: prog.update(
                task, completed=int(min(max(now - start, 0), end - start))
            ),
        )
    record = study_record(
        [cfg],
        what=f"オンデマンド交通の1日のシミュレーション / one simulated day: {cfg.area.name_ja} "
        f"({cfg.area.id}), {setup.vehicles} vehicles, seed {seed}",
        settings=[prov.setting("vehicles", setup.vehicles), prov.setting("seed", seed)],
    )
    paths = write_result(result, out_dir)
    if draw_map:
        saved = mapkit.save_map(
            map_area_result(cfg, result, graph=setup.graph),
            out_dir / "map.html",
            footer=summary(record),
        )
        paths.append(saved.path)
    paths += prov.write(record, paths)
    k = result.kpis
    print_table(
        f"{cfg.area.name_ja} ({cfg.area.id}) — {k['vehicles']} vehicles, seed {seed}",
        ["KPI", "value"],
        [(label, k.get(key)) for key, label in _KPI_ROWS],
    )
    say_evidence(out_dir / "kpis.json")
    for p in paths:
        say(f"wrote {p}")
    if result.violations:
        raise WorkError(
            f"{len(result.violations)} executed routes break a rule (first: {result.violations[0].message})"
        )


@click.command(name="areas")
@click.argument("areas_toml", type=click.Path(path_type=Path))
@click.option(
    "--fleet",
    "fleets",
    default="1..4",
    show_default=True,
    callback=lambda _ctx, _param, value: _fleets(value),
    help="Fleet sizes: 1..4 or 1,2,4 (1 to 100 vehicles).",
)
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Seeds 1..N per combination.",
)
@click.option(
    "-o", "--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Output folder."
)
@click.option(
    "--dask", "dask_address", default=None, help="Dask scheduler address (tcp://host:8786)."
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="Local processes (default: CPUs)."
)
@click.option(
    "--maps/--no-maps", "draw_maps", default=True, show_default=True, help="Write a map per area."
)
def areas_cmd(
    areas_toml: Path,
    fleets: list[int],
    seeds: int,
    out_dir: Path,
    dask_address: str | None,
    workers: int | None,
    draw_maps: bool,
) -> None:
    """Simulate every area of AREAS_TOML × fleet sizes × seeds and rank the areas.

    Writes ranking.csv, ranking.xlsx (Japanese headers), runs.csv and maps/<area>.html.
    """
    from transit.routing.areas.config import load_areas  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.areas.ranking import write_ranking  # noqa: PLC0415  (keeps `transit --help` fast)
    from transit.routing.areas.sweep import check_sweep, sweep  # noqa: PLC0415  (keeps `transit --help` fast)

    with every_problem():
        study = load_areas(areas_toml)
        check_sweep(study.areas, fleets=fleets, seeds=list(range(1, seeds + 1)))
    areas = study.areas
    total = len(areas) * len(fleets) * seeds
    with progress() as prog:
        task = prog.add_task(
            f"{len(areas)} areas × {len(fleets)} fleets × {seeds} seeds"
            + (f" on {dask_address}" if dask_address else ""),
            total=total,
        )
        result = sweep(
            areas,
            fleets=fleets,
            seeds=list(range(1, seeds + 1)),
            workers=workers,
            dask_address=dask_address,
            reference=study.settings.reference,
            progress=lambda done, _n: prog.update(task, completed=done),
        )
    paths = write_ranking(result, out_dir)
    if draw_maps:
        from transit.maps.areas import write_area_maps  # noqa: PLC0415  (keeps `transit --help` fast)

        paths += write_area_maps(areas, result, out_dir / "maps")
    rank = result.ranking
    served = float(value("drt.ranking.target_served_rate")) * 100
    wait = float(value("drt.ranking.target_wait_p95_min"))
    print_table(
        f"順位 ranking (smallest fleet with served ≥ {served:g}% and p95 wait ≤ {wait:g} min, "
        "then cost/pax)",
        ["順位", "地区", "必要台数", "対応率", "95%待ち(分)", "1人当たり費用(円)", "基準"],
        [
            (
                r.rank,
                f"{r.name_ja} ({r.area_id})",
                "—" if r.fleet_needed is None or str(r.fleet_needed) == "<NA>" else r.fleet_needed,
                r.served_rate,
                r.wait_p95_min,
                r.cost_per_pax_yen,
                "○" if r.reference else "",
            )
            for r in rank.itertuples(index=False)
        ],
    )
    say_evidence(out_dir / "ranking.csv")
    bad = int(result.runs["checker_violations"].sum())
    for p in paths:
        say(f"wrote {p}")
    if bad:
        console_err(f"warning: {bad} checker violations in executed routes (see runs.csv)")
        raise WorkError(f"{bad} executed routes break a rule")


def _fleets(text: str) -> list[int]:
    """``--fleet`` as fleet sizes; a bad value is a usage error naming the option (exit 2)."""
    from transit.routing.areas.sweep import parse_fleet  # noqa: PLC0415  (keeps `transit --help` fast)

    try:
        return parse_fleet(text)
    except InputError as exc:
        raise click.BadParameter(exc.message) from exc


COMMANDS: list[click.Command] = [simulate_cmd, areas_cmd]
