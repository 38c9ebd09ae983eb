"""Reference route-set evaluation for network redesign (Mumford 2013 convention).

A link network (stops and links with in-vehicle times in minutes), an OD demand table and a
*route set* (each route an ordered list of stops, run in both directions) give the passenger and
operator measures used in the transit network design literature, so that a reorganization
scenario can be compared with published benchmarks (Mandl, Mumford0–3):

- ``ATT``: mean passenger travel time in minutes, in-vehicle time plus 5 minutes per transfer;
- ``d0``, ``d1``, ``d2``, ``dun``: percentage of demand with 0, 1, 2 transfers, and with more than
  2 transfers or no path;
- ``route_time_total``: the sum over routes of the one-direction route travel time (minutes).

Each OD pair takes the least-cost path on the route graph (one node per route and stop, transfer
edges of 5 minutes between routes at the same stop, no waiting, no capacity); when costs tie, the
path with fewer transfers wins. This is the slow, plain-Python definition; the optimizer's fast
evaluator (:mod:`transit.routing.design.fast_eval`) is tested against it.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from transit.core.errors import InputError
from transit.routing.design.checks import check_route_set
from transit.routing.design.network import LinkNetwork

TRANSFER_PENALTY_MIN = 5.0


@dataclass(frozen=True)
class RouteSetResult:
    """Measures of one route set; percentages are of total demand (0–100)."""

    ATT: float
    d0: float
    d1: float
    d2: float
    dun: float
    route_time_total: float
    n_routes: int
    demand_total: float
    per_route_time: tuple[float, ...] = field(default=())

    @classmethod
    def of(
        cls,
        att: float,
        by_transfers: Sequence[float],
        demand_total: float,
        per_route_time: tuple[float, ...],
    ) -> RouteSetResult:
        """The measures from the ATT, the trips with 0, 1 and 2 transfers, the total demand
        and the route times (the rest of the demand is ``dun``)."""
        total = demand_total
        pct = [100.0 * v / total if total else 0.0 for v in by_transfers]
        return cls(
            ATT=att,
            d0=pct[0],
            d1=pct[1],
            d2=pct[2],
            dun=100.0 - sum(pct) if total else 0.0,
            route_time_total=sum(per_route_time),
            n_routes=len(per_route_time),
            demand_total=total,
            per_route_time=per_route_time,
        )

    def as_dict(self) -> dict[str, float | int]:
        """The scalar measures as a flat record (for tables and JSON)."""
        return {
            "n_routes": self.n_routes,
            "ATT": self.ATT,
            "d0": self.d0,
            "d1": self.d1,
            "d2": self.d2,
            "dun": self.dun,
            "route_time_total": self.route_time_total,
            "demand_total": self.demand_total,
        }


def evaluate_route_set(
    network: LinkNetwork,
    routes: Sequence[Sequence[int]],
    *,
    transfer_penalty: float = TRANSFER_PENALTY_MIN,
) -> RouteSetResult:
    """Evaluate a route set: ATT (minutes), transfer shares (%), total route time (minutes).

    Raises :class:`InputError` when a route uses a pair of stops that is not a link.
    """
    for k, route in enumerate(routes, start=1):
        for a, b in itertools.pairwise(route):
            if network.link_time(a, b) is None:
                raise InputError(f"route {k} uses {a}-{b}, which is not a link of {network.name}")
    per_route = tuple(
        sum(network.link_time(a, b) or 0.0 for a, b in itertools.pairwise(r)) for r in routes
    )
    total = sum(network.demand.values())
    cost_sum = 0.0
    served = 0.0
    by_transfers = [0.0, 0.0, 0.0]
    origins = sorted({o for o, _ in network.demand})
    for origin in origins:
        best = _least_cost_from(origin, routes, network, transfer_penalty)
        for (o, d), q in network.demand.items():
            if o != origin or d not in best:
                continue
            cost, transfers = best[d]
            served += q
            cost_sum += q * cost
            if transfers <= 2:
                by_transfers[transfers] += q
    att = cost_sum / served if served else float("nan")
    return RouteSetResult.of(att, by_transfers, total, per_route)


def _least_cost_from(
    origin: int,
    routes: Sequence[Sequence[int]],
    network: LinkNetwork,
    penalty: float,
) -> dict[int, tuple[float, int]]:
    """Lexicographic Dijkstra over (cost, transfers) on the route graph from one origin stop.

    Returns, for every reachable stop, the least cost (minutes) and, among least-cost paths,
    the fewest transfers.
    """
    # one node per (route, stop): a stop a route passes twice is one node of that route
    ride: dict[tuple[int, int], list[tuple[int, float]]] = {}
    at_stop: dict[int, set[int]] = {}
    for r, route in enumerate(routes):
        for s in route:
            at_stop.setdefault(s, set()).add(r)
            ride.setdefault((r, s), [])
        for a, b in itertools.pairwise(route):
            t = network.link_time(a, b) or 0.0
            ride[(r, a)].append((b, t))
            ride[(r, b)].append((a, t))
    done: set[tuple[int, int]] = set()
    heap = [(0.0, 0, r, origin) for r in sorted(at_stop.get(origin, ()))]
    heapq.heapify(heap)
    best: dict[int, tuple[float, int]] = {}
    while heap:
        cost, transfers, r, stop = heapq.heappop(heap)
        if (r, stop) in done:
            continue
        done.add((r, stop))
        if stop not in best or (cost, transfers) < best[stop]:
            best[stop] = (cost, transfers)
        for nxt, t in ride[(r, stop)]:
            if (r, nxt) not in done:
                heapq.heappush(heap, (cost + t, transfers, r, nxt))
        for r2 in at_stop[stop]:
            if r2 != r and (r2, stop) not in done:
                heapq.heappush(heap, (cost + penalty, transfers + 1, r2, stop))
    return best


def compare_route_sets(
    network: LinkNetwork, scenarios: Iterable[tuple[str, Sequence[Sequence[int]]]]
) -> pd.DataFrame:
    """Evaluate several route sets side by side.

    Returns one row per scenario with columns ``scenario, n_routes, ATT, d0, d1, d2, dun,
    route_time_total, demand_total, feasible, problems`` (minutes and percent as above).
    """
    rows = []
    for name, routes in scenarios:
        problems = check_route_set(network, routes)
        row: dict[str, object] = {"scenario": name}
        row.update(evaluate_route_set(network, routes).as_dict())
        row["feasible"] = not problems
        row["problems"] = "; ".join(problems)
        rows.append(row)
    return pd.DataFrame(rows)
