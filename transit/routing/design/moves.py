"""Local moves on a route set in index form, and the fast feasibility filter the search applies.

Every move returns the routes it changes (``{route index: new route}``) or ``None`` when it does
not apply. A move only builds simple routes that follow links and keep ``min_nodes..max_nodes``
stops; :func:`keeps_feasible` then decides coverage and connectivity on bit masks (one bit per
stop). Moves:

- ``grow``: add a stop at one end of a route; ``trim``: remove an end stop;
- ``hand_over``: move an end stop of one route to an end of another;
- ``insert`` / ``delete`` / ``swap``: add, remove or replace an inner stop (a detour by one stop);
- ``exchange``: two routes through a common stop exchange their parts beyond it;
- ``shortcut``: replace the part between two stops of a route by a least-time path;
- ``detour``: route the part between two stops through another stop (least-time paths);
- ``replace``: replace a route by the least-time path of an OD pair drawn by demand.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from random import Random

from transit.routing.design.problem import DesignProblem, Route

Change = dict[int, Route]
Routes = Sequence[Route]
Masks = Sequence[int]
Move = Callable[["MoveContext", Routes, Masks, Random], Change | None]


@dataclass(frozen=True, eq=False)
class MoveContext:
    """Data the moves read: the problem, stop neighbourhoods and the demand-weighted OD pairs."""

    problem: DesignProblem
    adjacent: tuple[frozenset[int], ...]
    common: dict[tuple[int, int], tuple[int, ...]]
    pairs: tuple[tuple[int, int], ...]
    pair_cum: tuple[float, ...]
    full_mask: int

    @classmethod
    def of(cls, problem: DesignProblem) -> MoveContext:
        """Precompute neighbour sets, common neighbours of linked stops and the OD pair weights."""
        adjacent = tuple(frozenset(nb) for nb in problem.neighbours)
        common = {
            (a, b): tuple(sorted(adjacent[a] & adjacent[b]))
            for a in range(problem.n)
            for b in range(problem.n)
            if a != b
        }
        sym = problem.demand + problem.demand.T
        pairs = [(i, j) for i in range(problem.n) for j in range(i + 1, problem.n) if sym[i, j] > 0]
        weights = [float(sym[i, j]) for i, j in pairs]
        return cls(
            problem=problem,
            adjacent=adjacent,
            common=common,
            pairs=tuple(pairs),
            pair_cum=tuple(itertools.accumulate(weights)),
            full_mask=(1 << problem.n) - 1,
        )

    def draw_pair(self, rng: Random) -> tuple[int, int]:
        """An OD pair drawn with probability proportional to its demand (both directions)."""
        k = bisect.bisect_right(self.pair_cum, rng.random() * self.pair_cum[-1])
        return self.pairs[min(k, len(self.pairs) - 1)]


def mask_of(route: Route) -> int:
    """Bit mask of the stops of a route."""
    m = 0
    for s in route:
        m |= 1 << s
    return m


def keeps_feasible(ctx: MoveContext, masks: Sequence[int], change: Change) -> bool:
    """Whether the route set, with ``change`` applied, still covers every stop and is connected.

    ``masks`` are the stop masks of the current routes (one per route).
    """
    new = list(masks)
    for r, route in change.items():
        new[r] = mask_of(route)
    union = 0
    for m in new:
        union |= m
    if union != ctx.full_mask:
        return False
    reached = new[0]
    left = new[1:]
    while left:
        rest = [m for m in left if not m & reached]
        if len(rest) == len(left):
            return False
        for m in left:
            if m & reached:
                reached |= m
        left = rest
    return True


def _is_simple(route: Route) -> bool:
    return len(set(route)) == len(route)


def _pick(
    ctx: MoveContext, routes: Sequence[Route], rng: Random, *, longer: bool
) -> tuple[int, Route] | None:
    """A route drawn uniformly, ``None`` when it cannot get longer (``longer``) or shorter."""
    r = rng.randrange(len(routes))
    route = routes[r]
    if longer and len(route) >= ctx.problem.max_nodes:
        return None
    if not longer and len(route) <= ctx.problem.min_nodes:
        return None
    return r, route


def grow(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Add a neighbour of an end stop at that end."""
    picked = _pick(ctx, routes, rng, longer=True)
    if picked is None:
        return None
    r, route = picked
    at_tail = rng.random() < 0.5
    end = route[-1] if at_tail else route[0]
    options = [x for x in ctx.problem.neighbours[end] if not masks[r] >> x & 1]
    if not options:
        return None
    x = rng.choice(options)
    return {r: (*route, x) if at_tail else (x, *route)}


def trim(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Remove an end stop."""
    picked = _pick(ctx, routes, rng, longer=False)
    if picked is None:
        return None
    r, route = picked
    return {r: route[:-1] if rng.random() < 0.5 else route[1:]}


def hand_over(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Move an end stop of one route to an end of another route it is linked to."""
    p = ctx.problem
    picked = _pick(ctx, routes, rng, longer=False)
    if picked is None:
        return None
    r, route = picked
    at_tail = rng.random() < 0.5
    x = route[-1] if at_tail else route[0]
    near = ctx.adjacent[x]
    options = [
        (k, end)
        for k, other in enumerate(routes)
        if k != r and len(other) < p.max_nodes and not masks[k] >> x & 1
        for end in (0, -1)
        if other[end] in near
    ]
    if not options:
        return None
    k, end = rng.choice(options)
    other = routes[k]
    return {
        r: route[:-1] if at_tail else route[1:],
        k: (*other, x) if end == -1 else (x, *other),
    }


def insert(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Insert a stop linked to two consecutive stops between them."""
    picked = _pick(ctx, routes, rng, longer=True)
    if picked is None:
        return None
    r, route = picked
    i = rng.randrange(len(route) - 1)
    options = [x for x in ctx.common[route[i], route[i + 1]] if not masks[r] >> x & 1]
    if not options:
        return None
    return {r: (*route[: i + 1], rng.choice(options), *route[i + 1 :])}


def delete(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Remove an inner stop whose two neighbours on the route are linked."""
    picked = _pick(ctx, routes, rng, longer=False)
    if picked is None:
        return None
    r, route = picked
    i = rng.randrange(1, len(route) - 1)
    if route[i + 1] not in ctx.adjacent[route[i - 1]]:
        return None
    return {r: route[:i] + route[i + 1 :]}


def swap(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Replace one stop by another stop linked to the same neighbours on the route."""
    r = rng.randrange(len(routes))
    route = routes[r]
    i = rng.randrange(len(route))
    if i == 0:
        pool: Sequence[int] = ctx.problem.neighbours[route[1]]
    elif i == len(route) - 1:
        pool = ctx.problem.neighbours[route[-2]]
    else:
        pool = ctx.common[route[i - 1], route[i + 1]]
    options = [x for x in pool if not masks[r] >> x & 1]
    if not options:
        return None
    return {r: (*route[:i], rng.choice(options), *route[i + 1 :])}


def exchange(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Two routes through a common stop exchange their parts beyond it."""
    p = ctx.problem
    r = rng.randrange(len(routes))
    first = routes[r]
    i = rng.randrange(len(first))
    x = first[i]
    others = [k for k in range(len(routes)) if k != r and masks[k] >> x & 1]
    if not others:
        return None
    k = rng.choice(others)
    second = routes[k]
    j = second.index(x)
    a, b, c, d = first[:i], first[i + 1 :], second[:j], second[j + 1 :]
    if rng.random() < 0.5:
        one, two = (*a, x, *d), (*c, x, *b)
    else:
        one, two = (*a, x, *c[::-1]), (*b[::-1], x, *d)
    for new in (one, two):
        if not p.min_nodes <= len(new) <= p.max_nodes or not _is_simple(new):
            return None
    if {one, one[::-1]} & {first, first[::-1]}:
        return None
    return {r: one, k: two}


def shortcut(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Replace the part between two stops of a route by a least-time path between them."""
    r = rng.randrange(len(routes))
    route = routes[r]
    if len(route) < 3:
        return None
    i, j = sorted(rng.sample(range(len(route)), 2))
    middle = ctx.problem.shortest_path(route[i], route[j])
    return _splice(ctx, r, route, i, j, middle)


def detour(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Route the part between two stops of a route through another stop (least-time paths)."""
    p = ctx.problem
    r = rng.randrange(len(routes))
    route = routes[r]
    i, j = sorted(rng.sample(range(len(route)), 2))
    via = rng.randrange(p.n)
    if masks[r] >> via & 1:
        return None
    middle = p.shortest_path(route[i], via) + p.shortest_path(via, route[j])[1:]
    return _splice(ctx, r, route, i, j, middle)


def _splice(ctx: MoveContext, r: int, route: Route, i: int, j: int, middle: Route) -> Change | None:
    """``route`` with stops ``i..j`` replaced by ``middle`` (same first and last stop)."""
    new = route[:i] + middle + route[j + 1 :]
    p = ctx.problem
    if new == route or not p.min_nodes <= len(new) <= p.max_nodes or not _is_simple(new):
        return None
    return {r: new}


def replace(ctx: MoveContext, routes: Routes, masks: Masks, rng: Random) -> Change | None:
    """Replace a route by the least-time path of an OD pair drawn by demand (fitted to the bounds)."""
    a, b = ctx.draw_pair(rng)
    path = fit_length(ctx, ctx.problem.shortest_path(a, b), rng)
    if path is None:
        return None
    r = rng.randrange(len(routes))
    if path in (routes[r], routes[r][::-1]):
        return None
    return {r: path}


def fit_length(ctx: MoveContext, path: Route, rng: Random) -> Route | None:
    """``path`` cut to ``max_nodes`` (a window drawn at random) or grown at random ends to
    ``min_nodes``; ``None`` when it cannot grow."""
    p = ctx.problem
    if len(path) > p.max_nodes:
        start = rng.randrange(len(path) - p.max_nodes + 1)
        return path[start : start + p.max_nodes]
    grown = list(path)
    while len(grown) < p.min_nodes:
        ends = [e for e in (0, -1) if ctx.adjacent[grown[e]] - set(grown)]
        if not ends:
            return None
        end = rng.choice(ends)
        x = rng.choice(sorted(ctx.adjacent[grown[end]] - set(grown)))
        if end == 0:
            grown.insert(0, x)
        else:
            grown.append(x)
    return tuple(grown)


#: Every move by name, in a fixed order (the search draws among them).
MOVES: dict[str, Move] = {
    "grow": grow,
    "trim": trim,
    "hand_over": hand_over,
    "insert": insert,
    "delete": delete,
    "swap": swap,
    "exchange": exchange,
    "shortcut": shortcut,
    "detour": detour,
    "replace": replace,
}
