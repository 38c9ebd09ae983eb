"""Benchmark: day simulation at scale on the sample city (whole city as one service area).

Cases (targets from issue 5): 300 requests with 3 vehicles in ≤ 60 s; 3,000 requests with 30
vehicles in ≤ 10 min; in both, every executed route must pass the independent checker
(``checker_violations == 0``). Default dispatch settings (insertion on booking, re-optimization
every 20 min over a 60-min horizon with 1 s of solver time). Prints a table and writes
``bench_sim.json``.

Usage: ``.venv/bin/python benchmarks/bench_sim.py --out bench-output [--only small]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from transit.routing.sim.results import KPI_NAMES

CASES = {"small": (300, 3, 60.0), "large": (3000, 30, 600.0)}

AREA = """
[area]
id = "city_{n}"
name_ja = "市全域（ベンチマーク）"
polygon = ""
population = "{sample}/population/points.csv"
destinations = "{sample}/places.csv"
gtfs = "{sample}/gtfs"
hub_stops = ["S001_1"]
max_road_distance_m = 5000         # 14 of its 1,915 points are 2.0-4.1 km from the synthetic roads

[fleet]
vehicles = {v}
capacity = 4
depot = "city_hall"

[shift]
start = "07:00"
end = "19:00"

[demand]
requests = {n}
outbound_profile = {{ "7" = 0.10, "8" = 0.15, "9" = 0.15, "10" = 0.12, "11" = 0.10, "12" = 0.08, "13" = 0.08, "14" = 0.08, "15" = 0.07, "16" = 0.07 }}
"""

#: The columns of the table: the day's KPIs (:data:`transit.routing.sim.results.KPI_NAMES`)
#: between the request count and the solver's counters.
KEYS = (
    "requests",
    *KPI_NAMES,
    "checker_violations",
    "reoptimizations",
    "reopt_accepted",
    "reopt_failed",
    "solver_s",
    "matrix_s",
)


def main() -> int:
    from transit.core.paths import sample_dir
    from transit.routing.areas.config import load_area
    from transit.routing.areas.prepare import prepare_area
    from transit.routing.sim.simulator import simulate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    parser.add_argument("--only", choices=sorted(CASES), default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (n, v, target) in CASES.items():
            if args.only and name != args.only:
                continue
            toml = Path(tmp) / f"{name}.toml"
            toml.write_text(AREA.format(n=n, v=v, sample=sample_dir()), "utf-8")
            cfg = load_area(toml)
            t0 = time.perf_counter()
            setup = prepare_area(cfg, seed=args.seed)
            t_prep = time.perf_counter() - t0
            result = simulate(setup, seed=args.seed)
            wall = time.perf_counter() - t0
            row = {
                "case": name,
                "vehicles": v,
                "prepare_s": round(t_prep, 2),
                "wall_s": round(wall, 2),
                "target_s": target,
            }
            row.update({k: result.kpis.get(k) for k in KEYS})
            row["ok"] = wall <= target and result.kpis["checker_violations"] == 0
            rows.append(row)
            print(
                f"{name:<6} {n:>5} req {v:>3} veh  wall {wall:7.1f} s (≤ {target:.0f})  "
                f"served {row['served_rate']}  p95 wait {row['wait_p95_min']} min  "
                f"violations {row['checker_violations']}  reopt {row['reopt_accepted']}/"
                f"{row['reoptimizations']} (failed {row['reopt_failed']})  "
                f"{'OK' if row['ok'] else 'FAIL'}",
                flush=True,
            )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_sim.json").write_text(
        json.dumps(rows, indent=2, ensure_ascii=False) + "\n", "utf-8"
    )
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
