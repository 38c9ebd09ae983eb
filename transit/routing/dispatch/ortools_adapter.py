"""OR-Tools adapter for the dial-a-ride solver (the only module importing ``ortools``).

Model (see ``docs/dispatch-solver.md``): one OR-Tools node per task (pickup / delivery; a passenger
already on board has only a delivery) and a start/end node per vehicle; pickup–delivery pairs with
``VehicleVar(p) == VehicleVar(d)`` and ``CumulVar(time, p) <= CumulVar(time, d)``; a capacity
dimension whose start cumul is the on-board load; a time dimension with slack (waiting) whose
cumuls are the service starts, with time windows as cumul ranges, the vehicle shift on the start /
end cumuls, ``SetSpanUpperBoundForVehicle`` for the maximum route duration and the maximum ride time
as an explicit ``solver.Add(CumulVar(d) <= CumulVar(p) + service(p) + L)``; optional requests as
disjunctions with a penalty; committed prefixes as fixed ``NextVar`` chains; warm start through
``ReadAssignmentFromRoutes``.

Times and costs are scaled by ``Problem.scale`` and rounded conservatively (travel and service
times up, window ends and ride limits down). Every plan is scheduled and re-checked on the float
data by :mod:`transit.routing.dispatch.checker`; a plan that fails the check is never returned.

Search, per worker: build the model (windows tightened by implied constraints); OR-Tools finds a
first plan (local cheapest insertion, or the warm start) and improves it by guided local search
for 15 % of the time; the own large-neighbourhood search of :mod:`transit.routing.dispatch.lns` (on the
same rounded times, so its plans are valid OR-Tools warm starts) takes the next 75 %; OR-Tools
local search polishes the best plan for the rest (cycles of LNS and polish repeat when time is
left; small problems stop once cycles no longer improve). With ``workers > 1`` more processes run
other seeds (first-solution strategy and annealing temperature differ) and the best checked plan
wins.
"""

from __future__ import annotations

import logging
import math
import multiprocessing as mp
import random
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from transit.core.errors import WorkError
from transit.routing.dispatch import lns
from transit.routing.dispatch.checker import check_routes, route_cost, schedule_route
from transit.routing.dispatch.problem import (
    DELIVERY,
    INF,
    PICKUP,
    Problem,
    Request,
    Route,
    Solution,
    Visit,
)

log = logging.getLogger("transit.routing.dispatch.ortools_adapter")

FSS = routing_enums_pb2.FirstSolutionStrategy
LSM = routing_enums_pb2.LocalSearchMetaheuristic
_TRUE = optional_boolean_pb2.BOOL_TRUE


@dataclass(frozen=True)
class _Task:
    request_id: str
    kind: str
    pos: int
    lo: float
    hi: float
    service: float
    load: int


class _Model:
    """The OR-Tools routing model of a problem, with its index maps."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        nv = len(problem.vehicles)
        self.nv = nv
        onboard = {rid: vi for vi, v in enumerate(problem.vehicles) for rid in v.onboard}
        self.onboard = onboard
        tasks: list[_Task] = []
        for req in problem.requests:
            (plo, phi), (dlo, dhi) = tightened_windows(problem, req)
            if req.id not in onboard:
                tasks.append(
                    _Task(req.id, PICKUP, req.pickup, plo, phi, req.pickup_service, req.load)
                )
            tasks.append(
                _Task(req.id, DELIVERY, req.delivery, dlo, dhi, req.delivery_service, -req.load)
            )
        self.tasks = tasks
        for t in tasks:
            req = problem.request(t.request_id)
            if t.lo > t.hi + 1e-9 and problem.penalty_of(req) is None:
                raise WorkError(
                    f"request {req.id} cannot be served by any vehicle: its {t.kind} window "
                    f"cannot be met (travel times, ride limit or shifts); it is mandatory"
                )
        # OR-Tools nodes: 0..nv-1 starts, nv..2nv-1 ends, then tasks
        self.n_nodes = 2 * nv + len(tasks)
        self.node_of: dict[tuple[str, str], int] = {
            (t.request_id, t.kind): 2 * nv + i for i, t in enumerate(tasks)
        }
        scale = problem.scale
        pos = (
            [v.start for v in problem.vehicles]
            + [v.end for v in problem.vehicles]
            + [t.pos for t in tasks]
        )
        service = [0.0] * (2 * nv) + [t.service for t in tasks]
        tt, cost = problem.travel_time, problem.cost
        finite = [x for t in tasks for x in (t.lo, t.hi) if x < INF]
        finite += [x for v in problem.vehicles for x in v.shift if x < INF]
        max_tt = float(tt.max()) if tt.size else 0.0
        horizon_f = max(finite, default=0.0) + sum(service) + max_tt * (len(tasks) + 2) + 1.0
        self.horizon = math.ceil(horizon_f * scale)
        idx = np.asarray(pos, dtype=np.int64)
        sub_tt = np.ceil(tt[np.ix_(idx, idx)] * scale - 1e-9)
        svc = np.ceil(np.asarray(service) * scale - 1e-9)
        self.time_matrix = (sub_tt + svc[:, None]).astype(np.int64).tolist()
        self.cost_matrix = np.rint(cost[np.ix_(idx, idx)] * scale).astype(np.int64).tolist()
        for v in range(nv):  # an empty route (start -> end) is free in OR-Tools anyway
            self.time_matrix[v][nv + v] = 0
        self.manager = pywrapcp.RoutingIndexManager(
            self.n_nodes, nv, list(range(nv)), list(range(nv, 2 * nv))
        )
        m = self.manager
        self.routing = routing = pywrapcp.RoutingModel(m)
        solver = routing.solver()
        cost_cb = routing.RegisterTransitMatrix(self.cost_matrix)
        routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
        time_cb = routing.RegisterTransitMatrix(self.time_matrix)
        routing.AddDimension(time_cb, self.horizon, self.horizon, False, "time")
        self.time = time_dim = routing.GetDimensionOrDie("time")
        loads = [0] * (2 * nv) + [t.load for t in tasks]
        load_cb = routing.RegisterUnaryTransitVector(loads)
        routing.AddDimensionWithVehicleCapacity(
            load_cb, 0, [v.capacity for v in problem.vehicles], False, "load"
        )
        load_dim = routing.GetDimensionOrDie("load")

        def lo_of(x: float) -> int:
            return max(0, math.ceil(x * scale - 1e-9))

        def hi_of(x: float) -> int:
            return self.horizon if x >= INF else min(self.horizon, math.floor(x * scale + 1e-9))

        for vi, veh in enumerate(problem.vehicles):
            s, e = routing.Start(vi), routing.End(vi)
            time_dim.CumulVar(s).SetRange(lo_of(veh.shift[0]), self.horizon)
            time_dim.CumulVar(e).SetRange(0, hi_of(veh.shift[1]))
            if veh.max_duration is not None:
                time_dim.SetSpanUpperBoundForVehicle(hi_of(veh.max_duration), vi)
            start_load = sum(problem.request(r).load for r in veh.onboard)
            load_dim.CumulVar(s).SetValue(start_load)
            if veh.fixed_cost:
                routing.SetFixedCostOfVehicle(round(veh.fixed_cost * scale), vi)
        self.impossible = {t.request_id for t in tasks if lo_of(t.lo) > hi_of(t.hi)}
        for i, t in enumerate(tasks):
            idx = m.NodeToIndex(2 * nv + i)
            if t.request_id in self.impossible:
                routing.ActiveVar(idx).SetValue(0)  # its windows cannot be met: always rejected
            else:
                time_dim.CumulVar(idx).SetRange(lo_of(t.lo), hi_of(t.hi))
        self.pairs: list[tuple[int, int]] = []
        committed = problem.committed_ids()
        max_arc = max((max(row) for row in self.cost_matrix), default=1)
        self.big = min(10**13, 100 * max(1, max_arc) * (len(tasks) + 2))
        for req in problem.requests:
            d = m.NodeToIndex(self.node_of[(req.id, DELIVERY)])
            pen = problem.penalty_of(req)
            if req.id in onboard:
                routing.VehicleVar(d).SetValues([-1, onboard[req.id]])
                if req.id not in committed:
                    routing.AddDisjunction([d], 2 * self.big)
                continue
            p = m.NodeToIndex(self.node_of[(req.id, PICKUP)])
            routing.AddPickupAndDelivery(p, d)
            solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
            solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
            if req.max_ride is not None:
                limit = math.floor((req.pickup_service + req.max_ride) * scale + 1e-9)
                solver.Add(time_dim.CumulVar(d) <= time_dim.CumulVar(p) + limit)
            if req.id not in committed:
                # mandatory requests get a huge penalty: insertion heuristics may then leave a
                # request out instead of failing, and the search puts it back in
                half = self.big if pen is None else max(1, round(pen * scale / 2))
                routing.AddDisjunction([p], half)
                routing.AddDisjunction([d], half)
                solver.Add(routing.ActiveVar(p) == routing.ActiveVar(d))
            self.pairs.append((p, d))
        for vi, veh in enumerate(problem.vehicles):
            prev = routing.Start(vi)
            for visit in veh.committed:
                nxt = m.NodeToIndex(self.node_of[(visit.request_id, visit.kind)])
                solver.Add(routing.NextVar(prev) == nxt)
                routing.VehicleVar(nxt).SetValues([-1, vi])
                prev = nxt
        for vi in range(nv):
            routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.Start(vi)))
            routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(vi)))

    def index_routes(self, routes: Sequence[Sequence[Visit]]) -> list[list[int]]:
        """Visit sequences (fleet order) → OR-Tools index lists, dropping unknown tasks."""
        out: list[list[int]] = []
        for visits in routes:
            row = []
            for v in visits:
                node = self.node_of.get((v.request_id, v.kind))
                if node is not None:
                    row.append(self.manager.NodeToIndex(node))
            out.append(row)
        out.extend([] for _ in range(self.nv - len(out)))
        return out

    def visit_routes(self, assignment: pywrapcp.Assignment) -> list[list[Visit]]:
        """An assignment's routes as visit sequences (fleet order)."""
        routing, m = self.routing, self.manager
        out: list[list[Visit]] = []
        for vi in range(self.nv):
            idx = assignment.Value(routing.NextVar(routing.Start(vi)))
            row: list[Visit] = []
            while not routing.IsEnd(idx):
                t = self.tasks[m.IndexToNode(idx) - 2 * self.nv]
                row.append(Visit(t.request_id, PICKUP if t.kind == PICKUP else DELIVERY))
                idx = assignment.Value(routing.NextVar(idx))
            out.append(row)
        return out


def tightened_windows(
    problem: Problem, req: Request
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Pickup and delivery windows tightened by implied constraints (direct travel, ride limit, shifts).

    ``pickup.hi <= delivery.hi - service - direct``, ``delivery.lo >= pickup.lo + service + direct``,
    ``pickup.lo >= delivery.lo - service - L`` and ``delivery.hi <= pickup.hi + service + L``; the
    pickup cannot start before some vehicle can reach it, the delivery must leave time to reach
    some vehicle's end. Valid for every feasible plan; they guide the insertion heuristics.
    """
    tt = problem.travel_time
    direct = float(tt[req.pickup, req.delivery])
    plo, phi = req.pickup_window
    dlo, dhi = req.delivery_window
    ride = req.max_ride
    vehicle = problem.onboard_vehicle(req.id)
    if vehicle is not None:
        veh = problem.vehicle(vehicle)
        dlo = max(dlo, veh.shift[0] + float(tt[veh.start, req.delivery]))
        if req.picked_up_at is not None and ride is not None:
            dhi = min(dhi, req.picked_up_at + req.pickup_service + ride)
        return (plo, phi), (dlo, dhi)
    plo = max(plo, min(v.shift[0] + float(tt[v.start, req.pickup]) for v in problem.vehicles))
    dhi = min(
        dhi,
        max(
            v.shift[1] - req.delivery_service - float(tt[req.delivery, v.end])
            for v in problem.vehicles
        ),
    )
    for _ in range(2):
        phi = min(phi, dhi - req.pickup_service - direct)
        dlo = max(dlo, plo + req.pickup_service + direct)
        if ride is not None:
            plo = max(plo, dlo - req.pickup_service - ride)
            dhi = min(dhi, phi + req.pickup_service + ride)
    return (plo, phi), (dlo, dhi)


def _params(
    time_limit: float, *, first: int, meta: int, lam: float, full_lns: bool
) -> pywrapcp.DefaultRoutingSearchParameters:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = first
    params.local_search_metaheuristic = meta
    params.guided_local_search_lambda_coefficient = lam
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    ops = params.local_search_operators
    if full_lns:
        ops.use_relocate_neighbors = _TRUE
        ops.use_cross_exchange = _TRUE
        ops.use_extended_swap_active = _TRUE
        ops.use_global_cheapest_insertion_close_nodes_lns = _TRUE
        ops.use_local_cheapest_insertion_close_nodes_lns = _TRUE
        ops.use_global_cheapest_insertion_expensive_chain_lns = _TRUE
        ops.use_local_cheapest_insertion_expensive_chain_lns = _TRUE
    return params


def build_solution(
    problem: Problem, routes: Sequence[Sequence[Visit]], *, status: str = "", wall_s: float = 0.0
) -> Solution | None:
    """Schedule visit sequences (fleet order) into a :class:`Solution`; ``None`` if infeasible."""
    if check_routes(
        problem,
        routes,
        rejected=_rejected(problem, routes),
        vehicle_ids=[v.id for v in problem.vehicles],
    ):
        return None
    out: list[Route] = []
    for veh, visits in zip(problem.vehicles, routes, strict=True):
        route = schedule_route(problem, veh, visits)
        if route is None:
            return None
        out.append(route)
    rejected = _rejected(problem, routes)
    cost = sum(r.cost for r in out)
    objective = cost + sum(
        v.fixed_cost for v, r in zip(problem.vehicles, out, strict=True) if r.stops
    )
    objective += sum(problem.penalty_of(problem.request(rid)) or 0.0 for rid in rejected)
    return Solution(tuple(out), tuple(rejected), cost, objective, status, wall_s)


def _rejected(problem: Problem, routes: Sequence[Sequence[Visit]]) -> list[str]:
    served = {v.request_id for r in routes for v in r if v.kind == DELIVERY}
    return [r.id for r in problem.requests if r.id not in served]


_SCHEDULES = (
    (LSM.GUIDED_LOCAL_SEARCH, 0.1, False),
    (LSM.GUIDED_LOCAL_SEARCH, 0.05, True),
    (LSM.SIMULATED_ANNEALING, 0.1, True),
    (LSM.GUIDED_LOCAL_SEARCH, 0.2, True),
    (LSM.TABU_SEARCH, 0.1, False),
)
LNS_SHARE = 0.75
"""Share of the time limit for one LNS chunk (then OR-Tools polishes from its best plan)."""

_FIRST = (
    FSS.LOCAL_CHEAPEST_INSERTION,
    FSS.LOCAL_CHEAPEST_COST_INSERTION,
    FSS.PARALLEL_CHEAPEST_INSERTION,
)


def _ortools(
    model: _Model,
    start: list[list[Visit]] | None,
    budget: float,
    seed: int,
    rounds: int,
) -> list[list[Visit]] | None:
    """OR-Tools rounds (first solution or warm start, then metaheuristics) within ``budget`` s."""
    routing = model.routing
    rng = random.Random(seed)
    deadline = time.perf_counter() + budget
    best: pywrapcp.Assignment | None = None  # a copy: the model reuses its own assignments
    best_obj = math.inf
    if start is not None:
        read = routing.ReadAssignmentFromRoutes(model.index_routes(start), True)
        if read is not None:
            best = routing.solver().Assignment(read)
            best_obj = float(read.ObjectiveValue())
        else:
            log.debug("warm start not accepted by the OR-Tools model; solving from scratch")
    order = list(range(len(_SCHEDULES)))
    shift = seed % len(order)
    order = order[shift:] + order[:shift]
    first_i = seed % 2  # the third strategy only when these find nothing
    r = 0
    while True:
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        meta, lam, full = _SCHEDULES[order[r % len(order)]]
        lam = lam * (0.8 + 0.4 * rng.random()) if r else lam
        budget_r = left if r >= rounds - 1 else max(0.5, left / (rounds - r))
        params = _params(budget_r, first=_FIRST[first_i], meta=meta, lam=lam, full_lns=full)
        found = (
            routing.SolveWithParameters(params)
            if best is None
            else routing.SolveFromAssignmentWithParameters(best, params)
        )
        if found is not None:
            obj = float(found.ObjectiveValue())
            if obj <= best_obj:
                best, best_obj = routing.solver().Assignment(found), obj
        elif best is None:
            first_i = (first_i + 1) % len(_FIRST)  # no first solution: try another strategy
        r += 1
    return None if best is None else model.visit_routes(best)


def plan_objective(problem: Problem, routes: Sequence[Sequence[Visit]]) -> float:
    """Float objective of visit sequences (fleet order): cost, fixed costs, penalties (1e9 if mandatory)."""
    total = 0.0
    for veh, visits in zip(problem.vehicles, routes, strict=False):
        if visits:
            total += route_cost(problem, veh, visits) + veh.fixed_cost
    for rid in _rejected(problem, routes):
        pen = problem.penalty_of(problem.request(rid))
        total += 1e9 if pen is None else pen
    return total


def _search(
    problem: Problem,
    time_limit: float,
    seed: int,
    initial: list[list[Visit]] | None,
    rounds: int,
) -> tuple[list[list[Visit]] | None, float, str]:
    """One worker: OR-Tools first (15 % of the time), then cycles of own LNS and OR-Tools polish."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    model = _Model(problem)
    log.debug("model built in %.2f s (%d nodes)", time.perf_counter() - t0, model.n_nodes)
    windows = [tightened_windows(problem, r) for r in problem.requests]
    left = deadline - time.perf_counter()
    routes = _ortools(model, initial, 0.15 * left if left > 2 else 0.5 * left, seed, rounds)
    candidates: list[tuple[float, list[list[Visit]]]] = []
    if routes is not None:
        candidates.append((plan_objective(problem, routes), routes))
    # alternate own LNS and OR-Tools local search from the best plan so far; workers differ in
    # seed, first-solution strategy and annealing temperature
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
            polished = _ortools(model, best, polish_time, seed + 1 + cycle, 1)
            if polished is not None:
                candidates.append((plan_objective(problem, polished), polished))
        stale = stale + 1 if min(c[0] for c in candidates) >= before - 1e-9 else 0
        cycle += 1
    if not candidates:
        return None, math.inf, "NO_SOLUTION"
    log.debug("worker %d candidates: %s", seed, [round(c[0], 3) for c in candidates])
    ids = [v.id for v in problem.vehicles]
    for obj, routes in sorted(candidates, key=lambda c: c[0]):
        if not check_routes(problem, routes, rejected=_rejected(problem, routes), vehicle_ids=ids):
            return routes, obj, "FEASIBLE"
        log.warning("a candidate plan failed the feasibility check; trying the next one")
    return None, math.inf, "NO_FEASIBLE_PLAN"


def _as_routes(
    problem: Problem, initial: Solution | Sequence[Sequence[Visit]] | None
) -> list[list[Visit]] | None:
    if initial is None:
        return None
    if isinstance(initial, Solution):
        by_vehicle = {r.vehicle_id: list(r.visits) for r in initial.routes}
        return [by_vehicle.get(v.id, []) for v in problem.vehicles]
    return [list(r) for r in initial]


def _worker(
    args: tuple[Problem, float, int, list[list[Visit]] | None, int],
) -> tuple[list[list[Visit]] | None, float, str]:
    return _search(*args)


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    initial: Solution | Sequence[Sequence[Visit]] | None = None,
    workers: int = 1,
    rounds: int = 3,
) -> Solution:
    """Solve with OR-Tools; see :func:`transit.routing.dispatch.problem.solve` (``rounds``: improvement rounds)."""
    t0 = time.perf_counter()
    start = _as_routes(problem, initial)
    jobs = [(problem, time_limit, seed + k, start, rounds) for k in range(max(1, workers))]
    if len(jobs) == 1:
        results = [_worker(jobs[0])]
    else:
        # extra workers in child processes (fork where available: no re-import of __main__);
        # worker 0 runs here meanwhile
        methods = mp.get_all_start_methods()
        ctx = mp.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(max_workers=len(jobs) - 1, mp_context=ctx) as pool:
            futures = [pool.submit(_worker, job) for job in jobs[1:]]
            results = [_worker(jobs[0])]
            results.extend(f.result() for f in futures)
    best: Solution | None = None
    for routes, _obj, status in results:
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
