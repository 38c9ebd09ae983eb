"""Benchmark: bulk travel-time matrices (target: 1,000 × 1,000 on a 10,000-node graph in ≤ 5 s).

Builds a seeded 100 × 100 street grid (10,000 nodes, ~40,000 directed edges, random travel
times), times :func:`transit.routing.roads.matrix.graph_to_csr` and a 1,000 × 1,000
:func:`transit.routing.roads.matrix.travel_time_matrix`, and checks 20 random rows against networkx
Dijkstra. Also times the sample city's network (load, travel times, all-pairs matrix). Prints a
table and writes ``bench_network.json``.

Usage: ``.venv/bin/python benchmarks/bench_network.py --out bench-output``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

TARGET_S = 5.0


def grid(side: int, seed: int) -> nx.MultiDiGraph:
    rng = np.random.default_rng(seed)
    g = nx.MultiDiGraph()
    for i in range(side):
        for j in range(side):
            g.add_node(i * side + j, x=131.6 + j * 0.001, y=32.5 + i * 0.001)
    for i in range(side):
        for j in range(side):
            u = i * side + j
            for v in ([u + 1] if j < side - 1 else []) + ([u + side] if i < side - 1 else []):
                g.add_edge(u, v, travel_time=float(rng.uniform(5, 60)))
                g.add_edge(v, u, travel_time=float(rng.uniform(5, 60)))
    return g


def main() -> int:
    from transit.routing.roads.matrix import graph_to_csr, travel_time_matrix
    from transit.routing.roads.network import add_travel_times, sample_network

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    g = grid(100, args.seed)
    t0 = time.perf_counter()
    csr = graph_to_csr(g)
    t_csr = time.perf_counter() - t0
    nodes = np.array(list(g.nodes))
    origins = [int(x) for x in rng.choice(nodes, 1000, replace=False)]
    dests = [int(x) for x in rng.choice(nodes, 1000, replace=False)]
    t0 = time.perf_counter()
    m = travel_time_matrix(csr, origins, dests)
    t_matrix = time.perf_counter() - t0
    max_err = 0.0
    for k in rng.choice(1000, 20, replace=False):
        ref = nx.single_source_dijkstra_path_length(g, origins[int(k)], weight="travel_time")
        err = max(abs(m[int(k), j] - ref[d]) for j, d in enumerate(dests))
        max_err = max(max_err, float(err))
    rows = [
        {
            "case": "grid 100x100",
            "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges(),
            "shape": "1000x1000",
            "csr_s": round(t_csr, 3),
            "matrix_s": round(t_matrix, 3),
            "target_s": TARGET_S,
            "ok": t_csr + t_matrix <= TARGET_S and max_err < 1e-6,
            "max_abs_error_vs_networkx": max_err,
        }
    ]
    try:
        t0 = time.perf_counter()
        sg = add_travel_times(sample_network())
        t_load = time.perf_counter() - t0
        sn = list(sg.nodes)
        t0 = time.perf_counter()
        sm = travel_time_matrix(sg, sn)
        t_all = time.perf_counter() - t0
        rows.append(
            {
                "case": "sample city (synthetic)",
                "nodes": sg.number_of_nodes(),
                "edges": sg.number_of_edges(),
                "shape": f"{len(sn)}x{len(sn)}",
                "load_s": round(t_load, 3),
                "matrix_s": round(t_all, 3),
                "finite": bool(np.isfinite(sm).all()),
                "ok": bool(np.isfinite(sm).all()),
            }
        )
    except Exception as exc:  # the sample may be missing in a partial checkout
        rows.append({"case": "sample city (synthetic)", "ok": False, "error": str(exc)})
    print(f"{'case':<26}{'nodes':>7}{'edges':>8}{'shape':>12}{'matrix_s':>10}  ok")
    for r in rows:
        print(
            f"{r['case']:<26}{r.get('nodes', ''):>7}{r.get('edges', ''):>8}"
            f"{r.get('shape', ''):>12}{r.get('matrix_s', ''):>10}  {r['ok']}"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_network.json").write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
