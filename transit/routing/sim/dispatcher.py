"""The dispatcher of a simulated day: bookings as they arrive, online insertion, committing stops,
and the day's event loop (re-optimization: :mod:`transit.routing.sim.reopt`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from transit.core.assumptions import value
from transit.core.errors import WorkError
from transit.routing.dispatch.insertion import (
    Candidate,
    Key,
    RouteSlack,
    confirm,
    forward_candidates,
)
from transit.routing.dispatch.kernel import RouteFrame, route_cost, schedule
from transit.routing.sim.reopt import Reoptimizer
from transit.routing.sim.state import ACCEPTED, PENDING, REJECTED, SERVED, Car, Day, Executed

#: Feasible insertions scored exactly (the cheapest by the quick score) before choosing.
CONFIRM = 12
#: Insertions (cheapest by the quick score) tried at most.
TRIES = 200


class Dispatcher:
    """Plays one day on a :class:`~transit.routing.sim.state.Day`: inserts each booking when it
    becomes known, moves the vehicles along their plans, and re-optimizes periodically."""

    def __init__(self, day: Day, seed: int) -> None:
        self.day = day
        self.reopt = Reoptimizer(day, seed)
        #: Weight of the rider's wait (seconds) against added vehicle travel time in insertion
        #: (``drt.dispatcher.wait_weight`` of the assumptions table).
        self.wait_weight = float(value("drt.dispatcher.wait_weight"))

    # -- insertion ------------------------------------------------------------------------------

    def insert(self, ri: int, now: float) -> bool:
        """Cheapest feasible insertion of ride ``ri`` at time ``now``; ``False`` = rejected.

        Candidates are screened per vehicle with forward time slacks (time windows, capacity, the
        new rider's ride time) and ranked by added travel time plus :attr:`wait_weight` × the
        rider's wait; the best-ranked ones are confirmed with the full schedule and scored
        exactly (added travel + weighted wait of the new rider and extra wait of riders already
        planned), and the best of the first :data:`CONFIRM` feasible ones wins."""
        day = self.day
        ride = day.rides[ri]
        a = 2 * ri
        frames = [day.frame(car, max(car.free, now)) for car in day.cars]
        bases = [
            schedule(day.tasks, day.tt_rows, f, car.plan)
            for f, car in zip(frames, day.cars, strict=True)
        ]
        cands = self._candidates(ri, frames, bases)
        cands.sort()
        base_starts: dict[int, tuple[dict[int, float], float]] = {}

        def exact(cand: Candidate, new: list[int]) -> Key | None:
            _score, vi, i, _j = cand
            car, frame = day.cars[vi], frames[vi]
            sched = schedule(day.tasks, day.tt_rows, frame, new)
            if sched is None:
                return None
            if vi not in base_starts:
                base = bases[vi]
                stops = base[1:-1] if base is not None else []
                starts = {t: st for t, st in zip(car.plan, stops, strict=True) if t % 2 == 0}
                base_starts[vi] = (starts, route_cost(day.tasks, day.tt_rows, frame, car.plan))
            before, old_cost = base_starts[vi]
            # exact score: added travel + weighted wait of the new rider and extra wait of others
            delay = sum(
                st - before[t]
                for t, st in zip(new, sched[1:-1], strict=True)
                if t % 2 == 0 and t != a
            )
            score = (
                route_cost(day.tasks, day.tt_rows, frame, new)
                - old_cost
                + self.wait_weight * (sched[i + 1] - ride.desired + delay)
            )
            # ties: prefer not to delay riders already promised a time
            return (round(score, 6), round(delay, 6))

        plans = [car.plan for car in day.cars]
        best = confirm(cands, plans, a, exact, tries=TRIES, keep=CONFIRM)
        if best is None:
            ride.status = REJECTED
            return False
        _key, (_score, vi, _i, _j), new = best
        car = day.cars[vi]
        car.free = max(car.free, now)
        car.plan = new
        ride.status = ACCEPTED
        day.counters.insertions += 1
        ride.vehicle = vi
        return True

    def _candidates(
        self, ri: int, frames: list[RouteFrame], bases: list[list[float] | None]
    ) -> list[Candidate]:
        """Every insertion of ride ``ri`` that passes the forward screen, with its quick score
        (vehicles whose plan has no schedule from ``now`` take none)."""
        day = self.day
        max_ride = day.rides[ri].request.max_ride
        out: list[Candidate] = []
        for vi, (car, frame, base) in enumerate(zip(day.cars, frames, bases, strict=True)):
            if base is None:  # pragma: no cover - plans are kept feasible
                continue
            route = RouteSlack(day.tasks, day.tt_rows, frame, car.plan, base)
            found = forward_candidates(
                route,
                day.tasks,
                day.tt_rows,
                frame.capacity,
                2 * ri,
                max_ride=math.inf if max_ride is None else max_ride,
                wait_weight=self.wait_weight,
            )
            out.extend((score, vi, i, j) for score, i, j in found)
        return out

    # -- moving vehicles ---------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Commit every stop whose leg has started by ``now``.

        A vehicle leaves for its next stop as late as its plan allows (``start − travel``, not
        before it is free), so that it can still take a new rider first; once it has left, the
        stop is committed and recorded as executed at its planned times."""
        day = self.day
        for car in day.cars:
            if not car.plan:
                car.free = max(car.free, min(now, day.end))
                continue
            while car.plan and self._commit_next(car, now):
                pass

    def _commit_next(self, car: Car, now: float) -> bool:
        """Commit the car's next stop if it has left for it by ``now``; whether it did."""
        day = self.day
        sched = day.schedule(car, car.plan, car.free)
        if sched is None:  # pragma: no cover - plans are kept feasible
            raise WorkError(f"internal: plan of {car.vid} became infeasible")
        task = car.plan[0]
        st = sched[1]
        ri = task >> 1
        ride = day.rides[ri]
        node = day.node_of(task)
        leg = float(day.tt[car.pos, node])
        depart = max(car.free, st - leg)
        if depart > now:
            return False
        if task % 2 == 0:
            end = st + day.sp
            car.onboard[ri] = st
            ride.pickup = st
        else:
            end = st + day.sd
            car.onboard.pop(ri, None)
            ride.dropoff = st
            ride.status = SERVED
        car.done.append(Executed(task, node, depart + leg, st, end))
        car.pos, car.free = node, end
        car.plan = car.plan[1:]
        return True

    # -- the day ------------------------------------------------------------------------------------

    def run(self, progress: Callable[[float], None] | None = None) -> None:
        """Play the day: bookings in order of arrival (those made before the shift at its start,
        in desired-time order), re-optimizations every ``reopt_interval_min``; ``progress`` gets
        the clock after each event."""
        day = self.day
        events: list[tuple[float, int, int]] = []  # (time, order, ride index or -1 = re-opt)
        for ri, r in enumerate(day.rides):
            if r.status == PENDING:
                # requests booked before the shift are inserted at its start, in desired order
                t = max(r.booked, day.start)
                order = int(r.desired) if r.booked < day.start else 0
                events.append((t, order, ri))
        disp = day.sc.dispatch
        if disp.reoptimize and day.sc.vehicles > 0:
            step = disp.reopt_interval_min * 60.0
            k = 0
            while day.start + k * step < day.end:
                events.append((day.start + k * step, 10**9, -1))
                k += 1
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        for t, _order, ri in events:
            now = max(t, day.start)
            self.advance(now)
            if ri >= 0:
                self.insert(ri, now)
            else:
                self.reopt.reoptimize(now)
            self.advance(now)
            if progress is not None:
                progress(now)
        self.advance(math.inf)
