"""Riders of an on-demand zone, handed to the routing day simulator (the one module of the
scenario package that calls it).

A rider whose origin or destination stop lies in a zone of the scenario travels by on-demand
car: from the origin to the destination when both are inside; else between the stop inside and
the zone's hub nearest to it, changing there to the bus (the bus part is searched on the
scenario's timetable like any journey). Requests are booked the day before (an assumption);
every service day with requests is simulated once per zone (:func:`transit.routing.sim.simulator.simulate`),
and a rider is ``on_demand`` when the simulator serves the ride and, towards a hub, the car
arrives in time for the bus it aimed at; otherwise ``lost``.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from transit.core.assumptions import value
from transit.core.geo import haversine_m
from transit.core.gtfstime import parse_clock
from transit.demand.records import day_type_of
from transit.demand.scenarios.apply import Applied, Zone
from transit.demand.scenarios.assign import JOURNEY_COLUMNS, assign_riders
from transit.demand.scenarios.feedops import stop_points
from transit.demand.scenarios.params import SearchParams
from transit.demand.scenarios.roads import road_graph
from transit.demand.scenarios.timetable import Network
from transit.routing.areas.bookings import COLUMNS, advance_booked_s
from transit.routing.sim.results import OUTCOME_COLUMNS
from transit.routing.sim.setup import Costs, DaySetup, Dispatch, Service
from transit.routing.sim.simulator import simulate

#: Dispatcher settings of the scenario simulations: insertion as requests arrive, no OR-Tools
#: re-optimization (an assumption for speed: on the sample city's valley scenario both serve
#: 435 of 557 riders; the area studies of ``transit drt areas`` give optimized figures).
DISPATCH = Dispatch(reoptimize=False)
#: Columns of the per-zone, per-day simulation table.
KPI_COLUMNS = ("zone", "date", "requests", "served", "vehicles", "vehicle_km", "vehicle_hours",
               "driver_hours", "cost_yen", "revenue_yen", "missed_connections")  # fmt: skip


@dataclass(frozen=True)
class OnDemandResult:
    """Journeys of the zone riders (:data:`JOURNEY_COLUMNS` plus ``zone``), their bus legs,
    and one row per simulated zone day (:data:`KPI_COLUMNS`)."""

    journeys: pd.DataFrame
    legs: pd.DataFrame
    days: pd.DataFrame


def zone_of_riders(applied: Applied, riders: pd.DataFrame) -> pd.DataFrame:
    """For each rider in a zone: ``rider`` (position), ``zone`` (edit number), ``side``
    (``both``, ``origin`` or ``destination``: which end is inside) and ``hub`` (stop id, the
    zone's hub nearest the stop inside; empty for ``both``)."""
    pts = stop_points(applied.baseline)
    rows = []
    taken = np.zeros(len(riders), dtype=bool)
    for zone in applied.zones:
        inside = set(zone.stops)
        o_in = riders["origin_stop_id"].isin(inside).to_numpy() & ~taken
        d_in = riders["destination_stop_id"].isin(inside).to_numpy() & ~taken
        for i in np.flatnonzero(o_in | d_in):
            o, d = str(riders["origin_stop_id"].iloc[i]), str(riders["destination_stop_id"].iloc[i])
            side = "both" if o_in[i] and d_in[i] else ("origin" if o_in[i] else "destination")
            hub = "" if side == "both" else _nearest(pts, o if o_in[i] else d, zone.hubs)
            if hub in (o, d):  # the stop outside is the hub: the car goes all the way
                side, hub = "both", ""
            rows.append((int(i), zone.number, side, hub))
        taken |= o_in | d_in
    return pd.DataFrame(rows, columns=["rider", "zone", "side", "hub"])


def _nearest(pts: dict[str, tuple[float, float]], stop: str, hubs: tuple[str, ...]) -> str:
    if not hubs or stop not in pts:
        return ""
    la, lo = pts[stop]
    return min(hubs, key=lambda h: (haversine_m(la, lo, *pts.get(h, (90.0, 0.0))), h))


def serve_on_demand(
    applied: Applied,
    network: Network,
    riders: pd.DataFrame,
    *,
    params: SearchParams,
    progress: Callable[[str], None] | None = None,
) -> OnDemandResult:
    """Simulate every zone day of ``riders`` (those :func:`zone_of_riders` finds)."""
    where = zone_of_riders(applied, riders)
    zones = {z.number: z for z in applied.zones}
    who = riders.iloc[where["rider"].to_numpy()].reset_index(drop=True)
    pts = stop_points(applied.baseline)
    bus = _bus_parts(network, who, where, params, pts)
    requests = _requests(who, where, bus, pts)
    journeys, days = [], []
    for key, reqs in requests.groupby(["zone", "date"], sort=True):
        number, date = typing.cast(tuple[int, pd.Timestamp], key)
        zone, day = zones[int(number)], pd.Timestamp(date)
        if not _runs_on(zone, day):
            continue
        if progress is not None:
            progress(f"on-demand zone {number}: {day.date()}")
        result = _simulate_day(applied, zone, reqs)
        days.append(_day_row(zone, day, result))
        journeys.append(
            reqs.merge(
                result.requests[["request_id", *OUTCOME_COLUMNS]], on="request_id", how="left"
            )
        )
    served = pd.concat(journeys, ignore_index=True) if journeys else requests.iloc[0:0]
    out = _journeys(who, where, bus, served, params)
    legs = bus.legs[
        bus.legs["rider_id"].isin(set(out.loc[out["status"] == "on_demand", "rider_id"]))
    ]
    return OnDemandResult(
        out, legs.reset_index(drop=True), pd.DataFrame(days, columns=list(KPI_COLUMNS))
    )


def _runs_on(zone: Zone, day: pd.Timestamp) -> bool:
    return day_type_of(day.date()) in zone.edit.day_types


@dataclass(frozen=True)
class _Bus:
    """The bus parts of zone riders: journeys keyed by ``rider_id`` and their legs."""

    journeys: pd.DataFrame
    legs: pd.DataFrame


def _bus_parts(
    network: Network,
    who: pd.DataFrame,
    where: pd.DataFrame,
    params: SearchParams,
    pts: dict[str, tuple[float, float]],
) -> _Bus:
    """Origin side: hub → destination, leaving after the car could arrive; destination side:
    origin → hub in the rider's own window."""
    has_hub = (where["hub"] != "").to_numpy()
    out_side = has_hub & (where["side"] == "origin").to_numpy()
    in_side = has_hub & (where["side"] == "destination").to_numpy()
    onward = who[out_side].copy()
    drive = np.array(
        [
            _drive_s(pts, o, h)
            for o, h in zip(onward["origin_stop_id"], where.loc[out_side, "hub"], strict=True)
        ]
    )
    onward["origin_stop_id"] = where.loc[out_side, "hub"].to_numpy()
    onward["desired_lo_s"] = onward["desired_lo_s"] + drive
    onward["desired_hi_s"] = onward["desired_lo_s"]
    later = dataclasses.replace(
        params, depart_before_min=0.0, depart_after_min=params.depart_after_min + 60.0
    )
    toward = who[in_side].copy()
    toward["destination_stop_id"] = where.loc[in_side, "hub"].to_numpy()
    a = assign_riders(network, onward, params=later)
    b = assign_riders(network, toward, params=params)
    journeys = pd.concat([a.journeys, b.journeys], ignore_index=True).set_index("rider_id")
    return _Bus(journeys, pd.concat([a.legs, b.legs], ignore_index=True))


def _drive_s(pts: dict[str, tuple[float, float]], a: str, b: str) -> float:
    """Estimated door-to-bus time: straight line × detour at the estimate speed
    (``scenarios.ondemand.estimate_detour`` and ``estimate_kmh`` of the assumptions table),
    plus boarding, alighting and the transfer buffer."""
    svc = Service()
    line = haversine_m(*pts[a], *pts[b]) if a in pts and b in pts else 0.0
    extra = (svc.boarding_min + svc.alighting_min + svc.transfer_buffer_min) * 60.0
    detour = float(value("scenarios.ondemand.estimate_detour"))
    return line * detour / (float(value("scenarios.ondemand.estimate_kmh")) / 3.6) + extra


def _requests(
    who: pd.DataFrame, where: pd.DataFrame, bus: _Bus, pts: dict[str, tuple[float, float]]
) -> pd.DataFrame:
    """One request per zone rider that can travel: :data:`COLUMNS` plus ``rider_id``,
    ``zone``, ``date``, ``side`` and ``bus_s`` (the bus departure aimed at, towards a hub)."""
    rows = []
    kept = bus.journeys[bus.journeys["status"] == "kept"]
    for i, (rider, zone, side, hub) in enumerate(where.itertuples(index=False, name=None)):
        r = who.iloc[i]
        o, d, desired, bus_s = (
            str(r["origin_stop_id"]),
            str(r["destination_stop_id"]),
            float(r["desired_lo_s"]),
            np.nan,
        )
        if side != "both":
            if r["rider_id"] not in kept.index:
                continue
            j = kept.loc[r["rider_id"]]
            if side == "origin":
                d, bus_s = hub, float(j["depart_s"])
            else:
                o, desired = hub, float(j["arrive_s"]) + Service().transfer_buffer_min * 60.0
        if o not in pts or d not in pts:
            continue
        rows.append({
            "request_id": f"Q{rider:06d}", "booking": "advance", "booked_s": advance_booked_s(),
            "desired_s": float(round(desired)), "origin_lon": pts[o][1], "origin_lat": pts[o][0],
            "dest_lon": pts[d][1], "dest_lat": pts[d][0], "passengers": 1, "purpose": "ride",
            "place_id": f"Q{rider:06d}", "direction": "outbound", "to_hub": side == "origin",
            "rider_id": str(r["rider_id"]), "zone": zone, "date": r["date"], "side": side, "bus_s": bus_s,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=[*COLUMNS, "rider_id", "zone", "date", "side", "bus_s"])


@functools.lru_cache(maxsize=4)
def _graph(source: str) -> Any:
    return road_graph(source or None)


def _simulate_day(applied: Applied, zone: Zone, reqs: pd.DataFrame) -> Any:
    """One simulated day of a zone's requests (a :class:`~transit.routing.sim.simulator.SimResult`)."""
    edit = zone.edit
    source = (
        str(applied.scenario.path(edit.network))
        if edit.network
        else (
            str(applied.scenario.path(applied.scenario.network))
            if applied.scenario.network
            else "sample"
        )
    )
    pts = stop_points(applied.baseline)
    if zone.hubs and zone.hubs[0] in pts:
        depot = (pts[zone.hubs[0]][1], pts[zone.hubs[0]][0])
    else:
        p = zone.polygon.representative_point()
        depot = (float(p.x), float(p.y))
    table = reqs.sort_values(["booked_s", "desired_s", "request_id"], kind="stable").reset_index(
        drop=True
    )
    deps = {
        str(q): (float(b),)
        for q, b in zip(table["place_id"], table["bus_s"], strict=True)
        if np.isfinite(b)
    }
    day = DaySetup(
        graph=_graph(source),
        requests=table[list(COLUMNS)].astype({"passengers": int, "to_hub": bool}),
        depot=depot,
        vehicles=edit.vehicles,
        capacity=edit.capacity,
        shift_s=(float(parse_clock(edit.start)), float(parse_clock(edit.end))),
        service=Service(max_wait_min=edit.max_wait_min),
        costs=Costs(
            fare_yen=edit.fare_yen, cost_per_vehicle_hour_yen=edit.cost_per_vehicle_hour_yen
        ),
        dispatch=DISPATCH,
        hub_departures=deps,
        area_id=f"zone{zone.number}",
    )
    return simulate(day, seed=edit.seed)


def _day_row(zone: Zone, day: pd.Timestamp, result: Any) -> dict[str, Any]:
    k = result.kpis
    edit = zone.edit
    shift_h = (parse_clock(edit.end) - parse_clock(edit.start)) / 3600.0
    return {
        "zone": zone.number, "date": day, "requests": int(k["requests"]), "served": int(k["served"]),
        "vehicles": edit.vehicles, "vehicle_km": float(k["vehicle_km"]),
        "vehicle_hours": float(k["vehicle_hours"]), "driver_hours": edit.vehicles * shift_h,
        "cost_yen": float(k["cost_yen"]), "revenue_yen": float(k["revenue_yen"]),
        "missed_connections": int(k["missed_connections"]),
    }  # fmt: skip


def _journeys(
    who: pd.DataFrame, where: pd.DataFrame, bus: _Bus, served: pd.DataFrame, params: SearchParams
) -> pd.DataFrame:
    """Journey rows of the zone riders: ``on_demand`` when the car served them (in time for
    the bus towards a hub), else ``lost``."""
    sim = served.set_index("rider_id") if len(served) else served
    rows = []
    for rid, zone in zip(who["rider_id"].astype(str), where["zone"], strict=True):
        row: dict[str, Any] = {"rider_id": rid, "zone": int(zone), "status": "lost"}
        if rid in sim.index:
            q = sim.loc[rid]
            if q["status"] == "served" and not bool(q["missed_connection"]):
                j = bus.journeys.loc[rid] if rid in bus.journeys.index else None
                row.update(
                    zip(
                        _FIELDS,
                        _fields(
                            typing.cast(pd.Series, q), typing.cast(pd.Series | None, j), params
                        ),
                        strict=True,
                    )
                )
                row["status"] = "on_demand"
        rows.append(row)
    out = pd.DataFrame(rows, columns=["zone", *JOURNEY_COLUMNS])
    for col in _FIELDS[:-2]:
        out[col] = out[col].astype(float)
    out["transfers"] = out["transfers"].astype("Int64")
    return out


_FIELDS = ("depart_s", "arrive_s", "journey_min", "shift_min", "wait_min", "in_vehicle_min",
           "walk_min", "transfer_wait_min", "transfers", "gen_cost_min", "routes", "first_trip_id")  # fmt: skip


def _fields(q: pd.Series, j: pd.Series | None, params: SearchParams) -> list[Any]:
    """The journey fields of a served zone rider (car alone, car then bus, bus then car)."""
    pickup, dropoff, ride = float(q["pickup_s"]), float(q["dropoff_s"]), float(q["ride_min"])
    car_wait = (pickup - float(q["desired_s"])) / 60.0
    if j is None:  # the car the whole way
        depart, arrive, wait, in_vehicle, walk, transfers, routes, first = (
            pickup,
            dropoff,
            car_wait,
            ride,
            0.0,
            0,
            "ODT",
            "",
        )
    elif q["side"] == "origin":
        depart, arrive, wait = pickup, float(j["arrive_s"]), car_wait
        in_vehicle, walk = ride + float(j["in_vehicle_min"]), float(j["walk_min"])
        transfers, routes, first = (
            1 + int(j["transfers"]),
            f"ODT>{j['routes']}",
            str(j["first_trip_id"]),
        )
    else:
        depart, arrive, wait = float(j["depart_s"]), dropoff, float(j["wait_min"])
        in_vehicle, walk = float(j["in_vehicle_min"]) + ride, float(j["walk_min"])
        transfers, routes, first = (
            1 + int(j["transfers"]),
            f"{j['routes']}>ODT",
            str(j["first_trip_id"]),
        )
    journey = (arrive - depart) / 60.0
    cost = journey + params.wait_weight * wait + params.transfer_penalty_min * transfers
    shift = car_wait if j is None or q["side"] == "origin" else float(j["shift_min"])
    return [
        depart,
        arrive,
        journey,
        shift,
        wait,
        in_vehicle,
        walk,
        journey - in_vehicle - walk,
        transfers,
        cost,
        routes,
        first,
    ]
