"""Hypothesis strategies of the network design tests: random route sets of index routes."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from transit.routing.design.initial import initial_route_set
from transit.routing.design.moves import MOVES, MoveContext, mask_of
from transit.routing.design.problem import DesignProblem, Route
from transit.routing.design.search import propose


@st.composite
def walks(draw: st.DrawFn, problem: DesignProblem, *, max_routes: int = 6) -> list[Route]:
    """1..``max_routes`` simple routes drawn as random walks over the links (2..8 stops);
    the set need not cover every stop nor be connected."""
    routes = []
    for _ in range(draw(st.integers(1, max_routes))):
        route = [draw(st.integers(0, problem.n - 1))]
        for _ in range(draw(st.integers(1, 7))):
            options = [x for x in problem.neighbours[route[-1]] if x not in route]
            if not options:
                break
            route.append(options[draw(st.integers(0, len(options) - 1))])
        if len(route) >= 2:
            routes.append(tuple(route))
    return routes or [problem.shortest_path(0, problem.neighbours[0][0])]


def feasible_walk(ctx: MoveContext, seed: int, steps: int) -> list[Route]:
    """A feasible route set: an initial set, then ``steps`` random moves that keep it feasible."""
    rng = random.Random(seed)
    routes = initial_route_set(ctx, rng)
    masks = [mask_of(r) for r in routes]
    moves = list(MOVES.values())
    for _ in range(steps):
        proposal = propose(ctx, moves, routes, masks, rng)
        if proposal is not None:
            routes = proposal[1]
            masks = [mask_of(r) for r in routes]
    return routes
