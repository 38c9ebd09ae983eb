"""Scenario measures on the 4-stop network: riders kept, lost, changing, on demand; vehicle
blocks; coverage; and the no-op, unused-route and no-route properties."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from transit.demand.scenarios.compare import compare_scenarios
from transit.demand.scenarios.evaluate import Evaluation, evaluate_scenario
from transit.demand.scenarios.scenario import load_scenario

from .network import RIDES, riders_table, write_city, write_scenario

CUT_R2 = '[[edits]]\nkind = "remove"\nroute = "R2"\n'
ALL_GONE = CUT_R2 + '[[edits]]\nkind = "remove"\nroute = "R1"\n'
VALLEY = (
    '[[edits]]\nkind = "on_demand"\narea = "areas.geojson"\narea_id = "valley"\nvehicles = 1\n'
    'start = "07:00"\nend = "11:00"\nnetwork = "roads.graphml"\n'
)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    write_city(folder)
    return folder


def _evaluate(city: Path, name: str, edits: str, riders: pd.DataFrame | None = None) -> Evaluation:
    scenario = load_scenario(write_scenario(city, name, edits))
    return evaluate_scenario(scenario, riders if riders is not None else riders_table(RIDES))


@pytest.fixture(scope="module")
def network(city: Path) -> pd.DataFrame:
    evs = [_evaluate(city, n, e) for n, e in
           (("base", ""), ("noop", ""), ("cut_r2", CUT_R2), ("all_gone", ALL_GONE), ("valley", VALLEY))]  # fmt: skip
    return compare_scenarios(evs).network.set_index("measure")


def test_riders_kept_lost_and_on_demand(network: pd.DataFrame) -> None:
    rows = ["riders", "riders_kept", "riders_lost", "riders_on_demand", "d0", "d1", "d2", "dun"]
    assert network.loc[rows, "base"].tolist() == [5, 5, 0, 0, 80, 20, 0, 0]
    assert network.loc[rows, "cut_r2"].tolist() == [5, 2, 3, 0, 40, 0, 0, 60]
    assert network.loc[rows, "all_gone"].tolist() == [5, 0, 5, 0, 0, 0, 0, 100]
    assert network.loc[rows, "valley"].tolist() == [5, 2, 0, 3, 80, 20, 0, 0]


def test_journey_times(network: pd.DataFrame) -> None:
    """Base: 20, 45 (with the 10-minute change at SC), 15, 10, 15 minutes; mean generalized
    time 22 (the change costs 5 more). In the valley the car takes b from SC (arriving 8:26:14),
    and c and e straight between SC and SD (2.23 minutes after the 1-minute boarding)."""
    assert network.loc["gen_time_mean_min", "base"] == 22.0
    assert network.loc["gen_time_mean_min", "cut_r2"] == 15.0
    assert network.loc["journey_time_change_min", "base"] == 0.0
    assert network.loc["journey_time_change_min", "cut_r2"] == 0.0
    assert network.loc["journey_time_change_min", "valley"] == pytest.approx(
        (-18.7666667 - 2 * 11.7666667) / 5
    )
    assert pd.isna(network.loc["journey_time_change_min", "all_gone"])


def test_no_op_gives_exactly_the_baseline(network: pd.DataFrame) -> None:
    assert network["noop"].equals(network["base"])


def test_vehicles_and_drivers(network: pd.DataFrame) -> None:
    """Two buses: T1 → T3 → T2 → U2 and U1 → U3 (the matching with the least idle time, 35
    minutes); driver time 105 + 35 minutes of blocks + 2 × 30 minutes sign-on/off."""
    rows = ["trips", "vehicles_needed", "driver_hours", "vehicle_hours"]
    assert network.loc[rows, "base"].tolist() == [6, 2, pytest.approx(200 / 60), 1.75]
    assert network.loc[rows, "cut_r2"].tolist() == [3, 1, pytest.approx(110 / 60), 1.0]
    assert network.loc[rows, "all_gone"].tolist() == [0, 0, 0, 0]
    assert network.loc[rows, "valley"].tolist() == [3, 2, pytest.approx(110 / 60 + 4), 5.0]


def test_blocks_match_networkx_matching(city: Path) -> None:
    """The fleet is trips − a maximum matching of the follow graph (checked with networkx)."""
    ev = _evaluate(city, "base", "")
    trips = ev.blocks.loc[0, "trips"]
    follow = nx.DiGraph([("T1", "T3"), ("T3", "T2"), ("T1", "U1"), ("U1", "U3"), ("U3", "U2"), ("T2", "U2"),
                         ("T1", "U2"), ("T3", "U2"), ("T1", "T2"), ("U1", "U2")])  # fmt: skip
    bip = nx.Graph()
    bip.add_nodes_from([f"o{t}" for t in follow], bipartite=0)
    bip.add_edges_from((f"o{a}", f"i{b}") for a, b in follow.edges)
    matching = nx.bipartite.hopcroft_karp_matching(bip, top_nodes=[f"o{t}" for t in follow])
    assert trips - len(matching) // 2 == ev.blocks.loc[0, "vehicles"] == 2


def test_coverage_and_blank_areas(network: pd.DataFrame) -> None:
    """P1 (100) is 100 m from SA, P2 (50) 400 m from SB, P3 (30) 2 km from SC, P4 (20) 150 m
    from SD: without R2, P4 is in a blank area; in the valley scenario it is in the zone."""
    rows = ["pop_total", "pop_within_300m", "pop_within_500m", "pop_unserved"]
    assert network.loc[rows, "base"].tolist() == [200, 120, 170, 30]
    assert network.loc[rows, "cut_r2"].tolist() == [200, 100, 150, 50]
    assert network.loc[rows, "valley"].tolist() == [200, 100, 150, 30]
    assert network.loc[rows, "all_gone"].tolist() == [200, 0, 0, 200]


def test_on_demand_riders_and_their_connection(city: Path) -> None:
    ev = _evaluate(city, "valley", VALLEY)
    j = ev.parts.journeys.set_index("rider_id")
    assert j["status"].to_dict() == {
        "a": "kept",
        "b": "on_demand",
        "c": "on_demand",
        "d": "kept",
        "e": "on_demand",
    }
    assert j.loc["b", ["routes", "transfers", "depart_s", "arrive_s"]].tolist() == [
        "R1>ODT",
        1,
        28800.0,
        30374.0,
    ]
    assert j.loc["c", "routes"] == j.loc["e", "routes"] == "ODT"
    days = ev.parts.odt_days
    assert days[["requests", "served", "vehicles", "missed_connections"]].values.tolist() == [
        [3, 3, 1, 0]
    ]
    odt = ev.routes.set_index("route_id").loc["ODT1"]
    assert (odt["riders_on_demand"], odt["fare_revenue_yen"], odt["operating_cost_yen"]) == (
        3.0,
        900.0,
        14400.0,
    )


def test_removing_an_unused_route_loses_no_rider(city: Path) -> None:
    riders = riders_table([r for r in RIDES if r[0] in ("a", "d")])  # riders of R1 only
    ev = _evaluate(city, "cut_r2", CUT_R2, riders)
    assert ev.parts.journeys["status"].tolist() == ["kept", "kept"]
