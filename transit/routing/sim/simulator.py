"""A service day of on-demand dispatch in one area: online insertion, rolling-horizon
re-optimization with OR-Tools, vehicles moving on network travel times, bus connections at hubs.

How a day is played (times in seconds after midnight):

1. Requests become known at ``booked_s`` (advance bookings before the shift starts, in
   desired-time order; immediate ones during the day). Each is inserted at once into the vehicle
   plan where it adds the least ``Δ travel time + 0.5 × (its wait + the extra wait of riders
   already planned)``, keeping every planned ride feasible (pickup window
   ``[desired, desired + max_wait]``, maximum ride time, capacity, return to the depot by the end
   of the shift), or rejected when no insertion is feasible — as an operator answers a phone call.
2. Every ``reopt_interval_min`` the plans are re-optimized (:func:`transit.routing.dispatch.problem.solve`)
   over a rolling horizon: the accepted requests whose pickup window opens within
   ``horizon_min`` plus the passengers on board, each vehicle starting where it will be free,
   warm-started from the current plan. Later requests keep their order and are appended; the new
   plan replaces the old one only when every route stays feasible and the travel time drops.
3. A vehicle leaves for its next stop as late as its plan allows (it waits where it is, so it can
   still take a new rider first); once it has left, the stop is committed — recorded as executed
   and never re-planned (the committed prefix). Passengers picked up stay with their vehicle.
4. A ride to a bus hub aims at the first departure the rider could catch with a direct ride
   (``desired + boarding + direct + alighting + transfer buffer``); it must arrive in time for the
   *next* departure at the latest, and arriving after the aimed one counts as a missed
   connection.

Every executed route is re-checked at the end by :func:`transit.routing.dispatch.checker.check`.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from transit.core.errors import InputError, Location, TransitError, WorkError
from transit.routing.areas.bookings import HUB_KIND, generate_requests, read_request_log
from transit.routing.areas.config import (
    AreaConfig,
    Costs,
    Dispatch,
    Service,
    depot_location,
    format_hhmm,
    iter_rows,
    parse_hhmm,
    read_area_polygon,
    read_destinations,
    read_population,
)
from transit.routing.areas.hubs import hub_departures, next_departures
from transit.routing.dispatch import checker as _checker
from transit.routing.dispatch import problem as darp
from transit.routing.roads.matrix import graph_to_csr, travel_time_matrix
from transit.routing.roads.network import add_travel_times, load_network, snap_points

log = logging.getLogger(__name__)

#: Weight of the rider's wait (seconds) against added vehicle travel time in insertion.
WAIT_WEIGHT = 0.5
#: Feasible insertions scored exactly (the cheapest by the quick score) before choosing.
CONFIRM = 12
PICKUP, DELIVERY = darp.PICKUP, darp.DELIVERY
Kind = darp.Kind

#: Columns the simulation adds to the request table (see :class:`SimResult`).
OUTCOME_COLUMNS = (
    "status",
    "vehicle_id",
    "pickup_s",
    "dropoff_s",
    "wait_min",
    "ride_min",
    "direct_min",
    "detour_factor",
    "connection_s",
    "missed_connection",
)

KPI_NAMES = (
    "served_rate",
    "rejected_rate",
    "wait_mean_min",
    "wait_p95_min",
    "ride_mean_min",
    "detour_factor",
    "vehicle_km",
    "empty_km_share",
    "occupancy_mean",
    "pax_per_vehicle_hour",
    "cost_per_pax_yen",
    "missed_connections",
)


@dataclass(frozen=True, eq=False)
class Scenario:
    """Everything one simulated day needs, already read and prepared.

    ``graph`` has ``travel_time`` (s) and ``length`` (m) on every edge; ``requests`` is a request
    table (:mod:`transit.routing.areas.bookings`); ``depot`` is (lon, lat); ``hub_departures`` maps a
    hub ``place_id`` to its sorted bus departures (seconds), ``"*"`` applying to every hub.
    """

    graph: nx.MultiDiGraph
    requests: pd.DataFrame
    depot: tuple[float, float]
    vehicles: int
    capacity: int
    shift_s: tuple[float, float]
    service: Service = field(default_factory=Service)
    costs: Costs = field(default_factory=Costs)
    dispatch: Dispatch = field(default_factory=Dispatch)
    hub_departures: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    area_id: str = ""
    name_ja: str = ""


@dataclass(frozen=True, eq=False)
class SimResult:
    """What a simulated day produced.

    Attributes
    ----------
    kpis : dict
        The KPIs of :data:`KPI_NAMES` plus counts (``requests``, ``served``, ``rejected``,
        ``passengers``, ``vehicles``, ``vehicle_hours``, ``revenue_yen``, ``cost_yen``,
        ``hub_rides``, ``reoptimizations``, ``reopt_accepted``, ``checker_violations``,
        ``wall_s``) and labels (``area_id``, ``seed``, ``network``).
    requests : DataFrame
        Per request: the request table columns plus ``status`` (``served``/``rejected``),
        ``vehicle_id``, ``pickup_s``, ``dropoff_s``, ``wait_min``, ``ride_min``, ``direct_min``,
        ``detour_factor``, ``connection_s`` (aimed bus departure), ``missed_connection``.
    vehicles : DataFrame
        Per vehicle: ``vehicle_id``, ``stops``, ``passengers``, ``km``, ``empty_km``,
        ``pax_km``, ``busy_h`` (driving or serving), ``first_s``, ``last_s``.
    tracks : DataFrame
        Per vehicle and executed stop, in time order: ``vehicle_id``, ``seq``, ``event``
        (``start``/``pickup``/``delivery``/``end``), ``request_id``, ``node`` (graph node),
        ``lon``, ``lat``, ``arrival_s``, ``start_s`` (service start), ``depart_s``, ``load``
        (on board after the stop).
    violations : list
        Checker violations of the executed routes (empty = every route feasible).
    """

    kpis: dict[str, Any]
    requests: pd.DataFrame
    vehicles: pd.DataFrame
    tracks: pd.DataFrame
    violations: list[_checker.Violation]


# --- preparing a scenario ----------------------------------------------------------------------


def prepare_area(
    cfg: AreaConfig,
    *,
    seed: int,
    graph: nx.MultiDiGraph | None = None,
    vehicles: int | None = None,
) -> Scenario:
    """Read an area's data, generate (or replay) its requests and prepare the network.

    ``graph`` (a network with or without travel times) avoids reloading the network for every
    run of a sweep; ``vehicles`` overrides the fleet size of the file.
    """
    polygon = read_area_polygon(cfg)
    population = read_population(cfg, polygon)
    destinations = read_destinations(cfg, polygon)
    if graph is None:
        src = cfg.area.network.strip()
        if src in ("", "sample") or src.startswith("place:"):
            graph = load_network(src or None)
        else:
            graph = load_network(str(cfg.path(src)))
    graph = add_travel_times(graph, factor=cfg.service.speed_factor)
    shift = cfg.shift_s
    if cfg.demand.request_log:
        requests = read_request_log(cfg.path(cfg.demand.request_log))
    else:
        requests = generate_requests(
            population,
            destinations,
            demand=cfg.demand,
            shift_s=shift,
            seed=seed,
            last_pickup_min=cfg.shift.last_pickup_min,
        )
    hubs = destinations[destinations["kind"] == HUB_KIND]
    deps: dict[str, tuple[float, ...]] = {}
    if cfg.area.hub_departures:
        deps["*"] = tuple(sorted(parse_hhmm(t) for t in cfg.area.hub_departures))
    elif cfg.area.gtfs and not hubs.empty:
        try:
            deps = hub_departures(cfg.path(cfg.area.gtfs), hubs, toward=cfg.area.hub_toward)
        except TransitError as exc:
            raise InputError(
                f"cannot read bus departures at the hubs from {cfg.area.gtfs} ({exc}); "
                "fix the feed or give area.hub_departures",
                Location(field="area.gtfs"),
            ) from exc
    return Scenario(
        graph=graph,
        requests=requests,
        depot=depot_location(cfg, destinations, polygon),
        vehicles=cfg.fleet.vehicles if vehicles is None else vehicles,
        capacity=cfg.fleet.capacity,
        shift_s=shift,
        service=cfg.service,
        costs=cfg.costs,
        dispatch=cfg.dispatch,
        hub_departures=deps,
        area_id=cfg.area.id,
        name_ja=cfg.area.name_ja,
    )


def simulate_area(
    cfg: AreaConfig, *, seed: int, vehicles: int | None = None, graph: nx.MultiDiGraph | None = None
) -> SimResult:
    """:func:`prepare_area` then :func:`simulate` with the same seed."""
    return simulate(prepare_area(cfg, seed=seed, graph=graph, vehicles=vehicles), seed=seed)


# --- the simulation -----------------------------------------------------------------------------


@dataclass
class _Req:
    rid: str
    o: int
    d: int
    load: int
    booked: float
    desired: float
    e_p: float
    l_p: float
    l_d: float
    max_ride: float
    direct: float
    connection: float | None = None
    status: str = "pending"
    vehicle: int = -1
    pickup: float = math.nan
    dropoff: float = math.nan


@dataclass
class _Veh:
    vid: str
    pos: int
    free: float
    plan: list[tuple[int, Kind]] = field(default_factory=list)  # (request index, kind)
    onboard: dict[int, float] = field(default_factory=dict)  # request index -> pickup start
    done: list[tuple[int, Kind, int, float, float, float]] = field(default_factory=list)
    # (request index, kind, node, arrival, start, depart-after-service)


class _Sim:
    def __init__(self, sc: Scenario, seed: int) -> None:
        self.sc = sc
        self.seed = seed
        svc = sc.service
        self.sp = svc.boarding_min * 60.0
        self.sd = svc.alighting_min * 60.0
        self.start, self.end = sc.shift_s
        g = sc.graph
        reqs = sc.requests
        o_nodes = snap_points(
            g, reqs["origin_lon"].to_numpy(float), reqs["origin_lat"].to_numpy(float)
        )["node"].tolist()
        d_nodes = snap_points(
            g, reqs["dest_lon"].to_numpy(float), reqs["dest_lat"].to_numpy(float)
        )["node"].tolist()
        depot_node = snap_points(g, [sc.depot[0]], [sc.depot[1]])["node"].iloc[0]
        self.gnodes: list[Any] = list(dict.fromkeys([depot_node, *o_nodes, *d_nodes]))
        local = {n: i for i, n in enumerate(self.gnodes)}
        t0 = time.perf_counter()
        csr_t = graph_to_csr(g, weight="travel_time")
        csr_l = graph_to_csr(g, weight="length")
        tt = travel_time_matrix(csr_t, self.gnodes)
        if not np.all(np.isfinite(tt)):
            raise WorkError("some request points cannot reach each other on the road network")
        self.tt = np.ceil(tt)
        self.dist = travel_time_matrix(csr_l, self.gnodes)
        self.matrix_s = time.perf_counter() - t0
        self.depot = 0
        self.reqs: list[_Req] = []
        max_wait = svc.max_wait_min * 60.0
        buffer = svc.transfer_buffer_min * 60.0
        for k, row in enumerate(iter_rows(reqs)):
            o, d = local[o_nodes[k]], local[d_nodes[k]]
            direct = float(self.tt[o, d])
            desired = float(row.desired_s)
            max_ride = svc.max_ride_factor * direct + svc.max_ride_extra_min * 60.0
            r = _Req(
                rid=str(row.request_id),
                o=o,
                d=d,
                load=int(row.passengers),
                booked=float(row.booked_s),
                desired=desired,
                e_p=desired,
                l_p=desired + max_wait,
                l_d=desired + max_wait + self.sp + max_ride,
                max_ride=max_ride,
                direct=direct,
            )
            if bool(row.to_hub):
                deps = sc.hub_departures.get(str(row.place_id), sc.hub_departures.get("*", ()))
                ready = desired + self.sp + direct + self.sd + buffer
                aim, following = next_departures(deps, ready)
                if aim is not None:
                    r.connection = aim
                    latest = (following if following is not None else aim) - buffer - self.sd
                    r.l_d = min(r.l_d, latest)
                    # leave enough time to make the latest connection at all
                    r.l_p = min(r.l_p, r.l_d - direct - self.sp)
            if r.l_p < r.e_p or r.load > sc.capacity:
                r.status = "rejected"
            self.reqs.append(r)
        self.vehs = [
            _Veh(vid=f"V{i + 1}", pos=self.depot, free=self.start) for i in range(sc.vehicles)
        ]
        self.reopts = 0
        self.reopt_accepted = 0
        self.reopt_failed = 0
        self.solver_s = 0.0
        self.insertions = 0
        self._last_reopt: tuple[frozenset[int], tuple[int, ...], int] | None = None

    # -- schedules ---------------------------------------------------------------------------

    def _window(self, ri: int, kind: str) -> tuple[float, float]:
        r = self.reqs[ri]
        return (r.e_p, r.l_p) if kind == PICKUP else (0.0, r.l_d)

    def schedule(
        self, veh: _Veh, plan: Sequence[tuple[int, Kind]], t0: float
    ) -> list[tuple[float, float]] | None:
        """(arrival, start) of each stop in the earliest feasible schedule, or None.

        A forward pass starts every service as early as possible. When a ride would exceed its
        maximum ride time, the pickup is delayed just enough (if its window allows) and the pass
        is repeated: these delays are implied by the constraints, so the result is the least
        feasible schedule (the same as the checker's temporal network gives), found in a few
        passes.
        """
        floor: dict[int, float] = {}  # plan position -> delayed earliest start of a pickup
        for _ in range(2 * len(plan) + 2):
            res = self._forward(veh, plan, t0, floor)
            if res is None or isinstance(res, list):
                return res
            pos_k, earliest = res
            floor[pos_k] = earliest
        return None

    def _forward(
        self,
        veh: _Veh,
        plan: Sequence[tuple[int, Kind]],
        t0: float,
        floor: Mapping[int, float],
    ) -> list[tuple[float, float]] | tuple[int, float] | None:
        """One forward pass: the schedule, or (position, later start) of a pickup to delay
        for a ride-time excess, or None when infeasible."""
        tt = self.tt
        pos, t = veh.pos, t0
        load = sum(self.reqs[ri].load for ri in veh.onboard)
        picked: dict[int, tuple[int, float]] = {}
        out: list[tuple[float, float]] = []
        cap = self.sc.capacity
        for k, (ri, kind) in enumerate(plan):
            r = self.reqs[ri]
            node = r.o if kind == PICKUP else r.d
            arr = t + tt[pos, node]
            lo, hi = self._window(ri, kind)
            st = max(arr, lo, floor.get(k, -math.inf))
            if st > hi + 1e-6:
                return None
            if kind == PICKUP:
                load += r.load
                if load > cap:
                    return None
                picked[ri] = (k, st)
                t = st + self.sp
            else:
                if ri in picked:
                    pk, p = picked[ri]
                elif ri in veh.onboard:
                    pk, p = -1, veh.onboard[ri]
                else:
                    return None
                excess = st - (p + self.sp) - r.max_ride
                if excess > 1e-6:
                    if pk < 0:
                        return None  # already on board: the pickup cannot move
                    return pk, p + excess
                load -= r.load
                t = st + self.sd
            out.append((arr, st))
            pos = node
        if t + tt[pos, self.depot] > self.end + 1e-6:
            return None
        return out

    def plan_cost(self, veh: _Veh, plan: Sequence[tuple[int, Kind]]) -> float:
        """Travel time of the plan from the vehicle's position back to the depot."""
        pos, total = veh.pos, 0.0
        for ri, kind in plan:
            r = self.reqs[ri]
            node = r.o if kind == PICKUP else r.d
            total += self.tt[pos, node]
            pos = node
        return float(total + self.tt[pos, self.depot])

    # -- insertion ------------------------------------------------------------------------------

    def insert(self, ri: int, now: float) -> bool:
        """Cheapest feasible insertion of request ``ri`` at time ``now``; False = rejected.

        Candidates are screened in O(1) each with forward time slacks (time windows, capacity,
        the new rider's ride time); the best-scoring ones are then confirmed with a full
        schedule (ride times of the riders already planned)."""
        r = self.reqs[ri]
        cands: list[tuple[float, int, int, int]] = []
        for vi, veh in enumerate(self.vehs):
            cands.extend(self._candidates(vi, veh, r, now))
        cands.sort()
        best: tuple[tuple[float, float], int, list[tuple[int, Kind]]] | None = None
        confirmed = 0
        base_starts: dict[int, dict[int, float]] = {}
        for _score, vi, i, j in cands[:200]:
            veh = self.vehs[vi]
            plan = veh.plan
            t0 = max(veh.free, now)
            cand = [*plan[:i], (ri, PICKUP), *plan[i:j], (ri, DELIVERY), *plan[j:]]
            sched = self.schedule(veh, cand, t0)
            if sched is None:
                continue
            if vi not in base_starts:
                base = self.schedule(veh, plan, t0) or []
                base_starts[vi] = {
                    q: st for (q, kind), (_a, st) in zip(plan, base, strict=True) if kind == PICKUP
                }
            # exact score: added travel + weighted wait of the new rider and extra wait of others
            delay = sum(
                st - base_starts[vi][q]
                for (q, kind), (_a, st) in zip(cand, sched, strict=True)
                if kind == PICKUP and q != ri
            )
            score = (
                self.plan_cost(veh, cand)
                - self.plan_cost(veh, plan)
                + WAIT_WEIGHT * (sched[i][1] - r.desired + delay)
            )
            # ties: prefer not to delay riders already promised a time
            key = (round(score, 6), round(delay, 6))
            if best is None or key < best[0]:
                best = (key, vi, cand)
            confirmed += 1
            if confirmed >= CONFIRM:
                break
        if best is None:
            r.status = "rejected"
            return False
        _key, vi, cand = best
        veh = self.vehs[vi]
        veh.free = max(veh.free, now)
        veh.plan = cand
        r.status = "accepted"
        self.insertions += 1
        r.vehicle = vi
        return True

    def _candidates(
        self, vi: int, veh: _Veh, r: _Req, now: float
    ) -> list[tuple[float, int, int, int]]:
        tt = self.tt
        cap = self.sc.capacity
        t0 = max(veh.free, now)
        plan = veh.plan
        n = len(plan)
        base = self.schedule(veh, plan, t0)
        if base is None:  # pragma: no cover - plans are kept feasible
            return []
        nodes = [veh.pos]
        ends = [t0]
        lo: list[float] = []
        hi: list[float] = []
        st: list[float] = []
        wait: list[float] = []
        load_before = [sum(self.reqs[q].load for q in veh.onboard)]
        for (q, kind), (arr, s) in zip(plan, base, strict=True):
            rq = self.reqs[q]
            a, b = self._window(q, kind)
            lo.append(a)
            hi.append(b)
            st.append(s)
            wait.append(s - arr)
            if kind == PICKUP:
                nodes.append(rq.o)
                ends.append(s + self.sp)
                load_before.append(load_before[-1] + rq.load)
            else:
                nodes.append(rq.d)
                ends.append(s + self.sd)
                load_before.append(load_before[-1] - rq.load)
        # position n = arrival back at the depot
        nodes.append(self.depot)
        lo.append(-math.inf)
        hi.append(self.end)
        st.append(ends[n] + tt[nodes[n], self.depot])
        wait.append(0.0)
        slack = [0.0] * (n + 1)
        slack[n] = hi[n] - st[n]
        for k in range(n - 1, -1, -1):
            slack[k] = min(hi[k] - st[k], wait[k + 1] + slack[k + 1])
        o, d, q_load = r.o, r.d, r.load
        out: list[tuple[float, int, int, int]] = []
        for i in range(n + 1):
            reach = ends[i] + tt[nodes[i], o]
            if reach > r.l_p:
                break
            if load_before[i] + q_load > cap:
                continue
            ps = max(reach, r.e_p)
            p_end = ps + self.sp
            score_p = WAIT_WEIGHT * (ps - r.desired)
            # delivery right after the pickup (j == i)
            ds = p_end + tt[o, d]
            if ds <= r.l_d:
                a = ds + self.sd + tt[d, nodes[i + 1]]
                if max(a, lo[i]) - st[i] <= slack[i] + 1e-6:
                    added = (
                        tt[nodes[i], o]
                        + tt[o, d]
                        + tt[d, nodes[i + 1]]
                        - tt[nodes[i], nodes[i + 1]]
                    )
                    out.append((added + score_p, vi, i, i))
            if i == n:
                continue
            added_p = tt[nodes[i], o] + tt[o, nodes[i + 1]] - tt[nodes[i], nodes[i + 1]]
            delay = max(p_end + tt[o, nodes[i + 1]], lo[i]) - st[i]
            for k in range(i, n):  # delivery after plan stop k (before k + 1)
                if k > i:
                    delay = max(0.0, delay - wait[k])
                if delay > hi[k] - st[k] + 1e-6 or load_before[k + 1] + q_load > cap:
                    break
                k_end = ends[k + 1] + delay
                if k_end - p_end > r.max_ride:
                    break
                ds = k_end + tt[nodes[k + 1], d]
                if ds > r.l_d or ds - p_end > r.max_ride + 1e-6:
                    continue
                a = ds + self.sd + tt[d, nodes[k + 2]]
                if max(a, lo[k + 1]) - st[k + 1] > slack[k + 1] + 1e-6:
                    continue
                added = (
                    added_p
                    + tt[nodes[k + 1], d]
                    + tt[d, nodes[k + 2]]
                    - tt[nodes[k + 1], nodes[k + 2]]
                )
                out.append((added + score_p, vi, i, k + 1))
        return out

    # -- moving vehicles ---------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Commit every stop whose leg has started by ``now``.

        A vehicle leaves for its next stop as late as its plan allows (``start − travel``, not
        before it is free), so that it can still take a new rider first; once it has left, the
        stop is committed and recorded as executed at its planned times."""
        for veh in self.vehs:
            if not veh.plan:
                veh.free = max(veh.free, min(now, self.end))
                continue
            while veh.plan:
                ri, kind = veh.plan[0]
                sched = self.schedule(veh, veh.plan, veh.free)
                if sched is None:  # pragma: no cover - plans are kept feasible
                    raise WorkError(f"internal: plan of {veh.vid} became infeasible")
                _arr, st = sched[0]
                r = self.reqs[ri]
                node = r.o if kind == PICKUP else r.d
                leg = float(self.tt[veh.pos, node])
                depart = max(veh.free, st - leg)
                if depart > now:
                    break
                if kind == PICKUP:
                    end = st + self.sp
                    veh.onboard[ri] = st
                    r.pickup = st
                else:
                    end = st + self.sd
                    veh.onboard.pop(ri, None)
                    r.dropoff = st
                    r.status = "served"
                veh.done.append((ri, kind, node, depart + leg, st, end))
                veh.pos, veh.free = node, end
                veh.plan = veh.plan[1:]

    # -- re-optimization -----------------------------------------------------------------------------

    def reoptimize(self, now: float) -> None:
        """Re-optimize the near-term plans of all vehicles (rolling horizon, warm start).

        If the solver fails on passengers already on board (an adapter error, not "no plan"),
        the vehicles carrying nobody are re-optimized alone and the failure is counted."""
        try:
            self._reoptimize(now, list(range(len(self.vehs))))
        except WorkError as exc:
            log.debug("re-optimization at %.0f found nothing: %s", now, exc)
        except Exception as exc:  # a solver failure must not stop the day: keep the plan
            self.reopt_failed += 1
            (log.warning if self.reopt_failed == 1 else log.debug)(
                "re-optimization at %.0f failed (%s: %s); retrying without on-board passengers"
                " (further failures of this run are logged at debug level)",
                now,
                type(exc).__name__,
                exc,
            )
            empty = [vi for vi, v in enumerate(self.vehs) if not v.onboard]
            try:
                self._reoptimize(now, empty)
            except Exception as exc2:
                log.warning("re-optimization at %.0f failed again (%s); plan kept", now, exc2)

    def _reoptimize(self, now: float, which: list[int]) -> None:
        vehs = [self.vehs[vi] for vi in which]
        horizon = now + self.sc.dispatch.horizon_min * 60.0
        near: set[int] = set()
        for veh in vehs:
            near.update(veh.onboard)
            near.update(
                ri for ri, kind in veh.plan if kind == PICKUP and self.reqs[ri].e_p <= horizon
            )
        if not near:
            return
        # nothing new since the last re-optimization of these requests: the plan is as good
        key = (frozenset(near), tuple(which), self.insertions)
        if key == self._last_reopt:
            return
        self._last_reopt = key
        self.reopts += 1
        nodes = sorted(
            {self.depot}
            | {v.pos for v in vehs}
            | {self.reqs[ri].o for ri in near}
            | {self.reqs[ri].d for ri in near}
        )
        loc = {n: i for i, n in enumerate(nodes)}
        requests = []
        for ri in sorted(near):
            r = self.reqs[ri]
            on = next((v for v in vehs if ri in v.onboard), None)
            requests.append(
                darp.Request(
                    id=str(ri),
                    pickup=loc[r.o],
                    delivery=loc[r.d],
                    load=r.load,
                    pickup_window=(r.e_p, r.l_p),
                    delivery_window=(0.0, r.l_d),
                    pickup_service=self.sp,
                    delivery_service=self.sd,
                    max_ride=r.max_ride,
                    picked_up_at=on.onboard[ri] if on is not None else None,
                )
            )
        vehicles = [
            darp.Vehicle(
                id=v.vid,
                capacity=self.sc.capacity,
                start=loc[v.pos],
                end=loc[self.depot],
                shift=(max(v.free, now), self.end),
                onboard=tuple(str(ri) for ri in sorted(v.onboard)),
            )
            for v in vehs
        ]
        idx = np.array(nodes)
        problem = darp.Problem(
            travel_time=self.tt[np.ix_(idx, idx)],
            requests=tuple(requests),
            vehicles=tuple(vehicles),
            penalty=None,
            scale=1.0,
            time_unit="s",
            name=f"{self.sc.area_id}@{now:.0f}",
        )
        initial = [[darp.Visit(str(ri), kind) for ri, kind in v.plan if ri in near] for v in vehs]
        t0 = time.perf_counter()
        try:
            sol = darp.solve(
                problem,
                time_limit=self.sc.dispatch.time_limit_s,
                seed=self.seed + self.reopts,
                initial=initial,
            )
        finally:
            self.solver_s += time.perf_counter() - t0
        if sol.rejected:
            return
        new_plans: list[list[tuple[int, Kind]]] = []
        for v in vehs:
            route = sol.route(v.vid)
            head = [(int(st.request_id), st.kind) for st in route.stops]
            tail = [(ri, kind) for ri, kind in v.plan if ri not in near]
            plan = head + tail
            if self.schedule(v, plan, max(v.free, now)) is None:
                log.debug(
                    "re-optimization at %.0f: plan of %s not feasible as executed (head alone %s)",
                    now,
                    v.vid,
                    "feasible" if self.schedule(v, head, max(v.free, now)) is not None else "not",
                )
                return
            new_plans.append(plan)
        old = sum(self.plan_cost(v, v.plan) for v in vehs)
        new = sum(self.plan_cost(v, p) for v, p in zip(vehs, new_plans, strict=True))
        log.debug("re-optimization at %.0f: travel %.0f s -> %.0f s", now, old, new)
        if new < old - 1e-6:
            self.reopt_accepted += 1
            for vi, p in zip(which, new_plans, strict=True):
                self.vehs[vi].plan = p
                for ri, _ in p:
                    self.reqs[ri].vehicle = vi

    # -- the day ------------------------------------------------------------------------------------

    def run(self, progress: Callable[[float], None] | None = None) -> None:
        events: list[tuple[float, int, int]] = []  # (time, order, request index or -1 = re-opt)
        for ri, r in enumerate(self.reqs):
            if r.status == "pending":
                # requests booked before the shift are inserted at its start, in desired order
                t = max(r.booked, self.start)
                order = int(r.desired) if r.booked < self.start else 0
                events.append((t, order, ri))
        disp = self.sc.dispatch
        if disp.reoptimize and self.sc.vehicles > 0:
            step = disp.reopt_interval_min * 60.0
            k = 0
            while self.start + k * step < self.end:
                events.append((self.start + k * step, 10**9, -1))
                k += 1
        events.sort(key=lambda e: (e[0], e[1], e[2]))
        for t, _order, ri in events:
            now = max(t, self.start)
            self.advance(now)
            if ri >= 0:
                self.insert(ri, now)
            else:
                self.reoptimize(now)
            self.advance(now)
            if progress is not None:
                progress(now)
        self.advance(math.inf)

    # -- results ----------------------------------------------------------------------------------

    def executed_problem(self) -> tuple[darp.Problem, darp.Solution]:
        """The day as one DARP instance (served requests, vehicles from the depot) and the
        executed routes as its solution, for the checker."""
        served = [ri for ri, r in enumerate(self.reqs) if r.status == "served"]
        requests = tuple(
            darp.Request(
                id=self.reqs[ri].rid,
                pickup=self.reqs[ri].o,
                delivery=self.reqs[ri].d,
                load=self.reqs[ri].load,
                pickup_window=(self.reqs[ri].e_p, self.reqs[ri].l_p),
                delivery_window=(0.0, self.reqs[ri].l_d),
                pickup_service=self.sp,
                delivery_service=self.sd,
                max_ride=self.reqs[ri].max_ride,
            )
            for ri in served
        )
        vehicles = tuple(
            darp.Vehicle(
                id=v.vid,
                capacity=self.sc.capacity,
                start=self.depot,
                end=self.depot,
                shift=(self.start, self.end),
            )
            for v in self.vehs
        )
        problem = darp.Problem(
            travel_time=self.tt,
            requests=requests,
            vehicles=vehicles,
            distance=self.dist,
            penalty=None,
            name=f"{self.sc.area_id} executed",
        )
        routes = []
        total = 0.0
        for v in self.vehs:
            visits = [darp.Visit(self.reqs[ri].rid, kind) for ri, kind, *_ in v.done]
            cost = _checker.route_cost(problem, problem.vehicle(v.vid), visits)
            stops = tuple(
                darp.Stop(self.reqs[ri].rid, kind, node, arr, st)
                for ri, kind, node, arr, st, _dep in v.done
            )
            dep = self.start
            arr_end = (v.done[-1][5] + self.tt[v.done[-1][2], self.depot]) if v.done else dep
            routes.append(darp.Route(v.vid, stops, dep, float(arr_end), cost, 0.0))
            total += cost
        return problem, darp.Solution(tuple(routes), (), total, total, status="executed")

    def results(self, wall_s: float) -> SimResult:
        problem, solution = self.executed_problem()
        violations = _checker.check(problem, solution)
        g = self.sc.graph
        lonlat = {n: (g.nodes[n]["x"], g.nodes[n]["y"]) for n in self.gnodes}
        rows = []
        for r, src in zip(self.reqs, iter_rows(self.sc.requests), strict=True):
            served = r.status == "served"
            ride = r.dropoff - (r.pickup + self.sp) if served else math.nan
            row = src._asdict()
            row.update(
                status="served" if served else "rejected",
                vehicle_id=self.vehs[r.vehicle].vid if served else "",
                pickup_s=r.pickup if served else math.nan,
                dropoff_s=r.dropoff if served else math.nan,
                wait_min=(r.pickup - r.desired) / 60.0 if served else math.nan,
                ride_min=ride / 60.0,
                direct_min=r.direct / 60.0,
                detour_factor=ride / r.direct if served and r.direct > 0 else math.nan,
                connection_s=r.connection if r.connection is not None else math.nan,
                missed_connection=bool(
                    served
                    and r.connection is not None
                    and r.dropoff + self.sd + self.sc.service.transfer_buffer_min * 60.0
                    > r.connection + 1e-6
                ),
            )
            rows.append(row)
        req_df = pd.DataFrame(rows, columns=[*self.sc.requests.columns, *OUTCOME_COLUMNS])
        track_rows: list[dict[str, Any]] = []
        veh_rows: list[dict[str, Any]] = []
        total_km = empty_km = pax_km = 0.0
        for v in self.vehs:
            load = 0
            km = e_km = p_km = busy = 0.0
            pos, t = self.depot, self.start
            seq = 0
            rows_v = [self._track(v.vid, seq, "start", "", pos, t, t, t, 0, lonlat)]
            local = [pos]
            pax = 0
            for ri, kind, node, arr, st, dep in v.done:
                leg_km = self.dist[pos, node] / 1000.0
                km += leg_km
                p_km += leg_km * load
                if load == 0:
                    e_km += leg_km
                busy += self.tt[pos, node] + (dep - st)
                r = self.reqs[ri]
                load += r.load if kind == PICKUP else -r.load
                pax += r.load if kind == PICKUP else 0
                seq += 1
                rows_v.append(
                    self._track(v.vid, seq, kind, r.rid, node, arr, st, dep, load, lonlat)
                )
                local.append(node)
                pos, t = node, dep
            back_km = self.dist[pos, self.depot] / 1000.0
            km += back_km
            e_km += back_km
            busy += self.tt[pos, self.depot]
            end_arr = t + self.tt[pos, self.depot]
            seq += 1
            rows_v.append(
                self._track(v.vid, seq, "end", "", self.depot, end_arr, end_arr, end_arr, 0, lonlat)
            )
            local.append(self.depot)
            # a vehicle leaves each stop just in time for the next one (it waits where it is)
            for k in range(len(rows_v) - 2):
                nxt = rows_v[k + 1]
                rows_v[k]["depart_s"] = float(nxt["arrival_s"] - self.tt[local[k], local[k + 1]])
            track_rows.extend(rows_v)
            veh_rows.append(
                {
                    "vehicle_id": v.vid,
                    "stops": len(v.done),
                    "passengers": pax,
                    "km": km,
                    "empty_km": e_km,
                    "pax_km": p_km,
                    "busy_h": busy / 3600.0,
                    "first_s": v.done[0][3] if v.done else math.nan,
                    "last_s": v.done[-1][5] if v.done else math.nan,
                }
            )
            total_km += km
            empty_km += e_km
            pax_km += p_km
        veh_df = pd.DataFrame(veh_rows)
        kpis = self._kpis(req_df, total_km, empty_km, pax_km)
        kpis.update(
            checker_violations=len(violations),
            reoptimizations=self.reopts,
            reopt_accepted=self.reopt_accepted,
            reopt_failed=self.reopt_failed,
            solver_s=round(self.solver_s, 3),
            matrix_s=round(self.matrix_s, 3),
            wall_s=round(wall_s, 3),
            seed=self.seed,
            area_id=self.sc.area_id,
            network=str(self.sc.graph.graph.get("transit_source", "")),
        )
        return SimResult(kpis, req_df, veh_df, pd.DataFrame(track_rows), violations)

    def _track(
        self,
        vid: str,
        seq: int,
        event: str,
        rid: str,
        node: int,
        arr: float,
        st: float,
        dep: float,
        load: int,
        lonlat: Mapping[Any, tuple[float, float]],
    ) -> dict[str, Any]:
        g_node = self.gnodes[node]
        lon, lat = lonlat[g_node]
        return {
            "vehicle_id": vid,
            "seq": seq,
            "event": event,
            "request_id": rid,
            "node": g_node,
            "lon": lon,
            "lat": lat,
            "arrival_s": float(arr),
            "start_s": float(st),
            "depart_s": float(dep),
            "load": load,
        }

    def _kpis(
        self, req: pd.DataFrame, total_km: float, empty_km: float, pax_km: float
    ) -> dict[str, Any]:
        n = len(req)
        served = req[req["status"] == "served"]
        pax = int(served["passengers"].sum()) if n else 0
        hours = self.sc.vehicles * (self.end - self.start) / 3600.0
        cost = hours * self.sc.costs.cost_per_vehicle_hour_yen
        revenue = pax * self.sc.costs.fare_yen

        def r3(x: float) -> float | None:
            return (
                None
                if x is None or (isinstance(x, float) and math.isnan(x))
                else round(float(x), 3)
            )

        waits = served["wait_min"].to_numpy(dtype=float)
        return {
            "requests": n,
            "served": len(served),
            "rejected": n - len(served),
            "passengers": pax,
            "vehicles": self.sc.vehicles,
            "vehicle_hours": round(hours, 3),
            "served_rate": r3(len(served) / n) if n else None,
            "rejected_rate": r3((n - len(served)) / n) if n else None,
            "wait_mean_min": r3(float(waits.mean())) if len(waits) else None,
            "wait_p95_min": r3(float(np.percentile(waits, 95))) if len(waits) else None,
            "ride_mean_min": r3(float(served["ride_min"].mean())) if len(served) else None,
            "detour_factor": r3(float(served["detour_factor"].mean())) if len(served) else None,
            "vehicle_km": r3(total_km),
            "empty_km_share": r3(empty_km / total_km) if total_km > 0 else None,
            "occupancy_mean": r3(pax_km / total_km) if total_km > 0 else None,
            "pax_per_vehicle_hour": r3(pax / hours) if hours > 0 else None,
            "cost_yen": round(cost),
            "revenue_yen": round(revenue),
            "cost_per_pax_yen": r3(cost / pax) if pax else None,
            "net_cost_per_pax_yen": r3((cost - revenue) / pax) if pax else None,
            "hub_rides": int((served["connection_s"].notna()).sum()) if len(served) else 0,
            "missed_connections": int(served["missed_connection"].sum()) if len(served) else 0,
        }


def simulate(
    scenario: Scenario, *, seed: int, progress: Callable[[float], None] | None = None
) -> SimResult:
    """Play one service day (see the module documentation) and re-check the executed routes.

    ``seed`` seeds the solver's searches (request generation is seeded in
    :func:`prepare_area`); ``progress`` is called with the simulated clock after each event.
    Returns a :class:`SimResult`.
    """
    t0 = time.perf_counter()
    if scenario.vehicles < 1:
        raise WorkError("a simulation needs at least one vehicle")
    sim = _Sim(scenario, seed)
    sim.run(progress)
    result = sim.results(time.perf_counter() - t0)
    if result.violations:
        log.warning(
            "%d checker violations in executed routes of %s: %s",
            len(result.violations),
            scenario.area_id,
            result.violations[0].message,
        )
    return result


def write_result(result: SimResult, out_dir: Path) -> list[Path]:
    """Write ``kpis.json``, ``requests.csv``, ``vehicles.csv`` and ``tracks.csv`` into
    ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    kp = out_dir / "kpis.json"
    kp.write_text(
        json.dumps(result.kpis, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
    )
    paths.append(kp)
    for name, df in (
        ("requests.csv", _with_clock(result.requests, ("desired_s", "pickup_s", "dropoff_s"))),
        ("vehicles.csv", result.vehicles),
        ("tracks.csv", _with_clock(result.tracks, ("arrival_s", "depart_s"))),
    ):
        p = out_dir / name
        _rounded(df).to_csv(p, index=False, lineterminator="\n")
        paths.append(p)
    return paths


def _rounded(df: pd.DataFrame) -> pd.DataFrame:
    """Coordinates to 6 decimals (≈ 0.1 m), other floats to 3."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(6 if col.endswith(("lon", "lat")) else 3)
    return out


def _with_clock(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Add ``<name>_at`` clock-time columns (``HH:MM``) beside seconds columns ``<name>_s``."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            at = [format_hhmm(v) if pd.notna(v) else "" for v in out[col]]
            out.insert(list(out.columns).index(col) + 1, col.removesuffix("_s") + "_at", at)
    return out
