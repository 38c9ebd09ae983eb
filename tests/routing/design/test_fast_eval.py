"""The fast evaluator equals the reference evaluator (exactly, to 1e-9) on hand-made cases,
random route sets (Hypothesis) and the literature route sets of Mandl."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.routing.design.networks import grid_network
from tests.routing.design.strategies import feasible_walk, walks
from transit.routing.design.evaluation import evaluate_route_set
from transit.routing.design.fast_eval import FastEvaluator
from transit.routing.design.moves import MoveContext
from transit.routing.design.network import (
    LinkNetwork,
    read_link_network,
    read_literature_route_sets,
)
from transit.routing.design.problem import DesignProblem, Route, make_problem

GRID = make_problem(grid_network(), n_routes=4, min_nodes=2, max_nodes=8)
GRID_CTX = MoveContext.of(GRID)
GRID_EVAL = FastEvaluator(GRID)


def _assert_same(problem: DesignProblem, evaluator: FastEvaluator, routes: list[Route]) -> None:
    ref = evaluate_route_set(problem.network, problem.to_ids(routes))
    got = evaluator.measures(routes)
    for key in ("ATT", "d0", "d1", "d2", "dun", "route_time_total"):
        assert getattr(got, key) == pytest.approx(getattr(ref, key), abs=1e-9, nan_ok=True), key
    assert evaluator.att(routes) == pytest.approx(ref.ATT, abs=1e-9, nan_ok=True)


def test_hand_made_case_exact(line4: LinkNetwork) -> None:
    problem = make_problem(line4, n_routes=3, min_nodes=2, max_nodes=3)
    got = FastEvaluator(problem).measures(problem.from_ids(((1, 2, 3), (3, 4), (5, 2))))
    # 1->4: 15 min + 5 transfer = 20 (1 transfer); 1->5: 8 + 5 = 13 (1); 4->1: 20 (1); 3->4: 5 (0)
    assert pytest.approx((10 * 20 + 20 * 13 + 10 * 20 + 60 * 5) / 100, abs=1e-12) == got.ATT
    assert (got.d0, got.d1, got.d2, got.dun) == (60.0, 40.0, 0.0, 0.0)
    assert got.route_time_total == 18.0


def test_ties_prefer_fewer_transfers() -> None:
    net = LinkNetwork(stops=(1, 2, 3), links={(1, 2): 5.0, (2, 3): 5.0}, demand={(1, 3): 1.0})
    problem = make_problem(net, n_routes=3, min_nodes=2, max_nodes=3)
    got = FastEvaluator(problem).measures(problem.from_ids(((1, 2), (2, 3), (1, 2, 3))))
    assert (got.ATT, got.d0) == (10.0, 100.0)


def test_three_transfers_and_unreachable_demand() -> None:
    net = LinkNetwork(
        stops=(1, 2, 3, 4, 5, 6),
        links={(1, 2): 1.0, (2, 3): 1.0, (3, 4): 1.0, (4, 5): 1.0, (5, 6): 1.0},
        demand={(1, 5): 1.0, (1, 2): 2.0, (1, 6): 1.0},
    )
    problem = make_problem(net, n_routes=5, min_nodes=2, max_nodes=2)
    got = FastEvaluator(problem).measures(problem.from_ids(((1, 2), (2, 3), (3, 4), (4, 5))))
    # 1->5 rides 4 routes (3 transfers: 4 + 15 minutes), 1->2 rides one, 1->6 has no path
    assert pytest.approx((19.0 + 2 * 1.0) / 3, abs=1e-12) == got.ATT
    assert (got.d0, got.d1, got.d2, got.dun) == (50.0, 0.0, 0.0, 50.0)


def test_fractional_link_times_are_exact() -> None:
    net = LinkNetwork(
        stops=(1, 2, 3, 4),
        links={(1, 2): 0.1, (2, 3): 0.2, (1, 3): 0.3, (3, 4): 2.5},
        demand={(1, 3): 3.0, (1, 4): 1.0, (2, 4): 1.0},
    )
    problem = make_problem(net, n_routes=2, min_nodes=2, max_nodes=3)
    assert problem.scale == 10
    routes = problem.from_ids(((1, 2, 3), (1, 3, 4)))
    _assert_same(problem, FastEvaluator(problem), routes)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_random_route_sets_match_reference(data: st.DataObject) -> None:
    _assert_same(GRID, GRID_EVAL, data.draw(walks(GRID)))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(0, 300))
def test_random_feasible_route_sets_match_reference(seed: int, steps: int) -> None:
    _assert_same(GRID, GRID_EVAL, feasible_walk(GRID_CTX, seed, steps))


def test_mandl_literature_route_sets_match_reference(external: Path) -> None:
    folder = external / "tndp" / "mandl"
    problem = make_problem(
        read_link_network(folder, "mandl1"), n_routes=6, min_nodes=2, max_nodes=8
    )
    sets = read_literature_route_sets(folder / "literature_solutions_for_mandl1_20181025.txt")
    evaluator = FastEvaluator(problem)
    simple = [rs for rs in sets.values() if all(len(set(r)) == len(r) for r in rs)]
    assert len(simple) == 119  # 3 of the 122 sets have a route that repeats a stop
    for routes in simple:
        _assert_same(problem, evaluator, problem.from_ids(routes))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), steps=st.integers(0, 400))
def test_random_feasible_mandl_route_sets_match_reference(
    external: Path, seed: int, steps: int
) -> None:
    problem = _mandl(external / "tndp" / "mandl")
    _assert_same(
        problem, FastEvaluator(problem), feasible_walk(MoveContext.of(problem), seed, steps)
    )


_MANDL: dict[Path, DesignProblem] = {}


def _mandl(folder: Path) -> DesignProblem:
    if folder not in _MANDL:
        net = read_link_network(folder, "mandl1")
        _MANDL[folder] = make_problem(net, n_routes=6, min_nodes=2, max_nodes=8)
    return _MANDL[folder]
