"""The independent DARP feasibility checker: one test per violation kind, and the optimal Cordeau routes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from transit.routing.dispatch.checker import check, check_routes, route_cost, schedule_route
from transit.routing.dispatch.instances import read_cordeau, read_node_routes, visits_from_nodes
from transit.routing.dispatch.problem import (
    DELIVERY,
    PICKUP,
    Problem,
    Request,
    Solution,
    Vehicle,
    Visit,
)

# nodes 0..4 on a line at x = 0, 1, 2, 3, 4; travel time = |dx|
LINE = np.abs(np.subtract.outer(np.arange(5.0), np.arange(5.0)))


def p(rid: str) -> Visit:
    return Visit(rid, PICKUP)


def d(rid: str) -> Visit:
    return Visit(rid, DELIVERY)


def line_problem(**changes: object) -> Problem:
    """Two rides 1→3 and 2→4 and two vehicles of capacity 1 at node 0; every limit loose."""
    r1 = Request("r1", pickup=1, delivery=3, max_ride=10.0)
    r2 = Request("r2", pickup=2, delivery=4, max_ride=10.0)
    reqs = {"r1": r1, "r2": r2}
    for key, value in changes.items():
        if key in reqs:
            reqs[key] = value  # type: ignore[assignment]
    vehicles = changes.get("vehicles") or (
        Vehicle("v1", capacity=1, start=0, end=0, max_duration=100.0),
        Vehicle("v2", capacity=1, start=0, end=0, max_duration=100.0),
    )
    return Problem(LINE, requests=(reqs["r1"], reqs["r2"]), vehicles=tuple(vehicles))  # type: ignore[arg-type]


def kinds(problem: Problem, routes: list[list[Visit]], **kw: object) -> list[str]:
    return [v.kind for v in check_routes(problem, routes, **kw)]  # type: ignore[arg-type]


def test_feasible_plan_has_no_violation() -> None:
    """Each vehicle carries one ride: feasible."""
    assert kinds(line_problem(), [[p("r1"), d("r1")], [p("r2"), d("r2")]]) == []


def test_capacity_exceeded() -> None:
    """Both rides on one vehicle of capacity 1 at the same time."""
    assert kinds(line_problem(), [[p("r1"), p("r2"), d("r1"), d("r2")], []]) == ["capacity"]


def test_capacity_fits_in_sequence() -> None:
    """The same vehicle can carry both rides one after the other."""
    assert kinds(line_problem(), [[p("r1"), d("r1"), p("r2"), d("r2")], []]) == []


def test_time_window_missed() -> None:
    """r1's delivery must start by t=2, but node 3 is reached at t=3 at the earliest."""
    late = Request("r1", pickup=1, delivery=3, delivery_window=(0.0, 2.0))
    violations = check_routes(line_problem(r1=late), [[p("r1"), d("r1")], [p("r2"), d("r2")]])
    assert [(v.kind, v.vehicle_id, v.request_id) for v in violations] == [
        ("time_window", "v1", "r1")
    ]


def test_ride_time_exceeded() -> None:
    """Direct ride 1→3 takes 2 but the limit is 1.5."""
    short = Request("r1", pickup=1, delivery=3, max_ride=1.5)
    assert kinds(line_problem(r1=short), [[p("r1"), d("r1")], [p("r2"), d("r2")]]) == ["ride_time"]


def test_ride_time_needs_waiting_before_pickup() -> None:
    """Ride limit 2.5 with a delivery opening at 10: feasible only by waiting *before* the pickup."""
    r1 = Request("r1", pickup=1, delivery=3, max_ride=2.5, delivery_window=(10.0, 12.0))
    problem = line_problem(r1=r1)
    assert kinds(problem, [[p("r1"), d("r1")], [p("r2"), d("r2")]]) == []
    route = schedule_route(problem, problem.vehicles[0], [p("r1"), d("r1")])
    assert route is not None
    assert [(s.arrival, s.start) for s in route.stops] == [(7.5, 7.5), (9.5, 10.0)]
    assert (route.departure, route.arrival, route.cost) == (6.5, 13.0, 6.0)


def test_route_too_long() -> None:
    """Route 0→1→3→0 lasts 6 > 5."""
    vehicles = (
        Vehicle("v1", capacity=1, start=0, end=0, max_duration=5.0),
        Vehicle("v2", capacity=1, start=0, end=0, max_duration=100.0),
    )
    problem = line_problem(vehicles=vehicles)
    assert kinds(problem, [[p("r1"), d("r1")], [p("r2"), d("r2")]]) == ["route_duration"]


def test_delivery_before_pickup() -> None:
    """r1 is dropped off before it is picked up."""
    assert kinds(line_problem(), [[d("r1"), p("r1")], [p("r2"), d("r2")]]) == [
        "delivery_before_pickup"
    ]


def test_pickup_and_delivery_on_different_vehicles() -> None:
    """v1 picks r1 up, v2 drops it off."""
    violations = check_routes(line_problem(), [[p("r2"), d("r2"), p("r1")], [d("r1")]])
    assert [(v.kind, v.vehicle_id) for v in violations] == [
        ("different_vehicles", "v1"),
        ("different_vehicles", "v2"),
    ]


def test_request_served_twice() -> None:
    """Both vehicles serve r1."""
    violations = check_routes(
        line_problem(), [[p("r1"), d("r1"), p("r2"), d("r2")], [p("r1"), d("r1")]]
    )
    assert [(v.kind, v.vehicle_id) for v in violations] == [
        ("served_twice", "v2"),
        ("served_twice", "v2"),
    ]


def test_request_not_served() -> None:
    """r2 is neither served nor rejected; rejecting a mandatory request is not allowed either."""
    assert kinds(line_problem(), [[p("r1"), d("r1")], []]) == ["not_served"]
    assert kinds(line_problem(), [[p("r1"), d("r1")], []], rejected=["r2"]) == ["not_served"]


def test_optional_request_may_be_rejected() -> None:
    """With a rejection penalty, leaving r2 out is allowed."""
    problem = Problem(
        LINE, requests=line_problem().requests, vehicles=line_problem().vehicles, penalty=50.0
    )
    assert kinds(problem, [[p("r1"), d("r1")], []], rejected=["r2"]) == []


def test_on_board_passenger_must_be_delivered_by_its_vehicle() -> None:
    """r1 is on board v1: v1 delivers it (fine), v2 delivering it is not."""
    r1 = Request("r1", pickup=1, delivery=3, max_ride=10.0, picked_up_at=0.0)
    vehicles = (
        Vehicle("v1", capacity=1, start=1, end=0, onboard=("r1",)),
        Vehicle("v2", capacity=1, start=0, end=0),
    )
    problem = line_problem(r1=r1, vehicles=vehicles)
    assert kinds(problem, [[d("r1")], [p("r2"), d("r2")]]) == []
    assert kinds(problem, [[], [p("r2"), d("r2"), d("r1")]]) == ["onboard", "different_vehicles"]
    # the passenger takes the seat: v1 cannot pick r2 up before dropping r1 off
    assert kinds(problem, [[p("r2"), d("r1"), d("r2")], []]) == ["capacity"]


def test_committed_prefix_must_be_kept() -> None:
    """v1 is committed to pick r2 up first."""
    vehicles = (
        Vehicle("v1", capacity=1, start=0, end=0, committed=(p("r2"),)),
        Vehicle("v2", capacity=1, start=0, end=0),
    )
    problem = line_problem(vehicles=vehicles)
    assert kinds(problem, [[p("r2"), d("r2")], [p("r1"), d("r1")]]) == []
    assert kinds(problem, [[p("r1"), d("r1")], [p("r2"), d("r2")]]) == ["committed"]


def test_stated_cost_is_checked() -> None:
    """A solution whose stated cost differs from its routes' cost is reported."""
    problem = line_problem()
    routes = tuple(
        schedule_route(problem, veh, visits)
        for veh, visits in zip(
            problem.vehicles, [[p("r1"), d("r1")], [p("r2"), d("r2")]], strict=True
        )
    )
    assert all(r is not None for r in routes)
    good = Solution(routes, (), cost=14.0, objective=14.0)  # type: ignore[arg-type]
    assert check(problem, good) == []
    bad = Solution(routes, (), cost=13.0, objective=13.0)  # type: ignore[arg-type]
    assert [v.kind for v in check(problem, bad)] == ["cost"]


@pytest.mark.external
def test_accepts_every_optimal_cordeau_route(external: Path) -> None:
    """The Rist & Forbes optimal routes pass at their stated cost (30 instances)."""
    folder = external / "darp" / "cordeau2006"
    solutions = read_node_routes(folder / "rf_solutions.json")
    assert len(solutions) == 30
    for name, (objective, node_routes) in solutions.items():
        problem = read_cordeau(folder / f"{name}.txt")
        routes = visits_from_nodes(problem, node_routes)
        assert check_routes(problem, routes) == [], name
        total = sum(
            route_cost(problem, v, r) for v, r in zip(problem.vehicles, routes, strict=False)
        )
        assert total == pytest.approx(objective, abs=1e-3), name


@pytest.mark.external
def test_rejects_a_broken_optimal_route(external: Path) -> None:
    """Swapping a pickup behind its delivery in an optimal a2-16 route is caught."""
    folder = external / "darp" / "cordeau2006"
    problem = read_cordeau(folder / "a2-16.txt")
    _, node_routes = read_node_routes(folder / "rf_solutions.json")["a2-16"]
    routes = visits_from_nodes(problem, node_routes)
    first = routes[0]
    i = next(k for k, v in enumerate(first) if v.kind == DELIVERY)
    j = next(
        k for k, v in enumerate(first) if v.kind == PICKUP and v.request_id == first[i].request_id
    )
    first[i], first[j] = first[j], first[i]
    assert kinds(problem, routes) == ["delivery_before_pickup"]


def test_violation_kinds_are_a_documented_catalogue() -> None:
    """Every kind the checker reports is in VIOLATIONS (an unknown one cannot be made) and the
    catalogue is documented, with its severities, in its own section of docs/notices.md."""
    import re

    import transit.routing.dispatch.checker as checker_module
    from transit.core.notices import Severity
    from transit.core.paths import REPO_DIR
    from transit.routing.dispatch.checker import VIOLATIONS, Violation

    source = Path(checker_module.__file__).read_text("utf-8")
    used = set(re.findall(r'Violation\(\s*"([a-z_]+)"', source))
    assert used == set(VIOLATIONS)
    assert {VIOLATIONS.severity_of(k) for k in VIOLATIONS} == {Severity.ERROR}
    with pytest.raises(KeyError):
        Violation("no_such_rule", "x")
    v = Violation("capacity", "vehicle v: load 5 > capacity 4", "v", "r1")
    assert str(v.notice()) == "ERROR capacity: vehicle v: load 5 > capacity 4"
    doc = (REPO_DIR / "docs" / "notices.md").read_text("utf-8")
    section = doc.split(f"## {VIOLATIONS.title}\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \| (ERROR|WARNING|INFO) \| (.+) \|$", section, re.M)
    assert [(c, s, m) for c, s, m in rows] == [
        (c, str(VIOLATIONS.severity_of(c)), VIOLATIONS.meaning(c)) for c in VIOLATIONS
    ]
