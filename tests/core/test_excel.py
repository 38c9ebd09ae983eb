"""The one Excel writer: strings stay text (never formulas), numbers stay numbers, sheets valid."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from transit.core.excel import SheetGrid, SheetTable, safe_sheet_name, write_workbook

HOSTILE = ['=HYPERLINK("http://x","click")', "=1+1", "+1", "-2+3", "@SUM(A1)", "<b>x</b>"]


def test_formula_looking_strings_are_text(tmp_path: Path) -> None:
    table = pd.DataFrame({"name": HOSTILE, "n": range(len(HOSTILE))})
    path = write_workbook(tmp_path / "t.xlsx", [SheetTable("停留所", table, {"name": "停留所名"})])
    ws = openpyxl.load_workbook(path)["停留所"]
    assert [c.value for c in ws[1]] == ["停留所名", "n"]
    cells = [ws.cell(row=i + 2, column=1) for i in range(len(HOSTILE))]
    assert [c.value for c in cells] == HOSTILE
    assert {c.data_type for c in cells} == {"s"}
    with zipfile.ZipFile(path) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml  # no formula element anywhere


def test_values_keep_their_types(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "i": pd.array([1, None], dtype="Int64"),
            "f": [1.5, np.nan],
            "t": [pd.Timestamp("2026-04-01 08:00"), pd.NaT],
            "s": ["延岡", "北浦"],
        }
    )
    path = write_workbook(tmp_path / "t.xlsx", [SheetTable("x", table)])
    rows = list(openpyxl.load_workbook(path)["x"].iter_rows(values_only=True))
    assert rows == [
        ("i", "f", "t", "s"),
        (1, 1.5, dt.datetime(2026, 4, 1, 8, 0), "延岡"),
        (None, None, None, "北浦"),
    ]


def test_a_grid_is_written_cell_by_cell_strings_as_text(tmp_path: Path) -> None:
    """A free layout (a timetable sheet): rows of any length, "" and None empty, strings text."""
    grid = SheetGrid(
        "=1+1_1_0_平日",
        [
            ["系統", "=1+1", ""],
            [],
            ["停留所", None, "着発", 7, 1.5, np.nan],
            [*HOSTILE, " 前後の空白 ", "ＡＢＣ"],
        ],
    )
    path = write_workbook(tmp_path / "g.xlsx", [grid, SheetTable("t", pd.DataFrame({"v": [1]}))])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["=1+1_1_0_平日", "t"]
    ws = wb["=1+1_1_0_平日"]
    assert list(ws.iter_rows(values_only=True)) == [
        ("系統", "=1+1", *[None] * 6),
        (None,) * 8,
        ("停留所", None, "着発", 7, 1.5, None, None, None),
        (*HOSTILE, " 前後の空白 ", "ＡＢＣ"),
    ]
    assert {c.data_type for row in ws.iter_rows() for c in row if isinstance(c.value, str)} == {"s"}
    assert ws.cell(row=1, column=3).value is None  # "" is an empty cell, not an empty string
    with zipfile.ZipFile(path) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    read_only = openpyxl.load_workbook(path, read_only=True)["=1+1_1_0_平日"]
    assert read_only.calculate_dimension() == "A1:H4"


def test_sheet_names_are_made_valid_and_unique() -> None:
    assert safe_sheet_name("a/b:c*d?[e]") == "a_b_c_d__e_"
    assert safe_sheet_name("x" * 40) == "x" * 31
    assert safe_sheet_name("順位", taken=["順位"]) == "順位~2"
    assert safe_sheet_name("X" * 31, taken=["x" * 31]) == "X" * 29 + "~2"
    assert safe_sheet_name("'quoted'") == "quoted"
    cut = safe_sheet_name("x" * 30 + "'y")
    assert cut == "x" * 30
    assert safe_sheet_name(cut) == cut


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=5))
def test_any_text_round_trips(tmp_path_factory: object, texts: list[str]) -> None:
    """Whatever a person types reaches the reader unchanged (openpyxl drops characters XML cannot
    carry; those are excluded)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    texts = [t for t in texts if not ILLEGAL_CHARACTERS_RE.search(t) and "\r" not in t]
    if not texts:
        return
    folder = Path(tmp_path_factory.mktemp("xl"))
    path = write_workbook(folder / "t.xlsx", [SheetTable("t", pd.DataFrame({"v": texts}))])
    ws = openpyxl.load_workbook(path)["t"]
    assert [ws.cell(row=i + 2, column=1).value for i in range(len(texts))] == texts
