"""Exact KPIs on the hand-made 3-stop, 2-trip case."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.demand.conftest import KEY
from transit.demand.ingest import ingest_files
from transit.demand.kpis import KpiOptions
from transit.demand.report import ReportOptions, ReportTables, compute_report_tables


@pytest.fixture
def tables(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> ReportTables:
    """Report tables of the 8 hand-made rides, with a cost of 100 yen per vehicle-km."""
    store = tmp_path / "store"
    ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    kpi = KpiOptions(cost_per_vehicle_km=100.0, min_avg_load=2.0, min_segment_load=2.5)
    return compute_report_tables(store, options=ReportOptions(kpi=kpi))


def test_loads_along_trips(tables: ReportTables) -> None:
    """Load leaving each stop: T1 3, 5, 0; T2 1, 1, 0."""
    loads = tables.loads.sort_values(["trip_id", "seq"])
    assert loads["load"].tolist() == [3, 5, 0, 1, 1, 0]
    assert loads["boardings"].tolist() == [3, 3, 0, 1, 1, 0]
    assert loads["alightings"].tolist() == [0, 1, 5, 0, 1, 1]
    assert loads["seg_km"].tolist() == [1.0, 2.0, 0.0, 1.0, 2.0, 0.0]


def test_trip_kpis(tables: ReportTables) -> None:
    """pax_km 13 and 3, avg_load 13/3 and 1, max load 5 after SB, 12 boardings per vehicle-hour."""
    t = tables.trips.set_index("trip_id")
    assert t["boardings"].tolist() == [6, 2]
    assert t["pax_km"].tolist() == [13.0, 3.0]
    assert t["avg_load"].tolist() == pytest.approx([13 / 3, 1.0])
    assert t["max_load"].tolist() == [5, 1]
    assert t["max_load_stop_id"].tolist() == ["SB", "SA"]
    assert t["vehicle_km"].tolist() == [3.0, 3.0]
    assert t["boardings_per_vehicle_hour"].tolist() == [12.0, 4.0]
    assert t["farebox_ratio"].tolist() == pytest.approx([1200 / 300, 400 / 300])


def test_route_and_day_type_kpis(tables: ReportTables) -> None:
    """Route R1: 8 boardings, 16 pax-km over 6 vehicle-km (avg_load 8/3), fares 1600 yen."""
    r = tables.routes.iloc[0]
    assert (r["route_id"], r["route_name"], r["boardings"], r["alightings"]) == ("R1", "1", 8, 8)
    assert (r["pax_km"], r["vehicle_km"], r["vehicle_hours"], r["runs"]) == (16.0, 6.0, 1.0, 2)
    assert r["avg_load"] == pytest.approx(16 / 6)
    assert r["boardings_per_vehicle_km"] == pytest.approx(8 / 6)
    assert (r["fare_yen"], r["cost_yen"]) == (1600, 600.0)
    d = tables.day_types
    assert d[["day_type", "boardings", "runs"]].values.tolist() == [["平日", 8, 2]]
    b = tables.time_bands
    assert b[["trip_band", "boardings"]].values.tolist() == [["朝ピーク", 6], ["日中", 2]]


def test_stop_kpis(tables: ReportTables) -> None:
    """Boardings and alightings per stop."""
    s = tables.stops.set_index("stop_id")
    assert s["boardings"].to_dict() == {"SA": 4, "SB": 4, "SC": 0}
    assert s["alightings"].to_dict() == {"SA": 0, "SB": 2, "SC": 6}
    assert s.loc["SB", "stop_name"] == "市役所"


def test_flags(tables: ReportTables) -> None:
    """T2 (avg_load 1) is below 2; segment SA→SB (mean load 2) is below 2.5."""
    assert tables.low_trips["trip_id"].tolist() == ["T2"]
    seg = tables.low_segments
    assert seg[["seq", "stop_id", "mean_load"]].values.tolist() == [[0, "SA", 2.0]]


def test_profile(tables: ReportTables) -> None:
    """Route profile: mean load leaving SA 2, SB 3; riders through each segment 4 and 6."""
    p = tables.profile
    assert p["mean_load"].tolist() == [2.0, 3.0, 0.0]
    assert p["load_total"].tolist() == [4, 6, 0]
    assert p["runs"].tolist() == [2, 2, 2]
    assert isinstance(p, pd.DataFrame)
