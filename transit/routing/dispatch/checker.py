"""Independent feasibility checker for dial-a-ride plans (no OR-Tools, no code shared with the
schedule kernel :mod:`transit.routing.dispatch.kernel`).

Each route is a simple temporal network over its service-start times: precedence along the route
(``start[k+1] >= start[k] + service[k] + travel``), time windows, maximum ride times, maximum route
duration and the vehicle shift. A schedule exists iff the constraint graph has no negative cycle
(Bellman–Ford). Structural rules (each request served once, pickup before delivery on the same
vehicle, on-board passengers, committed prefixes, capacity) are checked directly.

:func:`check` returns a list of :class:`Violation` (empty = feasible), each of a kind of the
:data:`VIOLATIONS` catalogue (documented in ``docs/notices.md``); :func:`schedule_route` computes
the earliest feasible schedule of one route, used to report times in a :class:`Solution`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from transit.core.notices import Notice, NoticeCatalogue, Severity
from transit.routing.dispatch.problem import (
    DELIVERY,
    INF,
    PICKUP,
    Problem,
    ScheduledVisit,
    Solution,
    Vehicle,
    VehicleRoute,
    Visit,
)

TOL = 1e-6
"""Tolerance on time comparisons (problem time unit)."""

_E = Severity.ERROR
VIOLATIONS = NoticeCatalogue(
    "Dispatch plan violations (checker)",
    {
        "unknown_request": (_E, "A route visits a request that is not in the problem."),
        "unknown_vehicle": (_E, "A route belongs to a vehicle that is not in the problem."),
        "served_twice": (_E, "The pickup or the delivery of a request appears twice in the plan."),
        "not_served": (
            _E,
            "A request is neither served nor rejected, or a mandatory request is rejected.",
        ),
        "rejected_but_served": (_E, "A request is listed as rejected but a route serves it."),
        "delivery_before_pickup": (_E, "A route delivers a request before it picks it up."),
        "different_vehicles": (
            _E,
            "A request is not picked up and delivered by the same vehicle (or only one of the two).",
        ),
        "onboard": (
            _E,
            "A passenger already on board is picked up again, or its vehicle does not deliver it.",
        ),
        "committed": (_E, "A route does not start with the stops its vehicle is committed to."),
        "capacity": (_E, "A vehicle carries more passengers than it has seats."),
        "time_window": (
            _E,
            "A service cannot start within its window, or the vehicle cannot be back by its shift end.",
        ),
        "ride_time": (_E, "No schedule keeps every ride within its maximum ride time."),
        "route_duration": (_E, "No schedule keeps the route within its maximum duration."),
        "cost": (_E, "The cost stated with a plan differs from the cost of its routes."),
    },
)
"""The kinds of broken rules the checker reports: every kind is an ERROR (the plan cannot be run)."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``kind`` (a code of :data:`VIOLATIONS`), a message, and where."""

    kind: str
    message: str
    vehicle_id: str | None = None
    request_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in VIOLATIONS:
            raise KeyError(f"unknown violation kind {self.kind!r}")

    def notice(self) -> Notice:
        """The violation as a :class:`~transit.core.notices.Notice` of :data:`VIOLATIONS`."""
        return VIOLATIONS.notice(self.kind, self.message)


@dataclass(frozen=True)
class _Node:
    lo: float
    hi: float
    service: float
    pos: int  # matrix node


def _route_nodes(problem: Problem, vehicle: Vehicle, visits: Sequence[Visit]) -> list[_Node]:
    """STN variables: 0 = departure from start, 1..m = service starts, m+1 = arrival at end."""
    nodes = [_Node(vehicle.shift[0], INF, 0.0, vehicle.start)]
    for v in visits:
        req = problem.request(v.request_id)
        if v.kind == PICKUP:
            lo, hi = req.pickup_window
            nodes.append(_Node(lo, hi, req.pickup_service, req.pickup))
        else:
            lo, hi = req.delivery_window
            if req.picked_up_at is not None and req.max_ride is not None:
                hi = min(hi, req.picked_up_at + req.pickup_service + req.max_ride)
            nodes.append(_Node(lo, hi, req.delivery_service, req.delivery))
    nodes.append(_Node(0.0, vehicle.shift[1], 0.0, vehicle.end))
    return nodes


def _edges(
    problem: Problem,
    vehicle: Vehicle,
    visits: Sequence[Visit],
    nodes: list[_Node],
    *,
    ride: bool,
    duration: bool,
) -> list[tuple[int, int, float]]:
    """Difference constraints ``x_j - x_i <= w`` as edges (i, j, w); variable ``z`` = len(nodes)."""
    z = len(nodes)
    tt = problem.travel_time
    edges: list[tuple[int, int, float]] = []
    for k, nd in enumerate(nodes):
        edges.append((k, z, -nd.lo))  # z - x_k <= -lo
        if nd.hi < INF:
            edges.append((z, k, nd.hi))  # x_k - z <= hi
        if k + 1 < len(nodes):
            # x_k - x_{k+1} <= -(service + travel)
            edges.append((k + 1, k, -(nd.service + float(tt[nd.pos, nodes[k + 1].pos]))))
    if ride:
        where: dict[str, int] = {}
        for k, v in enumerate(visits, start=1):
            if v.kind == PICKUP:
                where[v.request_id] = k
            else:
                req = problem.request(v.request_id)
                p = where.get(v.request_id)
                if p is not None and req.max_ride is not None:
                    edges.append((p, k, req.pickup_service + req.max_ride))
    if duration and vehicle.max_duration is not None:
        edges.append((0, len(nodes) - 1, vehicle.max_duration))
    return edges


def _earliest(n_vars: int, edges: list[tuple[int, int, float]]) -> list[float] | None:
    """Earliest solution of the STN (``None`` if infeasible): x_i = -dist(i → z)."""
    z = n_vars
    dist = [INF] * (n_vars + 1)
    dist[z] = 0.0
    rev = [(j, i, w) for i, j, w in edges]  # shortest paths *to* z = from z on reversed edges
    for _ in range(n_vars + 1):
        changed = False
        for i, j, w in rev:
            di = dist[i]
            if di < INF and di + w < dist[j] - 1e-12:
                dist[j] = di + w
                changed = True
        if not changed:
            break
    else:
        for i, j, w in rev:
            if dist[i] < INF and dist[i] + w < dist[j] - TOL:
                return None
    return [-d if d < INF else 0.0 for d in dist[:z]]


def _relax_hi(nodes: list[_Node]) -> list[_Node]:
    return [_Node(nd.lo, nd.hi + TOL, nd.service, nd.pos) for nd in nodes]


def schedule_route(
    problem: Problem, vehicle: Vehicle, visits: Sequence[Visit]
) -> VehicleRoute | None:
    """Earliest feasible schedule of a route, or ``None`` when no schedule exists.

    Returns a :class:`VehicleRoute` with each stop's arrival and service start (problem time unit),
    the departure from the start node, the arrival at the end node, its cost (cost matrix) and
    travel time. An empty route departs and arrives at ``vehicle.shift[0]`` at zero cost.
    """
    if not visits:
        return VehicleRoute(vehicle.id, (), vehicle.shift[0], vehicle.shift[0], 0.0, 0.0)
    nodes = _relax_hi(_route_nodes(problem, vehicle, visits))
    edges = _edges(problem, vehicle, visits, nodes, ride=True, duration=True)
    times = _earliest(len(nodes), edges)
    if times is None:
        return None
    # depart as late as the first service start allows (wait at the start node, not at the stop)
    tt = problem.travel_time
    times[0] = max(times[0], times[1] - nodes[0].service - float(tt[nodes[0].pos, nodes[1].pos]))
    cost = problem.cost
    stops: list[ScheduledVisit] = []
    total_cost = 0.0
    total_tt = 0.0
    for k, v in enumerate(visits, start=1):
        prev, nd = nodes[k - 1], nodes[k]
        leg = float(tt[prev.pos, nd.pos])
        arrival = times[k - 1] + prev.service + leg
        stops.append(ScheduledVisit(v.request_id, v.kind, nd.pos, arrival, times[k]))
        total_cost += float(cost[prev.pos, nd.pos])
        total_tt += leg
    last, end = nodes[-2], nodes[-1]
    total_cost += float(cost[last.pos, end.pos])
    total_tt += float(tt[last.pos, end.pos])
    arrival_end = times[-2] + last.service + float(tt[last.pos, end.pos])
    return VehicleRoute(vehicle.id, tuple(stops), times[0], arrival_end, total_cost, total_tt)


def route_cost(problem: Problem, vehicle: Vehicle, visits: Sequence[Visit]) -> float:
    """Summed cost-matrix entries along start → visits → end (0 for an empty route)."""
    if not visits:
        return 0.0
    cost = problem.cost
    pos = [vehicle.start]
    for v in visits:
        req = problem.request(v.request_id)
        pos.append(req.pickup if v.kind == PICKUP else req.delivery)
    pos.append(vehicle.end)
    return float(sum(cost[a, b] for a, b in pairwise(pos)))


def _check_times(problem: Problem, vehicle: Vehicle, visits: Sequence[Visit]) -> list[Violation]:
    vid = vehicle.id
    nodes = _route_nodes(problem, vehicle, visits)
    # 1. time windows: the forward earliest schedule is the best any schedule can do for lateness
    tt = problem.travel_time
    t = nodes[0].lo
    for k in range(1, len(nodes)):
        prev, nd = nodes[k - 1], nodes[k]
        t = max(nd.lo, t + prev.service + float(tt[prev.pos, nd.pos]))
        if t > nd.hi + TOL:
            if k == len(nodes) - 1:
                return [
                    Violation(
                        "time_window",
                        f"vehicle {vid}: arrives at its end at {t:.3f} > shift end {nd.hi:.3f}",
                        vid,
                    )
                ]
            v = visits[k - 1]
            return [
                Violation(
                    "time_window",
                    f"vehicle {vid}: {v.kind} of {v.request_id} starts at {t:.3f} at the earliest > window end {nd.hi:.3f}",
                    vid,
                    v.request_id,
                )
            ]
    relaxed = _relax_hi(nodes)
    # 2. ride times
    edges = _edges(problem, vehicle, visits, relaxed, ride=True, duration=False)
    if _earliest(len(nodes), edges) is None:
        return [
            Violation(
                "ride_time",
                f"vehicle {vid}: no schedule keeps every ride within its maximum ride time",
                vid,
            )
        ]
    # 3. route duration
    edges = _edges(problem, vehicle, visits, relaxed, ride=True, duration=True)
    if _earliest(len(nodes), edges) is None:
        return [
            Violation(
                "route_duration",
                f"vehicle {vid}: no schedule keeps the route within {vehicle.max_duration}",
                vid,
            )
        ]
    return []


def check_routes(
    problem: Problem,
    routes: Sequence[Sequence[Visit]],
    *,
    rejected: Sequence[str] = (),
    vehicle_ids: Sequence[str] | None = None,
) -> list[Violation]:
    """Check plain routes (visit sequences), one per vehicle in ``vehicle_ids`` (default: fleet order).

    Returns every :class:`Violation` found (empty list = feasible).
    """
    ids = (
        list(vehicle_ids)
        if vehicle_ids is not None
        else [v.id for v in problem.vehicles][: len(routes)]
    )
    out: list[Violation] = []
    seen: dict[tuple[str, str], str] = {}  # (request, kind) -> vehicle
    for vid, visits in zip(ids, routes, strict=True):
        try:
            veh = problem.vehicle(vid)
        except KeyError:
            out.append(Violation("unknown_vehicle", f"vehicle {vid} is not in the problem", vid))
            continue
        found, picked = _check_visits(problem, veh, visits, seen)
        found += _check_route_ends(veh, visits, picked)
        out += found
        if not found:
            out.extend(_check_times(problem, veh, visits))
    out += _check_requests(problem, seen, set(rejected))
    return out


def _check_visits(
    problem: Problem, veh: Vehicle, visits: Sequence[Visit], seen: dict[tuple[str, str], str]
) -> tuple[list[Violation], set[str]]:
    """Rules of each visit in turn: known request, served once, pickup before delivery on the
    same vehicle, capacity. Returns the violations and the requests picked up."""
    vid = veh.id
    out: list[Violation] = []
    known = {r.id for r in problem.requests}
    load = sum(problem.request(r).load for r in veh.onboard)
    picked: set[str] = set()
    for pos, v in enumerate(visits):
        if v.request_id not in known:
            out.append(
                Violation(
                    "unknown_request",
                    f"vehicle {vid}: request {v.request_id} unknown",
                    vid,
                    v.request_id,
                )
            )
            continue
        key = (v.request_id, v.kind)
        if key in seen:
            out.append(
                Violation(
                    "served_twice", f"{v.kind} of {v.request_id} appears twice", vid, v.request_id
                )
            )
        seen[key] = vid
        req = problem.request(v.request_id)
        if v.kind == PICKUP:
            if v.request_id in veh.onboard or problem.onboard_vehicle(v.request_id):
                out.append(
                    Violation(
                        "onboard", f"request {v.request_id} is already on board", vid, v.request_id
                    )
                )
            picked.add(v.request_id)
            load += req.load
        else:
            if v.request_id not in picked and v.request_id not in veh.onboard:
                out.append(_unpicked_delivery(problem, vid, v.request_id, visits[pos + 1 :]))
            load -= req.load
        if load > veh.capacity:
            out.append(
                Violation(
                    "capacity",
                    f"vehicle {vid}: load {load} > capacity {veh.capacity} after {v.kind} of {v.request_id}",
                    vid,
                    v.request_id,
                )
            )
    return out, picked


def _unpicked_delivery(problem: Problem, vid: str, rid: str, later: Sequence[Visit]) -> Violation:
    """The violation of a delivery whose pickup was not done before on this vehicle."""
    if problem.onboard_vehicle(rid):
        return Violation(
            "different_vehicles",
            f"vehicle {vid} delivers {rid} carried by another vehicle",
            vid,
            rid,
        )
    if any(w.request_id == rid and w.kind == PICKUP for w in later):
        return Violation(
            "delivery_before_pickup",
            f"vehicle {vid}: delivery of {rid} before its pickup",
            vid,
            rid,
        )
    return Violation(
        "different_vehicles", f"vehicle {vid} delivers {rid} without picking it up", vid, rid
    )


def _check_route_ends(veh: Vehicle, visits: Sequence[Visit], picked: set[str]) -> list[Violation]:
    """Rules of the whole route: on-board passengers delivered, committed prefix kept, every
    pickup delivered."""
    vid = veh.id
    out: list[Violation] = []
    delivered = {w.request_id for w in visits if w.kind == DELIVERY}
    for rid in veh.onboard:
        if rid not in delivered:
            out.append(
                Violation(
                    "onboard", f"vehicle {vid} does not deliver on-board request {rid}", vid, rid
                )
            )
    if tuple(visits[: len(veh.committed)]) != veh.committed:
        out.append(
            Violation("committed", f"vehicle {vid} does not start with its committed stops", vid)
        )
    for rid in picked:
        if rid not in delivered:
            out.append(
                Violation(
                    "different_vehicles",
                    f"vehicle {vid} picks up {rid} but does not deliver it",
                    vid,
                    rid,
                )
            )
    return out


def _check_requests(
    problem: Problem, seen: dict[tuple[str, str], str], rejected: set[str]
) -> list[Violation]:
    """Every request is served or rejected (and only a request with a penalty may be)."""
    out: list[Violation] = []
    for req in problem.requests:
        served = (req.id, DELIVERY) in seen
        if req.id in rejected:
            if served or (req.id, PICKUP) in seen:
                out.append(
                    Violation(
                        "rejected_but_served",
                        f"request {req.id} is both rejected and served",
                        request_id=req.id,
                    )
                )
            elif problem.penalty_of(req) is None:
                out.append(
                    Violation(
                        "not_served", f"mandatory request {req.id} is rejected", request_id=req.id
                    )
                )
        elif not served:
            out.append(
                Violation(
                    "not_served",
                    f"request {req.id} is neither served nor rejected",
                    request_id=req.id,
                )
            )
    return out


def check(problem: Problem, solution: Solution, *, cost_tol: float = 1e-6) -> list[Violation]:
    """Check a solution: every rule of the problem, and that its stated cost is the routes' cost.

    Returns
    -------
    list of Violation
        Empty when the plan is feasible. Kinds: see :data:`VIOLATIONS`.
    """
    routes = [r.visits for r in solution.routes]
    ids = [r.vehicle_id for r in solution.routes]
    out = check_routes(problem, routes, rejected=solution.rejected, vehicle_ids=ids)
    total = 0.0
    for r in solution.routes:
        try:
            total += route_cost(problem, problem.vehicle(r.vehicle_id), r.visits)
        except KeyError:
            continue
    if abs(total - solution.cost) > cost_tol * max(1.0, abs(total)):
        out.append(
            Violation(
                "cost", f"stated cost {solution.cost:.6f} differs from the routes' cost {total:.6f}"
            )
        )
    return out
