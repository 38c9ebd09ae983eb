"""Reference route-set evaluation (Mumford convention): a hand-made case and the published Mandl results."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from transit.routing.design.checks import check_route_set
from transit.routing.design.evaluation import evaluate_route_set
from transit.routing.design.network import (
    LinkNetwork,
    read_link_network,
    read_literature_route_sets,
)


def test_hand_made_case_exact(line4: LinkNetwork) -> None:
    result = evaluate_route_set(line4, [(1, 2, 3), (3, 4), (5, 2)])
    # 1->4: 15 min + 5 transfer = 20 (1 transfer); 1->5: 8 + 5 = 13 (1); 4->1: 20 (1); 3->4: 5 (0)
    assert pytest.approx((10 * 20 + 20 * 13 + 10 * 20 + 60 * 5) / 100) == result.ATT
    assert (result.d0, result.d1, result.d2, result.dun) == (60.0, 40.0, 0.0, 0.0)
    assert result.route_time_total == 18.0
    assert result.per_route_time == (10.0, 5.0, 3.0)


def test_ties_prefer_fewer_transfers() -> None:
    net = LinkNetwork(stops=(1, 2, 3), links={(1, 2): 5.0, (2, 3): 5.0}, demand={(1, 3): 1.0})
    # route A gives 1-2-3 directly (10 min); routes B+C give 10 min + one transfer: A wins
    result = evaluate_route_set(net, [(1, 2), (2, 3), (1, 2, 3)])
    assert (result.ATT, result.d0) == (10.0, 100.0)


def test_unreachable_demand_counts_as_unserved() -> None:
    net = LinkNetwork(
        stops=(1, 2, 3, 4), links={(1, 2): 1.0, (3, 4): 1.0}, demand={(1, 2): 3.0, (1, 4): 1.0}
    )
    result = evaluate_route_set(net, [(1, 2), (3, 4)])
    assert (result.ATT, result.d0, result.dun) == (1.0, 75.0, 25.0)
    assert check_route_set(net, [(1, 2), (3, 4)]) == [
        "the routes do not form one connected network"
    ]


def _verified_rows(external: Path) -> list[tuple[str, pd.Series]]:
    pub = pd.read_csv(external / "tndp" / "published_results.csv", dtype={"d0": "string"})
    rows = []
    for _, row in pub[(pub["instance"] == "Mandl") & pub["d0"].notna()].iterrows():
        if row["objective_focus"] not in ("best_passenger", "recomputed_route_set"):
            continue
        match = re.search(r'route set ""?([^"]+)""?', str(row["source"]))
        if match is None:
            match = re.match(r"^(.*?); values RECOMPUTED", str(row["source"]))
        assert match is not None, row["source"]
        rows.append((match.group(1), row))
    return rows


def test_mandl_published_results_reproduced(external: Path) -> None:
    folder = external / "tndp" / "mandl"
    net = read_link_network(folder, "mandl1")
    assert (len(net.stops), len(net.links), sum(net.demand.values())) == (15, 21, 15570.0)
    sets = read_literature_route_sets(folder / "literature_solutions_for_mandl1_20181025.txt")
    rows = _verified_rows(external)
    assert len(rows) == 46
    for title, row in rows:
        result = evaluate_route_set(net, sets[title])
        got = [round(getattr(result, k), 2) for k in ("ATT", "d0", "d1", "d2", "dun")]
        want = [round(float(row[k]), 2) for k in ("ATT", "d0", "d1", "d2", "dun")]
        assert got == want, title
        assert result.route_time_total == float(row["route_time_total"]), title
