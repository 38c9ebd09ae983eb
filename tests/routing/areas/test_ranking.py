"""The ranking of candidate areas (the documented score) and its files."""

from __future__ import annotations

import pandas as pd

from transit.routing.areas.ranking import RANKING_HEADERS, rank_areas


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
