"""Initial route sets are feasible; bounds no route set can meet are reported."""

from __future__ import annotations

import random

import pytest

from tests.routing.design.networks import grid_network
from transit.core.errors import InputError
from transit.routing.design.checks import check_route_set
from transit.routing.design.initial import initial_route_set
from transit.routing.design.moves import MoveContext
from transit.routing.design.network import LinkNetwork
from transit.routing.design.problem import make_problem


@pytest.mark.parametrize(("n_routes", "lo", "hi"), [(2, 2, 10), (3, 5, 7), (6, 2, 4), (12, 2, 3)])
def test_initial_route_sets_are_feasible(n_routes: int, lo: int, hi: int) -> None:
    problem = make_problem(grid_network(), n_routes=n_routes, min_nodes=lo, max_nodes=hi)
    ctx = MoveContext.of(problem)
    for seed in range(5):
        routes = initial_route_set(ctx, random.Random(seed))
        assert len(routes) == n_routes
        ids = problem.to_ids(routes)
        assert check_route_set(problem.network, ids, min_stops=lo, max_stops=hi) == []


def test_same_seed_same_initial_route_set() -> None:
    ctx = MoveContext.of(make_problem(grid_network(), n_routes=4, min_nodes=2, max_nodes=6))
    assert initial_route_set(ctx, random.Random(5)) == initial_route_set(ctx, random.Random(5))


def test_no_feasible_route_set() -> None:
    # a star: every route has at most 3 stops, so routes of 4 stops cannot exist
    star = LinkNetwork(
        stops=(1, 2, 3, 4, 5),
        links={(1, 2): 1.0, (1, 3): 1.0, (1, 4): 1.0, (1, 5): 1.0},
        demand={(2, 3): 1.0},
        name="star",
    )
    ctx = MoveContext.of(make_problem(star, n_routes=2, min_nodes=4, max_nodes=4))
    with pytest.raises(InputError) as info:
        initial_route_set(ctx, random.Random(0))
    assert str(info.value) == (
        "star, field routes: no route set of 2 routes with 4..4 stops that covers all 5 stops "
        "and is connected was found in 60 attempts"
    )
