"""The ``redesign`` rule on the hand-made city: its link network, the designed routes, the
headways and the evidence."""

from __future__ import annotations

import pytest

from transit.demand.proposals.citynet import city_network
from transit.demand.proposals.facts import Facts, read_facts
from transit.demand.proposals.overlaps import _shared_run, overlap_proposals
from transit.demand.proposals.params import ProposalParams
from transit.demand.proposals.redesign import redesign_proposals

from .city import build_store, write_city


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> Facts:
    folder = tmp_path_factory.mktemp("city")
    feed = write_city(folder / "feed")
    return read_facts(build_store(feed, folder / "store"), feed)


def test_the_link_network_of_the_city(facts: Facts) -> None:
    """Nodes A..E are 1..5; every link takes 10 minutes; the 11 rides' OD pairs by pole."""
    city = city_network(facts)
    assert city.stop_ids == ("A", "B", "C", "D", "E")
    assert city.network.stops == (1, 2, 3, 4, 5)
    assert dict(city.network.links) == {(1, 2): 10.0, (1, 5): 10.0, (2, 3): 10.0, (3, 4): 10.0}
    assert dict(city.network.demand) == {
        (1, 3): 5.0, (1, 5): 1.0, (2, 1): 1.0, (2, 3): 2.0, (3, 1): 3.0, (3, 2): 1.0,
        (3, 4): 1.0, (4, 2): 1.0, (5, 1): 1.0,
    }  # fmt: skip
    assert (city.rides, city.pairs) == (16.0, 9)
    assert city.routes == {"R1": (1, 2, 3, 4), "R2": (1, 5)}


def test_the_redesign_of_the_city(facts: Facts) -> None:
    """2 routes of 2..4 stops (seed 1, 2000 iterations): today's two routes are already best.
    Weekday hours today 4.333 (8 × 30 min + 2 × 10 min); the 40 route-minutes both ways every
    headway over 08:00–12:31 fit 4.333 h with 3 departures: 95 minutes."""
    (p,) = redesign_proposals(facts, ProposalParams())
    assert (p.id, p.kind) == ("redesign", "redesign")
    (edit,) = p.edits
    assert edit == {
        "kind": "replace_routes", "routes": ["R1", "R2"],
        "new_routes": [
            {"route_id": "D1", "stops": ["A", "B", "C", "D"], "name": "停留所A～停留所D"},
            {"route_id": "D2", "stops": ["A", "E"], "name": "停留所A～停留所E"},
        ],
        "services": [
            {"service_id": "WD", "bands": [{"start": "08:00", "end": "12:31", "headway_min": 95}]}
        ],
    }  # fmt: skip
    assert [(e.measure, e.value) for e in p.evidence] == [
        ("od_rides", 16.0), ("od_pairs", 9.0),
        ("att_now_min", 15.62), ("d0_now_pct", 100.0), ("d1_now_pct", 0.0), ("d2_now_pct", 0.0),
        ("dun_now_pct", 0.0), ("route_time_now_min", 40.0),
        ("att_new_min", 15.62), ("d0_new_pct", 100.0), ("d1_new_pct", 0.0), ("d2_new_pct", 0.0),
        ("dun_new_pct", 0.0), ("route_time_new_min", 40.0),
    ]  # fmt: skip
    assert p.evidence[0].source == "od (store, 2026-04-01..2026-04-01)"


def test_a_budget_lengthens_the_headway(facts: Facts) -> None:
    """A 3.5 h budget: 2 departures (2 × 2 × 40 min = 2.667 h): 140 minutes."""
    (p,) = redesign_proposals(facts, ProposalParams(), budget_vehicle_hours=3.5)
    assert p.edits[0]["services"][0]["bands"] == [
        {"start": "08:00", "end": "12:31", "headway_min": 140}
    ]


def test_the_longest_shared_run_of_two_patterns() -> None:
    assert _shared_run(("A", "X", "B", "C", "D"), ("Y", "B", "C", "D", "A")) == ("B", "C", "D")
    assert _shared_run(("A", "B"), ("C", "D")) == ()


def test_the_city_has_no_overlap(facts: Facts) -> None:
    """R1 and R2 share only stop A (one stop, fewer than ``min_shared_stops``)."""
    assert overlap_proposals(facts, ProposalParams()) == []
