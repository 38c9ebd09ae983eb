"""Feed diff (stops, routes, patterns, trips, timetables, fares), text, JSON and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gtfs.factory import make_feed
from transit.cli import main
from transit.gtfs.diff import diff_feeds
from transit.gtfs.feedio import Feed, write_feed


def test_identical_feeds_have_no_changes() -> None:
    """A feed against itself: nothing changed, 2 trips unchanged, continuity holds."""
    diff = diff_feeds(make_feed(), make_feed())
    assert not diff.changed
    assert diff.counts() == {
        "stops_added": 0,
        "stops_removed": 0,
        "stops_moved": 0,
        "routes_added": 0,
        "routes_removed": 0,
        "routes_changed": 0,
        "patterns_added": 0,
        "patterns_removed": 0,
        "trips_old": 2,
        "trips_new": 2,
        "trips_added": 0,
        "trips_removed": 0,
        "fares_changed": 0,
    }
    assert diff.continuity_ok


def test_stop_moved_beyond_threshold_only() -> None:
    """0.0003° of latitude is 33.4 m (moved); 0.0001° is 11.1 m (not reported)."""
    moved = diff_feeds(make_feed(), make_feed(s2_lat="32.5825"))
    assert [(s.stop_id, s.change, round(s.distance_m or 0, 1)) for s in moved.stops] == [
        ("S2", "moved", 33.4)
    ]
    assert diff_feeds(make_feed(), make_feed(s2_lat="32.5823")).stops == ()
    assert diff_feeds(make_feed(), make_feed(s2_lat="32.5825"), move_threshold_m=40).stops == ()


def test_added_and_removed_stops_and_routes() -> None:
    """Stops and routes compared by id; a renamed route is 'changed' with old and new values."""
    old = make_feed()
    new = make_feed(route_name="延岡駅～本町～北浦線")
    stops = new.stops.copy()
    stops.loc[len(stops)] = ["S4", "北浦", "32.7130", "131.8120", "Z4"]
    new = new.replace(stops=stops[stops["stop_id"] != "S1"].reset_index(drop=True))
    diff = diff_feeds(old, new)
    assert [(s.stop_id, s.change) for s in diff.stops] == [("S4", "added"), ("S1", "removed")]
    assert [(r.route_id, r.change, r.fields) for r in diff.routes] == [
        ("R1", "changed", {"route_long_name": ("延岡駅～本町線", "延岡駅～本町～北浦線")})
    ]


def test_timetable_pattern_and_fare_changes() -> None:
    """A retimed trip is one added + one removed; a new short pattern; a fare increase."""
    diff = diff_feeds(
        make_feed(),
        make_feed(t2_times=("08:30:00", "08:35:00", "08:40:00"), extra_trip=True, fare="220"),
    )
    assert [(t.route_id, t.service_id, t.old, t.new) for t in diff.trip_counts] == [
        ("R1", "weekday", 2, 3)
    ]
    (tt,) = diff.timetables
    assert (tt.unchanged, tt.added, tt.removed) == (1, 2, 1)
    assert tt.added_first == ("08:30:00", "09:00:00")
    assert tt.removed_first == ("08:00:00",)
    assert [(p.change, p.stops) for p in diff.patterns] == [("added", ("S1", "S3"))]
    assert [(f.key, f.old, f.new) for f in diff.fares] == [("R1 Z1→Z3", 200.0, 220.0)]
    text = "\n".join(diff.lines())
    assert "便数: 2 → 3 (新規 2, 廃止・変更 1)" in text
    assert "運賃 R1 Z1→Z3: 200円 → 220円" in text


def _write(feed: Feed, path: Path) -> Path:
    write_feed(feed, path)
    return path


def test_cli_diff_text_json_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`transit gtfs diff` prints the report, writes JSON; --check exits 1 on a gap."""
    old = _write(make_feed(), tmp_path / "old.zip")
    new = _write(make_feed(start="20260705", end="20260930", fare="220"), tmp_path / "new.zip")
    assert main(["gtfs", "diff", str(old), str(new), "--json", str(tmp_path / "d.json")]) == 0
    out = capsys.readouterr().out
    assert "継続性: NG" in out
    data = json.loads((tmp_path / "d.json").read_text("utf-8"))
    assert data["counts"]["fares_changed"] == 1
    assert data["continuity_ok"] is False
    assert data["new_period"] == ["2026-07-05", "2026-09-30"]
    assert main(["gtfs", "diff", str(old), str(new), "--check"]) == 1
    err = capsys.readouterr().err
    assert "new.zip: continuity with old.zip fails (starts_in_time, no_lost_service_day)" in err


def test_real_feeds_diff(external: Path) -> None:
    """Muroran 2017 vs 2020: the reported counts of changes."""
    from transit.gtfs.feedio import read_feed

    old = read_feed(external / "gtfs" / "jp-donanbus-muroran-2017")
    new = read_feed(external / "gtfs" / "jp-donanbus-muroran")
    diff = diff_feeds(old, new)
    counts = diff.counts()
    assert (counts["trips_old"], counts["trips_new"]) == (706, 541)
    assert (counts["stops_added"], counts["stops_removed"], counts["stops_moved"]) == (2, 13, 22)
    assert (counts["routes_added"], counts["routes_removed"]) == (4, 8)
    assert [c.ok for c in diff.continuity] == [False, True, False]
    assert counts["fares_changed"] == 33499
    lines = diff.lines()
    assert lines.count("  … ほか 33459 件") == 1  # 40 fare lines shown of 33,499
    assert len(lines) == 232
