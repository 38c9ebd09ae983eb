"""The one schedule kernel of dial-a-ride routes: task arrays, earliest feasible schedules, costs.

Everything that plans or re-plans routes asks here: the large-neighbourhood search
(:mod:`~transit.routing.dispatch.lns`), the insertion heuristics
(:mod:`~transit.routing.dispatch.insertion`) and the day simulator (its online insertion, its
vehicle schedules and its plan costs). The independent checker
(:mod:`~transit.routing.dispatch.checker`) shares no code with it.

A route is a sequence of *task ids* over :class:`Tasks`: task ``2r`` is request ``r``'s pickup,
``2r + 1`` its delivery. A :class:`RouteFrame` says where and when the vehicle starts, where and
by when it must end, and what it already carries. :func:`schedule` finds the **earliest feasible
schedule** (time windows, service times, capacity, maximum ride times with the least pickup
delay, maximum route duration, return by the end of the shift) by an earliest-start fixpoint
over the route's difference constraints: forward passes push service starts later, ride-time
and duration limits pull pickups and the departure later; a start beyond its window end means
no schedule exists. Times are in the problem's time unit; values are plain Python lists (the
inner loops are scalar and short).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from transit.routing.dispatch import units
from transit.routing.dispatch.problem import PICKUP, Problem, Request

INF = math.inf
EPS = 1e-6
"""Tolerance on time comparisons (problem time unit)."""

Windows = tuple[tuple[float, float], tuple[float, float]]
"""A request's (pickup, delivery) service-start windows."""


@dataclass(frozen=True, eq=False)
class Tasks:
    """Task data of a list of requests (task ``2r`` = pickup of request ``r``, ``2r + 1`` its
    delivery), as tuples indexed by task id.

    Attributes
    ----------
    pos : matrix node of each task.
    lo, hi : earliest and latest service start of each task.
    svc : service duration of each task.
    load : seats taken (+) at a pickup, freed (-) at a delivery.
    lim : per request, pickup service + maximum ride time (``inf`` = no limit).
    """

    pos: tuple[int, ...]
    lo: tuple[float, ...]
    hi: tuple[float, ...]
    svc: tuple[float, ...]
    load: tuple[int, ...]
    lim: tuple[float, ...]

    def rounded(self, scale: float) -> Tasks:
        """The tasks in the solver's rounding (:mod:`~transit.routing.dispatch.units`): service
        times and window openings up, window ends and ride limits down."""
        return Tasks(
            self.pos,
            tuple(units.round_up(x, scale) for x in self.lo),
            tuple(units.round_down(x, scale) for x in self.hi),
            tuple(units.round_up(x, scale) for x in self.svc),
            self.load,
            tuple(units.round_down(x, scale) for x in self.lim),
        )

    def on_nodes(self, local: Mapping[int, int]) -> Tasks:
        """The same tasks with their nodes renumbered by ``local`` (a sub-matrix)."""
        return Tasks(
            tuple(local[p] for p in self.pos), self.lo, self.hi, self.svc, self.load, self.lim
        )


def tasks_of(requests: Sequence[Request], windows: Sequence[Windows] | None = None) -> Tasks:
    """The task arrays of ``requests`` (in order), with their own windows or ``windows``.

    Without ``windows``, a request already picked up (``picked_up_at``) gets its ride limit as
    the end of its delivery window.
    """
    pos: list[int] = []
    lo: list[float] = []
    hi: list[float] = []
    svc: list[float] = []
    load: list[int] = []
    lim: list[float] = []
    for i, r in enumerate(requests):
        (plo, phi), (dlo, dhi) = windows[i] if windows is not None else _own_windows(r)
        pos += [r.pickup, r.delivery]
        lo += [plo, dlo]
        hi += [phi, dhi]
        svc += [r.pickup_service, r.delivery_service]
        load += [r.load, -r.load]
        lim.append(INF if r.max_ride is None else r.pickup_service + r.max_ride)
    return Tasks(tuple(pos), tuple(lo), tuple(hi), tuple(svc), tuple(load), tuple(lim))


def _own_windows(r: Request) -> Windows:
    dlo, dhi = r.delivery_window
    if r.picked_up_at is not None and r.max_ride is not None:
        dhi = min(dhi, r.picked_up_at + r.pickup_service + r.max_ride)
    return r.pickup_window, (dlo, dhi)


@dataclass(frozen=True)
class RouteFrame:
    """Where and when a vehicle's route begins and must end, and what the vehicle carries.

    Attributes
    ----------
    start, end : matrix nodes where the route starts (the vehicle's position) and ends (depot).
    ready : earliest departure from ``start``.
    close : latest arrival at ``end``.
    capacity : seats.
    load : seats taken at the start (passengers on board).
    max_duration : longest route (arrival at ``end`` minus departure), ``inf`` = none.
    limits : latest service start of some tasks beyond their windows (the ride limit of a
        passenger on board, whose pickup is done), by task id.
    fixed_cost : cost of using the vehicle at all.
    committed : length of the fixed route prefix (nothing is inserted before it).
    must_return : whether the vehicle drives back to ``end`` even with no task (the simulator:
        it is out on the road); ``False`` = an unused vehicle stays where it is and costs nothing.
    """

    start: int
    end: int
    capacity: int
    ready: float = 0.0
    close: float = INF
    load: int = 0
    max_duration: float = INF
    limits: Mapping[int, float] = field(default_factory=dict)
    fixed_cost: float = 0.0
    committed: int = 0
    must_return: bool = False


def frames_of(problem: Problem) -> list[RouteFrame]:
    """One :class:`RouteFrame` per vehicle of ``problem`` (fleet order), on its own data."""
    return [
        RouteFrame(
            start=v.start,
            end=v.end,
            capacity=v.capacity,
            ready=v.shift[0],
            close=v.shift[1],
            load=sum(problem.request(r).load for r in v.onboard),
            max_duration=INF if v.max_duration is None else v.max_duration,
            fixed_cost=v.fixed_cost,
            committed=len(v.committed),
        )
        for v in problem.vehicles
    ]


def rounded_frame(frame: RouteFrame, scale: float) -> RouteFrame:
    """A frame in the solver's rounding: departure up, shift end and duration limit down."""
    return RouteFrame(
        start=frame.start,
        end=frame.end,
        capacity=frame.capacity,
        ready=units.round_up(frame.ready, scale),
        close=units.round_down(frame.close, scale),
        load=frame.load,
        max_duration=units.round_down(frame.max_duration, scale),
        limits={t: units.round_down(x, scale) for t, x in frame.limits.items()},
        fixed_cost=frame.fixed_cost,
        committed=frame.committed,
        must_return=frame.must_return,
    )


def task_id(index: int, kind: str) -> int:
    """The task id of request number ``index``'s pickup or delivery."""
    return 2 * index + (0 if kind == PICKUP else 1)


# --- schedules --------------------------------------------------------------------------------


def schedule(
    tasks: Tasks, tt: Sequence[Sequence[float]], frame: RouteFrame, seq: Sequence[int]
) -> list[float] | None:
    """The earliest feasible schedule of route ``seq``, or ``None`` when there is none.

    Returns
    -------
    list of float or None
        ``n + 2`` times: the departure from ``frame.start``, the service start of each task, the
        arrival at ``frame.end``. An empty route departs and arrives at ``frame.ready`` (with
        ``frame.must_return``: arrives after the drive back, and must be back by the close).
    """
    n = len(seq)
    if n == 0:
        if frame.load > frame.capacity:
            return None
        if not frame.must_return:
            return [frame.ready, frame.ready]
        back = frame.ready + tt[frame.start][frame.end]
        return None if back > frame.close + EPS else [frame.ready, back]
    first = _first_pass(tasks, tt, frame, seq)
    if first is None:
        return None
    x, rides = first
    if not rides and frame.max_duration >= INF:
        return x
    pos = [frame.start, *[tasks.pos[t] for t in seq], frame.end]
    svc = [0.0, *[tasks.svc[t] for t in seq]]
    hi = [INF, *[tasks.hi[t] for t in seq], frame.close]
    for t, limit in frame.limits.items():
        if t in seq:
            k = seq.index(t) + 1
            hi[k] = min(hi[k], limit)
    return _fixpoint(x, rides, pos, svc, hi, tt, frame.max_duration)


def _first_pass(
    tasks: Tasks, tt: Sequence[Sequence[float]], frame: RouteFrame, seq: Sequence[int]
) -> tuple[list[float], list[tuple[int, int, float]]] | None:
    """The forward pass: earliest starts by travel and window openings, ``None`` at the first
    window end or seat count broken; also the rides inside the route (pickup position, delivery
    position, limit)."""
    pos, lo, hi, svc, ld, lim = tasks.pos, tasks.lo, tasks.hi, tasks.svc, tasks.load, tasks.lim
    limits = frame.limits
    load, cap = frame.load, frame.capacity
    x = [frame.ready]
    rides: list[tuple[int, int, float]] = []
    where: dict[int, int] = {}
    prev_pos, prev_end = frame.start, frame.ready
    for k, t in enumerate(seq, start=1):
        load += ld[t]
        if load > cap:
            return None
        p = pos[t]
        val = prev_end + tt[prev_pos][p]
        start = val if val > lo[t] else lo[t]
        end_hi = hi[t]
        if limits and t in limits:
            end_hi = min(end_hi, limits[t])
        if start > end_hi + EPS:
            return None
        x.append(start)
        r = t >> 1
        if t & 1 == 0:
            where[r] = k
        elif r in where and lim[r] < INF:
            rides.append((where[r], k, lim[r]))
        prev_pos, prev_end = p, start + svc[t]
    val = prev_end + tt[prev_pos][frame.end]
    arrive = val if val > 0.0 else 0.0
    if arrive > frame.close + EPS:
        return None
    x.append(arrive)
    return x, rides


def _fixpoint(
    x: list[float],
    rides: list[tuple[int, int, float]],
    pos: list[int],
    svc: list[float],
    hi: list[float],
    tt: Sequence[Sequence[float]],
    dur: float,
) -> list[float] | None:
    """Pull pickups later for ride limits and the departure later for the duration limit, then
    push the rest of the route forward again, until nothing moves (``None``: a window breaks)."""
    n = len(x) - 2
    start_k = n + 2
    for _ in range(n + 3):
        for k in range(start_k, n + 2):
            val = x[k - 1] + svc[k - 1] + tt[pos[k - 1]][pos[k]]
            x[k] = max(x[k], val)
            if x[k] > hi[k] + EPS:
                return None
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
            return x
        if x[first] > hi[first] + EPS:
            return None
        start_k = first + 1
    return None


def forward(
    tasks: Tasks, tt: Sequence[Sequence[float]], frame: RouteFrame, seq: Sequence[int]
) -> list[float]:
    """Earliest service starts ignoring ride and duration limits (and window ends): departure,
    tasks…, arrival at the end."""
    x = [frame.ready]
    prev_pos, prev_svc = frame.start, 0.0
    for t in seq:
        p = tasks.pos[t]
        x.append(max(tasks.lo[t], x[-1] + prev_svc + tt[prev_pos][p]))
        prev_pos, prev_svc = p, tasks.svc[t]
    x.append(x[-1] + prev_svc + tt[prev_pos][frame.end])
    return x


def latest(
    tasks: Tasks, tt: Sequence[Sequence[float]], frame: RouteFrame, seq: Sequence[int]
) -> list[float]:
    """Latest service starts that keep every later window (task windows and the close) reachable,
    ignoring ride limits: tasks…, arrival at the end (``n + 1`` values)."""
    n = len(seq)
    ls = [0.0] * (n + 2)
    ls[n + 1] = frame.close
    pos = [frame.start, *(tasks.pos[t] for t in seq), frame.end]
    for k in range(n, 0, -1):
        t = seq[k - 1]
        ls[k] = min(tasks.hi[t], ls[k + 1] - tasks.svc[t] - tt[pos[k]][pos[k + 1]])
    return ls[1:]


def route_cost(
    tasks: Tasks, cost: Sequence[Sequence[float]], frame: RouteFrame, seq: Sequence[int]
) -> float:
    """The route's cost: fixed cost plus the cost matrix summed over start → tasks → end; an
    empty route costs nothing (``frame.must_return``: the drive back)."""
    if not seq:
        return frame.fixed_cost + cost[frame.start][frame.end] if frame.must_return else 0.0
    prev = frame.start
    total = frame.fixed_cost
    for t in seq:
        p = tasks.pos[t]
        total += cost[prev][p]
        prev = p
    return total + cost[prev][frame.end]


# --- implied windows --------------------------------------------------------------------------


def tightened_windows(problem: Problem, req: Request) -> Windows:
    """Pickup and delivery windows tightened by implied constraints (direct travel, ride limit,
    shifts).

    ``pickup.hi <= delivery.hi - service - direct``, ``delivery.lo >= pickup.lo + service +
    direct``, ``pickup.lo >= delivery.lo - service - L`` and ``delivery.hi <= pickup.hi + service
    + L``; the pickup cannot start before some vehicle can reach it, the delivery must leave time
    to reach some vehicle's end. Valid for every feasible plan; they guide the insertion
    heuristics.
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


@dataclass(frozen=True, eq=False)
class SolverData:
    """A problem as the local search sees it: tasks and frames in solver rounding on the
    sub-matrix of the nodes in use (``tt``/``cost`` as lists of rows, ``cost_array`` as NumPy)."""

    tasks: Tasks
    frames: tuple[RouteFrame, ...]
    tt: list[list[float]]
    cost: list[list[float]]
    tt_array: npt.NDArray[np.float64]
    cost_array: npt.NDArray[np.float64]


def solver_data(problem: Problem, windows: Sequence[Windows]) -> SolverData:
    """:class:`SolverData` of a problem with the given (possibly tightened) windows.

    Times are rounded like the OR-Tools model (travel and service up, window ends down), so that a
    plan found on them is also a valid warm start there; the simulator's matrix may be a whole
    network, so only the nodes in use are kept.
    """
    tasks = tasks_of(problem.requests, windows)
    frames = frames_of(problem)
    used = sorted({*tasks.pos, *(f.start for f in frames), *(f.end for f in frames)})
    local = {node: k for k, node in enumerate(used)}
    scale = problem.scale
    tasks = tasks.on_nodes(local).rounded(scale)
    frames = [
        rounded_frame(dataclasses.replace(f, start=local[f.start], end=local[f.end]), scale)
        for f in frames
    ]
    ix = np.ix_(used, used)
    tt = units.matrix_round_up(problem.travel_time[ix], scale)
    cost = np.ascontiguousarray(problem.cost[ix])
    return SolverData(tasks, tuple(frames), tt.tolist(), cost.tolist(), tt, cost)
