"""Count files (kinds b and c): checks, feed lookup, Excel input, load profiles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from transit.demand.ingest import detect_kind, ingest_files, read_counts
from transit.demand.loads import load_profile_from_counts
from transit.demand.od import ipf_counts_od
from transit.demand.schedule import read_schedule
from transit.demand.store.folder import count_files


def test_trip_counts_from_excel(tiny_feed: Path, tmp_path: Path) -> None:
    """A survey workbook (b): stop positions come from the feed; bad rows are rejected."""
    df = pd.DataFrame(
        {
            "便ID": ["T1", "T1", "T1", "T9", "T2", "T1"],
            "停留所ID": ["SA", "SB", "SC", "SA", "SA", "SB"],
            "日付": ["2026-04-01"] * 6,
            "乗車数": ["3", "3", "0", "1", "x", "2"],
            "降車数": ["0", "1", "5", "0", "0", "1"],
        }
    )
    path = tmp_path / "survey.xlsx"
    df.to_excel(path, index=False)
    assert detect_kind(path) == "trip_counts"
    (s,) = ingest_files([path], store=tmp_path / "st", feed=tiny_feed)
    assert (s.rows_read, s.accepted, s.rejected) == (6, 3, 3)
    assert s.rejected_by_reason == {"bad_count": 1, "duplicate_row": 1, "unknown_trip": 1}
    counts = pd.read_parquet(count_files(tmp_path / "st")[0])
    assert counts["stop_sequence"].tolist() == [0, 1, 2]
    assert counts["route_id"].tolist() == ["R1"] * 3
    assert counts["day_type"].tolist() == ["平日"] * 3
    prof = load_profile_from_counts(counts)
    assert prof["load"].tolist() == [3.0, 5.0, 0.0]
    od, fits = ipf_counts_od(counts)
    assert od["riders"].round(9).tolist() == [1.0, 2.0, 3.0]
    assert fits["consistent"].tolist() == [True]


def test_stop_counts_checks(tiny_feed: Path, tmp_path: Path) -> None:
    """Stop totals (c): unknown stop, unknown day type, negative count, empty stop."""
    path = tmp_path / "stops.csv"
    path.write_text(
        "stop_id,day_type,boardings,alightings\n"
        "SA,平日,10,0\nSB,土曜,4,2\nSZ,平日,1,1\nSC,月曜,1,1\nSC,日祝,-1,0\n,平日,1,1\n",
        encoding="utf-8",
    )
    counts, rejects, rows = read_counts(path, kind="stop_counts", schedule=read_schedule(tiny_feed))
    assert rows == 6
    assert counts["stop_id"].tolist() == ["SA", "SB"]
    assert dict(zip(rejects["row"], rejects["reason"], strict=True)) == {
        3: "unknown_stop",
        4: "unknown_day_type",
        5: "bad_count",
        6: "missing_field",
    }


def test_counts_report(tiny_feed: Path, tmp_path: Path) -> None:
    """A counts-only store gets a report: totals, load profile and IPF OD in the workbook."""
    import openpyxl

    from transit.demand.counts_report import build_counts_report
    from transit.demand.kpis import KpiOptions
    from transit.demand.report import ReportOptions

    path = tmp_path / "c.csv"
    path.write_text(
        "trip_id,stop_id,boardings,alightings\nT1,SA,30,0\nT1,SB,30,10\nT1,SC,0,50\n",
        encoding="utf-8",
    )
    ingest_files([path], store=tmp_path / "st", feed=tiny_feed)
    opts = ReportOptions(kpi=KpiOptions(k=10), charts=False)
    files = build_counts_report(tmp_path / "st", tmp_path / "rep", options=opts)
    xlsx = tmp_path / "rep" / "ridership_report.xlsx"
    assert xlsx in files
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    summary = {r[0]: r[1] for r in wb["概要"].iter_rows(min_row=2, values_only=True)}
    assert (summary["乗車数合計（調査）"], summary["降車数合計（調査）"]) == (60, 60)
    od = list(wb["OD（推計）"].iter_rows(min_row=2, values_only=True))
    assert [(r[-3], r[-2], r[-1]) for r in od] == [
        ("SA", "SB", 10),
        ("SA", "SC", 20),
        ("SB", "SC", 30),
    ]
    prof = list(wb["区間別乗車人員（調査）"].iter_rows(min_row=2, values_only=True))
    assert [r[-1] for r in prof] == [30, 50, None]
