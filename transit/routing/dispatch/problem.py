"""The dial-a-ride problem (DARP): immutable problem data and solutions (no solving here).

A :class:`Problem` is a travel-time matrix between *nodes* (integers indexing the matrix rows), a set
of :class:`Request` (pickup node → delivery node, with load, time windows, service times and a
maximum ride time) and a fleet of :class:`Vehicle` (capacity, start/end node, shift, maximum route
duration, passengers already on board, a committed route prefix).

Time unit
---------
All times (matrix entries, windows, service times, ride and route limits) share one unit, the
problem's ``time_unit``: **seconds** in the day simulator, **minutes** in the Cordeau (2006)
benchmark (where travel time = Euclidean distance, not rounded). Times may be floats; OR-Tools
works on integers, so the adapter multiplies by ``Problem.scale`` (integer solver units per time
unit; e.g. ``scale=1000`` for Cordeau's minutes with three decimals) and rounds *conservatively*
(travel and service times up, window ends down), so a plan found by OR-Tools is feasible on the
float data too (:mod:`transit.routing.dispatch.units`). Every plan
:func:`transit.routing.dispatch.solver.solve` returns is re-checked by
:func:`transit.routing.dispatch.checker.check`.

Cost
----
The objective is the summed ``cost`` matrix (the ``distance`` matrix when given, else travel time)
over all travelled arcs, plus the rejection penalty of every rejected request. An unused vehicle
(no stops) costs nothing.

Example
-------
>>> import numpy as np
>>> tt = np.array([[0.0, 5.0, 9.0], [5.0, 0.0, 4.0], [9.0, 4.0, 0.0]])
>>> req = Request("r1", pickup=1, delivery=2, max_ride=10.0)
>>> veh = Vehicle("v1", capacity=4, start=0, end=0)
>>> problem = Problem(tt, requests=(req,), vehicles=(veh,))
>>> from transit.routing.dispatch.solver import solve
>>> solution = solve(problem, time_limit=1.0, seed=1)  # doctest: +SKIP
>>> solution.cost  # doctest: +SKIP
18.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from transit.core.errors import InputError, InputErrors, Location

Kind = Literal["pickup", "delivery"]
PICKUP: Kind = "pickup"
DELIVERY: Kind = "delivery"
INF = math.inf


@dataclass(frozen=True)
class Request:
    """One ride: ``load`` passengers from node ``pickup`` to node ``delivery``.

    Attributes
    ----------
    id : str
        Unique request id.
    pickup, delivery : int
        Node indices (rows of the travel-time matrix).
    load : int
        Seats taken from pickup to delivery.
    pickup_window, delivery_window : (float, float)
        Earliest and latest *service start* at the pickup / delivery (``inf`` = open).
    pickup_service, delivery_service : float
        Service (boarding / alighting) durations.
    max_ride : float or None
        Maximum ride time: ``start(delivery) - (start(pickup) + pickup_service) <= max_ride``.
    penalty : float or None
        Rejection penalty overriding :attr:`Problem.penalty` (``None`` = use the problem's).
    picked_up_at : float or None
        For a passenger already on board: the service start of the (done) pickup. Used for the
        ride-time limit of the delivery-only task. ``None`` for a request not yet picked up.
    """

    id: str
    pickup: int
    delivery: int
    load: int = 1
    pickup_window: tuple[float, float] = (0.0, INF)
    delivery_window: tuple[float, float] = (0.0, INF)
    pickup_service: float = 0.0
    delivery_service: float = 0.0
    max_ride: float | None = None
    penalty: float | None = None
    picked_up_at: float | None = None


@dataclass(frozen=True)
class Visit:
    """A task of a route: the pickup or the delivery of one request."""

    request_id: str
    kind: Kind


@dataclass(frozen=True)
class Vehicle:
    """One vehicle and its shift.

    Attributes
    ----------
    id : str
        Unique vehicle id.
    capacity : int
        Seats.
    start, end : int
        Start node (where the vehicle is, or its depot) and end node (depot).
    shift : (float, float)
        Available from (earliest departure from ``start``) and latest arrival at ``end``.
    max_duration : float or None
        Maximum route duration (arrival at ``end`` minus departure from ``start``).
    onboard : tuple of str
        Requests already picked up by this vehicle: only their delivery remains, and it must be
        done by this vehicle. Their load counts from the start.
    committed : tuple of Visit
        A fixed route prefix: these tasks are done first, in this order (e.g. the stops a
        vehicle has already been dispatched to). They may include deliveries of ``onboard``.
    fixed_cost : float
        Cost (cost units) added to the objective when the vehicle is used (e.g. a large value
        to minimise the fleet first, as in the Li & Lim benchmark).
    """

    id: str
    capacity: int
    start: int
    end: int
    shift: tuple[float, float] = (0.0, INF)
    max_duration: float | None = None
    onboard: tuple[str, ...] = ()
    committed: tuple[Visit, ...] = ()
    fixed_cost: float = 0.0


def _readonly(matrix: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    arr = np.array(matrix, dtype=np.float64, copy=True)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise InputError(f"{name} must be a square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise InputError(f"{name} must hold finite non-negative times/distances")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Problem:
    """A dial-a-ride instance (immutable; the matrices are read-only copies).

    Attributes
    ----------
    travel_time : ndarray (n_nodes, n_nodes)
        Travel times in ``time_unit`` (floats allowed).
    requests : tuple of Request
    vehicles : tuple of Vehicle
    distance : ndarray or None
        Distances used as the routing cost (any unit); ``None`` = cost is travel time.
    penalty : float or None
        Rejection penalty per request (in cost units); ``None`` = every request is mandatory.
        Requests on board or in a committed prefix are always mandatory.
    scale : float
        Integer solver units per time unit (and per cost unit) for OR-Tools.
    time_unit : str
        ``"s"`` (seconds, simulator) or ``"min"`` (Cordeau benchmark); documentation only.
    name : str
        Instance name (for reports).
    """

    travel_time: npt.NDArray[np.float64]
    requests: tuple[Request, ...]
    vehicles: tuple[Vehicle, ...]
    distance: npt.NDArray[np.float64] | None = None
    penalty: float | None = None
    scale: float = 1.0
    time_unit: str = "s"
    name: str = ""
    _index: Mapping[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        tt = _readonly(self.travel_time, "travel_time")
        object.__setattr__(self, "travel_time", tt)
        if self.distance is not None:
            dist = _readonly(self.distance, "distance")
            if dist.shape != tt.shape:
                raise InputError(f"distance shape {dist.shape} differs from travel_time {tt.shape}")
            object.__setattr__(self, "distance", dist)
        object.__setattr__(self, "requests", tuple(self.requests))
        object.__setattr__(self, "vehicles", tuple(self.vehicles))
        errors = _validate(self)
        if errors:
            raise InputErrors(errors)
        object.__setattr__(self, "_index", {r.id: i for i, r in enumerate(self.requests)})

    @property
    def cost(self) -> npt.NDArray[np.float64]:
        """The routing cost matrix: ``distance`` when given, else ``travel_time``."""
        return self.distance if self.distance is not None else self.travel_time

    @property
    def n_nodes(self) -> int:
        """Number of nodes (rows of the matrix)."""
        return int(self.travel_time.shape[0])

    def request(self, request_id: str) -> Request:
        """The request with this id (``KeyError`` if unknown)."""
        return self.requests[self._index[request_id]]

    def vehicle(self, vehicle_id: str) -> Vehicle:
        """The vehicle with this id (``KeyError`` if unknown)."""
        for veh in self.vehicles:
            if veh.id == vehicle_id:
                return veh
        raise KeyError(vehicle_id)

    def penalty_of(self, request: Request) -> float | None:
        """Rejection penalty of a request (``None`` = mandatory)."""
        if self.onboard_vehicle(request.id) is not None or request.id in self.committed_ids():
            return None
        return request.penalty if request.penalty is not None else self.penalty

    def onboard_vehicle(self, request_id: str) -> str | None:
        """Id of the vehicle carrying this request already, or ``None``."""
        for veh in self.vehicles:
            if request_id in veh.onboard:
                return veh.id
        return None

    def committed_ids(self) -> frozenset[str]:
        """Ids of requests appearing in some vehicle's committed prefix."""
        return frozenset(v.request_id for veh in self.vehicles for v in veh.committed)


def _validate(problem: Problem) -> list[InputError]:
    errors = _validate_requests(problem)
    errors += _validate_vehicles(problem)
    if not problem.vehicles:
        errors.append(
            InputError("a problem needs at least one vehicle", Location(field="vehicles"))
        )
    return errors


def _validate_requests(problem: Problem) -> list[InputError]:
    errors: list[InputError] = []
    n = problem.n_nodes
    seen: set[str] = set()
    for i, req in enumerate(problem.requests):
        loc = Location(field=f"requests[{i}]")
        if req.id in seen:
            errors.append(InputError(f"duplicate request id {req.id!r}", loc))
        seen.add(req.id)
        for name, node in (("pickup", req.pickup), ("delivery", req.delivery)):
            if not 0 <= node < n:
                errors.append(
                    InputError(f"request {req.id!r}: {name} node {node} not in 0..{n - 1}", loc)
                )
        for name, (lo, hi) in (
            ("pickup_window", req.pickup_window),
            ("delivery_window", req.delivery_window),
        ):
            if lo > hi:
                errors.append(
                    InputError(
                        f"request {req.id!r}: {name} opens after it closes ({lo} > {hi})", loc
                    )
                )
        if req.load < 0:
            errors.append(InputError(f"request {req.id!r}: load must be >= 0, got {req.load}", loc))
    return errors


def _validate_vehicles(problem: Problem) -> list[InputError]:
    errors: list[InputError] = []
    n = problem.n_nodes
    known = {r.id for r in problem.requests}
    vseen: set[str] = set()
    onboard_all: set[str] = set()
    for i, veh in enumerate(problem.vehicles):
        loc = Location(field=f"vehicles[{i}]")
        if veh.id in vseen:
            errors.append(InputError(f"duplicate vehicle id {veh.id!r}", loc))
        vseen.add(veh.id)
        for name, node in (("start", veh.start), ("end", veh.end)):
            if not 0 <= node < n:
                errors.append(
                    InputError(f"vehicle {veh.id!r}: {name} node {node} not in 0..{n - 1}", loc)
                )
        for rid in veh.onboard:
            if rid not in known:
                errors.append(
                    InputError(
                        f"vehicle {veh.id!r}: on-board request {rid!r} is not in requests", loc
                    )
                )
            if rid in onboard_all:
                errors.append(InputError(f"request {rid!r} is on board two vehicles", loc))
            onboard_all.add(rid)
        errors += _validate_committed(veh, known, loc)
    return errors


def _validate_committed(veh: Vehicle, known: set[str], loc: Location) -> list[InputError]:
    errors: list[InputError] = []
    for visit in veh.committed:
        if visit.request_id not in known:
            errors.append(
                InputError(
                    f"vehicle {veh.id!r}: committed request {visit.request_id!r} is not in requests",
                    loc,
                )
            )
        if visit.kind == PICKUP and visit.request_id in veh.onboard:
            errors.append(
                InputError(
                    f"vehicle {veh.id!r}: committed pickup of on-board request {visit.request_id!r}",
                    loc,
                )
            )
    return errors


@dataclass(frozen=True)
class ScheduledVisit:
    """One task of a vehicle's route with its schedule (problem time unit): where the vehicle
    arrives (``node``, ``arrival``) and when the service starts (``start``)."""

    request_id: str
    kind: Kind
    node: int
    arrival: float
    start: float


@dataclass(frozen=True)
class VehicleRoute:
    """The plan of one vehicle: its scheduled visits (``stops``) in order, departure from its
    start node and arrival at its end node, its cost (cost matrix) and travel time."""

    vehicle_id: str
    stops: tuple[ScheduledVisit, ...]
    departure: float
    arrival: float
    cost: float
    travel_time: float

    @property
    def visits(self) -> tuple[Visit, ...]:
        """The route as a sequence of :class:`Visit`."""
        return tuple(Visit(s.request_id, s.kind) for s in self.stops)


@dataclass(frozen=True)
class Solution:
    """A dispatch plan: one :class:`VehicleRoute` per vehicle (possibly empty) and the rejected
    requests.

    ``cost`` is the routing cost (summed cost matrix over the routes, no penalties); ``objective``
    adds the rejection penalties and the fixed costs of used vehicles. ``status`` is the solver's
    status text, ``wall_s`` its wall time.
    """

    routes: tuple[VehicleRoute, ...]
    rejected: tuple[str, ...]
    cost: float
    objective: float
    status: str = ""
    wall_s: float = 0.0

    @property
    def vehicles_used(self) -> int:
        """Number of vehicles with at least one stop."""
        return sum(1 for r in self.routes if r.stops)

    def route(self, vehicle_id: str) -> VehicleRoute:
        """The route of a vehicle (``KeyError`` if unknown)."""
        for r in self.routes:
            if r.vehicle_id == vehicle_id:
                return r
        raise KeyError(vehicle_id)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary: cost, objective, vehicles used, served/rejected counts, status."""
        served = sum(1 for r in self.routes for s in r.stops if s.kind == DELIVERY)
        return {
            "cost": round(self.cost, 6),
            "objective": round(self.objective, 6),
            "vehicles_used": self.vehicles_used,
            "served": served,
            "rejected": len(self.rejected),
            "status": self.status,
            "wall_s": round(self.wall_s, 3),
        }
