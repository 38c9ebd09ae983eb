"""Names that look like spreadsheet formulas stay text in every workbook the toolkit writes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.demand.conftest import HEADER, RIDES, tap_lines, write_feed
from transit.cli import main

FORMULAS = ('=HYPERLINK("http://x","click")', "=1+1")


def _cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row]


def _hostile_feed(folder: Path) -> Path:
    feed = write_feed(folder)
    stops = feed / "stops.txt"
    text = stops.read_text("utf-8").replace("駅前", FORMULAS[0].replace(",", "，"))
    stops.write_text(text.replace("病院", FORMULAS[1]), "utf-8")
    routes = feed / "routes.txt"
    routes.write_text(routes.read_text("utf-8").replace("駅前～病院線", FORMULAS[1]), "utf-8")
    return feed


def test_stats_and_report_workbooks_keep_formula_names_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSIT_PSEUDONYM_KEY", "0123456789abcdef0123")
    feed = _hostile_feed(tmp_path / "feed")
    taps = tmp_path / "taps.csv"
    taps.write_text("\n".join([HEADER, *tap_lines(RIDES)]) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    assert main(["gtfs", "stats", str(feed), "-o", str(tmp_path / "stats.xlsx")]) == 0
    assert main(["demand", "ingest", str(taps), "--feed", str(feed), "--store", str(store)]) == 0
    assert (
        main(["demand", "report", "--store", str(store), "-o", str(tmp_path / "r"), "--k", "1"])
        == 0
    )
    for book in (tmp_path / "stats.xlsx", tmp_path / "r" / "ridership_report.xlsx"):
        cells = _cells(book)
        hits = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
        assert hits, f"{book.name}: the hostile names are missing"
        assert {c.data_type for c in hits} == {"s"}, book.name
        assert {c.value for c in hits} <= {FORMULAS[0].replace(",", "，"), FORMULAS[1]}
