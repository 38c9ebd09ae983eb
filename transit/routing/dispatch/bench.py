"""Benchmark runs of the dial-a-ride solver on Cordeau (2006) DARP and Li & Lim PDPTW instances.

:func:`run_instance` solves one instance file and returns one JSON-ready row; :func:`summarize`
aggregates rows. Used by ``transit drt bench`` and ``benchmarks/bench_darp.py`` (same JSON).
"""

from __future__ import annotations

import fnmatch
import math
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from transit.core.errors import DataNotFoundError, InputError, WorkError
from transit.routing.dispatch.checker import check
from transit.routing.dispatch.instances import (
    BestKnown,
    gap_pct,
    node_routes,
    read_bks,
    read_cordeau,
    read_lilim,
)
from transit.routing.dispatch.problem import Problem
from transit.routing.dispatch.solver import solve

BenchKind = Literal["cordeau", "lilim"]


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def list_instances(data: Path, *, patterns: Sequence[str] | None = None) -> list[Path]:
    """Instance files (``*.txt``) in ``data`` in natural order, filtered by names or glob patterns.

    Raises :class:`~transit.core.errors.InputError` naming every pattern that matches nothing.
    """
    if not data.is_dir():
        raise DataNotFoundError(f"benchmark folder not found: {data}")
    files = sorted((p for p in data.glob("*.txt") if p.is_file()), key=lambda p: _natural(p.stem))
    if not patterns:
        return files
    chosen: list[Path] = []
    missing: list[str] = []
    for pat in patterns:
        hits = [f for f in files if fnmatch.fnmatchcase(f.stem, pat)]
        if not hits:
            missing.append(pat)
        chosen.extend(h for h in hits if h not in chosen)
    if missing:
        raise InputError(f"no instance named {', '.join(missing)} in {data}")
    return chosen


def read_instance(path: Path, kind: BenchKind) -> Problem:
    """Read one instance file of the given benchmark kind."""
    return read_cordeau(path) if kind == "cordeau" else read_lilim(path)


def run_instance(
    path: Path,
    kind: BenchKind,
    *,
    time_limit: float,
    seed: int = 1,
    workers: int = 1,
    bks: dict[str, BestKnown] | None = None,
) -> dict[str, Any]:
    """Solve one instance and check the plan.

    Returns
    -------
    dict
        ``instance``; ``cost`` (total distance, null when nothing was found); ``vehicles`` (used);
        ``routes`` (node/task ids without depots, one list per used vehicle); ``served`` and
        ``requests``; ``feasible`` (the independent checker found no violation and every request
        is served); ``violations`` (kinds); ``bks`` and ``bks_verified`` when known; ``gap_pct``
        (percent over the best-known cost, null when unknown); ``wall_s`` (seconds, reading to
        checked plan).
    """
    t0 = time.perf_counter()
    problem = read_instance(path, kind)
    row: dict[str, Any] = {"instance": path.stem, "requests": len(problem.requests)}
    try:
        sol = solve(problem, time_limit=time_limit, seed=seed, workers=workers)
    except WorkError as exc:
        row.update(
            cost=None, vehicles=None, routes=[], served=0, feasible=False, violations=[str(exc)]
        )
        sol = None
    if sol is not None:
        violations = check(problem, sol)
        row.update(
            cost=round(sol.cost, 4),
            vehicles=sol.vehicles_used,
            routes=node_routes(sol),
            served=len(problem.requests) - len(sol.rejected),
            feasible=not violations and not sol.rejected,
            violations=sorted({v.kind for v in violations}),
        )
    best = (bks or {}).get(path.stem)
    row["bks"] = best.cost if best else None
    row["bks_verified"] = best.verified if best else None
    row["gap_pct"] = (
        round(gap_pct(row["cost"], best.cost), 3)
        if best is not None and row["cost"] is not None
        else None
    )
    row["wall_s"] = round(time.perf_counter() - t0, 2)
    return row


def load_bks(data: Path) -> dict[str, BestKnown]:
    """``bks.csv`` of a benchmark folder, or an empty mapping when there is none."""
    path = data / "bks.csv"
    return read_bks(path) if path.is_file() else {}


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate rows: ``n``, ``feasible`` (count), ``all_feasible``, ``mean_gap_pct``, ``max_gap_pct``
    (over rows with a gap), ``verified_mean_gap_pct`` (rows whose best-known value is verified)
    and ``wall_s`` (sum)."""
    gaps = [r["gap_pct"] for r in rows if r.get("gap_pct") is not None]
    vgaps = [r["gap_pct"] for r in rows if r.get("gap_pct") is not None and r.get("bks_verified")]
    return {
        "n": len(rows),
        "feasible": sum(1 for r in rows if r["feasible"]),
        "all_feasible": all(r["feasible"] for r in rows),
        "mean_gap_pct": round(sum(gaps) / len(gaps), 3) if gaps else None,
        "max_gap_pct": round(max(gaps), 3) if gaps else None,
        "verified_mean_gap_pct": round(sum(vgaps) / len(vgaps), 3) if vgaps else None,
        "wall_s": round(sum(r["wall_s"] for r in rows), 1),
    }


def table_rows(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Rows for a printed table: instance, cost, bks, gap %, vehicles, served, feasible, wall s."""

    def fmt(x: Any, nd: int = 2) -> Any:
        return (
            ""
            if x is None or (isinstance(x, float) and math.isnan(x))
            else (round(x, nd) if isinstance(x, float) else x)
        )

    return [
        [
            r["instance"],
            fmt(r["cost"]),
            fmt(r["bks"]),
            fmt(r["gap_pct"]),
            fmt(r["vehicles"]),
            f"{r['served']}/{r['requests']}",
            "yes" if r["feasible"] else "NO",
            fmt(r["wall_s"], 1),
        ]
        for r in rows
    ]


TABLE_COLUMNS = ("instance", "cost", "bks", "gap %", "vehicles", "served", "feasible", "wall s")
