"""Area selection: simulate candidate areas × fleet sizes × seeds in parallel and rank the areas.

Runs go to local processes by default (:class:`concurrent.futures.ProcessPoolExecutor`), or to a
Dask cluster when its scheduler address is given. Each run is independent and seeded, so the
same sweep gives the same table wherever it runs.

Ranking score (documented in ``docs/drt-simulation.md``): for each area, the **smallest fleet
whose mean over seeds serves ≥ 95% of requests with a 95th-percentile wait ≤ 30 minutes**; areas
needing fewer vehicles rank first, ties broken by the **cost per passenger** at that fleet (lower
first). Areas that meet the target with no fleet size tried come last, ordered by their best
served rate.
"""

from __future__ import annotations

import functools
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from transit.core.errors import InputError, WorkError
from transit.routing.areas.config import AreaConfig
from transit.routing.roads.network import load_network
from transit.routing.sim.simulator import KPI_NAMES, SimResult, simulate_area

log = logging.getLogger(__name__)

#: Target of the ranking score.
TARGET_SERVED_RATE = 0.95
TARGET_WAIT_P95_MIN = 30.0

#: Ranking columns (English, CSV) and their Japanese headers (Excel).
RANKING_HEADERS: dict[str, str] = {
    "rank": "順位",
    "area_id": "地区ID",
    "name_ja": "地区名",
    "meets_target": "目標達成",
    "fleet_needed": "必要台数",
    "requests_per_day": "1日の予約件数",
    "served_rate": "対応率",
    "wait_mean_min": "平均待ち時間（分）",
    "wait_p95_min": "95%待ち時間（分）",
    "ride_mean_min": "平均乗車時間（分）",
    "detour_factor": "迂回率",
    "vehicle_km": "走行距離（km/日）",
    "empty_km_share": "空車走行率",
    "occupancy_mean": "平均乗車人数",
    "pax_per_vehicle_hour": "車両1時間当たり利用者数",
    "cost_per_pax_yen": "利用者1人当たり費用（円）",
    "net_cost_per_pax_yen": "1人当たり公費負担（円）",
    "missed_connections": "乗り継ぎ失敗（件/日）",
    "reference": "基準地区",
}
RUN_HEADERS: dict[str, str] = {
    "area_id": "地区ID",
    "name_ja": "地区名",
    "vehicles": "車両数",
    "seed": "乱数シード",
    "requests": "予約件数",
    "served": "対応件数",
    "served_rate": "対応率",
    "rejected_rate": "断り率",
    "wait_mean_min": "平均待ち時間（分）",
    "wait_p95_min": "95%待ち時間（分）",
    "ride_mean_min": "平均乗車時間（分）",
    "detour_factor": "迂回率",
    "vehicle_km": "走行距離（km）",
    "empty_km_share": "空車走行率",
    "occupancy_mean": "平均乗車人数",
    "pax_per_vehicle_hour": "車両1時間当たり利用者数",
    "cost_per_pax_yen": "利用者1人当たり費用（円）",
    "net_cost_per_pax_yen": "1人当たり公費負担（円）",
    "missed_connections": "乗り継ぎ失敗",
    "checker_violations": "制約違反",
}


@dataclass(frozen=True)
class SweepJob:
    """One run: an area, a fleet size and a seed."""

    area: AreaConfig
    vehicles: int
    seed: int


@dataclass(frozen=True, eq=False)
class SweepResult:
    """``runs``: one row per run (area, vehicles, seed and every KPI); ``ranking``: one row per
    area (columns of :data:`RANKING_HEADERS`); ``results``: the full :class:`SimResult` of each
    run keyed by ``(area_id, vehicles, seed)`` (for maps)."""

    runs: pd.DataFrame
    ranking: pd.DataFrame
    results: dict[tuple[str, int, int], SimResult] = field(default_factory=dict)


def parse_fleet(text: str) -> list[int]:
    """``"1..4"`` → [1, 2, 3, 4]; ``"2,3,5"`` → [2, 3, 5]; ``"2"`` → [2]."""
    t = text.strip()
    try:
        if ".." in t:
            a, b = (int(x) for x in t.split("..", 1))
            values = list(range(a, b + 1))
        else:
            values = [int(x) for x in t.split(",") if x.strip()]
    except ValueError as exc:
        raise InputError(f"fleet sizes must look like 1..4 or 2,3,5; got {text!r}") from exc
    if not values or min(values) < 1:
        raise InputError(f"fleet sizes must be at least 1; got {text!r}")
    return sorted(set(values))


@functools.lru_cache(maxsize=4)
def _network(source: str) -> nx.MultiDiGraph:
    return load_network(source or None)


def _network_key(cfg: AreaConfig) -> str:
    src = cfg.area.network.strip()
    if src in ("", "sample") or src.startswith("place:"):
        return src
    return str(cfg.path(src))


def run_job(job: SweepJob) -> tuple[tuple[str, int, int], SimResult]:
    """Run one job (top-level so processes and Dask workers can call it); the network is cached
    per process."""
    graph = _network(_network_key(job.area))
    result = simulate_area(job.area, seed=job.seed, vehicles=job.vehicles, graph=graph)
    return (job.area.area.id, job.vehicles, job.seed), result


def sweep(
    areas: Sequence[AreaConfig],
    *,
    fleets: Sequence[int],
    seeds: Sequence[int],
    workers: int | None = None,
    dask_address: str | None = None,
    reference: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Simulate every area × fleet size × seed and rank the areas.

    Parameters
    ----------
    areas
        Area configurations.
    fleets, seeds
        Fleet sizes and seeds to run (each combination once).
    workers
        Local processes (default: CPU count; 1 = run in this process). Ignored with Dask.
    dask_address
        A Dask scheduler address (``tcp://host:8786``): runs go to that cluster.
    reference
        Area id marked as the calibration reference in the ranking.
    progress
        Called with (runs done, runs total) as runs finish.

    Returns
    -------
    SweepResult
    """
    jobs = [SweepJob(a, int(v), int(s)) for a in areas for v in fleets for s in seeds]
    if not jobs:
        raise InputError("nothing to run: no areas, fleet sizes or seeds")
    results: dict[tuple[str, int, int], SimResult] = {}

    def done(key: tuple[str, int, int], res: SimResult) -> None:
        results[key] = res
        if progress is not None:
            progress(len(results), len(jobs))

    if dask_address:
        _run_dask(jobs, dask_address, done)
    else:
        n = min(len(jobs), workers if workers is not None else (os.cpu_count() or 1))
        if n <= 1:
            for job in jobs:
                done(*run_job(job))
        else:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
                futures = [pool.submit(run_job, job) for job in jobs]
                for fut in as_completed(futures):
                    done(*fut.result())
    names = {a.area.id: a.area.name_ja for a in areas}
    runs = runs_table(results, names)
    return SweepResult(runs=runs, ranking=rank_areas(runs, reference=reference), results=results)


def _run_dask(
    jobs: list[SweepJob],
    address: str,
    done: Callable[[tuple[str, int, int], SimResult], None],
) -> None:
    from distributed import Client  # noqa: PLC0415  (Dask only when asked)
    from distributed import as_completed as dask_completed  # noqa: PLC0415

    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise WorkError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        futures = client.map(run_job, jobs, pure=False)
        for fut in dask_completed(futures):
            done(*fut.result())
    finally:
        client.close()


def runs_table(
    results: dict[tuple[str, int, int], SimResult], names: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per run: ``area_id``, ``name_ja``, ``vehicles``, ``seed``, then the KPIs
    (:data:`~transit.routing.sim.simulator.KPI_NAMES` and counts), sorted by area, fleet, seed."""
    rows = []
    for (area_id, vehicles, seed), res in results.items():
        row: dict[str, Any] = {
            "area_id": area_id,
            "name_ja": (names or {}).get(area_id, ""),
            "vehicles": vehicles,
            "seed": seed,
        }
        for k, v in res.kpis.items():
            if k not in row:
                row[k] = v
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values(["area_id", "vehicles", "seed"], kind="stable").reset_index(drop=True)


def rank_areas(runs: pd.DataFrame, *, reference: str = "") -> pd.DataFrame:
    """Rank areas by the documented score (see the module docstring).

    Returns columns of :data:`RANKING_HEADERS`: the KPIs (means over seeds) are those of the
    fleet that meets the target (``fleet_needed``), or of the largest fleet tried when none does
    (``fleet_needed`` is then empty and ``meets_target`` false).
    """
    numeric = ["requests", *KPI_NAMES, "net_cost_per_pax_yen"]
    cols = [c for c in numeric if c in runs.columns]
    agg = (
        runs.groupby(["area_id", "vehicles"], sort=True)[cols].mean(numeric_only=True).reset_index()
    )
    rows = []
    for area_id, group in agg.groupby("area_id", sort=True):
        grp = group.sort_values("vehicles")
        ok = grp[
            (grp["served_rate"] >= TARGET_SERVED_RATE - 1e-9)
            & (grp["wait_p95_min"].fillna(math.inf) <= TARGET_WAIT_P95_MIN + 1e-9)
        ]
        chosen = ok.iloc[0] if not ok.empty else grp.iloc[-1]
        name = runs.loc[runs["area_id"] == area_id, "name_ja"].iloc[0]
        row: dict[str, Any] = {
            "area_id": area_id,
            "name_ja": name,
            "meets_target": not ok.empty,
            "fleet_needed": int(chosen["vehicles"]) if not ok.empty else None,
            "requests_per_day": float(chosen["requests"]),
        }
        for k in RANKING_HEADERS:
            if k in chosen.index and k not in row and k not in ("vehicles",):
                row[k] = _round(chosen[k])
        row["reference"] = area_id == reference
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=list(RANKING_HEADERS))
    df["_k1"] = (~df["meets_target"]).astype(int)
    df["_k2"] = [
        (f if m else -s)
        for f, m, s in zip(df["fleet_needed"], df["meets_target"], df["served_rate"], strict=True)
    ]
    df["_k3"] = df["cost_per_pax_yen"].fillna(math.inf)
    df = df.sort_values(["_k1", "_k2", "_k3", "area_id"], kind="stable").reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    df["fleet_needed"] = df["fleet_needed"].astype("Int64")
    return df.loc[:, [c for c in RANKING_HEADERS if c in df.columns]]


def _round(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else round(float(value), 3)
    return value


def write_ranking(result: SweepResult, out_dir: Path) -> list[Path]:
    """Write ``ranking.csv`` (English columns), ``runs.csv`` and ``ranking.xlsx`` (sheets 順位 and
    全実行結果 with Japanese headers) into ``out_dir``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv = out_dir / "ranking.csv"
    result.ranking.to_csv(csv, index=False, lineterminator="\n")
    runs_csv = out_dir / "runs.csv"
    result.runs.to_csv(runs_csv, index=False, lineterminator="\n")
    xlsx = out_dir / "ranking.xlsx"
    ranking_ja = result.ranking.rename(columns=RANKING_HEADERS)
    for col in ("目標達成", "基準地区"):
        if col in ranking_ja.columns:
            ranking_ja[col] = ranking_ja[col].map(lambda b: "○" if bool(b) else "")
    run_cols = [c for c in RUN_HEADERS if c in result.runs.columns]
    runs_ja = result.runs.loc[:, run_cols].rename(columns=RUN_HEADERS)
    with pd.ExcelWriter(xlsx, engine="openpyxl") as writer:
        ranking_ja.to_excel(writer, sheet_name="順位", index=False)
        runs_ja.to_excel(writer, sheet_name="全実行結果", index=False)
        notes = pd.DataFrame(
            {
                "説明": [
                    "順位: 対応率95%以上かつ95%待ち時間30分以内を満たす最小の車両数が少ない順、同数なら利用者1人当たり費用が安い順",
                    "値は乱数シードごとの結果の平均。需要・道路網は架空（サンプル都市）",
                ]
            }
        )
        notes.to_excel(writer, sheet_name="説明", index=False)
    return [csv, runs_csv, xlsx]
