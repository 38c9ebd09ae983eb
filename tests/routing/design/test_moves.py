"""Every move keeps a route set feasible: simple routes along links within the stop bounds (by
construction), coverage and connectivity (by the filter) — checked by the independent checker."""

from __future__ import annotations

import random

import pytest

from tests.routing.design.networks import grid_network
from tests.routing.design.strategies import feasible_walk
from transit.routing.design.checks import check_route_set
from transit.routing.design.moves import MOVES, MoveContext, keeps_feasible, mask_of
from transit.routing.design.problem import make_problem

PROBLEM = make_problem(grid_network(), n_routes=5, min_nodes=3, max_nodes=7)
CTX = MoveContext.of(PROBLEM)
STATES = [feasible_walk(CTX, seed, 40) for seed in range(20)]


@pytest.mark.parametrize("name", list(MOVES))
def test_every_move_keeps_feasibility(name: str) -> None:
    move = MOVES[name]
    rng = random.Random(7)
    applied = kept = 0
    for start in STATES:
        routes = list(start)
        masks = [mask_of(r) for r in routes]
        for _ in range(30):
            change = move(CTX, routes, masks, rng)
            if change is None:
                continue
            applied += 1
            candidate = list(routes)
            for r, new in change.items():
                candidate[r] = new
            ids = PROBLEM.to_ids(candidate)
            problems = check_route_set(PROBLEM.network, ids, min_stops=3, max_stops=7)
            # the move itself never breaks a route; the filter decides coverage and connectivity
            assert [p for p in problems if p.startswith("route ")] == [], (name, ids)
            assert keeps_feasible(CTX, masks, change) == (problems == []), (name, ids, problems)
            if problems == []:
                kept += 1
                routes, masks = candidate, [mask_of(r) for r in candidate]
    assert applied > 40, name
    assert kept > 10, name


def test_filter_rejects_uncovered_and_disconnected_sets() -> None:
    routes = feasible_walk(CTX, 1, 0)
    masks = [mask_of(r) for r in routes]
    assert keeps_feasible(CTX, masks, {})
    assert not keeps_feasible(CTX, masks, {0: (0, 1)} if routes[0] != (0, 1) else {0: (1, 2)})
    corner = dict.fromkeys(range(1, len(routes)), (14, 15))
    assert not keeps_feasible(CTX, masks, {0: tuple(range(4)), **corner})


def test_draw_pair_follows_demand() -> None:
    rng = random.Random(3)
    drawn = [CTX.draw_pair(rng) for _ in range(4000)]
    assert set(drawn) <= set(CTX.pairs)
    sym = PROBLEM.demand + PROBLEM.demand.T
    top = max(CTX.pairs, key=lambda ij: sym[ij])
    assert drawn.count(top) > 4000 * sym[top] / sym.sum() * 2 * 0.5
