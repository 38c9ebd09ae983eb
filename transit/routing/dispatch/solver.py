"""``solve``: the dial-a-ride solver — OR-Tools and the own large-neighbourhood search, re-checked.

Search, per worker: build the OR-Tools model (:mod:`~transit.routing.dispatch.ortools_adapter`;
windows tightened by implied constraints); OR-Tools finds a first plan (local cheapest
insertion, or the warm start) and improves it by guided local search for 15 % of the time; the
own large-neighbourhood search of :mod:`~transit.routing.dispatch.lns` (on the same rounded
times, so its plans are valid OR-Tools warm starts) takes the next 75 %; OR-Tools local search
polishes the best plan for the rest (cycles of LNS and polish repeat when time is left; small
problems stop once cycles no longer improve). With ``workers > 1`` more processes run other
seeds (first-solution strategy and annealing temperature differ) and the best checked plan wins.

Every plan is scheduled and re-checked on the float data by the independent
:mod:`~transit.routing.dispatch.checker`; a plan that fails the check is never returned.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from transit.core.errors import WorkError
from transit.core.parallel import run_here_and_in_processes
from transit.routing.dispatch import lns
from transit.routing.dispatch.checker import check_routes, route_cost, schedule_route
from transit.routing.dispatch.kernel import Windows, tightened_windows
from transit.routing.dispatch.ortools_adapter import Model, search
from transit.routing.dispatch.problem import DELIVERY, Problem, Solution, VehicleRoute, Visit

log = logging.getLogger("transit.routing.dispatch.solver")

LNS_SHARE = 0.75
"""Share of the time limit for one LNS chunk (then OR-Tools polishes from its best plan)."""

Plan = list[list[Visit]]
"""Visit sequences, one per vehicle in fleet order."""


def rejected_ids(problem: Problem, routes: Sequence[Sequence[Visit]]) -> list[str]:
    """Ids of the requests whose delivery is in no route (problem order)."""
    served = {v.request_id for r in routes for v in r if v.kind == DELIVERY}
    return [r.id for r in problem.requests if r.id not in served]


def build_solution(
    problem: Problem, routes: Sequence[Sequence[Visit]], *, status: str = "", wall_s: float = 0.0
) -> Solution | None:
    """Schedule visit sequences (fleet order) into a :class:`Solution`; ``None`` if infeasible."""
    if check_routes(
        problem,
        routes,
        rejected=rejected_ids(problem, routes),
        vehicle_ids=[v.id for v in problem.vehicles],
    ):
        return None
    out: list[VehicleRoute] = []
    for veh, visits in zip(problem.vehicles, routes, strict=True):
        route = schedule_route(problem, veh, visits)
        if route is None:
            return None
        out.append(route)
    rejected = rejected_ids(problem, routes)
    cost = sum(r.cost for r in out)
    objective = cost + sum(
        v.fixed_cost for v, r in zip(problem.vehicles, out, strict=True) if r.stops
    )
    objective += sum(problem.penalty_of(problem.request(rid)) or 0.0 for rid in rejected)
    return Solution(tuple(out), tuple(rejected), cost, objective, status, wall_s)


def plan_objective(problem: Problem, routes: Sequence[Sequence[Visit]]) -> float:
    """Float objective of visit sequences (fleet order): cost, fixed costs, penalties (1e9 if
    mandatory)."""
    total = 0.0
    for veh, visits in zip(problem.vehicles, routes, strict=False):
        if visits:
            total += route_cost(problem, veh, visits) + veh.fixed_cost
    for rid in rejected_ids(problem, routes):
        pen = problem.penalty_of(problem.request(rid))
        total += 1e9 if pen is None else pen
    return total


def _search(
    problem: Problem,
    time_limit: float,
    seed: int,
    initial: Plan | None,
    rounds: int,
) -> tuple[Plan | None, float, str]:
    """One worker: OR-Tools first (15 % of the time), then cycles of own LNS and OR-Tools polish;
    returns the best plan that passes the checker, its objective and a status."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    model = Model(problem)
    log.debug("model built in %.2f s (%d nodes)", time.perf_counter() - t0, model.n_nodes)
    windows = [tightened_windows(problem, r) for r in problem.requests]
    left = deadline - time.perf_counter()
    routes = search(model, initial, 0.15 * left if left > 2 else 0.5 * left, seed, rounds)
    candidates: list[tuple[float, Plan]] = []
    if routes is not None:
        candidates.append((plan_objective(problem, routes), routes))
    _cycles(
        problem, model, windows, candidates, initial, deadline, time_limit=time_limit, seed=seed
    )
    if not candidates:
        return None, math.inf, "NO_SOLUTION"
    log.debug("worker %d candidates: %s", seed, [round(c[0], 3) for c in candidates])
    ids = [v.id for v in problem.vehicles]
    for obj, plan in sorted(candidates, key=lambda c: c[0]):
        if not check_routes(problem, plan, rejected=rejected_ids(problem, plan), vehicle_ids=ids):
            return plan, obj, "FEASIBLE"
        log.warning("a candidate plan failed the feasibility check; trying the next one")
    return None, math.inf, "NO_FEASIBLE_PLAN"


def _cycles(
    problem: Problem,
    model: Model,
    windows: list[Windows],
    candidates: list[tuple[float, Plan]],
    initial: Plan | None,
    deadline: float,
    *,
    time_limit: float,
    seed: int,
) -> None:
    """Alternate own LNS and OR-Tools local search from the best plan so far until the deadline,
    adding each plan to ``candidates``; workers differ in seed, first-solution strategy and
    annealing temperature."""
    temp = (0.005, 0.004)[seed % 2]
    locked = problem.committed_ids() | {r for v in problem.vehicles for r in v.onboard}
    n_free = sum(1 for r in problem.requests if r.id not in locked)
    cycle = stale = 0
    while True:
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        # small problems (the simulator's): stop when cycles stop improving
        if (n_free < 2 and cycle >= 1) or (stale >= 2 and len(problem.requests) <= 20):
            break
        before = min((c[0] for c in candidates), default=math.inf)
        best = min(candidates, key=lambda c: c[0])[1] if candidates else None
        start = best if best is not None else (initial or [[] for _ in problem.vehicles])
        lns_time = (
            min(left, max(LNS_SHARE * time_limit, 0.5)) if left > 0.12 * time_limit else 0.6 * left
        )
        improved, _ = lns.improve(
            problem,
            start,
            windows=windows,
            time_limit=lns_time,
            seed=seed + 7 * cycle,
            temperature=temp,
        )
        candidates.append((plan_objective(problem, improved), improved))
        left = deadline - time.perf_counter()
        if left > 0.05:
            best = min(candidates, key=lambda c: c[0])[1]
            polish_time = left if left < 0.12 * time_limit else 0.07 * time_limit
            polished = search(model, best, polish_time, seed + 1 + cycle, 1)
            if polished is not None:
                candidates.append((plan_objective(problem, polished), polished))
        stale = stale + 1 if min(c[0] for c in candidates) >= before - 1e-9 else 0
        cycle += 1


def _as_routes(
    problem: Problem, initial: Solution | Sequence[Sequence[Visit]] | None
) -> Plan | None:
    if initial is None:
        return None
    if isinstance(initial, Solution):
        by_vehicle = {r.vehicle_id: list(r.visits) for r in initial.routes}
        return [by_vehicle.get(v.id, []) for v in problem.vehicles]
    return [list(r) for r in initial]


def _worker(
    args: tuple[Problem, float, int, Plan | None, int],
) -> tuple[Plan | None, float, str]:
    return _search(*args)


def _run_workers(
    jobs: list[tuple[Problem, float, int, Plan | None, int]],
) -> list[tuple[Plan | None, float, str]]:
    return run_here_and_in_processes(_worker, jobs)


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    initial: Solution | Sequence[Sequence[Visit]] | None = None,
    workers: int = 1,
    rounds: int = 3,
) -> Solution:
    """Solve a dial-a-ride problem with OR-Tools (plus own local search), within ``time_limit``.

    Parameters
    ----------
    problem : Problem
    time_limit : float
        Wall-clock seconds for the search.
    seed : int
        Seed for every randomized choice (same seed, same machine load → reproducible in
        practice; OR-Tools itself is deterministic for a given time budget only up to timing).
    initial : Solution or sequence of visit sequences, optional
        A previous plan to start from (warm start): either a :class:`Solution` or, per vehicle
        in ``problem.vehicles`` order, a sequence of :class:`Visit`. Tasks that no longer exist are
        ignored; the rest must form a feasible plan to be used.
    workers : int
        Processes searching in parallel (different seeds/strategies); the best plan wins.
    rounds : int
        OR-Tools improvement rounds of the first phase.

    Returns
    -------
    Solution
        The best plan found, scheduled at earliest feasible service starts. Raises
        :class:`~transit.core.errors.WorkError` when no plan serving every mandatory request is found.
    """
    t0 = time.perf_counter()
    start = _as_routes(problem, initial)
    jobs = [(problem, time_limit, seed + k, start, rounds) for k in range(max(1, workers))]
    best: Solution | None = None
    for routes, _obj, status in _run_workers(jobs):
        if routes is None:
            continue
        sol = build_solution(problem, routes, status=status, wall_s=time.perf_counter() - t0)
        if sol is None:
            log.warning("a worker returned a plan that fails the feasibility check; discarded")
            continue
        if best is None or sol.objective < best.objective - 1e-9:
            best = sol
    if best is None:
        raise WorkError(
            f"no feasible plan found for {problem.name or 'the problem'} within {time_limit:g} s "
            "(every mandatory request must be served; give a rejection penalty to allow rejections)"
        )
    return Solution(
        best.routes, best.rejected, best.cost, best.objective, best.status, time.perf_counter() - t0
    )
