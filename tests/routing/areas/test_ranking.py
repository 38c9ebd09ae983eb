"""The ranking of candidate areas (the documented score) and its files."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd

from transit.routing.areas.ranking import RANKING_HEADERS, rank_areas, write_ranking


def _runs(rows: list[tuple[str, int, int, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["area_id", "vehicles", "seed", "served_rate", "wait_p95_min", "cost_per_pax_yen"],
    ).assign(name_ja=lambda d: d["area_id"].str.upper(), requests=10)


def test_rank_areas_by_documented_score() -> None:
    """Smallest fleet meeting the target first, then cost per passenger; misses go last."""
    runs = _runs(
        [
            ("a", 1, 1, 0.90, 20.0, 800.0),  # a needs 2 (mean of seeds at 2: 0.96, p95 25)
            ("a", 2, 1, 0.97, 25.0, 1200.0),
            ("a", 2, 2, 0.95, 25.0, 1000.0),
            ("b", 1, 1, 0.99, 29.0, 1500.0),  # b meets it with 1 car
            ("b", 2, 1, 1.00, 10.0, 2500.0),
            ("c", 1, 1, 0.99, 10.0, 900.0),  # c meets it with 1 car, cheaper than b
            ("d", 1, 1, 0.80, 45.0, 500.0),  # d never meets the target (p95 too long)
            ("d", 2, 1, 0.99, 31.0, 700.0),
            ("e", 1, 1, 0.70, 20.0, 400.0),  # e neither, and serves less than d
        ]
    )
    rank = rank_areas(runs, reference="b")
    assert rank["area_id"].tolist() == ["c", "b", "a", "d", "e"]
    assert rank["rank"].tolist() == [1, 2, 3, 4, 5]
    assert rank["fleet_needed"].tolist() == [1, 1, 2, pd.NA, pd.NA]
    assert rank["meets_target"].tolist() == [True, True, True, False, False]
    assert rank["cost_per_pax_yen"].tolist() == [900.0, 1500.0, 1100.0, 700.0, 400.0]
    assert rank["reference"].tolist() == [False, True, False, False, False]
    assert list(rank.columns) == [c for c in RANKING_HEADERS if c in rank.columns]


def test_area_names_are_text_cells_in_the_workbook(tmp_path: Path) -> None:
    """An area named like a formula reaches ranking.xlsx as those characters, a text cell."""
    hostile = ['=HYPERLINK("http://x","click")', "=1+1"]
    runs = _runs([("a", 1, 1, 0.99, 10.0, 900.0), ("b", 1, 1, 0.90, 40.0, 700.0)])
    runs["name_ja"] = hostile
    ranked = SimpleNamespace(ranking=rank_areas(runs, reference="a"), runs=runs)
    paths = write_ranking(ranked, tmp_path)
    wb = openpyxl.load_workbook(paths[2])
    assert wb.sheetnames == ["順位", "全実行結果", "説明", "出典・前提"]
    for sheet, column in (("順位", "地区名"), ("全実行結果", "地区名")):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        cells = [row[header.index(column)] for row in ws.iter_rows(min_row=2)]
        assert [c.value for c in cells] == hostile
        assert [c.data_type for c in cells] == ["s", "s"]
    header = [c.value for c in wb["順位"][1]]
    assert header[:5] == ["順位", "地区ID", "地区名", "目標達成", "必要台数"]
    assert [c.value for c in wb["順位"]["D"][1:]] == ["○", None]  # 目標達成: a meets it
