"""The day simulator on a tiny line network (exact schedules and KPIs) and on the sample city."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transit.routing.areas.bookings import COLUMNS
from transit.routing.areas.config import load_area
from transit.routing.areas.prepare import simulate_area
from transit.routing.sim.results import KPI_NAMES, write_result
from transit.routing.sim.setup import DaySetup, Dispatch, Service, next_departures
from transit.routing.sim.simulator import simulate

H = 3600.0
#: node i sits at longitude 131.80 + 0.01 i; neighbours are 60 s / 1 km apart
LON = [131.80 + 0.01 * i for i in range(5)]
LAT = 32.70


def _line() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i, x in enumerate(LON):
        g.add_node(i, x=x, y=LAT)
    for i in range(4):
        for u, v in ((i, i + 1), (i + 1, i)):
            g.add_edge(u, v, length=1000.0, travel_time=60.0)
    return g


def _req(
    rid: str, o: int, d: int, desired: str, *, booked: str = "adv", hub: bool = False, pax: int = 1
) -> dict[str, object]:
    h, m = (int(x) for x in desired.split(":"))
    t = h * H + m * 60
    if booked == "adv":
        booking, booked_s = "advance", -6 * H
    else:
        bh, bm = (int(x) for x in booked.split(":"))
        booking, booked_s = "immediate", bh * H + bm * 60
    return {
        "request_id": rid,
        "booking": booking,
        "booked_s": float(booked_s),
        "desired_s": float(t),
        "origin_lon": LON[o],
        "origin_lat": LAT,
        "dest_lon": LON[d],
        "dest_lat": LAT,
        "passengers": pax,
        "purpose": "bus_hub" if hub else "clinic",
        "place_id": "HUB" if hub else "C",
        "direction": "outbound",
        "to_hub": hub,
    }


def _scenario(reqs: list[dict[str, object]], **kw: object) -> DaySetup:
    base: dict[str, object] = {
        "graph": _line(),
        "requests": pd.DataFrame(reqs, columns=list(COLUMNS)),
        "depot": (LON[0], LAT),
        "vehicles": 1,
        "capacity": 4,
        "shift_s": (8 * H, 10 * H),
        "service": Service(),
        "dispatch": Dispatch(reoptimize=False),
        "area_id": "line",
    }
    base.update(kw)
    return DaySetup(**base)  # type: ignore[arg-type]


def test_single_ride_exact_schedule_and_kpis() -> None:
    """One ride: the car waits at the pickup, drives direct; distances and shares are exact."""
    res = simulate(_scenario([_req("A", 1, 3, "08:10")]), seed=1)
    row = res.requests.iloc[0]
    assert (row.status, row.vehicle_id, row.pickup_s, row.dropoff_s) == (
        "served",
        "V1",
        8 * H + 600,
        8 * H + 780,
    )
    assert (row.wait_min, row.ride_min, row.direct_min, row.detour_factor) == (0.0, 2.0, 2.0, 1.0)
    k = res.kpis
    assert set(KPI_NAMES) <= set(k)
    assert (k["served_rate"], k["rejected_rate"], k["wait_mean_min"], k["wait_p95_min"]) == (
        1.0,
        0.0,
        0.0,
        0.0,
    )
    assert (k["vehicle_km"], k["empty_km_share"], k["occupancy_mean"]) == (6.0, 0.667, 0.333)
    assert (k["pax_per_vehicle_hour"], k["cost_per_pax_yen"], k["missed_connections"]) == (
        0.5,
        7200.0,
        0,
    )
    assert k["checker_violations"] == 0 and res.violations == []
    assert res.tracks["event"].tolist() == ["start", "pickup", "delivery", "end"]
    assert res.tracks["node"].tolist() == [0, 1, 3, 0]
    assert res.tracks["arrival_s"].tolist() == [8 * H, 8 * H + 600, 8 * H + 780, 8 * H + 990]
    # the car leaves the depot just in time (08:09) and waits nowhere
    assert res.tracks["depart_s"].tolist() == [8 * H + 540, 8 * H + 660, 8 * H + 810, 8 * H + 990]
    v = res.vehicles.iloc[0]
    assert (v.stops, v.passengers, v.km, v.empty_km, v.pax_km) == (2, 1, 6.0, 4.0, 2.0)


def test_capacity_one_makes_the_second_rider_wait_or_be_refused() -> None:
    """Two riders, one seat: the second waits 7.5 min, or is refused when 5 min is the limit."""
    reqs = [_req("A", 1, 4, "08:10"), _req("B", 1, 4, "08:10")]
    res = simulate(_scenario(reqs, capacity=1), seed=1)
    assert res.requests["status"].tolist() == ["served", "served"]
    assert res.requests["wait_min"].tolist() == [0.0, 7.5]
    short = simulate(_scenario(reqs, capacity=1, service=Service(max_wait_min=5.0)), seed=1)
    assert short.requests["status"].tolist() == ["served", "rejected"]
    assert short.kpis["served_rate"] == 0.5
    assert short.kpis["checker_violations"] == 0


def test_two_passengers_share_the_car() -> None:
    """With seats enough, riders going the same way ride together (ride time within the limit)."""
    reqs = [_req("A", 1, 4, "08:10"), _req("B", 2, 4, "08:10")]
    res = simulate(_scenario(reqs), seed=1)
    assert res.requests["status"].tolist() == ["served", "served"]
    assert res.kpis["vehicle_km"] == 8.0  # 0→1→2→4→0, not two separate trips
    assert res.kpis["occupancy_mean"] == 0.625  # (1 km × 1 + 2 km × 2) / 8 km


def test_missed_connection_when_the_car_is_busy() -> None:
    """A hub ride booked while the car is committed elsewhere misses the aimed bus."""
    reqs = [_req("A", 1, 0, "08:05"), _req("B", 1, 4, "08:06", booked="08:06", hub=True)]
    # ready for a bus at 08:06 + 1 (board) + 3 (ride) + 0.5 (alight) + 3 (transfer) = 08:13:30
    deps = {"*": (8 * H + 13 * 60 + 30, 8 * H + 40 * 60)}
    res = simulate(_scenario(reqs, hub_departures=deps), seed=1)
    b = res.requests.set_index("request_id").loc["B"]
    assert b.status == "served"
    assert (b.pickup_s, b.dropoff_s, b.connection_s) == (8 * H + 510, 8 * H + 750, 8 * H + 810)
    assert bool(b.missed_connection) is True
    assert res.kpis["missed_connections"] == 1 and res.kpis["hub_rides"] == 1
    # the same ride booked ahead (the car waits at the pickup) makes the bus
    alone = simulate(_scenario([_req("B", 1, 4, "08:06", hub=True)], hub_departures=deps), seed=1)
    assert alone.kpis["missed_connections"] == 0


def test_rides_that_cannot_end_before_the_shift_are_refused() -> None:
    """The car must be back at the depot by the end of the shift."""
    # 09:56 board, 10:00 at node 1, alight, 1 min to the depot: 10:01:30 > 10:00
    res = simulate(_scenario([_req("A", 4, 1, "09:56")]), seed=1)
    assert res.requests["status"].tolist() == ["rejected"]
    ok = simulate(_scenario([_req("A", 4, 1, "09:54")]), seed=1)
    assert ok.requests["status"].tolist() == ["served"]


def test_reoptimization_keeps_every_route_feasible() -> None:
    """With periodic re-optimization on (passengers on board included), every route stays
    feasible. (Results may differ between runs: the solver works for a wall-clock time.)"""
    reqs = [
        _req(
            f"R{i}",
            i % 5,
            (i * 3 + 1) % 5,
            f"08:{10 + 3 * i:02d}",
            booked="adv" if i % 2 else f"08:{5 + 3 * i:02d}",
        )
        for i in range(12)
        if i % 5 != (i * 3 + 1) % 5
    ]
    sc = _scenario(reqs, vehicles=2, dispatch=Dispatch(reopt_interval_min=30.0, time_limit_s=0.2))
    a = simulate(sc, seed=3)
    assert a.violations == []
    assert a.kpis["reoptimizations"] >= 1 and a.kpis["reopt_failed"] == 0
    assert a.kpis["served"] + a.kpis["rejected"] == len(reqs)


def test_sample_kitaura_day(sample: Path, tmp_path: Path) -> None:
    """The calibration area's day runs on the sample city; outputs are written and feasible."""
    toml = sample / "drt" / "kitaura.toml"
    if not (sample / "network" / "roads.graphml").is_file():
        pytest.skip("sample city not generated yet")
    cfg = load_area(toml)
    cfg = cfg.with_changes(dispatch={"time_limit_s": 0.2, "reopt_interval_min": 90.0})
    res = simulate_area(cfg, seed=1)
    assert res.kpis["requests"] > 10
    assert res.kpis["checker_violations"] == 0
    assert res.kpis["network"].startswith("synthetic")
    paths = write_result(res, tmp_path)
    assert [p.name for p in paths] == ["kpis.json", "requests.csv", "vehicles.csv", "tracks.csv"]
    kpis = json.loads(paths[0].read_text("utf-8"))
    assert kpis["served"] + kpis["rejected"] == kpis["requests"]
    assert len(pd.read_csv(paths[1])) == kpis["requests"]


def test_next_departures() -> None:
    """The aimed departure (at or after the time) and the one after it."""
    assert next_departures([10.0, 20.0, 30.0], 20.0) == (20.0, 30.0)
    assert next_departures([10.0, 20.0, 30.0], 30.5) == (None, None)


def test_map_of_a_day_has_requests_tracks_and_synthetic_label() -> None:
    """The map shows each request, an animated track per used vehicle, and labels fake data."""
    from transit.maps.areas import map_simulation

    graph = _line()
    graph.graph["transit_synthetic"] = True
    reqs = [_req("A", 1, 3, "08:10"), _req("B", 2, 4, "08:30"), _req("C", 4, 4, "09:59")]
    res = simulate(_scenario(reqs, graph=graph, vehicles=2), seed=1)
    html = map_simulation(res, graph, title="テスト地区").get_root().render()
    assert "テスト地区（道路網・需要は架空のサンプル）" in html
    assert html.count('"times"') == 1  # one vehicle drove; the idle one has no track
    assert html.count("予約 A（事前予約）") == 1 and html.count("お断り（空き車両なし）") == 1
    assert json.dumps("予約（対応）")[1:-1] in html  # layer names are JSON-escaped
    assert "timeDimension" in html


def test_schedule_delays_a_pickup_to_keep_a_ride_within_its_limit() -> None:
    """The least schedule picks rider A up later so that waiting for B keeps A's ride legal."""
    import dataclasses

    from transit.routing.dispatch.kernel import schedule
    from transit.routing.sim.state import Day

    reqs = [_req("A", 1, 3, "08:00"), _req("B", 2, 4, "08:20")]
    day = Day(_scenario(reqs))
    car = day.cars[0]
    plan = [0, 2, 1, 3]  # A picked up, B picked up, A dropped off, B dropped off
    sched = day.schedule(car, plan, 8 * H)
    assert sched is not None
    starts = sched[1:-1]
    # B boards 08:20 (window opens), ends 08:21, A alights 08:22; A's max ride 1.5 × 2 + 10 = 13 min
    # so A boards at 08:22 − 13 min − 1 min = 08:08 at the earliest (not 08:01)
    assert starts == [8 * H + 480, 8 * H + 1200, 8 * H + 1320, 8 * H + 1410]
    # with a pickup window that closes before 08:08 the plan is infeasible
    tasks = dataclasses.replace(day.tasks, hi=(8 * H + 420, *day.tasks.hi[1:]))
    assert schedule(tasks, day.tt_rows, day.frame(car, 8 * H), plan) is None


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 4),
            st.integers(0, 100),
            st.integers(-1, 100),
            st.integers(1, 2),
            st.booleans(),
        ),
        min_size=1,
        max_size=14,
    ),
    st.integers(1, 3),
    st.integers(1, 3),
)
def test_any_day_executes_only_feasible_routes(
    rides: list[tuple[int, int, int, int, int, bool]], vehicles: int, capacity: int
) -> None:
    """Whatever the requests, every executed route passes the checker and every request ends
    served or refused, with waits inside the window and rides inside their limit."""
    reqs = []
    for k, (o, d, minute, lead, pax, hub) in enumerate(rides):
        desired = f"{8 + minute // 60}:{minute % 60:02d}"
        booked = (
            "adv"
            if lead < 0
            else f"{8 + max(0, minute - lead) // 60}:{max(0, minute - lead) % 60:02d}"
        )
        reqs.append(_req(f"R{k}", o, d, desired, booked=booked, hub=hub, pax=pax))
    deps = {"*": (8 * H + 1200, 8 * H + 3000, 9 * H + 1200)}
    res = simulate(
        _scenario(reqs, vehicles=vehicles, capacity=capacity, hub_departures=deps), seed=1
    )
    assert res.violations == []
    out = res.requests
    assert set(out["status"]) <= {"served", "rejected"}
    served = out[out["status"] == "served"]
    assert (served["wait_min"] >= -1e-9).all() and (served["wait_min"] <= 30 + 1e-9).all()
    assert (served["ride_min"] <= 1.5 * served["direct_min"] + 10 + 1e-9).all()
    assert res.kpis["served"] + res.kpis["rejected"] == len(reqs)


def test_a_day_without_requests(tmp_path: Path) -> None:
    """No requests: rates are undefined (null), nothing is driven, outputs are still written."""
    res = simulate(_scenario([]), seed=1)
    k = res.kpis
    assert (k["requests"], k["served_rate"], k["wait_p95_min"], k["vehicle_km"]) == (
        0,
        None,
        None,
        0.0,
    )
    assert len(res.requests) == 0 and "status" in res.requests.columns
    assert len(write_result(res, tmp_path)) == 4
