"""The timetable search: exact journeys on the 4-stop network, and agreement with brute force."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transit.core.gtfstime import format_time
from transit.demand.scenarios.assign import assign_riders
from transit.demand.scenarios.params import SearchParams
from transit.demand.scenarios.timetable import prepare_network

from .brute import best_cost
from .network import build_feed, four_stop_feed, riders_table


def _assign(feed, riders, params=None):  # type: ignore[no-untyped-def]
    params = params or SearchParams()
    return assign_riders(prepare_network(feed, params), riders, params=params)


def test_four_stop_network_kept_transfer_and_lost() -> None:
    """Direct, transfer, shifted departure and two lost riders, every field exact."""
    riders = riders_table(
        [
            ("direct", "SA", "SC", "08:00"),
            ("transfer", "SA", "SD", "08:00"),
            ("no_reverse", "SD", "SA", "07:00"),
            ("too_late", "SB", "SC", "12:00"),
            ("shifted", "SB", "SC", "08:25"),
        ]
    )
    a = _assign(four_stop_feed(), riders)
    j = a.journeys.set_index("rider_id")
    assert j["status"].to_dict() == {
        "direct": "kept", "transfer": "kept", "no_reverse": "lost", "too_late": "lost",
        "shifted": "kept",
    }  # fmt: skip
    assert j.loc[
        "direct", ["journey_min", "in_vehicle_min", "transfers", "gen_cost_min"]
    ].tolist() == [20.0, 20.0, 0, 20.0]
    t = j.loc["transfer"]
    assert (t["depart_s"], t["arrive_s"], t["in_vehicle_min"], t["transfer_wait_min"]) == (
        28800.0,
        31500.0,
        35.0,
        10.0,
    )
    assert (t["transfers"], t["gen_cost_min"], t["routes"]) == (1, 50.0, "R1>R2")
    s = j.loc["shifted"]  # 8:25 asked, T1 leaves SB at 8:10 (15 min early), T2 at 9:10 is too late
    assert (s["shift_min"], s["wait_min"], s["journey_min"], s["gen_cost_min"]) == (
        -15.0,
        15.0,
        10.0,
        17.5,
    )
    legs = a.legs[a.legs["rider_id"] == "transfer"]
    assert legs[["leg", "trip_id", "board_stop_id", "alight_stop_id"]].values.tolist() == [
        [1, "T1", "SA", "SC"],
        [2, "U1", "SC", "SD"],
    ]


def test_max_transfers_zero_loses_the_transfer_rider() -> None:
    riders = riders_table([("transfer", "SA", "SD", "08:00")])
    a = _assign(four_stop_feed(), riders, SearchParams(max_transfers=0))
    assert a.journeys["status"].tolist() == ["lost"]
    assert a.legs.empty


# --- brute force ---------------------------------------------------------------------------------

_CELL = 0.003  # degrees of latitude between grid rows (~330 m: neighbours can walk)


@st.composite
def _small_feed(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    n_stops = draw(st.integers(3, 5))
    stops = {
        f"S{i}": (f"停{i}", 32.58 + _CELL * draw(st.integers(0, 4)), 131.66 + 0.004 * (i % 2))
        for i in range(n_stops)
    }
    trips = {}
    for k in range(draw(st.integers(1, 6))):
        seq = draw(st.lists(st.sampled_from(sorted(stops)), min_size=2, max_size=4))
        seq = [s for i, s in enumerate(seq) if i == 0 or s != seq[i - 1]]
        if len(seq) < 2:
            continue
        t = 8 * 3600 + 60 * draw(st.integers(0, 60))
        calls = []
        for s in seq:
            dwell = 60 * draw(st.integers(0, 2))
            calls.append((s, format_time(t), format_time(t + dwell)))
            t += dwell + 60 * draw(st.integers(1, 15))
        trips[f"T{k}"] = (f"R{k % 2}", calls)
    if not trips:
        trips["T0"] = ("R0", [("S0", "08:00:00", "08:00:00"), ("S1", "08:10:00", "08:10:00")])
    return build_feed(stops, trips)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    feed=_small_feed(),
    asks=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 90)), min_size=1, max_size=6
    ),
    max_transfers=st.integers(0, 2),
)
def test_search_agrees_with_brute_force(feed, asks, max_transfers) -> None:  # type: ignore[no-untyped-def]
    """Kept/lost and the least generalized cost agree with enumerating every journey."""
    params = SearchParams(max_transfers=max_transfers, depart_before_min=20, depart_after_min=20)
    stops = sorted(feed.stops["stop_id"])
    rows = [(f"r{i}", stops[o % len(stops)], stops[d % len(stops)], 8 * 3600 + 60 * m)
            for i, (o, d, m) in enumerate(asks)]  # fmt: skip
    riders = pd.DataFrame(
        {
            "rider_id": [r[0] for r in rows],
            "date": pd.Timestamp("2026-04-01"),
            "origin_stop_id": [r[1] for r in rows],
            "destination_stop_id": [r[2] for r in rows],
            "desired_lo_s": [float(r[3]) for r in rows],
            "desired_hi_s": [float(r[3]) for r in rows],
            "weight": 1.0,
        }
    )
    got = _assign(feed, riders, params).journeys.set_index("rider_id")
    for rid, o, d, t in rows:
        want = best_cost(feed, o, d, float(t), float(t), params)
        if want is None:
            assert got.loc[rid, "status"] == "lost", rid
        else:
            assert got.loc[rid, "status"] == "kept", rid
            assert got.loc[rid, "gen_cost_min"] == pytest.approx(want, abs=1e-6), rid
