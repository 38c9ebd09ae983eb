"""The state of a simulated day: the rides (requests), the vehicles and their plans.

A request's data is the dispatch model's :class:`~transit.routing.dispatch.problem.Request`
(pickup and drop-off as rows of the day's travel-time matrix, windows, service times, maximum
ride time); a :class:`Ride` adds what the day knows about it (when it was booked, the direct
travel time, the aimed bus departure) and its runtime state. A :class:`Car` holds a vehicle's
position, plan (task ids of the schedule kernel: ``2i`` = pickup of ride ``i``, ``2i + 1`` its
drop-off) and executed stops. :class:`Day` holds the fixed data (matrices, task arrays) and
schedules and prices plans through :mod:`transit.routing.dispatch.kernel`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from transit.core.errors import WorkError
from transit.routing.dispatch.kernel import (
    RouteFrame,
    Tasks,
    route_cost,
    schedule,
    tasks_of,
)
from transit.routing.dispatch.problem import Request
from transit.routing.roads.matrix import graph_to_csr, travel_time_matrix
from transit.routing.roads.network import snap_points
from transit.routing.sim.setup import DaySetup, iter_rows, next_departures

PENDING, ACCEPTED, SERVED, REJECTED = "pending", "accepted", "served", "rejected"


@dataclass
class Ride:
    """One request through the day: its dispatch data (``request``: id = the table's
    ``request_id``, nodes = matrix rows), when it was ``booked``, the ``direct`` travel time, the
    aimed bus departure (``connection``), and its runtime state: ``status`` (pending, accepted,
    served, rejected), the ``vehicle`` index, the service starts of ``pickup`` and ``dropoff``."""

    request: Request
    booked: float
    direct: float
    connection: float | None = None
    status: str = PENDING
    vehicle: int = -1
    pickup: float = math.nan
    dropoff: float = math.nan

    @property
    def desired(self) -> float:
        """The desired pickup time (the opening of the pickup window)."""
        return self.request.pickup_window[0]


class Executed(NamedTuple):
    """A stop a vehicle has made: task id, matrix node, arrival, service start, service end."""

    task: int
    node: int
    arrival: float
    start: float
    end: float


@dataclass
class Car:
    """One vehicle through the day: where (``pos``, a matrix row) and from when (``free``) it
    is available, its ``plan`` (task ids still to do, in order), the riders on board (ride index
    → pickup start) and the stops it has made (``done``)."""

    vid: str
    pos: int
    free: float
    plan: list[int] = field(default_factory=list)
    onboard: dict[int, float] = field(default_factory=dict)
    done: list[Executed] = field(default_factory=list)


@dataclass
class Counters:
    """How the dispatcher worked: insertions, re-optimizations (run, accepted, failed), solver
    and matrix seconds."""

    insertions: int = 0
    reopts: int = 0
    reopt_accepted: int = 0
    reopt_failed: int = 0
    solver_s: float = 0.0
    matrix_s: float = 0.0


class Day:
    """The fixed data of a simulated day and its state.

    ``tt`` (seconds, rounded up) and ``dist`` (metres) are the matrices between the graph nodes
    the day uses (``gnodes``: the depot first, then the snapped request points); ``tasks`` are the
    rides' kernel task arrays; ``rides`` and ``cars`` the runtime state.
    """

    def __init__(self, sc: DaySetup) -> None:
        self.sc = sc
        svc = sc.service
        self.sp = svc.boarding_min * 60.0
        self.sd = svc.alighting_min * 60.0
        self.start, self.end = sc.shift_s
        self.counters = Counters()
        o_nodes, d_nodes = self._matrices()
        self.rides = [
            self._ride(row, o, d)
            for row, o, d in zip(iter_rows(sc.requests), o_nodes, d_nodes, strict=True)
        ]
        self.tasks: Tasks = tasks_of([r.request for r in self.rides])
        self.cars = [
            Car(vid=f"V{i + 1}", pos=self.depot, free=self.start) for i in range(sc.vehicles)
        ]
        self.tt_rows: list[list[float]] = self.tt.tolist()

    def _matrices(self) -> tuple[list[int], list[int]]:
        """Snap the request points and the depot; the travel-time and distance matrices."""
        g, reqs = self.sc.graph, self.sc.requests
        o_nodes = snap_points(
            g, reqs["origin_lon"].to_numpy(float), reqs["origin_lat"].to_numpy(float)
        )["node"].tolist()
        d_nodes = snap_points(
            g, reqs["dest_lon"].to_numpy(float), reqs["dest_lat"].to_numpy(float)
        )["node"].tolist()
        depot_node = snap_points(g, [self.sc.depot[0]], [self.sc.depot[1]])["node"].iloc[0]
        self.gnodes: list[Any] = list(dict.fromkeys([depot_node, *o_nodes, *d_nodes]))
        local = {n: i for i, n in enumerate(self.gnodes)}
        t0 = time.perf_counter()
        csr_t = graph_to_csr(g, weight="travel_time")
        csr_l = graph_to_csr(g, weight="length")
        tt = travel_time_matrix(csr_t, self.gnodes)
        if not np.all(np.isfinite(tt)):
            raise WorkError("some request points cannot reach each other on the road network")
        self.tt: npt.NDArray[np.float64] = np.ceil(tt)
        self.dist: npt.NDArray[np.float64] = travel_time_matrix(csr_l, self.gnodes)
        self.counters.matrix_s = time.perf_counter() - t0
        self.depot = 0
        return [local[n] for n in o_nodes], [local[n] for n in d_nodes]

    def _ride(self, row: Any, o: int, d: int) -> Ride:
        """A request row as a ride: windows from the service limits, tightened for a bus
        connection; refused at once when no window is left or it needs more seats than a car."""
        svc = self.sc.service
        max_wait = svc.max_wait_min * 60.0
        buffer = svc.transfer_buffer_min * 60.0
        direct = float(self.tt[o, d])
        desired = float(row.desired_s)
        max_ride = svc.max_ride_factor * direct + svc.max_ride_extra_min * 60.0
        l_p = desired + max_wait
        l_d = desired + max_wait + self.sp + max_ride
        connection = None
        if bool(row.to_hub):
            deps = self.sc.hub_departures
            aim, following = next_departures(
                deps.get(str(row.place_id), deps.get("*", ())),
                desired + self.sp + direct + self.sd + buffer,
            )
            if aim is not None:
                connection = aim
                l_d = min(l_d, (following if following is not None else aim) - buffer - self.sd)
                # leave enough time to make the latest connection at all
                l_p = min(l_p, l_d - direct - self.sp)
        load = int(row.passengers)
        request = Request(
            id=str(row.request_id),
            pickup=o,
            delivery=d,
            load=load,
            pickup_window=(desired, l_p),
            delivery_window=(0.0, l_d),
            pickup_service=self.sp,
            delivery_service=self.sd,
            max_ride=max_ride,
        )
        ride = Ride(request, booked=float(row.booked_s), direct=direct, connection=connection)
        if l_p < desired or load > self.sc.capacity:
            ride.status = REJECTED
        return ride

    # -- plans through the kernel ------------------------------------------------------------

    def frame(self, car: Car, t0: float) -> RouteFrame:
        """The car's route frame from ``t0``: from its position back to the depot by the shift
        end, with its riders on board (their ride limits bound their drop-offs)."""
        rides = self.rides
        return RouteFrame(
            start=car.pos,
            end=self.depot,
            capacity=self.sc.capacity,
            ready=t0,
            close=self.end,
            load=sum(rides[ri].request.load for ri in car.onboard),
            limits={2 * ri + 1: p + self.tasks.lim[ri] for ri, p in car.onboard.items()},
            must_return=True,
        )

    def schedule(self, car: Car, plan: list[int], t0: float) -> list[float] | None:
        """Earliest feasible schedule of ``plan`` for the car from ``t0`` (departure, service
        starts, arrival at the depot), or ``None``."""
        return schedule(self.tasks, self.tt_rows, self.frame(car, t0), plan)

    def plan_cost(self, car: Car, plan: list[int]) -> float:
        """Travel time of the plan from the car's position back to the depot (seconds)."""
        return route_cost(self.tasks, self.tt_rows, self.frame(car, car.free), plan)

    def node_of(self, task: int) -> int:
        """Matrix node of a task."""
        return self.tasks.pos[task]
