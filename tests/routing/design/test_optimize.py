"""The optimizer end to end: feasible, checked, deterministic for a seed and an iteration budget."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from tests.routing.design.networks import grid_network
from transit.core.errors import InputError
from transit.routing.design.checks import check_route_set
from transit.routing.design.evaluation import evaluate_route_set
from transit.routing.design.optimize import DesignRequest, design_route_set
from transit.routing.design.report import TIMING_KEYS, routeset_document

GRID = grid_network()


def _untimed(value: Any) -> Any:
    """A JSON document without its timings."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def test_same_seed_and_iterations_give_the_same_document() -> None:
    request = DesignRequest(n_routes=4, min_nodes=2, max_nodes=6, iterations=1500, seed=3)
    first = routeset_document(design_route_set(GRID, request))
    second = routeset_document(design_route_set(GRID, request))
    assert _untimed(first) == _untimed(second)
    assert [w["iterations"] for w in first["search"]["workers"]] == [1500, 1500]
    other = routeset_document(
        design_route_set(GRID, DesignRequest(4, 2, 6, iterations=1500, seed=4))
    )
    assert [w["seed"] for w in other["search"]["workers"]] != [
        w["seed"] for w in first["search"]["workers"]
    ]


def test_best_route_set_is_feasible_and_evaluated_by_the_reference() -> None:
    request = DesignRequest(n_routes=3, min_nodes=3, max_nodes=7, iterations=1500, seed=1)
    result = design_route_set(GRID, request)
    assert result.best is not None
    routes = result.best.routes
    assert len(routes) == 3
    assert check_route_set(GRID, routes, min_stops=3, max_stops=7) == []
    assert result.best.evaluation == evaluate_route_set(GRID, routes)
    assert result.best.objective_value == result.best.evaluation.ATT
    best_traced = min(p.value for p in result.trace)
    assert best_traced == pytest.approx(result.best.evaluation.ATT, abs=1e-9)


def test_pareto_set_is_non_dominated_and_feasible() -> None:
    request = DesignRequest(
        n_routes=3, min_nodes=2, max_nodes=7, objective="pareto", iterations=1200, seed=2
    )
    result = design_route_set(GRID, request)
    assert result.best is None
    front = [(m.evaluation.route_time_total, m.evaluation.ATT) for m in result.pareto]
    assert len(front) >= 3
    assert front == sorted(front)
    assert all(a1 > a2 for (_, a1), (_, a2) in itertools.pairwise(front))
    for member in result.pareto:
        assert check_route_set(GRID, member.routes, min_stops=2, max_stops=7) == []
    assert {p.weight for p in result.trace} == {1.0, 0.8, 0.6, 0.4, 0.2, 0.0}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"objective": "cheap"}, "grid, field objective: unknown objective 'cheap' (expected one of passenger, operator, weighted, pareto)"),
        ({"weight": 0.5}, "grid, field weight: a weight applies to the weighted objective only (objective is passenger)"),
        ({"objective": "weighted"}, "grid, field weight: the weighted objective needs a weight between 0 and 1 (got None)"),
        ({"iterations": 0}, "grid, field iterations: iterations must be at least 1 (got 0)"),
        ({"workers": 0}, "grid, field workers: workers must be at least 1 (got 0)"),
        ({"time_limit": 0.0}, "grid, field time_limit: the time limit must be positive (got 0 s)"),
        ({"n_routes": 0}, "grid, field routes: a route set needs at least 1 route (got 0)"),
    ],
)  # fmt: skip
def test_bad_requests(changes: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {"n_routes": 3, "min_nodes": 2, "max_nodes": 6, "iterations": 10}
    with pytest.raises(InputError) as info:
        design_route_set(GRID, DesignRequest(**(fields | changes)))
    assert str(info.value) == message
