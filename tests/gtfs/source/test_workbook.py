"""Workbooks as operators save them: formulas read by their cached value (or reported when they
have none), and zip limits checked before openpyxl opens an .xlsx."""

from __future__ import annotations

import copy
import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.gtfs.factory import INBOUND, OUTBOUND, make_source
from transit.cli import main
from transit.core.errors import InputError
from transit.core.notices import Severity
from transit.core.safezip import ZipLimits
from transit.gtfs.source.check import check_source
from transit.gtfs.source.read import read_source
from transit.gtfs.source.workbook import read_workbook

SHEET = "R1_北浦行_平日"


def _with_cached_values(path: Path, cached: dict[str, tuple[str, str]]) -> None:
    """Give formula cells the value Excel would have saved with them, by cell of any sheet:
    ``{"A8": ("str", "市役所前"), "D8": ("n", "0.2951388888888889")}``."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    for name, data in parts.items():
        if not name.startswith("xl/worksheets/"):
            continue
        xml = data.decode("utf-8")
        for cell, (kind, value) in cached.items():
            kind_attr = ' t="str"' if kind == "str" else ""
            xml = re.sub(
                rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/>',
                lambda m, a=kind_attr, v=value, c=cell: (
                    f'<c r="{c}"{m.group(1)}{a}><f>{m.group(2)}</f><v>{v}</v>'
                ),
                xml,
            )
        parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _outbound_with(cells: dict[tuple[int, int], Any]) -> list[list[Any]]:
    rows = copy.deepcopy(OUTBOUND)
    for (r, c), value in cells.items():
        rows[r - 1][c - 1] = value
    return rows


def test_formulas_are_read_by_their_cached_values(tmp_path: Path) -> None:
    """`="市役所"&"前"` and `=D7+TIME(0,5,0)` saved by Excel read as 市役所前 and 7:05: the same
    trips as the sheet with plain values."""
    formulas = _outbound_with({(8, 1): '="市役所"&"前"', (8, 4): "=D7+TIME(0,5,0)"})
    folder = make_source(tmp_path / "f", sheets={SHEET: formulas, "R1_延岡駅行_土日祝": INBOUND})
    _with_cached_values(
        folder / "timetables" / "R1.xlsx",
        {"A8": ("str", "市役所前"), "D8": ("n", "0.2951388888888889")},
    )
    sheet = read_workbook(folder / "timetables" / "R1.xlsx").sheets[0]
    assert (sheet.value(8, 1), sheet.value(8, 4), sheet.uncached) == (
        "市役所前",
        0.2951388888888889,
        (),
    )
    plain = make_source(tmp_path / "p")
    with_formulas, without = read_source(folder), read_source(plain)
    assert [t.stops for t in with_formulas.trips] == [t.stops for t in without.trips]
    assert [n for n in check_source(with_formulas) if n.severity is Severity.ERROR] == []


def test_a_formula_without_a_cached_value_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workbook written by a program (no cached values): never read as blank or as text."""
    folder = make_source(
        tmp_path / "src",
        sheets={SHEET: _outbound_with({(8, 1): "=A7"}), "R1_延岡駅行_土日祝": INBOUND},
    )
    sheet = read_workbook(folder / "timetables" / "R1.xlsx").sheets[0]
    assert (sheet.value(8, 1), sheet.uncached) == (None, (("A8", "=A7"),))
    errors = [str(n) for n in check_source(read_source(folder)) if n.severity is Severity.ERROR]
    assert errors == [
        "ERROR formula_without_value: R1.xlsx, sheet R1_北浦行_平日, cell A8: the cell holds the "
        "formula '=A7' but no value computed by Excel (the workbook was written by a program); "
        "open and save it in Excel, or type the value"
    ]
    out = tmp_path / "feed.zip"
    assert main(["gtfs", "build", str(folder), "-o", str(out)]) == 2
    assert not out.exists()
    captured = capsys.readouterr()
    assert "ERROR formula_without_value: R1.xlsx, sheet R1_北浦行_平日, cell A8" in captured.out
    assert "error: src: 1 error(s) in the source folder; no feed written" in captured.err


def test_formulas_in_a_fare_sheet(tmp_path: Path) -> None:
    """Fare triangles are read in read-only mode; formulas there are handled the same way."""
    fares: list[list[Any]] = [
        ["運賃三角表 1号線"],
        ["延岡駅", None],
        ["市役所前", None, "=100+50"],
        ["本町", None, 150, 150],
        ["北浦総合支所", None, 500, 450, "=C5-50"],
    ]
    folder = make_source(tmp_path / "src", fares=fares)
    _with_cached_values(folder / "fares" / "fares.xlsx", {"C3": ("n", "150")})
    source = read_source(folder)
    [table] = source.fare_tables
    assert table.fares[(0, 1)] == 150
    errors = [(n.code, n.location.cell) for n in source.notices if n.severity is Severity.ERROR]
    assert errors == [("formula_without_value", "E5")]


def _bomb(path: Path) -> None:
    """A valid workbook plus one member of 256 KiB of zeros (a few hundred bytes compressed)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = dt.time(7, 5)
    wb.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (256 << 10))


LOW = ZipLimits(max_ratio=20.0, ratio_floor_mib=0.1)


def test_a_workbook_bomb_is_refused_before_openpyxl_opens_it(tmp_path: Path) -> None:
    _bomb(tmp_path / "bomb.xlsx")
    assert read_workbook(tmp_path / "bomb.xlsx").sheets[0].value(1, 1) == dt.time(7, 5)
    with pytest.raises(InputError) as caught:
        read_workbook(tmp_path / "bomb.xlsx", limits=LOW)
    assert (caught.value.location.file, caught.value.location.member) == (
        "bomb.xlsx",
        "xl/media/padding.bin",
    )
    assert "a possible zip bomb: refused (zip_ratio_too_high)" in caught.value.message


def test_cli_refuses_a_workbook_bomb_naming_file_and_member(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_source(tmp_path / "src")
    _bomb(folder / "timetables" / "R2.xlsx")
    monkeypatch.setenv("TRANSIT_ZIP_MAX_RATIO", "20")
    monkeypatch.setenv("TRANSIT_ZIP_RATIO_FLOOR_MIB", "0.1")
    assert main(["gtfs", "build", str(folder), "-o", str(tmp_path / "feed.zip")]) == 2
    captured = capsys.readouterr()
    [line] = [x for x in captured.out.splitlines() if x.startswith("ERROR ")]
    assert line.startswith(
        "ERROR not_a_workbook: R2.xlsx, member xl/media/padding.bin: unpacks to 0.2 MiB from "
    )
    assert line.endswith(
        "a possible zip bomb: refused (zip_ratio_too_high); if the file is genuine, raise "
        "TRANSIT_ZIP_MAX_RATIO"
    )
    assert "error: src: 1 error(s) in the source folder; no feed written" in captured.err
