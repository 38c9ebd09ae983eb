"""The dial-a-ride solver: benchmark quality on a small instance, warm start, rejections, on-board riders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transit.core.errors import WorkError
from transit.routing.dispatch.checker import check
from transit.routing.dispatch.instances import (
    gap_pct,
    read_cordeau,
    read_node_routes,
    visits_from_nodes,
)
from transit.routing.dispatch.problem import (
    DELIVERY,
    PICKUP,
    Problem,
    Request,
    Vehicle,
    Visit,
)
from transit.routing.dispatch.solver import solve

LINE = np.abs(np.subtract.outer(np.arange(5.0), np.arange(5.0)))


@pytest.mark.external
def test_a2_16_solved_near_optimal(external: Path) -> None:
    """a2-16 in 3 s: feasible by the checker, every request served, within 0.5 % of the optimum."""
    problem = read_cordeau(external / "darp" / "cordeau2006" / "a2-16.txt")
    solution = solve(problem, time_limit=3.0, seed=1)
    assert check(problem, solution) == []
    assert solution.rejected == ()
    assert gap_pct(solution.cost, 294.24795) <= 0.5
    assert solution.summary()["served"] == 16


@pytest.mark.external
def test_warm_start_from_the_optimum_keeps_it(external: Path) -> None:
    """Started from the optimal a3-24 routes, a 1 s search returns a plan just as good."""
    folder = external / "darp" / "cordeau2006"
    problem = read_cordeau(folder / "a3-24.txt")
    objective, node_routes = read_node_routes(folder / "rf_solutions.json")["a3-24"]
    solution = solve(
        problem, time_limit=1.0, seed=2, initial=visits_from_nodes(problem, node_routes)
    )
    assert check(problem, solution) == []
    assert solution.cost <= objective + 0.01
    again = solve(problem, time_limit=1.0, seed=3, initial=solution)
    assert check(problem, again) == []
    assert again.cost <= solution.cost + 0.01


def _line(
    requests: tuple[Request, ...], vehicles: tuple[Vehicle, ...], penalty: float | None
) -> Problem:
    return Problem(LINE, requests=requests, vehicles=vehicles, penalty=penalty)


def test_optional_request_rejected_when_infeasible() -> None:
    """r3 must be dropped off at node 4 by t=1 (unreachable): rejected, the others served."""
    requests = (
        Request("r1", pickup=1, delivery=3),
        Request("r2", pickup=2, delivery=4),
        Request("r3", pickup=1, delivery=4, delivery_window=(0.0, 1.0)),
    )
    vehicles = (Vehicle("v1", capacity=2, start=0, end=0),)
    solution = solve(_line(requests, vehicles, penalty=100.0), time_limit=1.0, seed=1)
    assert solution.rejected == ("r3",)
    assert [v for r in solution.routes for v in r.visits if v.kind == DELIVERY] != []
    assert check(_line(requests, vehicles, penalty=100.0), solution) == []
    assert solution.cost == 8.0
    assert solution.objective == 108.0
    with pytest.raises(WorkError, match="request r3 cannot be served by any vehicle"):
        solve(_line(requests, vehicles, penalty=None), time_limit=1.0, seed=1)


def test_no_plan_for_mandatory_requests() -> None:
    """Three seats wanted, two in the car, nobody may be rejected: the solver says so."""
    requests = (Request("r1", pickup=1, delivery=3, load=3),)
    vehicles = (Vehicle("v1", capacity=2, start=0, end=0),)
    with pytest.raises(WorkError, match="no feasible plan found"):
        solve(_line(requests, vehicles, penalty=None), time_limit=0.5, seed=1)


def test_expensive_optional_request_rejected() -> None:
    """Serving r2 (nodes 3→4) adds 4 to the route, more than its penalty of 3: it is rejected."""
    requests = (
        Request("r1", pickup=1, delivery=2, penalty=10.0),
        Request("r2", pickup=3, delivery=4),
    )
    vehicles = (Vehicle("v1", capacity=1, start=0, end=0),)
    solution = solve(_line(requests, vehicles, penalty=3.0), time_limit=1.0, seed=1)
    assert (solution.rejected, solution.cost, solution.objective) == (("r2",), 4.0, 7.0)
    served = solve(_line(requests, vehicles, penalty=5.0), time_limit=1.0, seed=1)
    assert (served.rejected, served.cost, served.objective) == ((), 8.0, 8.0)


def test_on_board_passenger_is_delivered_first() -> None:
    """v1 stands at node 2 at t=10 carrying r0 (to node 4); capacity 1, so r1 (3→1) waits for the seat."""
    requests = (
        Request("r0", pickup=1, delivery=4, max_ride=10.0, picked_up_at=8.0),
        Request("r1", pickup=3, delivery=1),
    )
    vehicles = (Vehicle("v1", capacity=1, start=2, end=0, shift=(10.0, 100.0), onboard=("r0",)),)
    problem = _line(requests, vehicles, penalty=None)
    solution = solve(problem, time_limit=1.0, seed=1)
    assert check(problem, solution) == []
    route = solution.route("v1")
    assert route.visits == (Visit("r0", DELIVERY), Visit("r1", PICKUP), Visit("r1", DELIVERY))
    assert [(s.node, s.arrival, s.start) for s in route.stops] == [
        (4, 12.0, 12.0),
        (3, 13.0, 13.0),
        (1, 15.0, 15.0),
    ]
    assert (route.departure, route.arrival, solution.cost) == (10.0, 16.0, 6.0)


def test_on_board_ride_limit_forces_order() -> None:
    """r0 must be dropped off by t=12.5: v1 cannot fetch r1 at node 1 first, even with room for both."""
    requests = (
        Request("r0", pickup=1, delivery=4, max_ride=4.5, picked_up_at=8.0),
        Request("r1", pickup=1, delivery=2),
    )
    vehicles = (Vehicle("v1", capacity=2, start=2, end=2, shift=(10.0, 100.0), onboard=("r0",)),)
    problem = _line(requests, vehicles, penalty=None)
    solution = solve(problem, time_limit=1.0, seed=1)
    assert check(problem, solution) == []
    assert solution.route("v1").visits[0] == Visit("r0", DELIVERY)


def test_committed_prefix_is_kept() -> None:
    """v1 is committed to pick r2 up first although r1 is on the way."""
    requests = (Request("r1", pickup=1, delivery=2), Request("r2", pickup=3, delivery=4))
    vehicles = (
        Vehicle("v1", capacity=2, start=0, end=0, committed=(Visit("r2", PICKUP),)),
        Vehicle("v2", capacity=2, start=0, end=0),
    )
    problem = _line(requests, vehicles, penalty=None)
    solution = solve(problem, time_limit=1.0, seed=1)
    assert check(problem, solution) == []
    assert solution.route("v1").visits[0] == Visit("r2", PICKUP)
    assert solution.cost == 10.0


@pytest.mark.external
def test_drt_bench_cli_writes_results(external: Path, tmp_path: Path) -> None:
    """`transit drt bench cordeau` writes one checked row per instance and a summary."""
    import json

    from transit.cli import main

    out = tmp_path / "results.json"
    code = main(
        [
            "drt",
            "bench",
            "cordeau",
            "--instances",
            "a2-16",
            "--time-limit",
            "1",
            "--workers",
            "1",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    doc = json.loads(out.read_text("utf-8"))
    (row,) = doc["instances"]
    assert row["instance"] == "a2-16"
    assert row["feasible"] is True
    assert (row["served"], row["requests"], row["bks"], row["bks_verified"]) == (
        16,
        16,
        294.25,
        True,
    )
    assert sorted(n for route in row["routes"] for n in route) == list(range(1, 33))
    assert row["gap_pct"] <= 1.0
    assert doc["summary"]["n"] == 1
    assert doc["summary"]["all_feasible"] is True
    assert (
        main(
            ["drt", "bench", "cordeau", "--instances", "zz-1", "--time-limit", "1", "-o", str(out)]
        )
        == 2
    )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n_requests=st.integers(1, 6),
    n_vehicles=st.integers(1, 3),
    penalty=st.sampled_from([None, 5000.0]),
)
def test_every_returned_plan_passes_the_checker(
    seed: int, n_requests: int, n_vehicles: int, penalty: float | None
) -> None:
    """Random city-scale problems in seconds (on-board riders, shifts): any plan returned is feasible."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 3000, (12, 2))
    tt = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) / 8.0
    requests = []
    for i in range(n_requests):
        p, d = (int(x) for x in rng.choice(12, 2, replace=False))
        e = float(rng.uniform(0, 3000))
        requests.append(
            Request(
                f"r{i}",
                p,
                d,
                pickup_window=(e, e + 900),
                delivery_window=(0.0, e + 3600),
                pickup_service=30.0,
                delivery_service=30.0,
                max_ride=float(tt[p, d]) * 1.5 + 600,
            )
        )
    requests.append(Request("aboard", 3, 7, max_ride=float(tt[3, 7]) + 1200, picked_up_at=0.0))
    vehicles = [
        Vehicle(
            f"v{k}",
            capacity=3,
            start=int(rng.integers(12)),
            end=0,
            shift=(100.0, 20000.0),
            onboard=("aboard",) if k == 0 else (),
        )
        for k in range(n_vehicles)
    ]
    problem = Problem(tt, requests=tuple(requests), vehicles=tuple(vehicles), penalty=penalty)
    try:
        solution = solve(problem, time_limit=0.3, seed=seed)
    except WorkError:
        assert penalty is None
        return
    assert check(problem, solution) == []
    assert solution.route("v0").visits.count(Visit("aboard", DELIVERY)) == 1


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--seed", "-1", "Invalid value for '--seed': -1 is not in the range x>=0."),
        ("--time-limit", "0", "Invalid value for '--time-limit': 0.0 is not in the range x>0."),
        ("--workers", "0", "Invalid value for '--workers': 0 is not in the range x>=1."),
    ],
)
def test_drt_bench_options_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    """A negative seed, no time or no worker is a usage error (exit 2) before anything runs."""
    from transit.cli import main

    out = tmp_path / "results.json"
    args = ["drt", "bench", "lilim", "--data", str(tmp_path), option, value, "-o", str(out)]
    assert main(args) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {message} (see 'transit drt bench --help')"
    ]
    assert not out.exists()
