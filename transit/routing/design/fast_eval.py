"""Fast exact evaluation of route sets: a closure of the stop-level ride graph in NumPy.

A passenger's trip is a sequence of rides, each on one route between two of its stops. With the
Mumford convention (5 minutes per transfer, no waiting) the cost of a trip with ``k`` rides is
the in-vehicle time plus ``5·(k-1)``. So the least-cost trips are the shortest paths of the
*ride graph* on the stops, whose edge ``a → b`` weighs the quickest ride from ``a`` to ``b`` on
any route plus 5 minutes for boarding, with the first boarding refunded at the end.

"Ties go to fewer transfers" is decided exactly: times are integers (``1/scale`` minute, see
:mod:`transit.routing.design.problem`) and every edge weighs ``(ride + penalty)·K + 1`` with
``K`` larger than any number of boardings, so that a shortest path minimises time first and
boardings second. The closure is Floyd–Warshall over the *transfer stops* only (stops served by
two routes or more): a trip never gets off and back on the same route, so no other stop is an
intermediate point of a least-cost trip. This matches
:func:`transit.routing.design.evaluation.evaluate_route_set` exactly (tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from transit.routing.design.evaluation import TRANSFER_PENALTY_MIN, RouteSetResult
from transit.routing.design.problem import DesignProblem, Route

#: Ride pairs kept in the route cache of an evaluator (8 bytes each); emptied when full.
ROUTE_CACHE_PAIRS = 4_000_000


@dataclass(frozen=True)
class _Entry:
    flat: npt.NDArray[np.int32]
    weight: npt.NDArray[np.integer]
    stops: npt.NDArray[np.int64]
    time: int


class FastEvaluator:
    """Evaluate route sets of index routes on one problem (the problem data is never changed)."""

    def __init__(self, problem: DesignProblem) -> None:
        self.problem = problem
        n = problem.n
        self._n = n
        self._scale = problem.scale
        self._pen = round(TRANSFER_PENALTY_MIN * problem.scale)
        self._k = 1 << max(1, n.bit_length())  # more than any number of boardings
        longest = max((max(row) for row in problem.times), default=0) * n
        bound = (longest + self._pen) * n * self._k
        self._dtype: type[np.integer] = np.int32 if bound < 2**28 else np.int64
        self._inf = 2**29 if self._dtype is np.int32 else 2**61
        self._demand = np.ascontiguousarray(problem.demand, dtype=np.float64)
        self._demand_total = float(self._demand.sum())
        self._entries: dict[Route, _Entry] = {}
        self._pairs = 0

    def _entry(self, route: Route) -> _Entry:
        """Ride edges of one route (flat indices ``a*n+b``, both directions), its stops and its
        one-direction time (``1/scale`` minute)."""
        found = self._entries.get(route)
        if found is not None:
            return found
        if self._pairs >= ROUTE_CACHE_PAIRS:
            self._entries.clear()
            self._pairs = 0
        times = self.problem.times
        cum = np.zeros(len(route), dtype=np.int64)
        for i in range(1, len(route)):
            cum[i] = cum[i - 1] + times[route[i - 1]][route[i]]
        stops = np.asarray(route, dtype=np.int64)
        ii, jj = np.nonzero(~np.eye(len(route), dtype=bool))
        flat = (stops[ii] * self._n + stops[jj]).astype(np.int32)
        weight = ((np.abs(cum[ii] - cum[jj]) + self._pen) * self._k + 1).astype(self._dtype)
        entry = _Entry(flat, weight, stops, int(cum[-1]))
        self._entries[route] = entry
        self._pairs += len(flat)
        return entry

    def closure(self, routes: Sequence[Route]) -> npt.NDArray[np.integer]:
        """n×n least weights ``(time + penalty·boardings)·K + boardings`` (``>= inf``: no path)."""
        n = self._n
        dist = np.full(n * n, self._inf, dtype=self._dtype)
        entries = [self._entry(r) for r in routes]
        if entries:
            np.minimum.at(
                dist,
                np.concatenate([e.flat for e in entries]),
                np.concatenate([e.weight for e in entries]),
            )
            served = np.bincount(np.concatenate([e.stops for e in entries]), minlength=n)
        else:
            served = np.zeros(n, dtype=np.int64)
        dist[:: n + 1] = 0
        mat = dist.reshape(n, n)
        tmp = np.empty_like(mat)
        for k in np.flatnonzero(served >= 2):
            np.add(mat[:, k : k + 1], mat[k : k + 1, :], out=tmp)
            np.minimum(mat, tmp, out=mat)
        return mat

    def route_time_total(self, routes: Sequence[Route]) -> float:
        """Sum of one-direction route times (minutes)."""
        return sum(self._entry(r).time for r in routes) / self._scale

    def _served(self, mat: npt.NDArray[np.integer]) -> tuple[npt.NDArray[np.float64], float]:
        """Demand of the pairs that have a path (others 0), and its total."""
        reach = mat < self._inf
        np.fill_diagonal(reach, False)
        q = np.where(reach, self._demand, 0.0)
        return q, float(q.sum())

    def _att(
        self, mat: npt.NDArray[np.integer], q: npt.NDArray[np.float64], served: float
    ) -> float:
        if served == 0.0:
            return float("nan")
        cost = mat // self._k - self._pen
        return float((q * cost).sum()) / served / self._scale

    def att(self, routes: Sequence[Route]) -> float:
        """ATT in minutes over the demand that has a path (NaN when none has)."""
        mat = self.closure(routes)
        return self._att(mat, *self._served(mat))

    def measures(self, routes: Sequence[Route]) -> RouteSetResult:
        """The reference evaluator's measures (ATT, d0, d1, d2, dun, route times) of simple
        routes; see :func:`~transit.routing.design.evaluation.evaluate_route_set`."""
        mat = self.closure(routes)
        q, served = self._served(mat)
        transfers = mat % self._k - 1
        by_transfers = [float(q[transfers == t].sum()) for t in range(3)]
        per_route = tuple(self._entry(r).time / self._scale for r in routes)
        return RouteSetResult.of(
            self._att(mat, q, served), by_transfers, self._demand_total, per_route
        )
