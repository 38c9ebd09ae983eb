"""Fixtures for ridership tests: a hand-made 3-stop, 2-trip feed and its taps."""

from __future__ import annotations

from pathlib import Path

import pytest

KEY = b"test-key-0123456789abcdef"

FEED = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Test,https://example.org,Asia/Tokyo\n",
    "stops.txt": (
        "stop_id,stop_name,stop_lat,stop_lon\n"
        "SA,駅前,32.5800,131.6600\n"
        "SB,市役所,32.5890,131.6600\n"
        "SC,病院,32.6070,131.6600\n"
    ),
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\nR1,A,1,駅前～病院線,3\n",
    "trips.txt": "route_id,service_id,trip_id,direction_id\nR1,WD,T1,0\nR1,WD,T2,0\n",
    "stop_times.txt": (
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
        "T1,08:00:00,08:00:00,SA,1,0\nT1,08:10:00,08:10:00,SB,2,1\nT1,08:30:00,08:30:00,SC,3,3\n"
        "T2,09:00:00,09:00:00,SA,1,0\nT2,09:10:00,09:10:00,SB,2,1\nT2,09:30:00,09:30:00,SC,3,3\n"
    ),
    "calendar.txt": (
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WD,1,1,1,1,1,0,0,20260401,20260430\n"
    ),
}

#: (card, trip, board stop, board time, alight stop, alight time) on Wednesday 2026-04-01.
RIDES = [
    ("IC000000000001", "T1", "SA", "08:00:10", "SC", "08:30:05"),
    ("IC000000000002", "T1", "SA", "08:00:20", "SC", "08:30:10"),
    ("IC000000000003", "T1", "SA", "08:00:30", "SB", "08:10:05"),
    ("IC000000000004", "T1", "SB", "08:10:10", "SC", "08:30:15"),
    ("IC000000000005", "T1", "SB", "08:10:20", "SC", "08:30:20"),
    ("IC000000000006", "T1", "SB", "08:10:30", "SC", "08:30:25"),
    ("IC000000000003", "T2", "SA", "09:00:10", "SB", "09:10:05"),
    ("IC000000000007", "T2", "SB", "09:10:10", "SC", "09:30:05"),
]


def write_feed(folder: Path) -> Path:
    """Write the tiny feed as a GTFS folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FEED.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def tap_lines(
    rides: list[tuple[str, str, str, str, str, str]], date: str = "2026-04-01"
) -> list[str]:
    """CSV lines (no header) of the boarding and alighting taps of ``rides``."""
    out = []
    for card, trip, bs, bt, as_, at in rides:
        out.append(f"{card},{date} {bt},board,{bs},{trip},,200")
        out.append(f"{card},{date} {at},alight,{as_},{trip},,")
    return out


HEADER = "card_id,ts,event,stop_id,trip_id,vehicle_id,fare_yen"


@pytest.fixture
def tiny_feed(tmp_path: Path) -> Path:
    """The 3-stop, 2-trip feed folder."""
    return write_feed(tmp_path / "feed")


@pytest.fixture
def tiny_taps(tmp_path: Path) -> Path:
    """The taps of RIDES (16 rows, all good)."""
    path = tmp_path / "taps.csv"
    path.write_text("\n".join([HEADER, *tap_lines(RIDES)]) + "\n", encoding="utf-8")
    return path
