"""The ``replace_routes`` edit on the 4-stop network: exact trips, stop times and routes."""

from __future__ import annotations

from pathlib import Path

import pytest

from transit.core.errors import InputErrors
from transit.demand.scenarios.apply import apply_scenario
from transit.demand.scenarios.replace import link_run_times
from transit.demand.scenarios.scenario import load_scenario
from transit.gtfs.feedio import read_feed

from .network import write_city, write_scenario
from .test_edits import _apply, _calls

EDIT = (
    '[[edits]]\nkind = "replace_routes"\nroutes = ["R1", "R2"]\n'
    '[[edits.new_routes]]\nroute_id = "N1"\nstops = ["SA", "SB", "SC", "SD"]\nname = "新線"\n'
    '[[edits.services]]\nservice_id = "WD"\n'
    'bands = [{start = "08:00", end = "09:00", headway_min = 30}]\n'
)


@pytest.fixture
def city(tmp_path: Path) -> Path:
    write_city(tmp_path)
    return tmp_path


def test_link_run_times_are_medians_over_both_directions(city: Path) -> None:
    """SA–SB and SB–SC: 10 min on T1, T2 and T3; SC–SD: 15 min on U1, U2 and U3."""
    feed = read_feed(city / "feed")
    assert link_run_times(feed) == {("SA", "SB"): 600.0, ("SB", "SC"): 600.0, ("SC", "SD"): 900.0}


def test_replace_routes_runs_the_new_route_both_ways(city: Path) -> None:
    feed = _apply(city, EDIT)
    calls = _calls(feed)
    assert sorted(calls) == ["N1_WD_0_0800", "N1_WD_0_0830", "N1_WD_1_0800", "N1_WD_1_0830"]
    assert calls["N1_WD_0_0830"] == [
        ("SA", "08:30:00", "08:30:00"), ("SB", "08:40:00", "08:40:00"),
        ("SC", "08:50:00", "08:50:00"), ("SD", "09:05:00", "09:05:00"),
    ]  # fmt: skip
    assert calls["N1_WD_1_0800"] == [
        ("SD", "08:00:00", "08:00:00"), ("SC", "08:15:00", "08:15:00"),
        ("SB", "08:25:00", "08:25:00"), ("SA", "08:35:00", "08:35:00"),
    ]  # fmt: skip
    trips = feed.trips.set_index("trip_id")
    assert trips["direction_id"].astype(str).tolist() == ["0", "0", "1", "1"]
    assert set(trips["route_id"]) == {"N1"} and set(trips["service_id"]) == {"WD"}
    routes = feed.routes.set_index("route_id")
    assert list(routes.index) == ["N1"] and routes.at["N1", "route_long_name"] == "新線"


def test_replace_routes_problems_are_located(city: Path) -> None:
    bad = (
        '[[edits]]\nkind = "replace_routes"\nroutes = ["R9"]\n'
        '[[edits.new_routes]]\nroute_id = "N1"\nstops = ["SA", "SC", "SX"]\n'
        '[[edits.services]]\nservice_id = "SAT"\n'
        'bands = [{start = "09:00", end = "08:00", headway_min = 30}]\n'
    )
    with pytest.raises(InputErrors) as info:
        apply_scenario(load_scenario(write_scenario(city, "bad", bad)))
    assert [str(e) for e in info.value.errors] == [
        "bad.toml, field edits[1].routes: no route 'R9' in the feed",
        "bad.toml, field edits[1].new_routes[1].stops: no stop 'SX' in the feed",
        "bad.toml, field edits[1].new_routes[1].stops: no trip runs between SA and SC (not a "
        "link of the baseline)",
        "bad.toml, field edits[1].services[1].service_id: no service 'SAT' in the feed",
        "bad.toml, field edits[1].services[1].bands[1].end: end 08:00 is not after start 09:00",
    ]
