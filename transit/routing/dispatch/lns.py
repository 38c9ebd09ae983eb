"""Large neighbourhood search (ruin and recreate) for dial-a-ride plans, in plain Python/NumPy.

It improves a plan found by OR-Tools: remove a few requests (random, related or most
expensive), re-insert them one by one at their cheapest feasible position, accept the result by
simulated annealing. Route feasibility (capacity, windows, ride times, route duration, shift)
is decided exactly by an earliest-start fixpoint over the route's difference constraints:
forward passes push service starts later, ride-time and duration limits pull pickups and the
departure later; a start beyond its window end means no schedule exists.

Passengers on board and committed prefixes are kept where they are (never removed; nothing is
inserted before a committed prefix). Everything runs on the float data of the problem; the final
plan is re-checked by :mod:`transit.routing.dispatch.checker` by the caller.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from transit.routing.dispatch.problem import DELIVERY, INF, PICKUP, Problem, Visit

EPS = 1e-7


class _Data:
    """Task arrays of a problem: task ``2r`` is request r's pickup, ``2r+1`` its delivery."""

    def __init__(
        self, problem: Problem, windows: Sequence[tuple[tuple[float, float], tuple[float, float]]]
    ) -> None:
        self.problem = problem
        reqs = problem.requests
        n = len(reqs)
        self.n_req = n
        self.rid = [r.id for r in reqs]
        self.index = {r.id: i for i, r in enumerate(reqs)}
        self.pos = [0] * (2 * n)
        self.lo = [0.0] * (2 * n)
        self.hi = [INF] * (2 * n)
        self.svc = [0.0] * (2 * n)
        self.load = [0] * (2 * n)
        self.lim = [INF] * n  # pickup service + max ride
        for i, r in enumerate(reqs):
            (plo, phi), (dlo, dhi) = windows[i]
            self.pos[2 * i], self.pos[2 * i + 1] = r.pickup, r.delivery
            self.lo[2 * i], self.hi[2 * i], self.lo[2 * i + 1], self.hi[2 * i + 1] = (
                plo,
                phi,
                dlo,
                dhi,
            )
            self.svc[2 * i], self.svc[2 * i + 1] = r.pickup_service, r.delivery_service
            self.load[2 * i], self.load[2 * i + 1] = r.load, -r.load
            if r.max_ride is not None:
                self.lim[i] = r.pickup_service + r.max_ride
        vs = problem.vehicles
        self.nv = len(vs)
        self.start = [v.start for v in vs]
        self.end = [v.end for v in vs]
        self.vlo = [v.shift[0] for v in vs]
        self.vhi = [v.shift[1] for v in vs]
        self.dur = [v.max_duration if v.max_duration is not None else INF for v in vs]
        self.cap = [v.capacity for v in vs]
        self.fixed_cost = [v.fixed_cost for v in vs]
        self.start_load = [sum(problem.request(r).load for r in v.onboard) for v in vs]
        self.n_fixed = [len(v.committed) for v in vs]
        self.locked: set[int] = set()  # requests never removed (on board, committed)
        for v in vs:
            self.locked.update(self.index[r] for r in v.onboard)
            self.locked.update(self.index[c.request_id] for c in v.committed)
        self.penalty = [problem.penalty_of(r) for r in reqs]
        # work on the sub-matrix of the nodes in use (the simulator's matrix may be the whole network)
        used = sorted({*self.pos, *self.start, *self.end})
        local = {node: k for k, node in enumerate(used)}
        self.pos = [local[p] for p in self.pos]
        self.start = [local[p] for p in self.start]
        self.end = [local[p] for p in self.end]
        ix = np.ix_(used, used)
        # times rounded like the OR-Tools model (travel/service up, window ends down), so that a
        # plan found here is also a valid warm start there
        scale = problem.scale
        self.tt: npt.NDArray[np.float64] = np.ceil(problem.travel_time[ix] * scale - 1e-9) / scale

        def up(x: float) -> float:
            return x if x >= INF else math.ceil(x * scale - 1e-9) / scale

        def down(x: float) -> float:
            return x if x >= INF else math.floor(x * scale + 1e-9) / scale

        self.lo = [up(x) for x in self.lo]
        self.hi = [down(x) for x in self.hi]
        self.svc = [up(x) for x in self.svc]
        self.lim = [down(x) for x in self.lim]
        self.vlo = [up(x) for x in self.vlo]
        self.vhi = [down(x) for x in self.vhi]
        self.dur = [down(x) for x in self.dur]
        self.cc: npt.NDArray[np.float64] = np.ascontiguousarray(problem.cost[ix])
        self.tt_l: list[list[float]] = self.tt.tolist()
        self.cc_l: list[list[float]] = self.cc.tolist()

    # -- evaluation ---------------------------------------------------------------------------
    def feasible(self, v: int, seq: Sequence[int]) -> bool:
        """Whether route ``seq`` (task ids) of vehicle ``v`` has a feasible schedule."""
        load = self.start_load[v]
        cap = self.cap[v]
        ld = self.load
        for t in seq:
            load += ld[t]
            if load > cap:
                return False
        n = len(seq)
        if n == 0:
            return True
        tt = self.tt_l
        pos = [self.start[v], *(self.pos[t] for t in seq), self.end[v]]
        lo = [self.vlo[v], *(self.lo[t] for t in seq), 0.0]
        hi = [INF, *(self.hi[t] for t in seq), self.vhi[v]]
        leg = [0.0] * (n + 1)
        leg[0] = tt[pos[0]][pos[1]]
        for k in range(1, n + 1):
            leg[k] = self.svc[seq[k - 1]] + tt[pos[k]][pos[k + 1]]
        rides: list[tuple[int, int, float]] = []
        where: dict[int, int] = {}
        lim = self.lim
        for k, t in enumerate(seq, start=1):
            r = t >> 1
            if t & 1 == 0:
                where[r] = k
            elif r in where and lim[r] < INF:
                rides.append((where[r], k, lim[r]))
        dur = self.dur[v]
        x = lo[:]
        start_k = 1
        for _ in range(n + 3):
            for k in range(start_k, n + 2):
                val = x[k - 1] + leg[k - 1]
                x[k] = max(x[k], val)
                if x[k] > hi[k] + EPS:
                    return False
            first = n + 2
            for kp, kd, lm in rides:
                need = x[kd] - lm
                if need > x[kp] + EPS:
                    x[kp] = need
                    first = min(first, kp)
            if dur < INF:
                need = x[n + 1] - dur
                if need > x[0] + EPS:
                    x[0] = need
                    first = 0
            if first == n + 2:
                return True
            if x[first] > hi[first] + EPS:
                return False
            start_k = first + 1
        return False

    def earliest(self, v: int, seq: Sequence[int]) -> list[float]:
        """Earliest service starts ignoring ride and duration limits: start, stops..., end."""
        tt = self.tt_l
        x = [self.vlo[v]]
        prev_pos, prev_svc = self.start[v], 0.0
        for t in seq:
            p = self.pos[t]
            x.append(max(self.lo[t], x[-1] + prev_svc + tt[prev_pos][p]))
            prev_pos, prev_svc = p, self.svc[t]
        x.append(x[-1] + prev_svc + tt[prev_pos][self.end[v]])
        return x

    def route_cost(self, v: int, seq: Sequence[int]) -> float:
        """Cost of a route (0 when empty), with the vehicle's fixed cost."""
        if not seq:
            return 0.0
        cc = self.cc_l
        prev = self.start[v]
        total = self.fixed_cost[v]
        for t in seq:
            p = self.pos[t]
            total += cc[prev][p]
            prev = p
        return total + cc[prev][self.end[v]]

    def reject_cost(self, r: int) -> float:
        pen = self.penalty[r]
        return 1e9 if pen is None else pen


class _State:
    def __init__(self, data: _Data, routes: list[list[int]], unserved: set[int]) -> None:
        self.routes = routes
        self.unserved = unserved
        self.costs = [data.route_cost(v, r) for v, r in enumerate(routes)]
        self.info: list[_Info | None] = [None] * len(routes)
        self.cat: _Cat | None = None
        self.total = sum(self.costs) + sum(data.reject_cost(r) for r in unserved)

    def copy(self, data: _Data) -> _State:
        out = _State.__new__(_State)
        out.routes = [r[:] for r in self.routes]
        out.unserved = set(self.unserved)
        out.costs = self.costs[:]
        out.info = self.info[:]
        out.cat = self.cat
        out.total = self.total
        return out


class _Info:
    """Per-route arrays for insertion: gaps' endpoints, earliest/latest times, loads (numpy)."""

    __slots__ = ("base", "extra", "ld", "ls_next", "nxt", "prev", "ready")

    def __init__(self, data: _Data, v: int, seq: Sequence[int]) -> None:
        n = len(seq)
        p = np.fromiter(
            (data.start[v], *(data.pos[t] for t in seq), data.end[v]), dtype=np.int64, count=n + 2
        )
        self.prev, self.nxt = p[:-1], p[1:]
        # an empty route costs nothing; using it costs the fixed cost
        self.base = data.cc[self.prev, self.nxt] if n else np.zeros(1)
        self.extra = np.full(n + 1, data.fixed_cost[v] if n == 0 else 0.0)
        es = data.earliest(v, seq)
        svc = [0.0, *(data.svc[t] for t in seq)]
        self.ready = np.asarray(es[:-1]) + np.asarray(svc)
        tt = data.tt_l
        pos = [data.start[v], *(data.pos[t] for t in seq), data.end[v]]
        ls = [0.0] * (n + 2)
        ls[n + 1] = data.vhi[v]
        for k in range(n, 0, -1):
            ls[k] = min(data.hi[seq[k - 1]], ls[k + 1] - svc[k] - tt[pos[k]][pos[k + 1]])
        self.ls_next = np.asarray(ls[1:])
        ld = [data.start_load[v]]
        for t in seq:
            ld.append(ld[-1] + data.load[t])
        self.ld = np.asarray(ld, dtype=np.float64)


class _Cat:
    """All routes' gaps side by side: gap g lies in route ``veh[g]`` at position ``gap[g]``."""

    def __init__(self, data: _Data, state: _State) -> None:
        infos: list[_Info] = []
        for v, seq in enumerate(state.routes):
            info = state.info[v]
            if info is None:
                info = state.info[v] = _Info(data, v, seq)
            infos.append(info)
        sizes = [len(i.prev) for i in infos]
        self.prev = np.concatenate([i.prev for i in infos])
        self.nxt = np.concatenate([i.nxt for i in infos])
        self.base = np.concatenate([i.base for i in infos])
        self.extra = np.concatenate([i.extra for i in infos])
        self.ready = np.concatenate([i.ready for i in infos])
        self.ls_next = np.concatenate([i.ls_next for i in infos])
        self.veh = np.repeat(np.arange(len(infos)), sizes)
        self.gap = np.concatenate([np.arange(k) for k in sizes])
        self.ld = np.concatenate([i.ld for i in infos])
        ends = np.cumsum(sizes)
        self.route_end = np.repeat(ends, sizes)
        self.cap = np.asarray(data.cap, dtype=np.float64)[self.veh]
        fixed = np.asarray(data.n_fixed)[self.veh]
        self.free = self.gap >= fixed
        self.idx = np.arange(len(self.prev))


def _best_insertion(
    data: _Data, state: _State, r: int, rng: random.Random, noise: float
) -> tuple[float, int, list[int]] | None:
    """Cheapest feasible insertion of request r: (delta, vehicle, new route) or None."""
    a, b = 2 * r, 2 * r + 1
    pa, pb = data.pos[a], data.pos[b]
    cc, tt = data.cc, data.tt
    lo_a, hi_a, lo_b, hi_b = data.lo[a], data.hi[a], data.lo[b], data.hi[b]
    svc_a, svc_b, q = data.svc[a], data.svc[b], data.load[a]
    t_ab = float(tt[pa, pb])
    cat = state.cat
    if cat is None:
        cat = state.cat = _Cat(data, state)
    prev, nxt, base = cat.prev, cat.nxt, cat.base
    dp = cc[prev, pa] + cc[pa, nxt] - base + cat.extra
    dd = cc[prev, pb] + cc[pb, nxt] - base
    adj = cc[prev, pa] + cc[pa, pb] + cc[pb, nxt] - base + cat.extra
    # necessary conditions: windows of the inserted tasks and of their successors, capacity
    sa = np.maximum(lo_a, cat.ready + tt[prev, pa])
    ok_sa = (sa <= hi_a + EPS) & cat.free
    ok_a = ok_sa & (sa + svc_a + tt[pa, nxt] <= cat.ls_next + EPS)
    sb = np.maximum(lo_b, cat.ready + tt[prev, pb])
    ok_b = (sb <= hi_b + EPS) & (sb + svc_b + tt[pb, nxt] <= cat.ls_next + EPS)
    sb_adj = np.maximum(lo_b, sa + svc_a + t_ab)
    ok_adj = ok_sa & (sb_adj <= hi_b + EPS) & (sb_adj + svc_b + tt[pb, nxt] <= cat.ls_next + EPS)
    # capacity: the load after every gap from i to j (same route) must leave room for q
    bad = np.where(cat.ld + q > cat.cap, cat.idx, len(prev))
    upper = np.minimum(np.minimum.accumulate(bad[::-1])[::-1], cat.route_end)
    # pairs (i, j) of gaps in the same route with i < j (pickup before delivery); i == j: adjacent
    ia = np.flatnonzero(ok_a)
    jb = np.flatnonzero(ok_b)
    ii = ia[:, None]
    jj = jb[None, :]
    ok = (jj > ii) & (jj < upper[ia][:, None])
    sub = np.where(ok, dp[ia][:, None] + dd[jb][None, :], np.inf)
    flat = np.flatnonzero(sub < np.inf)
    adj_ok = np.flatnonzero(ok_adj & (cat.idx < upper))
    vals = np.concatenate((sub.ravel()[flat], adj[adj_ok]))
    if vals.size == 0:
        return None
    gis = np.concatenate((ia[flat // max(1, len(jb))], adj_ok))
    gjs = np.concatenate((jb[flat % max(1, len(jb))], adj_ok))
    k = min(vals.size, 40)
    top = np.argpartition(vals, k - 1)[:k] if vals.size > k else np.arange(vals.size)
    cands: list[tuple[float, int, int, int]] = []
    for idx in top:
        gi, gj = int(gis[idx]), int(gjs[idx])
        v = int(cat.veh[gi])
        cands.append((float(vals[idx]), v, int(cat.gap[gi]), int(cat.gap[gj])))
    if noise > 0:
        cands = [(c[0] * (1.0 + noise * (rng.random() - 0.5)), *c[1:]) for c in cands]
    cands.sort()
    for d, v, i, j in cands[:40]:
        seq = state.routes[v]
        new = [*seq[:i], a, *seq[i:j], b, *seq[j:]]
        if data.feasible(v, new):
            return d, v, new
    return None


def _remove(data: _Data, state: _State, q: int, rng: random.Random, how: int) -> list[int]:
    served = [
        t >> 1 for seq in state.routes for t in seq if t & 1 == 0 and (t >> 1) not in data.locked
    ]
    if not served:
        return []
    q = min(q, len(served))
    if how == 0:
        chosen = rng.sample(served, q)
    elif how == 1:  # related to a seed request (distance and time)
        seed = rng.choice(served)
        sp, sd = data.pos[2 * seed], data.pos[2 * seed + 1]
        tt = data.tt_l

        def rel(r: int) -> float:
            return (
                tt[sp][data.pos[2 * r]]
                + tt[sd][data.pos[2 * r + 1]]
                + 0.5 * abs(data.lo[2 * seed] - data.lo[2 * r])
                + 0.5 * abs(data.hi[2 * seed + 1] - data.hi[2 * r + 1])
            )

        ranked = sorted(served, key=rel)
        chosen = []
        while len(chosen) < q and ranked:
            k = int(len(ranked) * rng.random() ** 4)
            chosen.append(ranked.pop(k))
    else:  # most expensive: largest saving when removed
        where = {t >> 1: v for v, seq in enumerate(state.routes) for t in seq if t & 1 == 0}
        saving = []
        for r in served:
            v = where[r]
            seq = [t for t in state.routes[v] if t >> 1 != r]
            saving.append((state.costs[v] - data.route_cost(v, seq), r))
        saving.sort(reverse=True)
        ranked = [r for _, r in saving]
        chosen = []
        while len(chosen) < q and ranked:
            k = int(len(ranked) * rng.random() ** 3)
            chosen.append(ranked.pop(k))
    drop = set(chosen)
    for v, seq in enumerate(state.routes):
        if any(t >> 1 in drop for t in seq):
            state.routes[v] = [t for t in seq if t >> 1 not in drop]
            state.costs[v] = data.route_cost(v, state.routes[v])
            state.info[v] = None
            state.cat = None
    return chosen


def _recreate(
    data: _Data, state: _State, todo: list[int], rng: random.Random, noise: float
) -> None:
    order = rng.randrange(3)
    if order == 0:
        rng.shuffle(todo)
    elif order == 1:
        todo.sort(key=lambda r: min(data.hi[2 * r], data.hi[2 * r + 1]))
    else:
        todo.sort(key=lambda r: -data.tt_l[data.pos[2 * r]][data.pos[2 * r + 1]])
    for r in todo:
        found = _best_insertion(data, state, r, rng, noise)
        if found is None or found[0] > data.reject_cost(r):
            state.unserved.add(r)
            continue
        _, v, new = found
        state.routes[v] = new
        state.costs[v] = data.route_cost(v, new)
        state.info[v] = None
        state.cat = None
        state.unserved.discard(r)
    state.total = sum(state.costs) + sum(data.reject_cost(r) for r in state.unserved)


def improve(
    problem: Problem,
    routes: Sequence[Sequence[Visit]],
    *,
    windows: Sequence[tuple[tuple[float, float], tuple[float, float]]],
    time_limit: float,
    seed: int,
    max_remove: int = 20,
    temperature: float = 0.005,
    iterations: int | None = None,
) -> tuple[list[list[Visit]], float]:
    """Improve a feasible plan (visit sequences in fleet order) for ``time_limit`` seconds.

    ``windows`` are each request's (pickup, delivery) windows, possibly tightened. With
    ``iterations``, the search stops after that many ruin-and-recreate steps (or at
    ``time_limit``, whichever comes first) and its cooling and restarts follow the step count
    instead of the clock: same seed, same plan on any machine. Returns the best plan found
    (visit sequences) and its objective (cost + fixed costs + penalties; a mandatory request left
    out counts 1e9).
    """
    deadline = time.perf_counter() + time_limit
    data = _Data(problem, windows)
    rng = random.Random(seed)
    seqs = [
        [2 * data.index[v.request_id] + (0 if v.kind == PICKUP else 1) for v in visits]
        for visits in routes
    ]
    seqs.extend([] for _ in range(data.nv - len(seqs)))
    served = {t >> 1 for s in seqs for t in s}
    cur = _State(data, seqs, {r for r in range(data.n_req) if r not in served})
    if cur.unserved:
        _recreate(data, cur, sorted(cur.unserved), rng, 0.0)
    best = cur.copy(data)
    n_free = data.n_req - len(data.locked)
    if n_free < 2:
        return _visits(data, best), best.total
    start_t = temperature * max(best.total, 1.0) / math.log(2)
    end_t = start_t / 50
    t_begin = time.perf_counter()
    span = max(1e-3, deadline - t_begin)
    q_max = max(2, min(max_remove, round(0.3 * n_free)))
    last_gain = t_begin
    it = 0
    while True:
        now = time.perf_counter()
        if now >= deadline or (iterations is not None and it >= iterations):
            break
        if iterations is not None:  # progress by steps: reproducible on any machine
            now, span = float(it), float(max(1, iterations))
            t_begin = 0.0
            if it == 0:
                last_gain = 0.0
        frac = (now - t_begin) / span
        temp = start_t * (end_t / start_t) ** frac
        cand = cur.copy(data)
        q = rng.randint(2, q_max)
        removed = _remove(data, cand, q, rng, rng.randrange(3))
        _recreate(data, cand, removed, rng, 0.1 if rng.random() < 0.3 else 0.0)
        delta = cand.total - cur.total
        if delta < -1e-9 or rng.random() < math.exp(-delta / temp):
            cur = cand
            if cur.total < best.total - 1e-9:
                best = cur.copy(data)
                last_gain = now
        if now - last_gain > 0.2 * span:  # stuck: go back to the best plan
            cur = best.copy(data)
            last_gain = now
        it += 1
    return _visits(data, best), best.total


def _visits(data: _Data, state: _State) -> list[list[Visit]]:
    return [
        [Visit(data.rid[t >> 1], PICKUP if t & 1 == 0 else DELIVERY) for t in seq]
        for seq in state.routes
    ]
