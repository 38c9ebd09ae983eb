"""Feasibility of a route set, decided on plain tuples of stop ids (independent of the optimizer).

The optimizer keeps its own index arrays and bit masks; every route set it returns is checked
again here, by code that shares none of its data structures.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from transit.routing.design.network import LinkNetwork


def check_route_set(
    network: LinkNetwork,
    routes: Sequence[Sequence[int]],
    *,
    min_stops: int = 2,
    max_stops: int | None = None,
) -> list[str]:
    """Problems that make a route set infeasible (empty list when feasible).

    A route must have ``min_stops``..``max_stops`` stops, no repeated stop, and follow existing
    links; together the routes must cover every stop and form one connected network.
    """
    problems: list[str] = []
    known = set(network.stops)
    for k, route in enumerate(routes, start=1):
        if len(route) < min_stops or (max_stops is not None and len(route) > max_stops):
            problems.append(f"route {k} has {len(route)} stops (allowed {min_stops}..{max_stops})")
        if len(set(route)) != len(route):
            problems.append(f"route {k} repeats a stop")
        unknown = [s for s in route if s not in known]
        if unknown:
            problems.append(f"route {k} has unknown stop(s) {unknown}")
        for a, b in itertools.pairwise(route):
            if network.link_time(a, b) is None:
                problems.append(f"route {k} uses {a}-{b}, which is not a link")
    covered = {s for r in routes for s in r}
    missing = sorted(known - covered)
    if missing:
        problems.append(f"stops not covered by any route: {missing}")
    if covered and not _connected(routes):
        problems.append("the routes do not form one connected network")
    return problems


def _connected(routes: Sequence[Sequence[int]]) -> bool:
    adjacency: dict[int, set[int]] = {}
    for route in routes:
        for a, b in itertools.pairwise(route):
            adjacency.setdefault(a, set()).add(b)
            adjacency.setdefault(b, set()).add(a)
        for s in route:
            adjacency.setdefault(s, set())
    start = next(iter(adjacency))
    seen = {start}
    stack = [start]
    while stack:
        for nxt in adjacency[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return len(seen) == len(adjacency)
