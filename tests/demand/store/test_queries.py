"""Queries of the store: stop-to-stop OD and linked journeys of hand-made rides, totals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.demand.conftest import HEADER, KEY, RIDES, tap_lines
from transit.demand.ingest import ingest_files
from transit.demand.store.queries import linked_journeys, od_counts, query_rides, ride_totals
from transit.demand.store.rides import RIDE_COLUMNS


def test_od_from_taps(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> None:
    """Stop-to-stop OD of the 8 rides."""
    store = tmp_path / "s"
    ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    od = od_counts(store)
    assert od[["board_stop_id", "alight_stop_id", "rides"]].values.tolist() == [
        ["SA", "SB", 2],
        ["SA", "SC", 2],
        ["SB", "SC", 4],
    ]


def test_transfer_links_journeys(tiny_feed: Path, tmp_path: Path) -> None:
    """Same card, alighting at SB then boarding at SB 60 min later: one 2-leg journey SA→SC
    with a 90-minute window, two journeys with a 30-minute window; a ride from another stop
    (1 km away) is never a transfer."""
    rides = [
        *RIDES[:2],
        ("JE8", "T1", "SA", "08:00:00", "SB", "08:10:00"),
        ("JE8", "T2", "SB", "09:10:00", "SC", "09:30:00"),
        ("IC000000000003", "T1", "SA", "08:00:30", "SB", "08:10:05"),
        ("IC000000000003", "T2", "SA", "09:00:10", "SB", "09:10:05"),
    ]
    path = tmp_path / "t.csv"
    path.write_text("\n".join([HEADER, *tap_lines(rides)]) + "\n", encoding="utf-8")
    store = tmp_path / "s"
    ingest_files([path], store=store, key=KEY, feed=tiny_feed)
    cols = ["origin_stop_id", "destination_stop_id", "legs", "journeys"]
    linked = linked_journeys(store, window_min=90)[cols].values.tolist()
    assert linked == [["SA", "SB", 1, 2], ["SA", "SC", 1, 2], ["SA", "SC", 2, 1]]
    short = linked_journeys(store, window_min=30)[cols].values.tolist()
    assert short == [["SA", "SB", 1, 3], ["SA", "SC", 1, 2], ["SB", "SC", 1, 1]]


def test_totals_and_an_empty_store(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> None:
    """Totals of the 8 rides; a store without rides has an empty ``rides`` table of the ride
    columns."""
    store = tmp_path / "s"
    ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    totals = ride_totals(store)
    assert totals == {
        "rides": 8,
        "cards": 7,
        "pax_km": 16.0,
        "fare_yen": 1600,
        "first_date": dt.date(2026, 4, 1),
        "last_date": dt.date(2026, 4, 1),
    }
    empty = query_rides(tmp_path / "none", "SELECT * FROM rides")
    assert tuple(empty.columns) == RIDE_COLUMNS
    assert len(empty) == 0
    assert ride_totals(tmp_path / "none")["first_date"] is None
