"""Initial route sets: least-time paths of high-demand OD pairs, then coverage repair.

The first route is the least-time path (fitted to the stop bounds) that carries the most demand
directly; each next route is drawn among the best few candidates that touch the stops already
covered (so the set stays connected), scoring the demand they add without a transfer and the
stops they add. Stops left uncovered are then attached to a route end by a least-time path, or
inserted between two stops they are linked to. Attempts differ by the random draws; when the
demand-led construction fails, routes are grown as random walks that prefer uncovered stops.
"""

from __future__ import annotations

import random

import numpy as np

from transit.core.errors import InputError, Location
from transit.routing.design.moves import MoveContext, fit_length, keeps_feasible, mask_of
from transit.routing.design.problem import Route

#: Candidate paths considered per route set: the OD pairs of highest demand.
CANDIDATE_PAIRS = 400
#: A new route is drawn among this many best-scoring candidates.
TOP_CHOICES = 3
ATTEMPTS = 60


def initial_route_set(ctx: MoveContext, rng: random.Random) -> list[Route]:
    """A feasible route set (index routes) for ``ctx.problem``; raises :class:`InputError`
    naming the bounds when no attempt finds one."""
    p = ctx.problem
    candidates = _candidate_paths(ctx, rng)
    for attempt in range(ATTEMPTS):
        if attempt % 2 == 0 and candidates:
            routes = _demand_led(ctx, candidates, rng)
        else:
            routes = _random_walks(ctx, rng)
        repaired = _repair_coverage(ctx, routes, rng)
        if repaired is not None and keeps_feasible(ctx, [mask_of(r) for r in repaired], {}):
            return repaired
    raise InputError(
        f"no route set of {p.n_routes} routes with {p.min_nodes}..{p.max_nodes} stops that covers "
        f"all {p.n} stops and is connected was found in {ATTEMPTS} attempts",
        Location(file=p.network.name or "network", field="routes"),
    )


def _candidate_paths(ctx: MoveContext, rng: random.Random) -> list[Route]:
    """Least-time paths of the highest-demand pairs, fitted to the stop bounds."""
    p = ctx.problem
    sym = p.demand + p.demand.T
    order = sorted(ctx.pairs, key=lambda ij: (-sym[ij], ij))[:CANDIDATE_PAIRS]
    paths = []
    for a, b in order:
        path = fit_length(ctx, p.shortest_path(a, b), rng)
        if path is not None:
            paths.append(path)
    return list(dict.fromkeys(paths))


def _demand_led(ctx: MoveContext, candidates: list[Route], rng: random.Random) -> list[Route]:
    p = ctx.problem
    unserved = (p.demand + p.demand.T).copy()
    covered = 0
    routes: list[Route] = []
    for _ in range(p.n_routes):
        scored = []
        for path in candidates:
            m = mask_of(path)
            if covered and not m & covered:
                continue
            idx = np.asarray(path)
            direct = float(unserved[np.ix_(idx, idx)].sum()) / 2
            new_stops = bin(m & ~covered).count("1")
            scored.append((direct * (1.0 + new_stops / p.n), path))
        if not scored:
            break
        scored.sort(key=lambda t: -t[0])
        _, path = scored[rng.randrange(min(TOP_CHOICES, len(scored)))]
        routes.append(path)
        covered |= mask_of(path)
        idx = np.asarray(path)
        unserved[np.ix_(idx, idx)] = 0.0
    while len(routes) < p.n_routes:
        routes.append(_walk(ctx, covered, rng))
        covered |= mask_of(routes[-1])
    return routes


def _random_walks(ctx: MoveContext, rng: random.Random) -> list[Route]:
    covered = 0
    routes: list[Route] = []
    for _ in range(ctx.problem.n_routes):
        routes.append(_walk(ctx, covered, rng))
        covered |= mask_of(routes[-1])
    return routes


def _walk(ctx: MoveContext, covered: int, rng: random.Random) -> Route:
    """A random simple path from a covered stop (any stop when none is), preferring uncovered
    stops, of a length drawn in the bounds (shorter when it gets stuck)."""
    p = ctx.problem
    starts = [s for s in range(p.n) if covered >> s & 1] or list(range(p.n))
    route = [rng.choice(starts)]
    target = rng.randint(p.min_nodes, p.max_nodes)
    while len(route) < target:
        grown = False
        for end in rng.sample((0, -1), 2):
            options = [x for x in p.neighbours[route[end]] if x not in route]
            fresh = [x for x in options if not covered >> x & 1]
            if options:
                x = rng.choice(fresh or options)
                route.insert(0, x) if end == 0 else route.append(x)
                grown = True
                break
        if not grown:
            break
    return tuple(route)


def _repair_coverage(
    ctx: MoveContext, routes: list[Route], rng: random.Random
) -> list[Route] | None:
    """Attach every uncovered stop to a route; ``None`` when a stop cannot be attached or a
    route is shorter than ``min_nodes``."""
    p = ctx.problem
    routes = list(routes)
    if any(len(r) < p.min_nodes for r in routes):
        return None
    for _ in range(p.n):
        covered = 0
        for r in routes:
            covered |= mask_of(r)
        missing = [s for s in range(p.n) if not covered >> s & 1]
        if not missing:
            return routes
        if not _attach(ctx, routes, rng.choice(missing), rng):
            return None
    return None


def _attach(ctx: MoveContext, routes: list[Route], stop: int, rng: random.Random) -> bool:
    """Insert ``stop`` between two linked stops of a route, or extend a route end to it by a
    least-time path; ``True`` when done."""
    p = ctx.problem
    order = rng.sample(range(len(routes)), len(routes))
    for k in order:
        route = routes[k]
        if len(route) >= p.max_nodes:
            continue
        for i in range(len(route) - 1):
            if stop in ctx.common[route[i], route[i + 1]]:
                routes[k] = (*route[: i + 1], stop, *route[i + 1 :])
                return True
    best: tuple[int, int, Route] | None = None
    for k in order:
        route = routes[k]
        for end in (0, -1):
            path = p.shortest_path(route[end], stop)[1:]
            if len(route) + len(path) > p.max_nodes or set(path) & set(route):
                continue
            if best is None or len(path) < len(best[2]):
                best = (k, end, path)
    if best is None:
        return False
    k, end, path = best
    routes[k] = routes[k] + path if end == -1 else path[::-1] + routes[k]
    return True
