"""Route-set evaluation (Mumford convention) against a hand-made case and the published Mandl results."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from transit.core.errors import InputError
from transit.routing.design.route_sets import (
    LinkNetwork,
    check_route_set,
    evaluate_route_set,
    parse_route_set,
    read_link_network,
    read_literature_route_sets,
)


@pytest.fixture
def line4() -> LinkNetwork:
    """Four stops in a line 1-2-3-4 (5 min per link) with a spur 2-5 (3 min)."""
    return LinkNetwork(
        stops=(1, 2, 3, 4, 5),
        links={(1, 2): 5.0, (2, 3): 5.0, (3, 4): 5.0, (2, 5): 3.0},
        demand={(1, 4): 10.0, (1, 5): 20.0, (4, 1): 10.0, (3, 4): 60.0},
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


def test_check_route_set_lists_every_problem(line4: LinkNetwork) -> None:
    assert check_route_set(line4, [(1, 3), (2, 2)], max_stops=8) == [
        "route 1 uses 1-3, which is not a link",
        "route 2 repeats a stop",
        "route 2 uses 2-2, which is not a link",
        "stops not covered by any route: [4, 5]",
        "the routes do not form one connected network",
    ]


def test_parse_route_set_names_the_bad_line() -> None:
    assert parse_route_set("# comment\n1-2-3\n\n3-4\n") == ((1, 2, 3), (3, 4))
    with pytest.raises(InputError) as info:
        parse_route_set("1-2\n1-x-3\n", source="plan.txt")
    assert (
        str(info.value)
        == "plan.txt, row 2: '1-x-3' is not a route (expected stop ids joined by '-', e.g. 1-2-3)"
    )


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


def test_cli_evaluate_writes_workbook(external: Path, tmp_path: Path) -> None:
    import openpyxl

    from transit.cli import main

    plan = tmp_path / "mumford4.txt"
    plan.write_text(
        "1-2-3-6-8-10-11-13\n9-15-6-4-12-11-13-14\n14-10-7-15-6-4-2-1\n12-11-10-8-6-4-5-2\n"
    )
    prefix = external / "tndp" / "mandl" / "mandl1"
    assert (
        main(["routes", "evaluate", "--network", str(prefix), str(plan), "-o", str(tmp_path / "o")])
        == 0
    )
    sheet = openpyxl.load_workbook(tmp_path / "o" / "scenarios.xlsx").active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["案", "系統数", "平均所要時間(分)"]
    assert [c.value for c in sheet[2]][:3] == ["mumford4", 4, pytest.approx(10.5722, abs=1e-4)]


def test_cli_evaluate_bad_route_exits_2(
    external: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from transit.cli import main

    plan = tmp_path / "bad.txt"
    plan.write_text("1-2\n1-x\n")
    prefix = external / "tndp" / "mandl" / "mandl1"
    assert main(["routes", "evaluate", "--network", str(prefix), str(plan)]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: bad.txt, row 2: '1-x' is not a route (expected stop ids joined by '-', e.g. 1-2-3)"
    )
