"""Dial-a-ride solver quality on the Cordeau (2006) benchmark: cost, gap to best-known, feasibility.

Usage: ``python benchmarks/bench_darp.py --out DIR [--instances a*] [--time-limit 60] [--workers 2]``.
Prints the table and writes ``DIR/darp_cordeau.json`` (the same JSON as ``transit drt bench``).
Issue 5 target: a-series, 60 s each on 2 cores, all feasible, mean gap <= 1.0 %, max <= 3 %.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from transit.core.paths import external_path
from transit.routing.dispatch.bench import (
    TABLE_COLUMNS,
    list_instances,
    load_bks,
    run_instance,
    summarize,
    table_rows,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    parser.add_argument(
        "--instances", default="a*", help="comma-separated names/patterns (default a*)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or external_path("darp", "cordeau2006")
    files = list_instances(data, patterns=[p for p in args.instances.split(",") if p])
    bks = load_bks(data)
    rows = []
    out = args.out / "darp_cordeau.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    for path in files:
        row = run_instance(
            path,
            "cordeau",
            time_limit=args.time_limit,
            seed=args.seed,
            workers=args.workers,
            bks=bks,
        )
        rows.append(row)
        print(
            f"{row['instance']:<8} cost {row['cost']} gap {row['gap_pct']} % feasible {row['feasible']} {row['wall_s']} s",
            flush=True,
        )
        doc = {
            "kind": "cordeau",
            "time_limit": args.time_limit,
            "seed": args.seed,
            "workers": args.workers,
            "instances": rows,
            "summary": summarize(rows),
        }
        out.write_text(
            json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
        )
    print()
    print(" | ".join(TABLE_COLUMNS))
    for r in table_rows(rows):
        print(" | ".join(str(x) for x in r))
    s = summarize(rows)
    print(
        f"\nfeasible {s['feasible']}/{s['n']}  mean gap {s['mean_gap_pct']} %  max gap {s['max_gap_pct']} %  -> {out}"
    )
    return 0 if s["all_feasible"] else 1


if __name__ == "__main__":
    sys.exit(main())
