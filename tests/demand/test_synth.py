"""Synthetic taps: exact size, reproducible, consistent with the timetable."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.demand.conftest import KEY
from transit.demand.ingest import ingest_files
from transit.demand.schedule import read_schedule
from transit.demand.synth import CORRUPTIONS, SynthOptions, synth_taps, write_taps


def test_exact_rows_and_seed(tiny_feed: Path) -> None:
    """The requested number of rows, the same for the same seed, different for another."""
    s = read_schedule(tiny_feed)
    a = synth_taps(s, rows=501, seed=7)
    b = synth_taps(s, rows=501, seed=7)
    c = synth_taps(s, rows=501, seed=8)
    assert a.num_rows == 501
    assert a.equals(b)
    assert not a.equals(c)
    assert a.column_names == [
        "card_id",
        "ts",
        "event",
        "stop_id",
        "trip_id",
        "vehicle_id",
        "fare_yen",
    ]


def test_clean_synth_ingests_completely(tiny_feed: Path, tmp_path: Path) -> None:
    """Clean synthetic taps (with transfers and vehicle-only rides) are all accepted."""
    s = read_schedule(tiny_feed)
    path = write_taps(
        synth_taps(s, rows=2000, seed=3, options=SynthOptions(days=10)), tmp_path / "t.csv"
    )
    (sm,) = ingest_files([path], store=tmp_path / "st", key=KEY, schedule=s)
    assert (sm.rows_read, sm.accepted, sm.rejected) == (2000, 2000, 0)
    assert sm.matched_by_vehicle > 0
    df = pd.read_csv(path)
    assert df["card_id"].str.match(r"^JE\d{14}$").all()
    assert set(df["event"]) == {"board", "alight"}


def test_corrupt_share(tiny_feed: Path, tmp_path: Path) -> None:
    """A corrupt share makes rejects of every generated kind, and the accounting holds."""
    s = read_schedule(tiny_feed)
    taps = synth_taps(s, rows=3000, seed=5, options=SynthOptions(corrupt_share=0.05))
    assert taps.num_rows == 3000
    path = write_taps(taps, tmp_path / "t.parquet")
    (sm,) = ingest_files([path], store=tmp_path / "st", key=KEY, schedule=s)
    assert sm.rows_read == 3000 == sm.accepted + sm.rejected
    assert set(CORRUPTIONS) <= set(sm.rejected_by_reason)


def test_no_rows_and_no_transfers_give_plain_tables(tmp_path: Path) -> None:
    """0 rows is an empty table; a transfer share of 0 gives single-leg journeys; 1 row is
    refused (a ride is two taps)."""
    from tests.demand.conftest import write_feed
    from transit.core.errors import InputError

    schedule = read_schedule(write_feed(tmp_path / "feed"))
    assert synth_taps(schedule, rows=0, seed=1).num_rows == 0
    flat = synth_taps(schedule, rows=40, seed=1, options=SynthOptions(transfer_share=0.0))
    assert flat.num_rows == 40
    with pytest.raises(
        InputError, match=r"--rows must be 0 or at least 2 \(a ride is two taps\), got 1"
    ):
        synth_taps(schedule, rows=1, seed=1)
