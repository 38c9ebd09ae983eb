"""Feed diff (stops, routes, patterns, trips, timetables, fares) and continuity checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.gtfs.factory import df, weekday_calendar
from transit.cli import main
from transit.gtfs.diff import ContinuityCheck, check_continuity, diff_feeds
from transit.gtfs.feedio import Feed, write_feed
from transit.gtfs.service import feed_period, service_dates


def make_feed(
    *,
    start: str = "20260401",
    end: str = "20260630",
    s2_lat: str = "32.5822",
    t2_times: tuple[str, str, str] = ("08:00:00", "08:05:00", "08:10:00"),
    route_name: str = "延岡駅～本町線",
    fare: str = "200",
    extra_trip: bool = False,
    removed_dates: tuple[str, ...] = (),
    with_info: bool = True,
) -> Feed:
    """A small feed: 3 stops, 1 route, weekday trips T1, T2 (and T3 on a shorter pattern)."""
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon", "zone_id"]]
    stops += [
        ["S1", "延岡駅", "32.5889", "131.6636", "Z1"],
        ["S2", "市役所前", s2_lat, "131.6650", "Z2"],
    ]
    stops += [["S3", "本町", "32.5844", "131.6690", "Z3"]]
    trips = [
        ["route_id", "service_id", "trip_id"],
        ["R1", "weekday", "T1"],
        ["R1", "weekday", "T2"],
    ]
    st = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    st += [
        ["T1", t, t, s, str(i)]
        for i, (s, t) in enumerate(
            zip(("S1", "S2", "S3"), ("07:00:00", "07:05:00", "07:10:00"), strict=True), 1
        )
    ]
    st += [
        ["T2", t, t, s, str(i)]
        for i, (s, t) in enumerate(zip(("S1", "S2", "S3"), t2_times, strict=True), 1)
    ]
    if extra_trip:
        trips.append(["R1", "weekday", "T3"])
        st += [["T3", "09:00:00", "09:00:00", "S1", "1"], ["T3", "09:10:00", "09:10:00", "S3", "2"]]
    tables = {
        "agency": df(
            [
                ["agency_id", "agency_name", "agency_url", "agency_timezone"],
                ["A", "延岡市", "https://x.jp/", "Asia/Tokyo"],
            ]
        ),
        "stops": df(stops),
        "routes": df(
            [
                ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
                ["R1", "A", "1", route_name, "3"],
            ]
        ),
        "trips": df(trips),
        "stop_times": df(st),
        "calendar": weekday_calendar(start, end),
        "calendar_dates": df(
            [
                ["service_id", "date", "exception_type"],
                *[["weekday", d, "2"] for d in removed_dates],
            ]
        ),
        "fare_attributes": df(
            [["fare_id", "price", "currency_type", "payment_method"], ["F", fare, "JPY", "0"]]
        ),
        "fare_rules": df(
            [["fare_id", "route_id", "origin_id", "destination_id"], ["F", "R1", "Z1", "Z3"]]
        ),
    }
    if with_info:
        tables["feed_info"] = df(
            [
                [
                    "feed_publisher_name",
                    "feed_publisher_url",
                    "feed_lang",
                    "feed_start_date",
                    "feed_end_date",
                ],
                ["延岡市", "https://x.jp/", "ja", start, end],
            ]
        )
    return Feed(tables)


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


def test_service_dates_apply_exceptions() -> None:
    """Weekdays from calendar minus calendar_dates removals; feed period from feed_info."""
    feed = make_feed(start="20260406", end="20260412", removed_dates=("20260408",))
    dates = service_dates(feed)["weekday"]
    assert sorted(d.isoformat() for d in dates) == [
        "2026-04-06",
        "2026-04-07",
        "2026-04-09",
        "2026-04-10",
    ]
    assert feed_period(feed) == (dt.date(2026, 4, 6), dt.date(2026, 4, 12))
    assert feed_period(make_feed(start="20260406", end="20260412", with_info=False)) == (
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 10),
    )


def test_continuity_next_day_is_fine_a_gap_is_not() -> None:
    """New may start the day after old ends; two days later leaves a one-day gap."""
    old = make_feed(start="20260401", end="20260630")
    ok = check_continuity(old, make_feed(start="20260701", end="20260930"))
    assert [c.ok for c in ok] == [True, True, True]
    gap = check_continuity(old, make_feed(start="20260702", end="20260930"))
    assert gap[0] == ContinuityCheck(
        "starts_in_time", False, "新 2026-07-02 開始は旧 2026-06-30 終了の翌日より後 (1 日の空白)"
    )
    assert gap[2] == ContinuityCheck("no_lost_service_day", False, "運行のない日 1 日: 2026-07-01")


def test_continuity_min_days() -> None:
    """27 days is too short; 28 days is enough."""
    old = make_feed()
    short = check_continuity(old, make_feed(start="20260601", end="20260627"))
    assert (short[1].code, short[1].ok) == ("covers_min_days", False)
    assert "27 日" in short[1].message
    assert check_continuity(old, make_feed(start="20260601", end="20260628"))[1].ok


def test_continuity_lost_service_day_in_overlap() -> None:
    """A weekday the old feed serves but the new one (starting earlier) removes is lost."""
    old = make_feed(start="20260401", end="20260630")
    new = make_feed(start="20260601", end="20260930", removed_dates=("20260610",))
    checks = check_continuity(old, new)
    assert [c.ok for c in checks] == [True, True, False]
    assert checks[2].message == "運行のない日 1 日: 2026-06-10"


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
