"""What a simulated day produced: the executed routes re-checked, the request, vehicle and track
tables, the KPIs, and the files :func:`write_result` writes."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from transit.core import provenance as prov
from transit.core.fileio import atomic_write_json, atomic_write_text
from transit.core.gtfstime import format_hhmm
from transit.routing.dispatch import checker
from transit.routing.dispatch.problem import (
    DELIVERY,
    PICKUP,
    Problem,
    ScheduledVisit,
    Solution,
    Vehicle,
    VehicleRoute,
    Visit,
)
from transit.routing.sim.setup import iter_rows
from transit.routing.sim.state import SERVED, Day

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
    violations: list[checker.Violation]


def executed_problem(day: Day) -> tuple[Problem, Solution]:
    """The day as one dial-a-ride instance (served requests, vehicles from the depot) and the
    executed routes as its solution, for the checker."""
    requests = tuple(r.request for r in day.rides if r.status == SERVED)
    vehicles = tuple(
        Vehicle(
            id=c.vid,
            capacity=day.sc.capacity,
            start=day.depot,
            end=day.depot,
            shift=(day.start, day.end),
        )
        for c in day.cars
    )
    problem = Problem(
        travel_time=day.tt,
        requests=requests,
        vehicles=vehicles,
        distance=day.dist,
        penalty=None,
        name=f"{day.sc.area_id} executed",
    )
    routes = []
    total = 0.0
    for c in day.cars:
        rids = [day.rides[e.task >> 1].request.id for e in c.done]
        kinds = [PICKUP if e.task % 2 == 0 else DELIVERY for e in c.done]
        visits = [Visit(rid, kind) for rid, kind in zip(rids, kinds, strict=True)]
        cost = checker.route_cost(problem, problem.vehicle(c.vid), visits)
        stops = tuple(
            ScheduledVisit(rid, kind, e.node, e.arrival, e.start)
            for rid, kind, e in zip(rids, kinds, c.done, strict=True)
        )
        dep = day.start
        arr_end = (c.done[-1].end + day.tt[c.done[-1].node, day.depot]) if c.done else dep
        routes.append(VehicleRoute(c.vid, stops, dep, float(arr_end), cost, 0.0))
        total += cost
    return problem, Solution(tuple(routes), (), total, total, status="executed")


def results(day: Day, *, seed: int, wall_s: float) -> SimResult:
    """Re-check the executed routes and tabulate the day (see :class:`SimResult`)."""
    problem, solution = executed_problem(day)
    violations = checker.check(problem, solution)
    req_df = _request_table(day)
    veh_df, tracks, (total_km, empty_km, pax_km) = _vehicle_tables(day)
    kpis = _kpis(day, req_df, total_km, empty_km, pax_km)
    c = day.counters
    kpis.update(
        checker_violations=len(violations),
        reoptimizations=c.reopts,
        reopt_accepted=c.reopt_accepted,
        reopt_failed=c.reopt_failed,
        solver_s=round(c.solver_s, 3),
        matrix_s=round(c.matrix_s, 3),
        wall_s=round(wall_s, 3),
        seed=seed,
        area_id=day.sc.area_id,
        network=str(day.sc.graph.graph.get("transit_source", "")),
    )
    return SimResult(kpis, req_df, veh_df, tracks, violations)


def _request_table(day: Day) -> pd.DataFrame:
    """The request table with the outcome columns (:data:`OUTCOME_COLUMNS`)."""
    rows = []
    buffer = day.sc.service.transfer_buffer_min * 60.0
    for r, src in zip(day.rides, iter_rows(day.sc.requests), strict=True):
        served = r.status == SERVED
        ride = r.dropoff - (r.pickup + day.sp) if served else math.nan
        row = src._asdict()
        row.update(
            status="served" if served else "rejected",
            vehicle_id=day.cars[r.vehicle].vid if served else "",
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
                and r.dropoff + day.sd + buffer > r.connection + 1e-6
            ),
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*day.sc.requests.columns, *OUTCOME_COLUMNS])


def _vehicle_tables(
    day: Day,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[float, float, float]]:
    """Per-vehicle summary and tracks; the fleet's km, empty km and passenger km."""
    g = day.sc.graph
    lonlat = {n: (g.nodes[n]["x"], g.nodes[n]["y"]) for n in day.gnodes}
    track_rows: list[dict[str, Any]] = []
    veh_rows: list[dict[str, Any]] = []
    totals = np.zeros(3)
    for c in day.cars:
        rows_v, summary, km = _vehicle_day(day, c.vid, c.done, lonlat)
        track_rows.extend(rows_v)
        veh_rows.append(summary)
        totals += km
    total_km, empty_km, pax_km = (float(x) for x in totals)
    return pd.DataFrame(veh_rows), pd.DataFrame(track_rows), (total_km, empty_km, pax_km)


def _vehicle_day(
    day: Day, vid: str, done: Sequence[Any], lonlat: Mapping[Any, tuple[float, float]]
) -> tuple[list[dict[str, Any]], dict[str, Any], tuple[float, float, float]]:
    """One vehicle's track rows, summary row and (km, empty km, passenger km)."""
    load = 0
    km = e_km = p_km = busy = 0.0
    pos, t = day.depot, day.start
    seq = 0
    rows_v = [_track(day, vid, seq, "start", "", pos, (t, t, t), 0, lonlat)]
    local = [pos]
    pax = 0
    for e in done:
        leg_km = day.dist[pos, e.node] / 1000.0
        km += leg_km
        p_km += leg_km * load
        if load == 0:
            e_km += leg_km
        busy += day.tt[pos, e.node] + (e.end - e.start)
        req = day.rides[e.task >> 1].request
        pickup = e.task % 2 == 0
        load += req.load if pickup else -req.load
        pax += req.load if pickup else 0
        seq += 1
        kind = PICKUP if pickup else DELIVERY
        rows_v.append(
            _track(day, vid, seq, kind, req.id, e.node, (e.arrival, e.start, e.end), load, lonlat)
        )
        local.append(e.node)
        pos, t = e.node, e.end
    back_km = day.dist[pos, day.depot] / 1000.0
    km += back_km
    e_km += back_km
    busy += day.tt[pos, day.depot]
    end_arr = t + day.tt[pos, day.depot]
    seq += 1
    rows_v.append(
        _track(day, vid, seq, "end", "", day.depot, (end_arr, end_arr, end_arr), 0, lonlat)
    )
    local.append(day.depot)
    # a vehicle leaves each stop just in time for the next one (it waits where it is)
    for k in range(len(rows_v) - 2):
        nxt = rows_v[k + 1]
        rows_v[k]["depart_s"] = float(nxt["arrival_s"] - day.tt[local[k], local[k + 1]])
    summary = {
        "vehicle_id": vid,
        "stops": len(done),
        "passengers": pax,
        "km": km,
        "empty_km": e_km,
        "pax_km": p_km,
        "busy_h": busy / 3600.0,
        "first_s": done[0].arrival if done else math.nan,
        "last_s": done[-1].end if done else math.nan,
    }
    return rows_v, summary, (km, e_km, p_km)


def _track(
    day: Day,
    vid: str,
    seq: int,
    event: str,
    rid: str,
    node: int,
    times: tuple[float, float, float],
    load: int,
    lonlat: Mapping[Any, tuple[float, float]],
) -> dict[str, Any]:
    """One track row: ``times`` are arrival, service start and departure."""
    g_node = day.gnodes[node]
    lon, lat = lonlat[g_node]
    arr, st, dep = times
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


def _r3(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 3)


def _kpis(
    day: Day, req: pd.DataFrame, total_km: float, empty_km: float, pax_km: float
) -> dict[str, Any]:
    """The KPIs of :data:`KPI_NAMES` and the counts (see :class:`SimResult`)."""
    n = len(req)
    served = req[req["status"] == "served"]
    pax = int(served["passengers"].sum()) if n else 0
    hours = day.sc.vehicles * (day.end - day.start) / 3600.0
    cost = hours * day.sc.costs.cost_per_vehicle_hour_yen
    revenue = pax * day.sc.costs.fare_yen
    waits = served["wait_min"].to_numpy(dtype=float)
    some = len(served) > 0
    return {
        "requests": n,
        "served": len(served),
        "rejected": n - len(served),
        "passengers": pax,
        "vehicles": day.sc.vehicles,
        "vehicle_hours": round(hours, 3),
        "served_rate": _r3(len(served) / n) if n else None,
        "rejected_rate": _r3((n - len(served)) / n) if n else None,
        "wait_mean_min": _r3(float(waits.mean())) if len(waits) else None,
        "wait_p95_min": _r3(float(np.percentile(waits, 95))) if len(waits) else None,
        "ride_mean_min": _r3(float(served["ride_min"].mean())) if some else None,
        "detour_factor": _r3(float(served["detour_factor"].mean())) if some else None,
        "vehicle_km": _r3(total_km),
        "empty_km_share": _r3(empty_km / total_km) if total_km > 0 else None,
        "occupancy_mean": _r3(pax_km / total_km) if total_km > 0 else None,
        "pax_per_vehicle_hour": _r3(pax / hours) if hours > 0 else None,
        "cost_yen": round(cost),
        "revenue_yen": round(revenue),
        "cost_per_pax_yen": _r3(cost / pax) if pax else None,
        "net_cost_per_pax_yen": _r3((cost - revenue) / pax) if pax else None,
        "hub_rides": int((served["connection_s"].notna()).sum()) if some else 0,
        "missed_connections": int(served["missed_connection"].sum()) if some else 0,
    }


def write_result(
    result: SimResult, out_dir: Path, *, record: prov.Record | None = None
) -> list[Path]:
    """Write ``kpis.json``, ``requests.csv``, ``vehicles.csv`` and ``tracks.csv`` into
    ``out_dir`` (each atomically), and ``provenance.json`` beside them when given the
    ``record`` of what the day was made from (e.g.
    :func:`transit.routing.areas.evidence.study_record`); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    kp = out_dir / "kpis.json"
    atomic_write_json(kp, result.kpis)
    paths = [kp]
    for name, df in (
        ("requests.csv", _with_clock(result.requests, ("desired_s", "pickup_s", "dropoff_s"))),
        ("vehicles.csv", result.vehicles),
        ("tracks.csv", _with_clock(result.tracks, ("arrival_s", "depart_s"))),
    ):
        p = out_dir / name
        atomic_write_text(p, _rounded(df).to_csv(index=False, lineterminator="\n"))
        paths.append(p)
    return paths if record is None else [*paths, *prov.write(record, paths)]


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
