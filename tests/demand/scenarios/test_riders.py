"""Riders: observed rides from a store, and OD cells with time bands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from transit.core.errors import InputError
from transit.demand.scenarios.riders import read_riders, riders_from_od

from .network import write_city, write_store


def test_rides_of_the_store_become_riders(tmp_path: Path) -> None:
    write_city(tmp_path)
    riders = read_riders(write_store(tmp_path))
    assert len(riders) == 4
    assert riders["rider_id"].str.fullmatch(r"[0-9a-f]{20}-[12]").all()  # pseudonym-number
    assert not riders["rider_id"].str.contains("IC0").any()
    got = riders.sort_values("desired_lo_s")[
        ["origin_stop_id", "destination_stop_id", "desired_lo_s", "observed_trip_id"]
    ]
    assert got.values.tolist() == [
        ["SA", "SC", 28810.0, "T1"],
        ["SA", "SB", 28820.0, "T1"],
        ["SB", "SA", 31210.0, "T3"],
        ["SD", "SC", 31810.0, "U3"],
    ]
    assert riders["day_type"].unique().tolist() == ["平日"]
    assert riders["fare_yen"].tolist() == [200.0] * 4


def test_od_cells_with_bands_and_day_types() -> None:
    od = pd.DataFrame(
        {
            "origin_stop_id": ["SA", "SB"],
            "destination_stop_id": ["SC", "SA"],
            "riders": ["12", "3.5"],
            "day_type": ["平日", "土曜"],
            "time_band": ["朝ピーク", "日中"],
        }
    )
    dates = [dt.date(2026, 4, 3), dt.date(2026, 4, 4), dt.date(2026, 4, 6)]  # Fri, Sat, Mon
    riders = riders_from_od(od, dates=dates)
    assert riders[["rider_id", "desired_lo_s", "desired_hi_s", "weight"]].values.tolist() == [
        ["od1", 7 * 3600.0, 9 * 3600.0, 12.0],
        ["od2", 9 * 3600.0, 16 * 3600.0, 3.5],
    ]
    assert riders["date"].dt.date.tolist() == [dt.date(2026, 4, 3), dt.date(2026, 4, 4)]


def test_od_errors_name_the_row_and_column() -> None:
    od = pd.DataFrame({"origin_stop_id": ["SA"], "destination_stop_id": ["SC"], "riders": [1],
                       "date": ["2026-04-01"], "start": ["7:00"], "end": ["7時"]})  # fmt: skip
    with pytest.raises(InputError) as info:
        riders_from_od(od, dates=[], source="od.csv")
    assert str(info.value) == "od.csv, row 2, column end: not a time HH:MM: '7時'"
    with pytest.raises(InputError, match="no service day of day type '日祝'"):
        riders_from_od(od.drop(columns="date").assign(day_type="日祝"), dates=[dt.date(2026, 4, 1)])
