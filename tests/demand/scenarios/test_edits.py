"""Each edit on the 4-stop network: the trips and stop times it makes, exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from transit.core.errors import InputErrors
from transit.demand.scenarios.apply import apply_scenario
from transit.demand.scenarios.scenario import load_scenario
from transit.gtfs.feedio import Feed

from .network import write_city, write_scenario


@pytest.fixture
def city(tmp_path: Path) -> Path:
    write_city(tmp_path)
    return tmp_path


def _apply(city: Path, edits: str) -> Feed:
    return apply_scenario(load_scenario(write_scenario(city, "s", edits))).feed


def _calls(feed: Feed) -> dict[str, list[tuple[str, str, str]]]:
    st = feed.stop_times.assign(n=feed.stop_times["stop_sequence"].astype(int))
    st = st.sort_values(["trip_id", "n"])
    return {
        str(t): list(zip(g["stop_id"], g["arrival_time"], g["departure_time"], strict=True))
        for t, g in st.groupby("trip_id")
    }


def test_remove_by_time_band_keeps_the_other_trips(city: Path) -> None:
    feed = _apply(
        city, '[[edits]]\nkind = "remove"\nroute = "R1"\nstart = "08:30"\nend = "09:30"\n'
    )
    assert sorted(_calls(feed)) == ["T1", "U1", "U2", "U3"]


def test_truncate_drops_the_tail_in_both_directions(city: Path) -> None:
    feed = _apply(
        city, '[[edits]]\nkind = "truncate"\nroute = "R1"\nat_stop = "SB"\nbeyond = "SC"\n'
    )
    calls = _calls(feed)
    assert calls["T1"] == [("SA", "08:00:00", "08:00:00"), ("SB", "08:10:00", "08:10:00")]
    assert calls["T3"] == [("SB", "08:40:00", "08:40:00"), ("SA", "08:50:00", "08:50:00")]
    assert calls["U1"] == [("SC", "08:30:00", "08:30:00"), ("SD", "08:45:00", "08:45:00")]


def test_extend_times_from_the_stated_speed(city: Path) -> None:
    """SD → SA is 3,335.9 m: 600 s at 20 km/h (whole seconds) after a 20 s dwell at SD."""
    feed = _apply(
        city, '[[edits]]\nkind = "extend"\nroute = "R2"\nfrom_stop = "SD"\nvia = ["SA"]\n'
    )
    calls = _calls(feed)
    assert calls["U1"] == [
        ("SC", "08:30:00", "08:30:00"),
        ("SD", "08:45:00", "08:45:20"),
        ("SA", "08:55:20", "08:55:20"),
    ]
    assert calls["U3"][:2] == [("SA", "08:39:40", "08:39:40"), ("SD", "08:49:40", "08:50:00")]


def test_reroute_replaces_the_segment_and_shifts_the_rest(city: Path) -> None:
    """SA → SD → SC instead of SA → SB → SC: 600 s + 20 s dwell + 200 s (3,335.9 m and 1,112.0 m
    at 20 km/h, whole seconds)."""
    feed = _apply(
        city,
        '[[edits]]\nkind = "reroute"\nroute = "R1"\nfrom_stop = "SA"\nto_stop = "SC"\nvia = ["SD"]\n',
    )
    calls = _calls(feed)
    assert calls["T1"] == [
        ("SA", "08:00:00", "08:00:00"),
        ("SD", "08:10:00", "08:10:20"),
        ("SC", "08:13:40", "08:13:40"),
    ]
    assert [c[0] for c in calls["T3"]] == ["SC", "SD", "SA"]


def test_merge_joins_trips_at_the_shared_stop(city: Path) -> None:
    feed = _apply(
        city, '[[edits]]\nkind = "merge"\nroutes = ["R1", "R2"]\nat_stop = "SC"\nroute_id = "R12"\n'
    )
    calls = _calls(feed)
    assert sorted(calls) == ["T1__U1", "T2__U2", "T3", "U3"]
    assert calls["T1__U1"] == [
        ("SA", "08:00:00", "08:00:00"),
        ("SB", "08:10:00", "08:10:00"),
        ("SC", "08:20:00", "08:30:00"),
        ("SD", "08:45:00", "08:45:00"),
    ]
    assert feed.routes["route_id"].tolist() == ["R12"]
    assert set(feed.trips["route_id"]) == {"R12"}


def test_headway_regenerates_trips_on_the_pattern(city: Path) -> None:
    """R1 outbound 08:00–10:00 every 40 min: T1 and T2 replaced by 08:00, 08:40, 09:20."""
    feed = _apply(
        city,
        '[[edits]]\nkind = "headway"\nroute = "R1"\n'
        '[[edits.bands]]\nstart = "08:00"\nend = "10:00"\nheadway_min = 40\n',
    )
    calls = _calls(feed)
    starts = sorted(c[0][2] for t, c in calls.items() if t.startswith(("T1_h", "T2_h")))
    assert starts == ["08:00:00", "08:40:00", "09:20:00"]
    assert "T1" not in calls and "T2" not in calls
    back = sorted(c[0] for t, c in calls.items() if t.startswith("T3_h"))  # the other direction
    assert back == [
        ("SC", "08:00:00", "08:00:00"),
        ("SC", "08:40:00", "08:40:00"),
        ("SC", "09:20:00", "09:20:00"),
    ]


def test_every_problem_is_located_by_edit_number_and_key(city: Path) -> None:
    path = write_scenario(
        city,
        "bad",
        '[[edits]]\nkind = "truncate"\nroute = "R9"\nat_stop = "SB"\nbeyond = "SC"\n'
        '[[edits]]\nkind = "truncate"\nroute = "R1"\nat_stop = "SB"\nbeyond = "SD"\n'
        '[[edits]]\nkind = "headway"\nroute = "R1"\nbands = [{start = "10:00", end = "9:00", headway_min = 0}]\n',
    )
    with pytest.raises(InputErrors) as info:
        apply_scenario(load_scenario(path))
    assert [str(e) for e in info.value.errors] == [
        "bad.toml, field edits[1].route: no route 'R9' in the feed (routes: R1, R2)",
        "bad.toml, field edits[2].beyond: no trip of R1 serves both SB and SD",
        "bad.toml, field edits[3].bands[1].end: end 9:00 is not after start 10:00",
        "bad.toml, field edits[3].bands[1].headway_min: must be positive",
    ]


def test_unknown_kinds_and_keys_are_reported_together(city: Path) -> None:
    path = write_scenario(
        city,
        "bad",
        '[[edits]]\nkind = "shorten"\n[[edits]]\nkind = "remove"\nroute = "R1"\ncolour = "red"\n',
    )
    with pytest.raises(InputErrors) as info:
        load_scenario(path)
    assert [str(e) for e in info.value.errors] == [
        "bad.toml, field edits[1].kind: unknown edit kind 'shorten' (allowed: remove, truncate, "
        "extend, reroute, merge, headway, on_demand, replace_routes, shift)",
        "bad.toml, field edits[2].colour: unknown key (allowed: end, kind, route, service_ids, "
        "start, trips)",
    ]
