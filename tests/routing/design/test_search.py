"""The annealing search: improves, traces its improvements, depends on the seed only."""

from __future__ import annotations

import random
import time

from tests.routing.design.networks import grid_network
from transit.routing.design.checks import check_route_set
from transit.routing.design.fast_eval import FastEvaluator
from transit.routing.design.initial import initial_route_set
from transit.routing.design.moves import MoveContext
from transit.routing.design.objective import Objective, ParetoArchive
from transit.routing.design.problem import make_problem
from transit.routing.design.search import AnnealSettings, CachedEvaluation, SearchOutcome, anneal

PROBLEM = make_problem(grid_network(), n_routes=4, min_nodes=2, max_nodes=6)
CTX = MoveContext.of(PROBLEM)


def _run(seed: int, iterations: int, kind: str = "passenger") -> SearchOutcome:
    rng = random.Random(seed)
    start = initial_route_set(CTX, rng)
    return anneal(
        CTX,
        CachedEvaluation(FastEvaluator(PROBLEM)),
        Objective.of(kind, PROBLEM),
        start,
        rng,
        iterations=iterations,
        deadline=None,
        settings=AnnealSettings(cycle=1000),
    )


def test_search_improves_and_traces() -> None:
    out = _run(1, 3000)
    assert out.iterations == 3000
    assert 0 < out.evaluations <= 3000 + AnnealSettings().calibration_moves + 1
    values = [v for _, _, v in out.trace]
    assert values[-1] < values[0]
    assert values == sorted(values, reverse=True)
    assert [it for it, _, _ in out.trace] == sorted(it for it, _, _ in out.trace)
    assert out.att == values[-1]
    ids = PROBLEM.to_ids(out.routes)
    assert check_route_set(PROBLEM.network, ids, min_stops=2, max_stops=6) == []
    assert FastEvaluator(PROBLEM).att(out.routes) == out.att


def test_same_seed_and_budget_same_search() -> None:
    a, b = _run(4, 2000), _run(4, 2000)
    assert (a.routes, a.att, a.trt, a.evaluations) == (b.routes, b.att, b.trt, b.evaluations)
    assert [(i, v) for i, _, v in a.trace] == [(i, v) for i, _, v in b.trace]


def test_operator_objective_shortens_routes() -> None:
    passenger, operator = _run(2, 2000), _run(2, 2000, "operator")
    assert operator.trt < passenger.trt


def test_deadline_stops_the_search_and_archive_collects_the_front() -> None:
    rng = random.Random(0)
    archive = ParetoArchive()
    t0 = time.perf_counter()
    out = anneal(
        CTX,
        CachedEvaluation(FastEvaluator(PROBLEM)),
        Objective.of("weighted", PROBLEM, 0.5),
        initial_route_set(CTX, rng),
        rng,
        iterations=None,
        deadline=time.perf_counter() + 0.3,
        settings=AnnealSettings(cycle=500),
        archive=archive,
    )
    assert time.perf_counter() - t0 < 2.0
    assert out.iterations > 0
    assert len(archive) >= 2
