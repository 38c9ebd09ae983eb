"""Rolling-horizon re-optimization of a simulated day's plans.

Every ``reopt_interval_min`` the near-term plans are re-optimized with
:func:`transit.routing.dispatch.solver.solve`: the accepted rides whose pickup window opens within
``horizon_min`` plus the passengers on board, each vehicle starting where it will be free,
warm-started from the current plan. Later rides keep their order and are appended; the new plan
replaces the old one only when every route stays feasible and the travel time drops.
"""

from __future__ import annotations

import dataclasses
import logging
import time

import numpy as np

from transit.core.errors import WorkError
from transit.routing.dispatch import solver
from transit.routing.dispatch.problem import DELIVERY, PICKUP, Problem, Solution, Vehicle, Visit
from transit.routing.sim.state import Car, Day

log = logging.getLogger(__name__)


class Reoptimizer:
    """Re-optimizes a :class:`~transit.routing.sim.state.Day`'s near-term plans (counting runs,
    accepted plans and failures in ``day.counters``); ``seed`` seeds the solver."""

    def __init__(self, day: Day, seed: int) -> None:
        self.day = day
        self.seed = seed
        self._last: tuple[frozenset[int], tuple[int, ...], int] | None = None

    def reoptimize(self, now: float) -> None:
        """Re-optimize the near-term plans of all vehicles (rolling horizon, warm start).

        If the solver fails on passengers already on board (an adapter error, not "no plan"),
        the vehicles carrying nobody are re-optimized alone and the failure is counted."""
        counters = self.day.counters
        try:
            self._reoptimize(now, list(range(len(self.day.cars))))
        except WorkError as exc:
            log.debug("re-optimization at %.0f found nothing: %s", now, exc)
        except Exception as exc:  # a solver failure must not stop the day: keep the plan
            counters.reopt_failed += 1
            (log.warning if counters.reopt_failed == 1 else log.debug)(
                "re-optimization at %.0f failed (%s: %s); retrying without on-board passengers"
                " (further failures of this run are logged at debug level)",
                now,
                type(exc).__name__,
                exc,
            )
            empty = [vi for vi, c in enumerate(self.day.cars) if not c.onboard]
            try:
                self._reoptimize(now, empty)
            except Exception as exc2:
                log.warning("re-optimization at %.0f failed again (%s); plan kept", now, exc2)

    def _near(self, cars: list[Car], now: float) -> set[int]:
        """Rides within the horizon: on board, or planned with a pickup window opening soon."""
        horizon = now + self.day.sc.dispatch.horizon_min * 60.0
        near: set[int] = set()
        for car in cars:
            near.update(car.onboard)
            near.update(
                t >> 1
                for t in car.plan
                if t % 2 == 0 and self.day.rides[t >> 1].request.pickup_window[0] <= horizon
            )
        return near

    def _reoptimize(self, now: float, which: list[int]) -> None:
        day = self.day
        cars = [day.cars[vi] for vi in which]
        near = self._near(cars, now)
        if not near:
            return
        # nothing new since the last re-optimization of these requests: the plan is as good
        key = (frozenset(near), tuple(which), day.counters.insertions)
        if key == self._last:
            return
        self._last = key
        day.counters.reopts += 1
        problem = self._problem(cars, near, now)
        initial = [
            [
                Visit(str(t >> 1), PICKUP if t % 2 == 0 else DELIVERY)
                for t in c.plan
                if t >> 1 in near
            ]
            for c in cars
        ]
        t0 = time.perf_counter()
        try:
            sol = solver.solve(
                problem,
                time_limit=day.sc.dispatch.time_limit_s,
                seed=self.seed + day.counters.reopts,
                initial=initial,
            )
        finally:
            day.counters.solver_s += time.perf_counter() - t0
        if not sol.rejected:
            self._adopt(sol, cars, which, near, now)

    def _problem(self, cars: list[Car], near: set[int], now: float) -> Problem:
        """The near-term dial-a-ride problem on the sub-matrix of the nodes involved (request id =
        ride index)."""
        day = self.day
        rides = day.rides
        nodes = sorted(
            {day.depot}
            | {c.pos for c in cars}
            | {rides[ri].request.pickup for ri in near}
            | {rides[ri].request.delivery for ri in near}
        )
        loc = {n: i for i, n in enumerate(nodes)}
        requests = []
        for ri in sorted(near):
            req = rides[ri].request
            on = next((c for c in cars if ri in c.onboard), None)
            requests.append(
                dataclasses.replace(
                    req,
                    id=str(ri),
                    pickup=loc[req.pickup],
                    delivery=loc[req.delivery],
                    picked_up_at=on.onboard[ri] if on is not None else None,
                )
            )
        vehicles = [
            Vehicle(
                id=c.vid,
                capacity=day.sc.capacity,
                start=loc[c.pos],
                end=loc[day.depot],
                shift=(max(c.free, now), day.end),
                onboard=tuple(str(ri) for ri in sorted(c.onboard)),
            )
            for c in cars
        ]
        idx = np.array(nodes)
        return Problem(
            travel_time=day.tt[np.ix_(idx, idx)],
            requests=tuple(requests),
            vehicles=tuple(vehicles),
            penalty=None,
            scale=1.0,
            time_unit="s",
            name=f"{day.sc.area_id}@{now:.0f}",
        )

    def _adopt(
        self, sol: Solution, cars: list[Car], which: list[int], near: set[int], now: float
    ) -> None:
        """Take the solver's plan (near-term head + the rest kept in order) when every route stays
        feasible and the travel time drops."""
        day = self.day
        new_plans: list[list[int]] = []
        for c in cars:
            route = sol.route(c.vid)
            head = [2 * int(s.request_id) + (0 if s.kind == PICKUP else 1) for s in route.stops]
            tail = [t for t in c.plan if t >> 1 not in near]
            plan = head + tail
            if day.schedule(c, plan, max(c.free, now)) is None:
                log.debug(
                    "re-optimization at %.0f: plan of %s not feasible as executed (head alone %s)",
                    now,
                    c.vid,
                    "feasible" if day.schedule(c, head, max(c.free, now)) is not None else "not",
                )
                return
            new_plans.append(plan)
        old = sum(day.plan_cost(c, c.plan) for c in cars)
        new = sum(day.plan_cost(c, p) for c, p in zip(cars, new_plans, strict=True))
        log.debug("re-optimization at %.0f: travel %.0f s -> %.0f s", now, old, new)
        if new < old - 1e-6:
            day.counters.reopt_accepted += 1
            for vi, p in zip(which, new_plans, strict=True):
                day.cars[vi].plan = p
                for t in p:
                    day.rides[t >> 1].vehicle = vi
