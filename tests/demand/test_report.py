"""The published report: workbook read back with openpyxl, suppression, charts, map."""

from __future__ import annotations

from pathlib import Path

import folium
import openpyxl
import pandas as pd
import pytest

from tests.demand.conftest import KEY
from transit.demand.ingest import ingest_files
from transit.demand.kpis import KpiOptions
from transit.demand.loads import compute_loads
from transit.demand.privacy import privacy_note, suppress
from transit.demand.report import ReportOptions, build_report
from transit.demand.schedule import Schedule
from transit.demand.store.queries import stop_visits
from transit.maps import mapkit
from transit.maps.ridership import map_ridership


@pytest.fixture
def store(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> Path:
    """A store holding the 8 hand-made rides."""
    st = tmp_path / "store"
    ingest_files([tiny_taps], store=st, key=KEY, feed=tiny_feed)
    return st


def _sheet(path: Path, name: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = [tuple(r) for r in wb[name].iter_rows(values_only=True)]
    wb.close()
    return rows


def test_workbook_totals_equal_input(store: Path, tmp_path: Path) -> None:
    """概要 totals equal the 8 input rides; 路線別 has Japanese headers and, with k=1, values."""
    opts = ReportOptions(kpi=KpiOptions(k=1), charts=False)
    files = build_report(store, tmp_path / "out", options=opts)
    xlsx = tmp_path / "out" / "ridership_report.xlsx"
    assert xlsx in files
    summary = dict(_sheet(xlsx, "概要")[1:])
    assert summary["乗車数合計"] == 8
    assert summary["降車数合計"] == 8
    assert summary["人キロ合計"] == 16
    assert summary["運賃収入合計（円）"] == 1600
    assert summary["秘匿基準 k"] == 1
    routes = _sheet(xlsx, "路線別")
    assert routes[0][:4] == ("系統ID", "系統名", "乗車数", "降車数")
    assert routes[1][:4] == ("R1", "1", 8, 8)
    names = openpyxl.load_workbook(xlsx, read_only=True).sheetnames
    assert names[0] == "概要" and names[-2] == "注記" and "OD（停留所間）" in names
    assert names[-1] == "出典・前提"


def test_small_cells_suppressed_and_said(store: Path, tmp_path: Path) -> None:
    """With k=10 every cell here (8 riders) is blank, totals stay, and the note says so."""
    build_report(store, tmp_path / "out", options=ReportOptions(charts=False))
    xlsx = tmp_path / "out" / "ridership_report.xlsx"
    summary = dict(_sheet(xlsx, "概要")[1:])
    assert summary["乗車数合計"] == 8
    assert summary["注記"] == privacy_note(10)
    routes = _sheet(xlsx, "路線別")
    assert routes[1][2] is None
    assert routes[1][0] == "R1"
    od = pd.read_csv(tmp_path / "out" / "tables" / "od.csv")
    assert len(od) == 0  # pairs below k are left out
    notes = [r[0] for r in _sheet(xlsx, "注記")[1:]]
    assert notes[0] == privacy_note(10)
    readme = tmp_path / "out" / "tables" / "README.txt"
    assert readme.read_text("utf-8") == privacy_note(10) + "\n"


def test_charts_are_png(store: Path, tmp_path: Path) -> None:
    """Charts: boardings by hour and one load profile per route direction, as PNG files."""
    files = build_report(store, tmp_path / "out", options=ReportOptions(kpi=KpiOptions(k=1)))
    pngs = sorted(p.name for p in files if p.suffix == ".png")
    assert pngs == ["boardings_by_hour.png", "load_profile_R1_0.png"]
    for p in files:
        if p.suffix == ".png":
            assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_suppress() -> None:
    """Cells of rows whose basis is below k become blank; others are kept."""
    df = pd.DataFrame({"n": [3, 10, 25], "x": [1.5, 2.0, 3.0]})
    out = suppress(df, ["n", "x"], basis="n", k=10)
    assert out["n"].tolist() == [None, 10, 25]
    assert out["x"].tolist() == [None, 2.0, 3.0]


def test_map_layers(store: Path, tmp_path: Path) -> None:
    """The map has one layer per time band, draws only values at or above k, opens offline."""
    schedule = Schedule.load(store / "schedule")
    loads = compute_loads(stop_visits(store), schedule)
    fmap = map_ridership(loads, schedule, k=2)
    layers = [c.layer_name for c in fmap._children.values() if isinstance(c, folium.FeatureGroup)]
    assert layers == ["時間帯: 朝ピーク", "時間帯: 日中"]
    html = fmap.get_root().render()
    assert "乗車 4 人" not in html  # per band SA has 3 (朝ピーク) and 1 (日中)
    assert "乗車 3 人" in html
    assert "平均乗車人員 5.0 人" in html
    saved = mapkit.save_map(fmap, tmp_path / "ridership.html")
    assert mapkit.remote_references(saved.path.read_text("utf-8")) == []
