"""Large neighbourhood search (ruin and recreate) for dial-a-ride plans, in plain Python/NumPy.

It improves a plan found by OR-Tools: remove a few requests (random, related or most
expensive), re-insert them one by one at their cheapest feasible position
(:mod:`~transit.routing.dispatch.insertion`), accept the result by simulated annealing. Route
feasibility (capacity, windows, ride times, route duration, shift) is decided exactly by the
schedule kernel (:func:`~transit.routing.dispatch.kernel.schedule`), on times rounded like the
OR-Tools model (:mod:`~transit.routing.dispatch.units`).

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

from transit.routing.dispatch.insertion import Candidate, Gaps, GapTable, candidates, confirm
from transit.routing.dispatch.kernel import (
    Windows,
    forward,
    latest,
    route_cost,
    schedule,
    solver_data,
    task_id,
)
from transit.routing.dispatch.problem import DELIVERY, PICKUP, Problem, Visit

#: Insertions priced before the exact check (the cheapest by added cost), and checked at most.
TOP = 40


class _Data:
    """The problem in solver rounding (:func:`~transit.routing.dispatch.kernel.solver_data`),
    with the request ids, rejection penalties and the requests never removed (on board,
    committed)."""

    def __init__(self, problem: Problem, windows: Sequence[Windows]) -> None:
        sd = solver_data(problem, windows)
        self.tasks = sd.tasks
        self.frames = sd.frames
        self.tt, self.cc = sd.tt, sd.cost
        self.tt_a, self.cc_a = sd.tt_array, sd.cost_array
        reqs = problem.requests
        self.n_req = len(reqs)
        self.nv = len(problem.vehicles)
        self.rid = [r.id for r in reqs]
        self.index = {r.id: i for i, r in enumerate(reqs)}
        self.locked: set[int] = set()  # requests never removed (on board, committed)
        for v in problem.vehicles:
            self.locked.update(self.index[r] for r in v.onboard)
            self.locked.update(self.index[c.request_id] for c in v.committed)
        self.penalty = [problem.penalty_of(r) for r in reqs]

    def feasible(self, v: int, seq: Sequence[int]) -> bool:
        """Whether route ``seq`` (task ids) of vehicle ``v`` has a feasible schedule."""
        return schedule(self.tasks, self.tt, self.frames[v], seq) is not None

    def route_cost(self, v: int, seq: Sequence[int]) -> float:
        """Cost of a route (0 when empty), with the vehicle's fixed cost."""
        return route_cost(self.tasks, self.cc, self.frames[v], seq)

    def gaps(self, v: int, seq: Sequence[int]) -> Gaps:
        """The insertion gaps of a route (earliest starts ignoring ride limits)."""
        frame = self.frames[v]
        return Gaps(
            self.tasks,
            self.cc_a,
            frame,
            seq,
            starts=forward(self.tasks, self.tt, frame, seq),
            latest=latest(self.tasks, self.tt, frame, seq),
        )

    def reject_cost(self, r: int) -> float:
        """Penalty of leaving request ``r`` out (1e9 when it is mandatory)."""
        pen = self.penalty[r]
        return 1e9 if pen is None else pen


class _State:
    """A plan being searched: routes (task ids), unserved requests, route costs, cached gaps."""

    def __init__(self, data: _Data, routes: list[list[int]], unserved: set[int]) -> None:
        self.routes = routes
        self.unserved = unserved
        self.costs = [data.route_cost(v, r) for v, r in enumerate(routes)]
        self.gaps: list[Gaps | None] = [None] * len(routes)
        self.table: GapTable | None = None
        self.total = sum(self.costs) + sum(data.reject_cost(r) for r in unserved)

    def copy(self) -> _State:
        """An independent copy (routes copied, cached gaps shared)."""
        out = _State.__new__(_State)
        out.routes = [r[:] for r in self.routes]
        out.unserved = set(self.unserved)
        out.costs = self.costs[:]
        out.gaps = self.gaps[:]
        out.table = self.table
        out.total = self.total
        return out

    def set_route(self, data: _Data, v: int, seq: list[int]) -> None:
        """Replace route ``v`` (its cost and cached gaps follow)."""
        self.routes[v] = seq
        self.costs[v] = data.route_cost(v, seq)
        self.gaps[v] = None
        self.table = None

    def gap_table(self, data: _Data) -> GapTable:
        """The gaps of every route side by side (built on demand, cached)."""
        if self.table is None:
            for v, seq in enumerate(self.routes):
                if self.gaps[v] is None:
                    self.gaps[v] = data.gaps(v, seq)
            self.table = GapTable([g for g in self.gaps if g is not None], data.frames)
        return self.table


def _best_insertion(
    data: _Data, state: _State, r: int, rng: random.Random, noise: float
) -> tuple[float, int, list[int]] | None:
    """Cheapest feasible insertion of request r: (delta, vehicle, new route) or None.

    The :data:`TOP` cheapest insertions by added cost (each perturbed by ``noise``) are checked
    in order; the first feasible one wins."""
    table = state.gap_table(data)
    vals, gis, gjs = candidates(table, data.tasks, data.tt_a, data.cc_a, r)
    if vals.size == 0:
        return None
    k = min(vals.size, TOP)
    top = np.argpartition(vals, k - 1)[:k] if vals.size > k else np.arange(vals.size)
    cands: list[Candidate] = []
    for idx in top:
        gi, gj = int(gis[idx]), int(gjs[idx])
        cands.append((float(vals[idx]), int(table.veh[gi]), int(table.gap[gi]), int(table.gap[gj])))
    if noise > 0:
        cands = [(c[0] * (1.0 + noise * (rng.random() - 0.5)), *c[1:]) for c in cands]
    cands.sort()
    found = confirm(
        cands,
        state.routes,
        2 * r,
        lambda c, new: (c[0],) if data.feasible(c[1], new) else None,
        tries=TOP,
        keep=1,
    )
    if found is None:
        return None
    _key, (d, v, _i, _j), new = found
    return d, v, new


def _remove(data: _Data, state: _State, q: int, rng: random.Random, how: int) -> list[int]:
    """Ruin: take ``q`` requests out of the plan — random (``how`` 0), related to a random one
    in place and time (1), or the most expensive (2), with a random bias — and return them."""
    served = [
        t >> 1 for seq in state.routes for t in seq if t & 1 == 0 and (t >> 1) not in data.locked
    ]
    if not served:
        return []
    q = min(q, len(served))
    if how == 0:
        chosen = rng.sample(served, q)
    elif how == 1:
        chosen = _biased(_by_relatedness(data, served, rng.choice(served)), q, rng, 4)
    else:
        chosen = _biased(_by_saving(data, state, served), q, rng, 3)
    drop = set(chosen)
    for v, seq in enumerate(state.routes):
        if any(t >> 1 in drop for t in seq):
            state.set_route(data, v, [t for t in seq if t >> 1 not in drop])
    return chosen


def _by_relatedness(data: _Data, served: list[int], seed: int) -> list[int]:
    """Requests ordered by closeness to ``seed`` (pickup and delivery places, window times)."""
    pos, lo, hi, tt = data.tasks.pos, data.tasks.lo, data.tasks.hi, data.tt
    sp, sd = pos[2 * seed], pos[2 * seed + 1]

    def rel(r: int) -> float:
        return (
            tt[sp][pos[2 * r]]
            + tt[sd][pos[2 * r + 1]]
            + 0.5 * abs(lo[2 * seed] - lo[2 * r])
            + 0.5 * abs(hi[2 * seed + 1] - hi[2 * r + 1])
        )

    return sorted(served, key=rel)


def _by_saving(data: _Data, state: _State, served: list[int]) -> list[int]:
    """Requests ordered by the cost saved when each alone is removed (largest first)."""
    where = {t >> 1: v for v, seq in enumerate(state.routes) for t in seq if t & 1 == 0}
    saving = []
    for r in served:
        v = where[r]
        seq = [t for t in state.routes[v] if t >> 1 != r]
        saving.append((state.costs[v] - data.route_cost(v, seq), r))
    saving.sort(reverse=True)
    return [r for _, r in saving]


def _biased(ranked: list[int], q: int, rng: random.Random, power: int) -> list[int]:
    """``q`` items drawn from ``ranked``, favouring the front (``rank ~ len × u ** power``)."""
    chosen: list[int] = []
    while len(chosen) < q and ranked:
        k = int(len(ranked) * rng.random() ** power)
        chosen.append(ranked.pop(k))
    return chosen


def _recreate(
    data: _Data, state: _State, todo: list[int], rng: random.Random, noise: float
) -> None:
    """Recreate: insert ``todo`` one by one (random order, closing time, or longest first) at the
    cheapest feasible place, or leave them out when that costs more than the rejection."""
    order = rng.randrange(3)
    tasks = data.tasks
    if order == 0:
        rng.shuffle(todo)
    elif order == 1:
        todo.sort(key=lambda r: min(tasks.hi[2 * r], tasks.hi[2 * r + 1]))
    else:
        todo.sort(key=lambda r: -data.tt[tasks.pos[2 * r]][tasks.pos[2 * r + 1]])
    for r in todo:
        found = _best_insertion(data, state, r, rng, noise)
        if found is None or found[0] > data.reject_cost(r):
            state.unserved.add(r)
            continue
        _, v, new = found
        state.set_route(data, v, new)
        state.unserved.discard(r)
    state.total = sum(state.costs) + sum(data.reject_cost(r) for r in state.unserved)


class _Clock:
    """Search progress: wall-clock seconds, or ruin-and-recreate steps with an iteration budget
    (then the same seed gives the same plan on any machine)."""

    def __init__(self, deadline: float, iterations: int | None) -> None:
        self.deadline = deadline
        self.iterations = iterations
        if iterations is None:
            self.begin = time.perf_counter()
            self.span = max(1e-3, deadline - self.begin)
        else:
            self.begin, self.span = 0.0, float(max(1, iterations))

    def now(self, it: int) -> float | None:
        """Progress at step ``it`` (seconds or steps), ``None`` when the budget is spent."""
        t = time.perf_counter()
        if t >= self.deadline or (self.iterations is not None and it >= self.iterations):
            return None
        return t if self.iterations is None else float(it)


def improve(
    problem: Problem,
    routes: Sequence[Sequence[Visit]],
    *,
    windows: Sequence[Windows],
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
    seqs = [[task_id(data.index[v.request_id], v.kind) for v in visits] for visits in routes]
    seqs.extend([] for _ in range(data.nv - len(seqs)))
    served = {t >> 1 for s in seqs for t in s}
    cur = _State(data, seqs, {r for r in range(data.n_req) if r not in served})
    if cur.unserved:
        _recreate(data, cur, sorted(cur.unserved), rng, 0.0)
    best = cur.copy()
    n_free = data.n_req - len(data.locked)
    if n_free < 2:
        return _visits(data, best), best.total
    start_t = temperature * max(best.total, 1.0) / math.log(2)
    end_t = start_t / 50
    clock = _Clock(deadline, iterations)
    q_max = max(2, min(max_remove, round(0.3 * n_free)))
    last_gain = clock.begin
    it = 0
    while (now := clock.now(it)) is not None:
        temp = start_t * (end_t / start_t) ** ((now - clock.begin) / clock.span)
        cand = cur.copy()
        removed = _remove(data, cand, rng.randint(2, q_max), rng, rng.randrange(3))
        _recreate(data, cand, removed, rng, 0.1 if rng.random() < 0.3 else 0.0)
        delta = cand.total - cur.total
        if delta < -1e-9 or rng.random() < math.exp(-delta / temp):
            cur = cand
            if cur.total < best.total - 1e-9:
                best = cur.copy()
                last_gain = now
        if now - last_gain > 0.2 * clock.span:  # stuck: go back to the best plan
            cur = best.copy()
            last_gain = now
        it += 1
    return _visits(data, best), best.total


def _visits(data: _Data, state: _State) -> list[list[Visit]]:
    return [
        [Visit(data.rid[t >> 1], PICKUP if t & 1 == 0 else DELIVERY) for t in seq]
        for seq in state.routes
    ]
