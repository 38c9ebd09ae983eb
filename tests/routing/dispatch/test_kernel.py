"""The schedule and insertion kernel against the independent checker, on random small problems.

Travel times are whole numbers (distances between points on a line, so the triangle inequality
holds); windows are tight, ride and duration limits short, capacity 1–3, some riders already on
board: every schedule is exact, so the kernel and the checker must agree to the last second.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from transit.routing.dispatch.checker import check_routes, route_cost, schedule_route
from transit.routing.dispatch.insertion import Gaps, GapTable, candidates, insert_pair
from transit.routing.dispatch.kernel import (
    INF,
    RouteFrame,
    Tasks,
    forward,
    frames_of,
    latest,
    schedule,
    task_id,
    tasks_of,
)
from transit.routing.dispatch.kernel import route_cost as kernel_cost
from transit.routing.dispatch.problem import DELIVERY, PICKUP, Problem, Request, Vehicle, Visit


@dataclass(frozen=True)
class Case:
    """A one-vehicle problem and a visit sequence serving every request."""

    problem: Problem
    visits: list[Visit]


def _window(draw: st.DrawFn, lo: int, *, width: int) -> tuple[float, float]:
    if draw(st.booleans()):
        return float(lo), INF
    return float(lo), float(lo + draw(st.integers(0, width)))


@st.composite
def problems(
    draw: st.DrawFn, *, max_requests: int = 5, onboard: bool = True, tight: bool = True
) -> Problem:
    """A random one-vehicle problem on points of a line (node 0 = depot); ``tight``: narrow
    windows and short ride and route limits."""
    width, ride_max, day = (25, 25, 200) if tight else (80, 60, 400)
    n_req = draw(st.integers(1, max_requests))
    xs = draw(st.lists(st.integers(0, 20), min_size=2 * n_req + 1, max_size=2 * n_req + 1))
    tt = [[float(abs(a - b)) for b in xs] for a in xs]
    requests = []
    carried: list[str] = []
    for r in range(n_req):
        rid = f"r{r}"
        ride = draw(st.one_of(st.none(), st.integers(0, ride_max)))
        on = onboard and draw(st.integers(0, 3)) == 0
        p_lo = draw(st.integers(0, 60))
        d_lo = max(0, p_lo + draw(st.integers(-10, 20)))
        requests.append(
            Request(
                rid,
                pickup=1 + 2 * r,
                delivery=2 + 2 * r,
                load=draw(st.sampled_from((1, 1, 1, 2))),
                pickup_window=_window(draw, p_lo, width=width),
                delivery_window=_window(draw, d_lo, width=width),
                pickup_service=float(draw(st.integers(0, 3))),
                delivery_service=float(draw(st.integers(0, 3))),
                max_ride=None if ride is None else float(ride),
                picked_up_at=float(draw(st.integers(0, 30))) if on else None,
            )
        )
        if on:
            carried.append(rid)
    duration = draw(st.one_of(st.none(), st.integers(5, day)))
    vehicle = Vehicle(
        "v",
        capacity=draw(st.integers(1, 3)),
        start=0,
        end=0,
        shift=(float(draw(st.integers(0, 20))), float(draw(st.integers(40, day)))),
        max_duration=None if duration is None else float(duration),
        onboard=tuple(carried),
    )
    return Problem(tt, requests=tuple(requests), vehicles=(vehicle,), penalty=1.0)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A problem and a random order of its tasks, each pickup before its delivery (a passenger
    on board has only the delivery)."""
    problem = draw(problems())
    carried = set(problem.vehicles[0].onboard)
    tokens = [
        Visit(r.id, kind)
        for r in problem.requests
        for kind in ((DELIVERY,) if r.id in carried else (PICKUP, DELIVERY))
    ]
    order = draw(st.permutations(tokens))
    visits: list[Visit] = []
    for v in order:  # the first of a request's two tokens becomes its pickup
        done = any(w.request_id == v.request_id for w in visits)
        kind = DELIVERY if v.request_id in carried or done else PICKUP
        visits.append(Visit(v.request_id, kind))
    return Case(problem, visits)


def _seq(problem: Problem, visits: list[Visit]) -> list[int]:
    index = {r.id: i for i, r in enumerate(problem.requests)}
    return [task_id(index[v.request_id], v.kind) for v in visits]


def _kernel_view(problem: Problem, *, as_limits: bool) -> tuple[Tasks, RouteFrame]:
    """The kernel's tasks and frame of the vehicle; the ride limit of a passenger on board ends
    its delivery window, or (``as_limits``, as the simulator does it) is a frame limit."""
    frame = frames_of(problem)[0]
    if not as_limits:
        return tasks_of(problem.requests), frame
    raw = [(r.pickup_window, r.delivery_window) for r in problem.requests]
    limits = {
        task_id(i, DELIVERY): r.picked_up_at + r.pickup_service + r.max_ride
        for i, r in enumerate(problem.requests)
        if r.picked_up_at is not None and r.max_ride is not None
    }
    return tasks_of(problem.requests, raw), dataclasses.replace(frame, limits=limits)


@settings(max_examples=1500, deadline=None)
@given(cases(), st.booleans())
def test_kernel_schedule_agrees_with_the_checker(case: Case, as_limits: bool) -> None:
    """Feasible for the kernel exactly when the checker finds no broken rule; then the same
    earliest service starts and the same arrival at the end."""
    problem, visits = case.problem, case.visits
    veh = problem.vehicles[0]
    violations = check_routes(problem, [visits], vehicle_ids=[veh.id])
    tasks, frame = _kernel_view(problem, as_limits=as_limits)
    x = schedule(tasks, problem.travel_time.tolist(), frame, _seq(problem, visits))
    assert (x is None) == bool(violations), violations
    if x is not None:
        route = schedule_route(problem, veh, visits)
        assert route is not None
        assert x[1:-1] == [s.start for s in route.stops]
        assert x[-1] == route.arrival


@st.composite
def insertions(draw: st.DrawFn) -> tuple[Problem, list[Visit], int]:
    """A feasible route of all requests but one (no one on board), and that request's index."""
    problem = draw(problems(max_requests=4, onboard=False, tight=False))
    new = draw(st.integers(0, len(problem.requests) - 1))
    rest = [r for i, r in enumerate(problem.requests) if i != new]
    order = draw(st.permutations([Visit(r.id, k) for r in rest for k in (PICKUP, DELIVERY)]))
    visits: list[Visit] = []
    for v in order:
        done = any(w.request_id == v.request_id for w in visits)
        visits.append(Visit(v.request_id, DELIVERY if done else PICKUP))
    return problem, visits, new


@settings(max_examples=600, deadline=None)
@given(insertions())
def test_insertion_screen_keeps_every_feasible_insertion(
    case: tuple[Problem, list[Visit], int],
) -> None:
    """Every place where the checker can run the new request is among the kernel's candidate
    insertions (the screen only drops infeasible ones), priced at the exact added cost."""
    problem, visits, new = case
    veh = problem.vehicles[0]
    rid = problem.requests[new].id
    # the route without the new request must be feasible to insert into
    assume(not check_routes(problem, [visits], rejected=[rid], vehicle_ids=[veh.id]))
    tasks, frame = tasks_of(problem.requests), frames_of(problem)[0]
    tt = problem.travel_time
    seq = _seq(problem, visits)
    gaps = Gaps(
        tasks,
        problem.cost,
        frame,
        seq,
        starts=forward(tasks, tt.tolist(), frame, seq),
        latest=latest(tasks, tt.tolist(), frame, seq),
    )
    vals, gis, gjs = candidates(GapTable([gaps], [frame]), tasks, tt, problem.cost, new)
    priced = {(int(i), int(j)): float(v) for v, i, j in zip(vals, gis, gjs, strict=True)}
    old_cost = route_cost(problem, veh, visits)
    a = task_id(new, PICKUP)
    for i in range(len(seq) + 1):
        for j in range(i, len(seq) + 1):
            route = [
                *visits[:i],
                Visit(rid, PICKUP),
                *visits[i:j],
                Visit(rid, DELIVERY),
                *visits[j:],
            ]
            feasible = not check_routes(problem, [route], vehicle_ids=[veh.id])
            if feasible:
                assert (i, j) in priced, (i, j, sorted(priced))
                assert priced[(i, j)] == route_cost(problem, veh, route) - old_cost
            if (i, j) in priced:
                new_seq = insert_pair(seq, i, j, a)
                assert kernel_cost(tasks, tt.tolist(), frame, new_seq) == route_cost(
                    problem, veh, route
                )


def test_a_chain_of_ride_limits_takes_several_passes() -> None:
    """r2's pickup opens late (27); to keep rides short the kernel delays r3's pickup, then r0's,
    then r1's — four passes — and ends at the checker's schedule."""
    xs = [11, 7, 8, 4, 8, 8, 12, 8, 11]
    tt = [[float(abs(a - b)) for b in xs] for a in xs]
    rides = [(9.0, 2.0), (0.0, 7.0), (27.0, 7.0), (6.0, 4.0)]
    requests = tuple(
        Request(f"r{r}", 1 + 2 * r, 2 + 2 * r, pickup_window=(lo, INF), max_ride=ride)
        for r, (lo, ride) in enumerate(rides)
    )
    problem = Problem(tt, requests=requests, vehicles=(Vehicle("v", 4, 0, 0),))
    order = [(1, PICKUP), (0, PICKUP), (1, DELIVERY), (3, PICKUP), (0, DELIVERY), (2, PICKUP)]
    order += [(3, DELIVERY), (2, DELIVERY)]
    visits = [Visit(f"r{r}", kind) for r, kind in order]
    x = schedule(tasks_of(requests), tt, frames_of(problem)[0], _seq(problem, visits))
    route = schedule_route(problem, problem.vehicles[0], visits)
    assert x is not None and route is not None
    assert x[1:-1] == [18.0, 24.0, 25.0, 26.0, 26.0, 27.0, 30.0, 31.0]
    assert x[1:-1] == [s.start for s in route.stops]


def test_a_pickup_delayed_for_a_ride_limit_cannot_push_a_passenger_past_theirs() -> None:
    """r0 is on board (ride limit: drop-off by 10). r1 must reach its drop-off at 15 at the
    earliest and ride at most 2, so its pickup moves to 13 — and r0's drop-off to 14: no schedule.
    With a longer limit for r0 both kernel views (window end or frame limit) find the checker's."""
    xs = [0, 0, 2, 1, 3]
    tt = [[float(abs(a - b)) for b in xs] for a in xs]
    r1 = Request("r1", 3, 4, pickup_window=(5.0, INF), delivery_window=(15.0, INF), max_ride=2.0)
    visits = [Visit("r1", PICKUP), Visit("r0", DELIVERY), Visit("r1", DELIVERY)]
    for limit, starts in ((10.0, None), (20.0, [13.0, 14.0, 15.0])):
        r0 = Request("r0", 1, 2, max_ride=limit, picked_up_at=0.0)
        vehicle = Vehicle("v", 3, 0, 0, onboard=("r0",))
        problem = Problem(tt, requests=(r0, r1), vehicles=(vehicle,))
        assert bool(check_routes(problem, [visits])) == (starts is None)
        for as_limits in (False, True):
            tasks, frame = _kernel_view(problem, as_limits=as_limits)
            x = schedule(tasks, tt, frame, _seq(problem, visits))
            assert (x[1:-1] if x is not None else None) == starts
