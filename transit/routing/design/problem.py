"""The optimizer's view of a design instance: stops as indices, integer link times, demand matrix.

:func:`make_problem` checks the bounds a route set must meet (number of routes, stops per route)
against the network and raises :class:`InputError` naming the instance and the bound that cannot
be met. Stops are indices ``0..n-1`` in the order of ``node_ids`` (sorted stop ids). Link times
are kept as integers in units of ``1/scale`` minute, so that every sum of times is exact and ties
between paths are decided exactly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import shortest_path

from transit.core.errors import InputError, Location
from transit.routing.design.network import LinkNetwork, RouteSet

#: Largest power of ten tried to make link times integral (1e-6 minute).
MAX_DECIMALS = 6

Route = tuple[int, ...]


@dataclass(frozen=True, eq=False)
class DesignProblem:
    """Immutable instance data in index form.

    ``times[a][b]`` is the link time ``a``–``b`` in ``1/scale`` minute (``-1``: no link);
    ``demand`` (n×n, trips) and ``sp_minutes`` (n×n, shortest drive time in minutes over the
    links) are read-only arrays; ``t_max`` is the largest shortest drive time (minutes).
    """

    network: LinkNetwork
    n_routes: int
    min_nodes: int
    max_nodes: int
    node_ids: tuple[int, ...]
    neighbours: tuple[tuple[int, ...], ...]
    times: tuple[tuple[int, ...], ...]
    scale: int
    demand: npt.NDArray[np.float64]
    sp_minutes: npt.NDArray[np.float64]
    sp_pred: npt.NDArray[np.int32]
    t_max: float

    @property
    def n(self) -> int:
        """Number of stops."""
        return len(self.node_ids)

    def route_time(self, route: Route) -> int:
        """One-direction travel time of a route in ``1/scale`` minute."""
        row = self.times
        return sum(row[a][b] for a, b in itertools.pairwise(route))

    def shortest_path(self, a: int, b: int) -> Route:
        """Stops of a least-time path from ``a`` to ``b`` over the links (both ends included)."""
        path = [b]
        while path[-1] != a:
            path.append(int(self.sp_pred[a, path[-1]]))
        return tuple(reversed(path))

    def to_ids(self, routes: RouteSet | list[Route]) -> RouteSet:
        """Routes of indices as routes of the network's stop ids."""
        ids = self.node_ids
        return tuple(tuple(ids[s] for s in r) for r in routes)

    def from_ids(self, routes: RouteSet) -> list[Route]:
        """Routes of stop ids as routes of indices (ids must be stops of the network)."""
        index = {sid: i for i, sid in enumerate(self.node_ids)}
        return [tuple(index[s] for s in r) for r in routes]


def make_problem(
    network: LinkNetwork, *, n_routes: int, min_nodes: int, max_nodes: int
) -> DesignProblem:
    """Index form of ``network`` for ``n_routes`` routes of ``min_nodes..max_nodes`` stops.

    Raises :class:`InputError` (located at the instance and the parameter) when a bound cannot be
    met: fewer than one route, routes of fewer than 2 stops, ``max_nodes < min_nodes``, too few
    stops in all routes together to cover the network in one connected piece, or links that
    leave stops unreachable.
    """
    _check_bounds(network, n_routes, min_nodes, max_nodes)
    ids = tuple(network.stops)
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    scale = _time_scale(list(network.links.values()))
    times = [[-1] * n for _ in range(n)]
    nbrs: list[set[int]] = [set() for _ in range(n)]
    for (a, b), minutes in network.links.items():
        i, j = index[a], index[b]
        times[i][j] = times[j][i] = round(minutes * scale)
        nbrs[i].add(j)
        nbrs[j].add(i)
    sp_minutes, sp_pred = _all_pairs(times, scale)
    _check_connected(network, sp_minutes)
    demand = np.zeros((n, n))
    for (o, d), q in network.demand.items():
        demand[index[o], index[d]] += q
    for arr in (demand, sp_minutes, sp_pred):
        arr.setflags(write=False)
    return DesignProblem(
        network=network,
        n_routes=n_routes,
        min_nodes=min_nodes,
        max_nodes=max_nodes,
        node_ids=ids,
        neighbours=tuple(tuple(sorted(s)) for s in nbrs),
        times=tuple(tuple(row) for row in times),
        scale=scale,
        demand=demand,
        sp_minutes=sp_minutes,
        sp_pred=sp_pred,
        t_max=float(sp_minutes.max()),
    )


def _check_bounds(network: LinkNetwork, n_routes: int, min_nodes: int, max_nodes: int) -> None:
    name = network.name or "network"
    n = len(network.stops)
    if n_routes < 1:
        raise InputError(
            f"a route set needs at least 1 route (got {n_routes})",
            Location(file=name, field="routes"),
        )
    if min_nodes < 2:
        raise InputError(
            f"a route needs at least 2 stops (got min_nodes {min_nodes})",
            Location(file=name, field="min_nodes"),
        )
    if max_nodes < min_nodes:
        raise InputError(
            f"max_nodes {max_nodes} is below min_nodes {min_nodes}",
            Location(file=name, field="max_nodes"),
        )
    if min_nodes > n:
        raise InputError(
            f"routes of at least {min_nodes} stops cannot be built on {n} stops",
            Location(file=name, field="min_nodes"),
        )
    reach = n_routes * max_nodes - (n_routes - 1)  # each further route shares a stop
    if reach < n:
        raise InputError(
            f"{n_routes} connected routes of at most {max_nodes} stops cover at most "
            f"{reach} stops; {name} has {n}",
            Location(file=name, field="max_nodes"),
        )


def _time_scale(minutes: list[float]) -> int:
    """Smallest ``10**k`` (k <= 6) that makes every link time integral (else ``10**6``)."""
    for k in range(MAX_DECIMALS + 1):
        scale = int(10**k)
        if all(abs(t * scale - round(t * scale)) < 1e-9 * max(1.0, t * scale) for t in minutes):
            return scale
    return int(10**MAX_DECIMALS)


def _all_pairs(
    times: list[list[int]], scale: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32]]:
    """Shortest drive times (minutes) and predecessors over the links."""
    t = np.array(times, dtype=np.float64)
    rows, cols = np.nonzero(t >= 0)
    # a zero-time link is kept as an edge by a tiny weight, removed again from the result
    weights = np.maximum(t[rows, cols], 1e-9)
    graph = csr_array((weights, (rows, cols)), shape=t.shape)
    dist, pred = shortest_path(graph, method="D", directed=False, return_predecessors=True)
    return np.round(dist, 6) / scale, pred.astype(np.int32)


def _check_connected(network: LinkNetwork, sp_minutes: npt.NDArray[np.float64]) -> None:
    reach = np.isfinite(sp_minutes[0])
    if not reach.all():
        far = network.stops[int(np.flatnonzero(~reach)[0])]
        raise InputError(
            f"the links do not connect every stop (stop {far} cannot be reached from stop "
            f"{network.stops[0]})",
            Location(file=network.name or "network", field="links"),
        )
