"""Network design optimizer quality on the TNDP literature instances, beside the published values.

Usage: ``python benchmarks/bench_design.py --out DIR [--only mandl6,mumford0] [--scale 0.05]
[--iterations K] [--seed 1] [--workers 2]``. Prints the table and writes ``DIR/design_<row>.json``
(the ``ROUTESET.json`` of each row, as ``transit routes design`` writes it) and
``DIR/design_summary.json``. ``--scale`` multiplies every time limit (0.05 for a smoke run);
``--iterations`` replaces the time limits by an iteration budget per worker.

Issue 11 targets (2 workers): Mandl 4/6/7/8 routes (2–8 stops), 60 s: ATT <= 10.48, 10.18, 10.10,
10.08; operator objective, 6 routes: route time 63 with ATT <= 13.48; Mumford0 (12 routes, 2–15)
and Mumford1 (15 routes, 10–30), 600 s: ATT <= 14.23 and <= 22.34. ``gen110``/``gen127`` are
*generated stand-ins* of the Mumford2/Mumford3 sizes (:mod:`tndp_generator`), not the published
instances: 30 minutes of wall time (1770 s of search), feasible, peak memory under 4 GB; their
ATT is shown beside the published Mumford2/3 values and beside their own lower bound LBpass
(demand-weighted least drive time). ATT targets compare the ATT rounded to 2 decimals, the
precision of the published tables.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tndp_generator import STANDINS, standin

from transit.core.fileio import atomic_write_json
from transit.core.paths import external_path
from transit.routing.design.network import read_link_network
from transit.routing.design.optimize import DesignRequest, design_route_set
from transit.routing.design.problem import make_problem
from transit.routing.design.report import write_routeset


@dataclass(frozen=True)
class Row:
    """One benchmark run: instance (path under tndp/, or a stand-in name), bounds, objective,
    seconds, and the target (ATT, or route time for the operator objective)."""

    name: str
    instance: str
    published_as: str
    n_routes: int
    min_nodes: int
    max_nodes: int
    objective: str
    seconds: float
    target_att: float | None = None
    target_trt: float | None = None


ROWS = (
    Row("mandl4", "mandl/mandl1", "Mandl", 4, 2, 8, "passenger", 60, 10.48),
    Row("mandl6", "mandl/mandl1", "Mandl", 6, 2, 8, "passenger", 60, 10.18),
    Row("mandl7", "mandl/mandl1", "Mandl", 7, 2, 8, "passenger", 60, 10.10),
    Row("mandl8", "mandl/mandl1", "Mandl", 8, 2, 8, "passenger", 60, 10.08),
    Row("mandl6-operator", "mandl/mandl1", "Mandl", 6, 2, 8, "operator", 60, 13.48, 63),
    Row("mumford0", "mumford/mumford0", "Mumford0", 12, 2, 15, "passenger", 600, 14.23),
    Row("mumford1", "mumford/mumford1", "Mumford1", 15, 10, 30, "passenger", 600, 22.34),
    # 30 minutes of wall time in all: the search stops 30 s early for setup and the final check
    Row("gen110", "gen110", "Mumford2", 56, 10, 22, "passenger", 1770),
    Row("gen127", "gen127", "Mumford3", 60, 12, 25, "passenger", 1770),
)
COLUMNS = (
    "row", "routes", "stops", "objective", "limit_s", "ATT", "TRT", "d0", "target",
    "published best", "met", "feasible", "wall_s", "peak_MB",
)  # fmt: skip


def published_best(data: Path, row: Row) -> tuple[float, float, str] | None:
    """(ATT, TRT, source) of the best published route set of the row's kind and size."""
    pub = pd.read_csv(data / "published_results.csv", dtype={"n_routes": "string"})
    pub = pub[(pub["instance"] == row.published_as) & (pub["n_routes"] == str(row.n_routes))]
    if row.objective == "operator":
        pub = pub[pub["objective_focus"] == "best_operator"].sort_values(
            ["route_time_total", "ATT"]
        )
    else:
        pub = pub[pub["objective_focus"].isin(["best_passenger", "NEA_unverified"])]
        pub = pub.sort_values("ATT")
    if pub.empty:
        return None
    best = pub.iloc[0]
    source = str(best["source"]).split(";")[0]
    return float(best["ATT"]), float(best["route_time_total"]), source


def lower_bound_att(prefix: Path, row: Row) -> float:
    """LBpass: demand-weighted least drive time (no transfers), minutes."""
    problem = make_problem(
        read_link_network(prefix.parent, prefix.name),
        n_routes=row.n_routes,
        min_nodes=row.min_nodes,
        max_nodes=row.max_nodes,
    )
    return float((problem.demand * problem.sp_minutes).sum() / problem.demand.sum())


def peak_mb() -> float:
    """Peak resident memory so far of this process or any finished child (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def run_row(row: Row, data: Path, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Run one row and write its ROUTESET.json; returns the summary record."""
    if row.instance in STANDINS:
        prefix = standin(row.instance, out / "instances")
    else:
        prefix = data / row.instance
    network = read_link_network(prefix.parent, prefix.name)
    limit = None if args.iterations else row.seconds * args.scale
    request = DesignRequest(
        n_routes=row.n_routes,
        min_nodes=row.min_nodes,
        max_nodes=row.max_nodes,
        objective=row.objective,
        iterations=args.iterations,
        time_limit=limit,
        seed=args.seed,
        workers=args.workers,
    )
    t0 = time.perf_counter()
    result = design_route_set(network, request)
    wall = time.perf_counter() - t0
    write_routeset(result, out / f"design_{row.name}.json")
    assert result.best is not None
    ev = result.best.evaluation
    pub = published_best(data, row)
    met = _met(row, ev.ATT, ev.route_time_total)
    return {
        "row": row.name,
        "instance": network.name,
        "generated_standin": row.instance in STANDINS,
        "routes": row.n_routes,
        "stops": f"{row.min_nodes}-{row.max_nodes}",
        "objective": row.objective,
        "limit_s": limit,
        "iterations": [w.iterations for w in result.workers],
        "ATT": ev.ATT,
        "TRT": ev.route_time_total,
        "d0": ev.d0,
        "target": _target(row),
        "published": None if pub is None else {"ATT": pub[0], "TRT": pub[1], "source": pub[2]},
        "lower_bound_ATT": lower_bound_att(prefix, row),
        "met": met,
        "feasible": True,  # design_route_set raises WorkError otherwise
        "wall_s": round(wall, 1),
        "peak_MB": round(peak_mb()),
    }


def _target(row: Row) -> str:
    if row.target_trt is not None:
        return f"TRT {row.target_trt:g}, ATT <= {row.target_att:.2f}"
    if row.target_att is not None:
        return f"ATT <= {row.target_att:.2f}"
    return "feasible, < 4096 MB"


def _met(row: Row, att: float, trt: float) -> bool:
    ok = row.target_att is None or round(att, 2) <= row.target_att
    if row.target_trt is not None:
        ok = ok and trt <= row.target_trt
    if row.target_att is None:
        ok = peak_mb() < 4096
    return bool(ok)


def _cells(rec: dict[str, Any]) -> list[str]:
    pub = rec["published"]
    published = ""
    if pub is not None:
        trt = "-" if pub["TRT"] != pub["TRT"] else f"{pub['TRT']:g}"  # NaN: not published
        published = f"{pub['ATT']:.2f} / {trt} ({pub['source']})"
    if rec["generated_standin"]:
        published = f"{published}; LBpass {rec['lower_bound_ATT']:.2f}"
    return [
        rec["row"], str(rec["routes"]), rec["stops"], rec["objective"],
        "-" if rec["limit_s"] is None else f"{rec['limit_s']:g}",
        f"{rec['ATT']:.3f}", f"{rec['TRT']:g}", f"{rec['d0']:.2f}", rec["target"], published,
        str(rec["met"]), str(rec["feasible"]), f"{rec['wall_s']:g}", f"{rec['peak_MB']:g}",
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    parser.add_argument("--only", default="", help="comma-separated row names")
    parser.add_argument("--scale", type=float, default=1.0, help="factor on every time limit")
    parser.add_argument("--iterations", type=int, default=None, help="per worker, no time limit")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", type=Path, default=None, help="the tndp folder")
    args = parser.parse_args()
    data = args.data or external_path("tndp")
    wanted = [n for n in args.only.split(",") if n]
    unknown = sorted(set(wanted) - {r.name for r in ROWS})
    if unknown:
        parser.error(f"unknown rows {unknown} (rows: {', '.join(r.name for r in ROWS)})")
    rows = [r for r in ROWS if not wanted or r.name in wanted]
    args.out.mkdir(parents=True, exist_ok=True)
    records = []
    for row in rows:
        rec = run_row(row, data, args.out, args)
        records.append(rec)
        print(" | ".join(_cells(rec)), flush=True)
        summary = {"seed": args.seed, "workers": args.workers, "scale": args.scale, "rows": records}
        atomic_write_json(args.out / "design_summary.json", summary)
    print()
    print(" | ".join(COLUMNS))
    for rec in records:
        print(" | ".join(_cells(rec)))
    met = sum(r["met"] for r in records)
    print(
        f"\ntargets met {met}/{len(records)}; all feasible; seed {args.seed}, {args.workers} workers"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
