"""A service day of on-demand dispatch in one area: online insertion, rolling-horizon
re-optimization with OR-Tools, vehicles moving on network travel times, bus connections at hubs.

How a day is played (times in seconds after midnight):

1. Requests become known at ``booked_s`` (advance bookings before the shift starts, in
   desired-time order; immediate ones during the day). Each is inserted at once into the vehicle
   plan where it adds the least ``Δ travel time + 0.5 × (its wait + the extra wait of riders
   already planned)``, keeping every planned ride feasible (pickup window
   ``[desired, desired + max_wait]``, maximum ride time, capacity, return to the depot by the end
   of the shift), or rejected when no insertion is feasible — as an operator answers a phone call
   (:mod:`transit.routing.sim.dispatcher`).
2. Every ``reopt_interval_min`` the plans are re-optimized
   (:func:`transit.routing.dispatch.solver.solve`) over a rolling horizon: the accepted requests
   whose pickup window opens within ``horizon_min`` plus the passengers on board, each vehicle
   starting where it will be free, warm-started from the current plan. Later requests keep their
   order and are appended; the new plan replaces the old one only when every route stays
   feasible and the travel time drops (:mod:`transit.routing.sim.reopt`).
3. A vehicle leaves for its next stop as late as its plan allows (it waits where it is, so it can
   still take a new rider first); once it has left, the stop is committed — recorded as executed
   and never re-planned (the committed prefix). Passengers picked up stay with their vehicle.
4. A ride to a bus hub aims at the first departure the rider could catch with a direct ride
   (``desired + boarding + direct + alighting + transfer buffer``); it must arrive in time for the
   *next* departure at the latest, and arriving after the aimed one counts as a missed
   connection.

Every schedule, insertion and plan cost comes from the dispatch kernel
(:mod:`transit.routing.dispatch.kernel`, :mod:`transit.routing.dispatch.insertion`); every
executed route is re-checked at the end by the independent
:func:`transit.routing.dispatch.checker.check` (:mod:`transit.routing.sim.results`). An area's
files become a :class:`~transit.routing.sim.setup.DaySetup` in
:mod:`transit.routing.areas.prepare`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from transit.core.errors import WorkError
from transit.routing.sim.dispatcher import Dispatcher
from transit.routing.sim.results import SimResult, results
from transit.routing.sim.setup import DaySetup
from transit.routing.sim.state import Day

log = logging.getLogger(__name__)


def simulate(
    setup: DaySetup, *, seed: int, progress: Callable[[float], None] | None = None
) -> SimResult:
    """Play one service day (see the module documentation) and re-check the executed routes.

    ``seed`` seeds the solver's searches (request generation is seeded when the day is
    prepared, :func:`transit.routing.areas.prepare.prepare_area`); ``progress`` is called with
    the simulated clock after each event. Returns a :class:`~transit.routing.sim.results.SimResult`.
    """
    t0 = time.perf_counter()
    if setup.vehicles < 1:
        raise WorkError("a simulation needs at least one vehicle")
    day = Day(setup)
    Dispatcher(day, seed).run(progress)
    result = results(day, seed=seed, wall_s=time.perf_counter() - t0)
    if result.violations:
        log.warning(
            "%d checker violations in executed routes of %s: %s",
            len(result.violations),
            setup.area_id,
            result.violations[0].message,
        )
    return result
