"""Cheapest feasible insertion of a request into a set of routes (the one insertion kernel).

Used by the large-neighbourhood search (re-inserting removed requests) and by the day simulator
(a booking inserted at once into the vehicles' plans). An insertion puts the pickup in gap ``i``
and the delivery in gap ``j >= i`` of a route (gap ``g`` = the leg after stop ``g``). Three steps:

1. *Screen and price* every (pickup gap, delivery gap) pair, two ways over the same gaps:
   :class:`GapTable` lays all routes' gaps side by side as NumPy arrays (leg ends and cost, when
   the vehicle is ready to leave, the latest start after, the load) and :func:`candidates` keeps,
   for all routes at once, the pairs that pass necessary conditions — the windows of the two new
   tasks and of their successors, capacity over the span — priced by their added cost
   (:func:`prices`); this is the local search's screen (it never drops a feasible insertion on
   metric travel times). :class:`RouteSlack` and :func:`forward_candidates` are the simulator's:
   per route, the insertion's delay is pushed through the following stops (waits absorb it,
   windows must hold, by forward time slack), the new rider's windows and ride time are checked,
   and the scan stops early; each pair gets its added travel plus a weighted wait of the rider.
2. The caller orders the candidates (cheapest first, perturbed or not).
3. :func:`confirm` tries them in that order with the exact
   :func:`~transit.routing.dispatch.kernel.schedule`, keeps the best feasible one of the first
   few (``keep``) and returns it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from transit.routing.dispatch.kernel import EPS, INF, RouteFrame, Tasks, latest

Candidate = tuple[float, int, int, int]
"""``(value, route, pickup gap, delivery gap)``: the delivery goes into gap ``j >= i`` of the
route *before* the pickup is inserted (``j == i``: right after the pickup)."""

Key = tuple[float, ...]
"""How :func:`confirm` ranks feasible insertions (smaller first)."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Gaps:
    """One route's gaps: ``prev``/``nxt`` nodes, leg ``base`` cost, ``extra`` cost of using the
    vehicle, ``ready`` (service end at ``prev``), ``ls_next`` (latest start at ``nxt``) and
    ``ld`` (load on the leg)."""

    __slots__ = ("base", "extra", "ld", "ls_next", "nxt", "prev", "ready")

    def __init__(
        self,
        tasks: Tasks,
        cost: FloatArray,
        frame: RouteFrame,
        seq: Sequence[int],
        *,
        starts: Sequence[float],
        latest: Sequence[float],
    ) -> None:
        n = len(seq)
        p = np.fromiter(
            (frame.start, *(tasks.pos[t] for t in seq), frame.end), dtype=np.int64, count=n + 2
        )
        self.prev: IntArray = p[:-1]
        self.nxt: IntArray = p[1:]
        # an empty route costs nothing (unless the vehicle must drive back); using it costs the
        # fixed cost
        self.base: FloatArray = cost[self.prev, self.nxt] if n or frame.must_return else np.zeros(1)
        self.extra: FloatArray = np.full(n + 1, frame.fixed_cost if n == 0 else 0.0)
        svc = [0.0, *(tasks.svc[t] for t in seq)]
        self.ready: FloatArray = np.asarray(starts[:-1]) + np.asarray(svc)
        self.ls_next: FloatArray = np.asarray(latest)
        ld = [frame.load]
        for t in seq:
            ld.append(ld[-1] + tasks.load[t])
        self.ld: FloatArray = np.asarray(ld, dtype=np.float64)


class GapTable:
    """All routes' gaps side by side: gap ``g`` lies in route ``veh[g]`` at position ``gap[g]``."""

    def __init__(self, gaps: Sequence[Gaps], frames: Sequence[RouteFrame]) -> None:
        sizes = [len(g.prev) for g in gaps]
        self.prev: IntArray = np.concatenate([g.prev for g in gaps])
        self.nxt: IntArray = np.concatenate([g.nxt for g in gaps])
        self.base: FloatArray = np.concatenate([g.base for g in gaps])
        self.extra: FloatArray = np.concatenate([g.extra for g in gaps])
        self.ready: FloatArray = np.concatenate([g.ready for g in gaps])
        self.ls_next: FloatArray = np.concatenate([g.ls_next for g in gaps])
        self.veh: IntArray = np.repeat(np.arange(len(gaps)), sizes)
        self.gap: IntArray = np.concatenate([np.arange(k) for k in sizes])
        self.ld: FloatArray = np.concatenate([g.ld for g in gaps])
        self.route_end: IntArray = np.repeat(np.cumsum(sizes), sizes)
        self.cap: FloatArray = np.asarray([f.capacity for f in frames], dtype=np.float64)[self.veh]
        fixed = np.asarray([f.committed for f in frames])[self.veh]
        self.free = self.gap >= fixed
        self.idx: IntArray = np.arange(len(self.prev))


def candidates(
    table: GapTable,
    tasks: Tasks,
    tt: FloatArray,
    cost: FloatArray,
    r: int,
) -> tuple[FloatArray, IntArray, IntArray]:
    """Every insertion of request ``r`` that passes the necessary conditions, priced.

    Returns
    -------
    (values, pickup gaps, delivery gaps)
        Table gap indices (same route, delivery gap ``>=`` pickup gap) and the added cost of each
        insertion (cost matrix, plus the fixed cost of a vehicle not used yet). Pairs with
        separate gaps come first, then adjacent ones, in table order.
    """
    a, b = 2 * r, 2 * r + 1
    pa, pb = tasks.pos[a], tasks.pos[b]
    lo_a, hi_a, lo_b, hi_b = tasks.lo[a], tasks.hi[a], tasks.lo[b], tasks.hi[b]
    svc_a, svc_b, q = tasks.svc[a], tasks.svc[b], tasks.load[a]
    t_ab = float(tt[pa, pb])
    prev, nxt = table.prev, table.nxt
    dp, dd, adj = prices(table, cost, pa, pb)
    # necessary conditions: windows of the inserted tasks and of their successors, capacity
    sa = np.maximum(lo_a, table.ready + tt[prev, pa])
    ok_sa = (sa <= hi_a + EPS) & table.free
    ok_a = ok_sa & (sa + svc_a + tt[pa, nxt] <= table.ls_next + EPS)
    sb = np.maximum(lo_b, table.ready + tt[prev, pb])
    ok_b = (sb <= hi_b + EPS) & (sb + svc_b + tt[pb, nxt] <= table.ls_next + EPS)
    sb_adj = np.maximum(lo_b, sa + svc_a + t_ab)
    ok_adj = ok_sa & (sb_adj <= hi_b + EPS) & (sb_adj + svc_b + tt[pb, nxt] <= table.ls_next + EPS)
    # capacity: the load after every gap from i to j (same route) must leave room for q
    bad = np.where(table.ld + q > table.cap, table.idx, len(prev))
    upper = np.minimum(np.minimum.accumulate(bad[::-1])[::-1], table.route_end)
    # pairs (i, j) of gaps in the same route with i < j (pickup before delivery); i == j: adjacent
    ia = np.flatnonzero(ok_a)
    jb = np.flatnonzero(ok_b)
    ok = (jb[None, :] > ia[:, None]) & (jb[None, :] < upper[ia][:, None])
    sub = np.where(ok, dp[ia][:, None] + dd[jb][None, :], np.inf)
    flat = np.flatnonzero(sub < np.inf)
    adj_ok = np.flatnonzero(ok_adj & (table.idx < upper))
    gis = np.concatenate((ia[flat // max(1, len(jb))], adj_ok))
    gjs = np.concatenate((jb[flat % max(1, len(jb))], adj_ok))
    vals = np.concatenate((sub.ravel()[flat], adj[adj_ok]))
    return vals, gis, gjs


def prices(
    gaps: Gaps | GapTable, cost: FloatArray, pa: int, pb: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Added cost per gap of a pickup at node ``pa`` (with the vehicle's fixed cost when its route
    is empty), of a delivery at ``pb``, and of both back to back."""
    prev, nxt, base = gaps.prev, gaps.nxt, gaps.base
    dp = cost[prev, pa] + cost[pa, nxt] - base + gaps.extra
    dd = cost[prev, pb] + cost[pb, nxt] - base
    adj = cost[prev, pa] + cost[pa, pb] + cost[pb, nxt] - base + gaps.extra
    return dp, dd, adj


class RouteSlack:
    """One route's schedule as :func:`forward_candidates` reads it, per position ``m`` (``m = n``:
    the arrival at the end): ``nodes`` (``n + 2``: start, stops, end), ``ends`` (when the vehicle
    is ready to leave position ``m - 1``; ``ends[0]`` = the departure), service start ``st``,
    window ``lo``/``hi``, ``wait`` before the start, forward time ``slack`` (how much later the
    start could be without breaking a later window: waits absorb a delay) and the load before."""

    __slots__ = ("ends", "hi", "lo", "load_before", "n", "nodes", "slack", "st", "wait")

    def __init__(
        self,
        tasks: Tasks,
        tt: Sequence[Sequence[float]],
        frame: RouteFrame,
        seq: Sequence[int],
        starts: Sequence[float],
    ) -> None:
        n = len(seq)
        self.n = n
        pos, svc = tasks.pos, tasks.svc
        self.nodes = [frame.start, *[pos[t] for t in seq], frame.end]
        self.ends = [starts[0], *[starts[k] + svc[t] for k, t in enumerate(seq, start=1)]]
        self.st = list(starts[1:])
        self.lo = [*[tasks.lo[t] for t in seq], -INF]
        self.hi = [*[tasks.hi[t] for t in seq], frame.close]
        nodes, ends = self.nodes, self.ends
        self.wait = [self.st[k] - (ends[k] + tt[nodes[k]][nodes[k + 1]]) for k in range(n)]
        self.wait.append(0.0)
        ls = latest(tasks, tt, frame, seq)
        self.slack = [ls[k] - self.st[k] for k in range(n + 1)]
        load = [frame.load]
        for t in seq:
            load.append(load[-1] + tasks.load[t])
        self.load_before = load


def forward_candidates(
    route: RouteSlack,
    tasks: Tasks,
    tt: Sequence[Sequence[float]],
    capacity: int,
    a: int,
    *,
    max_ride: float,
    wait_weight: float,
) -> list[tuple[float, int, int]]:
    """Insertions of pickup task ``a`` (and its delivery ``a + 1``) into one route that pass the
    forward time-slack test, each with its quick score.

    Inserting the pickup in gap ``i`` delays the following stops; their waits absorb the delay
    and every window (and the return by the close) must still hold, measured by the stops'
    forward time slack. The new rider's pickup window, drop-off window, ride time (at most
    ``max_ride`` from the end of the pickup service to the drop-off) and the capacity on the way
    are checked too. Scanning stops at the first gap the pickup cannot reach in its window, and
    for each pickup gap at the first delivery gap past a broken window, a full vehicle or the
    ride limit.

    Returns
    -------
    list of (score, i, j)
        ``score`` = added travel (cost ``tt``) + ``wait_weight ×`` the rider's wait (pickup start
        minus window opening); ``j >= i`` is the delivery gap before the pickup is inserted.
    """
    n, nodes, ends, st = route.n, route.nodes, route.ends, route.st
    lo, hi, wait, slack, load_before = (
        route.lo,
        route.hi,
        route.wait,
        route.slack,
        route.load_before,
    )
    o, d, q = tasks.pos[a], tasks.pos[a + 1], tasks.load[a]
    e_p, l_p, l_d = tasks.lo[a], tasks.hi[a], tasks.hi[a + 1]
    sp, sd = tasks.svc[a], tasks.svc[a + 1]
    from_o, from_d = tt[o], tt[d]
    out: list[tuple[float, int, int]] = []
    for i in range(n + 1):
        ni, nj = nodes[i], nodes[i + 1]
        reach = ends[i] + tt[ni][o]
        if reach > l_p:
            break
        if load_before[i] + q > capacity:
            continue
        ps = max(reach, e_p)
        p_end = ps + sp
        score_p = wait_weight * (ps - e_p)
        # delivery right after the pickup (j == i)
        ds = p_end + from_o[d]
        if ds <= l_d:
            after = ds + sd + from_d[nj]
            if max(after, lo[i]) - st[i] <= slack[i] + 1e-6:
                added = tt[ni][o] + from_o[d] + from_d[nj] - tt[ni][nj]
                out.append((added + score_p, i, i))
        if i == n:
            continue
        added_p = tt[ni][o] + from_o[nj] - tt[ni][nj]
        delay = max(p_end + from_o[nj], lo[i]) - st[i]
        for k in range(i, n):  # delivery after stop k (before k + 1)
            if k > i:
                delay = max(0.0, delay - wait[k])
            if delay > hi[k] - st[k] + 1e-6 or load_before[k + 1] + q > capacity:
                break
            k_end = ends[k + 1] + delay
            if k_end - p_end > max_ride:
                break
            nk, nk2 = nodes[k + 1], nodes[k + 2]
            ds = k_end + tt[nk][d]
            if ds > l_d or ds - p_end > max_ride + 1e-6:
                continue
            after = ds + sd + from_d[nk2]
            if max(after, lo[k + 1]) - st[k + 1] > slack[k + 1] + 1e-6:
                continue
            added = added_p + tt[nk][d] + from_d[nk2] - tt[nk][nk2]
            out.append((added + score_p, i, k + 1))
    return out


def insert_pair(seq: Sequence[int], i: int, j: int, a: int) -> list[int]:
    """``seq`` with task ``a`` inserted in gap ``i`` and task ``a + 1`` in gap ``j`` (``j >= i``,
    counted before the first insertion)."""
    return [*seq[:i], a, *seq[i:j], a + 1, *seq[j:]]


def confirm(
    cands: Sequence[Candidate],
    routes: Sequence[Sequence[int]],
    a: int,
    check: Callable[[Candidate, list[int]], Key | None],
    *,
    tries: int,
    keep: int,
) -> tuple[Key, Candidate, list[int]] | None:
    """Try the first ``tries`` candidates in order; ``check`` gives a feasible route's key
    (``None`` = infeasible). Stops after ``keep`` feasible ones and returns the one with the
    smallest key (the first on ties) as ``(key, candidate, new route)``, or ``None``."""
    best: tuple[Key, Candidate, list[int]] | None = None
    found = 0
    for cand in cands[:tries]:
        _value, v, i, j = cand
        new = insert_pair(routes[v], i, j, a)
        key = check(cand, new)
        if key is None:
            continue
        if best is None or key < best[0]:
            best = (key, cand, new)
        found += 1
        if found >= keep:
            break
    return best
