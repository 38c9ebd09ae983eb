"""Writers of a route-set comparison: CSV, an Excel workbook with Japanese headers, JSON.

The table comes from :func:`transit.routing.design.evaluation.compare_route_sets`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from transit.core.fileio import atomic_write_bytes, atomic_write_json

#: Japanese column headers of the workbook planners open.
HEADERS_JA = {
    "scenario": "案",
    "n_routes": "系統数",
    "ATT": "平均所要時間(分)",
    "d0": "乗換なし(%)",
    "d1": "乗換1回(%)",
    "d2": "乗換2回(%)",
    "dun": "乗換3回以上・不可(%)",
    "route_time_total": "系統所要時間計(分)",
    "demand_total": "需要計",
    "feasible": "条件充足",
    "problems": "問題点",
}

SHEET_JA = "路線再編案の比較"


def write_comparison(table: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Write ``scenarios.csv``, ``scenarios.xlsx`` (sheet 路線再編案の比較, Japanese headers) and
    ``scenarios.json`` (records) into ``out_dir``; returns the three paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path, json_path = (
        out_dir / "scenarios.csv",
        out_dir / "scenarios.xlsx",
        out_dir / "scenarios.json",
    )
    atomic_write_bytes(csv_path, table.to_csv(index=False).encode("utf-8"))
    tmp = out_dir / ".scenarios.xlsx.tmp"
    with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
        table.rename(columns=HEADERS_JA).to_excel(xl, sheet_name=SHEET_JA, index=False)
    atomic_write_bytes(xlsx_path, tmp.read_bytes())
    tmp.unlink()
    atomic_write_json(json_path, table.to_dict(orient="records"))
    return [csv_path, xlsx_path, json_path]
