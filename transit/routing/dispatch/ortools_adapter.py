"""OR-Tools adapter for the dial-a-ride solver (the only module importing ``ortools``).

Model (see ``docs/dispatch-solver.md``): one OR-Tools node per task (pickup / delivery; a passenger
already on board has only a delivery) and a start/end node per vehicle; pickup–delivery pairs with
``VehicleVar(p) == VehicleVar(d)`` and ``CumulVar(time, p) <= CumulVar(time, d)``; a capacity
dimension whose start cumul is the on-board load; a time dimension with slack (waiting) whose
cumuls are the service starts, with time windows (tightened by implied constraints,
:func:`~transit.routing.dispatch.kernel.tightened_windows`) as cumul ranges, the vehicle shift on
the start / end cumuls, ``SetSpanUpperBoundForVehicle`` for the maximum route duration and the
maximum ride time as an explicit ``solver.Add(CumulVar(d) <= CumulVar(p) + service(p) + L)``;
optional requests as disjunctions with a penalty; committed prefixes as fixed ``NextVar`` chains;
warm start through ``ReadAssignmentFromRoutes``.

Times and costs are scaled by ``Problem.scale`` and rounded conservatively
(:mod:`~transit.routing.dispatch.units`: travel and service times up, window ends and ride
limits down). :func:`search` runs OR-Tools rounds (first solution or warm start, then
metaheuristics) on a :class:`Model`; :func:`transit.routing.dispatch.solver.solve` alternates
them with the own local search and re-checks every plan.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from transit.core.errors import WorkError
from transit.routing.dispatch import units
from transit.routing.dispatch.kernel import tightened_windows
from transit.routing.dispatch.problem import DELIVERY, INF, PICKUP, Problem, Visit

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


def _tasks(problem: Problem, onboard: dict[str, int]) -> list[_Task]:
    """One task per pickup and delivery (a passenger on board has only a delivery), with the
    windows tightened by implied constraints; a mandatory task whose window cannot be met is an
    error."""
    tasks: list[_Task] = []
    for req in problem.requests:
        (plo, phi), (dlo, dhi) = tightened_windows(problem, req)
        if req.id not in onboard:
            tasks.append(_Task(req.id, PICKUP, req.pickup, plo, phi, req.pickup_service, req.load))
        tasks.append(
            _Task(req.id, DELIVERY, req.delivery, dlo, dhi, req.delivery_service, -req.load)
        )
    for t in tasks:
        req = problem.request(t.request_id)
        if t.lo > t.hi + 1e-9 and problem.penalty_of(req) is None:
            raise WorkError(
                f"request {req.id} cannot be served by any vehicle: its {t.kind} window "
                f"cannot be met (travel times, ride limit or shifts); it is mandatory"
            )
    return tasks


class Model:
    """The OR-Tools routing model of a problem, with its index maps.

    OR-Tools nodes: ``0..nv-1`` the vehicles' starts, ``nv..2nv-1`` their ends, then the tasks.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        nv = len(problem.vehicles)
        self.nv = nv
        self.onboard = {rid: vi for vi, v in enumerate(problem.vehicles) for rid in v.onboard}
        self.tasks = tasks = _tasks(problem, self.onboard)
        self.n_nodes = 2 * nv + len(tasks)
        self.node_of: dict[tuple[str, str], int] = {
            (t.request_id, t.kind): 2 * nv + i for i, t in enumerate(tasks)
        }
        self._matrices()
        self.manager = pywrapcp.RoutingIndexManager(
            self.n_nodes, nv, list(range(nv)), list(range(nv, 2 * nv))
        )
        self.routing = routing = pywrapcp.RoutingModel(self.manager)
        routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(self.cost_matrix))
        time_cb = routing.RegisterTransitMatrix(self.time_matrix)
        routing.AddDimension(time_cb, self.horizon, self.horizon, False, "time")
        self.time = routing.GetDimensionOrDie("time")
        loads = [0] * (2 * nv) + [t.load for t in tasks]
        routing.AddDimensionWithVehicleCapacity(
            routing.RegisterUnaryTransitVector(loads),
            0,
            [v.capacity for v in problem.vehicles],
            False,
            "load",
        )
        self._vehicles(routing.GetDimensionOrDie("load"))
        self._windows()
        self._pairs()
        self._committed()
        for vi in range(nv):
            routing.AddVariableMinimizedByFinalizer(self.time.CumulVar(routing.Start(vi)))
            routing.AddVariableMinimizedByFinalizer(self.time.CumulVar(routing.End(vi)))

    def _matrices(self) -> None:
        """Time (travel + service at the origin) and cost matrices in solver units, horizon."""
        problem, nv, tasks = self.problem, self.nv, self.tasks
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
        sub_tt = units.matrix_up(tt[np.ix_(idx, idx)], scale)
        svc = units.matrix_up(np.asarray(service), scale)
        self.time_matrix = (sub_tt + svc[:, None]).astype(np.int64).tolist()
        self.cost_matrix = units.cost_units(cost[np.ix_(idx, idx)], scale).tolist()
        for v in range(nv):  # an empty route (start -> end) is free in OR-Tools anyway
            self.time_matrix[v][nv + v] = 0

    def lo_of(self, x: float) -> int:
        """A window opening in solver units (up, not below 0)."""
        return max(0, units.up(x, self.problem.scale))

    def hi_of(self, x: float) -> int:
        """A window end or limit in solver units (down, at most the horizon)."""
        return self.horizon if x >= INF else min(self.horizon, units.down(x, self.problem.scale))

    def _vehicles(self, load_dim: pywrapcp.RoutingDimension) -> None:
        """Shifts, route durations, on-board loads and fixed costs."""
        routing, problem = self.routing, self.problem
        for vi, veh in enumerate(problem.vehicles):
            s, e = routing.Start(vi), routing.End(vi)
            self.time.CumulVar(s).SetRange(self.lo_of(veh.shift[0]), self.horizon)
            self.time.CumulVar(e).SetRange(0, self.hi_of(veh.shift[1]))
            if veh.max_duration is not None:
                self.time.SetSpanUpperBoundForVehicle(self.hi_of(veh.max_duration), vi)
            load_dim.CumulVar(s).SetValue(sum(problem.request(r).load for r in veh.onboard))
            if veh.fixed_cost:
                routing.SetFixedCostOfVehicle(round(veh.fixed_cost * problem.scale), vi)

    def _windows(self) -> None:
        """Task windows as cumul ranges; a task whose window is empty in solver units is off."""
        m, nv = self.manager, self.nv
        self.impossible = {t.request_id for t in self.tasks if self.lo_of(t.lo) > self.hi_of(t.hi)}
        for i, t in enumerate(self.tasks):
            idx = m.NodeToIndex(2 * nv + i)
            if t.request_id in self.impossible:
                self.routing.ActiveVar(idx).SetValue(0)  # windows cannot be met: always rejected
            else:
                self.time.CumulVar(idx).SetRange(self.lo_of(t.lo), self.hi_of(t.hi))

    def _pairs(self) -> None:
        """Pickup-delivery pairs, ride limits, and disjunctions (rejection penalties)."""
        problem, routing, m, time_dim = self.problem, self.routing, self.manager, self.time
        solver = routing.solver()
        self.pairs: list[tuple[int, int]] = []
        committed = problem.committed_ids()
        max_arc = max((max(row) for row in self.cost_matrix), default=1)
        self.big = min(10**13, 100 * max(1, max_arc) * (len(self.tasks) + 2))
        for req in problem.requests:
            d = m.NodeToIndex(self.node_of[(req.id, DELIVERY)])
            pen = problem.penalty_of(req)
            if req.id in self.onboard:
                routing.VehicleVar(d).SetValues([-1, self.onboard[req.id]])
                if req.id not in committed:
                    routing.AddDisjunction([d], 2 * self.big)
                continue
            p = m.NodeToIndex(self.node_of[(req.id, PICKUP)])
            routing.AddPickupAndDelivery(p, d)
            solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
            solver.Add(time_dim.CumulVar(p) <= time_dim.CumulVar(d))
            if req.max_ride is not None:
                limit = units.down(req.pickup_service + req.max_ride, problem.scale)
                solver.Add(time_dim.CumulVar(d) <= time_dim.CumulVar(p) + limit)
            if req.id not in committed:
                # mandatory requests get a huge penalty: insertion heuristics may then leave a
                # request out instead of failing, and the search puts it back in
                half = self.big if pen is None else max(1, round(pen * problem.scale / 2))
                routing.AddDisjunction([p], half)
                routing.AddDisjunction([d], half)
                solver.Add(routing.ActiveVar(p) == routing.ActiveVar(d))
            self.pairs.append((p, d))

    def _committed(self) -> None:
        """Committed prefixes as fixed ``NextVar`` chains."""
        routing, m = self.routing, self.manager
        solver = routing.solver()
        for vi, veh in enumerate(self.problem.vehicles):
            prev = routing.Start(vi)
            for visit in veh.committed:
                nxt = m.NodeToIndex(self.node_of[(visit.request_id, visit.kind)])
                solver.Add(routing.NextVar(prev) == nxt)
                routing.VehicleVar(nxt).SetValues([-1, vi])
                prev = nxt

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


_SCHEDULES = (
    (LSM.GUIDED_LOCAL_SEARCH, 0.1, False),
    (LSM.GUIDED_LOCAL_SEARCH, 0.05, True),
    (LSM.SIMULATED_ANNEALING, 0.1, True),
    (LSM.GUIDED_LOCAL_SEARCH, 0.2, True),
    (LSM.TABU_SEARCH, 0.1, False),
)
_FIRST = (
    FSS.LOCAL_CHEAPEST_INSERTION,
    FSS.LOCAL_CHEAPEST_COST_INSERTION,
    FSS.PARALLEL_CHEAPEST_INSERTION,
)


def search(
    model: Model,
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
