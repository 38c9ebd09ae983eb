"""Ranking of candidate areas from the runs of a sweep, and the ranking files.

Score (documented in ``docs/drt-simulation.md``): for each area, the **smallest fleet whose mean
over seeds serves ≥ 95% of requests with a 95th-percentile wait ≤ 30 minutes**; areas needing
fewer vehicles rank first, ties broken by the **cost per passenger** at that fleet (lower first).
Areas that meet the target with no fleet size tried come last, ordered by their best served rate.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from transit.core import provenance as prov
from transit.core.assumptions import value
from transit.core.excel import SheetTable, evidence_sheet, rows_table, write_workbook
from transit.core.fileio import atomic_write_text
from transit.routing.sim.results import KPI_NAMES, SimResult


class RankedRuns(Protocol):
    """What :func:`write_ranking` writes: a ranking and its runs (e.g. a
    :class:`~transit.routing.areas.sweep.SweepResult`)."""

    @property
    def ranking(self) -> pd.DataFrame: ...

    @property
    def runs(self) -> pd.DataFrame: ...

    # (and optionally ``record``: what the runs were made from)


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


def runs_table(
    results: dict[tuple[str, int, int], SimResult], names: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per run: ``area_id``, ``name_ja``, ``vehicles``, ``seed``, then the KPIs
    (:data:`~transit.routing.sim.results.KPI_NAMES` and counts), sorted by area, fleet, seed."""
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
    served_target = float(value("drt.ranking.target_served_rate"))
    wait_target = float(value("drt.ranking.target_wait_p95_min"))
    numeric = ["requests", *KPI_NAMES, "net_cost_per_pax_yen"]
    cols = [c for c in numeric if c in runs.columns]
    agg = (
        runs.groupby(["area_id", "vehicles"], sort=True)[cols].mean(numeric_only=True).reset_index()
    )
    rows = []
    for area_id, group in agg.groupby("area_id", sort=True):
        grp = group.sort_values("vehicles")
        ok = grp[
            (grp["served_rate"] >= served_target - 1e-9)
            & (grp["wait_p95_min"].fillna(math.inf) <= wait_target + 1e-9)
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


def ranking_notes(record: prov.Record) -> list[str]:
    """The notes sheet (説明) of ``ranking.xlsx``: the score (with the targets of the
    assumptions table), that values are means over seeds, and what is made up."""
    served = float(value("drt.ranking.target_served_rate")) * 100
    wait = float(value("drt.ranking.target_wait_p95_min"))
    notes = [
        f"順位: 対応率{served:g}%以上かつ95%待ち時間{wait:g}分以内を満たす最小の車両数が少ない順、"
        "同数なら利用者1人当たり費用が安い順",
        "値は乱数シードごとの結果の平均。需要（予約）は仮定から生成（「出典・前提」を参照）",
    ]
    if record.illustrative:
        flags = "、".join(prov.FLAGS.get(f, (f, f))[0] for f in record.flags)
        notes.append(f"注意: この順位は例示です（{flags}）")
    return notes


def flag_columns(table: pd.DataFrame, record: prov.Record) -> pd.DataFrame:
    """``table`` with ``illustrative`` (true when an input is made up) and ``data_flags`` (the
    flags, ``;``-separated) on every row, so a row copied elsewhere keeps them."""
    return table.assign(illustrative=record.illustrative, data_flags=";".join(record.flags))


def write_ranking(
    result: RankedRuns, out_dir: Path, *, record: prov.Record | None = None
) -> list[Path]:
    """Write ``ranking.csv`` (English columns), ``runs.csv`` and ``ranking.xlsx`` (sheets 順位,
    全実行結果 with Japanese headers, 説明 and 出典・前提; through
    :func:`transit.core.excel.write_workbook`, so every text is a text cell, never a formula)
    into ``out_dir``, each atomically, and their ``provenance.json``; returns the paths.

    ``record`` (default: the sweep's own, ``result.record``) says what the ranking was made
    from; every row of the CSV files carries its ``illustrative`` flag and the ``data_flags``,
    and the 順位 sheet a データの注意 column when it is illustrative."""
    rec = record or getattr(result, "record", None) or prov.record(_WHAT)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv = out_dir / "ranking.csv"
    atomic_write_text(
        csv, flag_columns(result.ranking, rec).to_csv(index=False, lineterminator="\n")
    )
    runs_csv = out_dir / "runs.csv"
    atomic_write_text(
        runs_csv, flag_columns(result.runs, rec).to_csv(index=False, lineterminator="\n")
    )
    ranking = result.ranking.copy()
    for col in ("meets_target", "reference"):
        if col in ranking.columns:
            ranking[col] = ranking[col].map(lambda b: "○" if bool(b) else "")
    if rec.illustrative:
        ranking["data_note"] = (
            "例示（" + "、".join(prov.FLAGS.get(f, (f, f))[0] for f in rec.flags) + "）"
        )
    runs = result.runs.loc[:, [c for c in RUN_HEADERS if c in result.runs.columns]]
    xlsx = write_workbook(
        out_dir / "ranking.xlsx",
        [
            SheetTable("順位", ranking, {**RANKING_HEADERS, "data_note": "データの注意"}),
            SheetTable("全実行結果", runs, RUN_HEADERS),
            SheetTable("説明", rows_table([[n] for n in ranking_notes(rec)], ["説明"])),
            evidence_sheet(rec, out_dir),
        ],
    )
    paths = [csv, runs_csv, xlsx]
    return [*paths, *prov.write(rec, paths)]


_WHAT = "オンデマンド交通の候補地区の順位 / ranking of candidate on-demand areas"
