"""Workbooks (.xlsx via openpyxl, .xls via xlrd, .csv) -> a neutral grid of cells with A1 addresses.

Every reader returns the same :class:`Workbook`: sheets of raw cell values (text, numbers,
:class:`datetime.time` / :class:`datetime.datetime` / :class:`datetime.timedelta` for Excel date
and time cells, ``None`` for empty) and the merged ranges of each sheet, so the layout code and
the checks never depend on the file format.

A cell holding a formula (``=B3``) is read by the value Excel computed and saved with it; a
formula saved without one (a workbook written by a program and never opened in Excel) is
listed in ``Sheet.uncached`` for the reader to report, its cell read as empty. An ``.xlsx`` is a
zip archive: its declared sizes are checked (:func:`transit.core.safezip.check_zip_file`) before
openpyxl opens it, so a workbook bomb is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import xlrd

from transit.core.errors import InputError, Location
from transit.core.notices import Notice
from transit.core.safezip import ZipLimits, check_zip_file, read_member

CellValue = str | int | float | dt.time | dt.datetime | dt.timedelta | None

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
"""File name endings read as workbooks."""


def column_letter(col: int) -> str:
    """``1 -> "A"``, ``27 -> "AA"`` (1-based column number)."""
    if col < 1:
        raise ValueError(f"column numbers start at 1, got {col}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """``"A" -> 1``, ``"AA" -> 27``."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column name: {letters!r}")
        n = n * 26 + ord(ch) - 64
    return n


def cell_name(row: int, col: int) -> str:
    """A1-style name of a cell from 1-based row and column numbers (``(12, 6) -> "F12"``)."""
    return f"{column_letter(col)}{row}"


def parse_cell_name(name: str) -> tuple[int, int]:
    """``"F12" -> (12, 6)`` (1-based row, column)."""
    letters = name.rstrip("0123456789")
    return int(name[len(letters) :]), column_number(letters)


@dataclass(frozen=True)
class Sheet:
    """One sheet as a grid: ``rows[r][c]`` is the cell at 1-based row ``r + 1``, column ``c + 1``.

    ``merged`` lists merged ranges as A1 ranges (``"B2:C3"``); ``file`` is the workbook's name;
    ``uncached`` the ``(A1 cell, formula)`` of every formula saved without a computed value
    (those cells are ``None`` in ``rows``).
    """

    file: str
    name: str
    rows: tuple[tuple[CellValue, ...], ...]
    merged: tuple[str, ...] = ()
    uncached: tuple[tuple[str, str], ...] = ()

    @property
    def nrows(self) -> int:
        """Number of rows (trailing empty rows included when the file has them)."""
        return len(self.rows)

    @property
    def ncols(self) -> int:
        """Width of the widest row."""
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> CellValue:
        """The cell at 1-based ``row``, ``col``; ``None`` outside the grid or when blank."""
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        if col > len(cells):
            return None
        v = cells[col - 1]
        if isinstance(v, str) and not v.strip():
            return None
        return v

    def text(self, row: int, col: int) -> str:
        """The cell as stripped text (numbers without a trailing ``.0``); ``""`` when blank."""
        v = self.value(row, col)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    def location(self, row: int, col: int) -> Location:
        """Where a cell is (file, sheet, A1 cell)."""
        return Location(file=self.file, sheet=self.name, cell=cell_name(row, col))

    def is_empty(self) -> bool:
        """True when no cell holds anything."""
        return all(
            v is None or (isinstance(v, str) and not v.strip()) for r in self.rows for v in r
        )


@dataclass(frozen=True)
class Workbook:
    """A workbook's sheets in file order."""

    path: Path
    sheets: tuple[Sheet, ...]
    skipped: tuple[str, ...] = ()
    """Names of the sheets not read (filtered out by the caller)."""
    notices: tuple[Notice, ...] = ()
    """Warnings about the file itself (a zip member with a suspicious name)."""

    def __iter__(self) -> Iterator[Sheet]:
        return iter(self.sheets)

    @property
    def name(self) -> str:
        """The file name (what a user sees in a folder)."""
        return self.path.name


def read_workbook(
    path: Path,
    *,
    merged: bool = True,
    sheets: Callable[[str], bool] | None = None,
    limits: ZipLimits | None = None,
) -> Workbook:
    """Read ``.xlsx``/``.xlsm`` (openpyxl), ``.xls`` (xlrd) or ``.csv`` (UTF-8, BOM accepted).

    With ``merged=False`` an ``.xlsx`` is read in openpyxl's faster read-only mode and
    ``Sheet.merged`` stays empty. ``sheets`` (a test on the sheet name) reads only the sheets it
    accepts; the others are not parsed at all. ``limits`` bound what an ``.xlsx`` may unpack to
    (default: :meth:`ZipLimits.from_env`).

    Raises
    ------
    InputError
        When the file is not a workbook of its kind (wrong extension, corrupt, not UTF-8), or
        an ``.xlsx`` unpacks to more than ``limits`` allow (located at the zip member).
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, merged=merged, wanted=sheets, limits=limits)
    if suffix == ".xls":
        return _read_xls(path, wanted=sheets)
    if suffix == ".csv":
        return _read_csv(path)
    raise InputError(
        f"not a workbook (expected one of {', '.join(WORKBOOK_SUFFIXES)})", Location.of(path)
    )


def _read_xlsx(
    path: Path,
    *,
    merged: bool = True,
    wanted: Callable[[str], bool] | None = None,
    limits: ZipLimits | None = None,
) -> Workbook:
    warnings = check_zip_file(path, limits)
    try:
        data = path.read_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=not merged)
        formulas = _formula_cells(path, data, wanted, limits)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as exc:
        raise InputError(
            f"cannot be read as an Excel .xlsx workbook ({exc})", Location.of(path)
        ) from exc
    sheets = []
    skipped = []
    for ws in wb.worksheets:
        if wanted is not None and not wanted(ws.title):
            skipped.append(ws.title)
            continue
        rows, uncached = _xlsx_rows(ws, formulas.get(ws.title, {}))
        ranges = getattr(ws, "merged_cells", None)
        spans = tuple(sorted(str(r) for r in ranges.ranges)) if ranges is not None else ()
        sheets.append(Sheet(path.name, ws.title, rows, spans, uncached))
    wb.close()
    return Workbook(path, tuple(sheets), tuple(skipped), tuple(warnings))


Rows = tuple[tuple[CellValue, ...], ...]
Formulas = Mapping[tuple[int, int], str]
"""The formula of each formula cell of a sheet, by 1-based ``(row, column)``."""

_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _xlsx_rows(ws: Any, formulas: Formulas) -> tuple[Rows, tuple[tuple[str, str], ...]]:
    """The values of a sheet loaded with ``data_only``, and its formulas without a cached
    value (a formula whose cached value is the empty string is a blank cell)."""
    if not formulas:
        return tuple(
            tuple(_xlsx_value(v) for v in row) for row in ws.iter_rows(values_only=True)
        ), ()
    rows: list[tuple[CellValue, ...]] = []
    uncached: list[tuple[str, str]] = []
    for r, cells in enumerate(ws.iter_rows(), start=1):
        values = tuple(_xlsx_value(getattr(cell, "value", None)) for cell in cells)
        for c, cell in enumerate(cells, start=1):
            if (r, c) in formulas and values[c - 1] is None and cell.data_type != "str":
                uncached.append((cell_name(r, c), formulas[(r, c)]))
        rows.append(values)
    return tuple(rows), tuple(uncached)


def _formula_cells(
    path: Path, data: bytes, wanted: Callable[[str], bool] | None, limits: ZipLimits | None
) -> dict[str, Formulas]:
    """The formula cells of each wanted sheet; ``{}`` (and no second parse) when no part of
    the workbook holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = [
            i
            for i in zf.infolist()
            if i.filename.endswith(".xml") and "sharedStrings" not in i.filename
        ]
        if not any(_FORMULA_ELEMENT.search(read_member(path, zf, i, limits)) for i in parts):
            return {}
    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    out: dict[str, Formulas] = {}
    for ws in wb.worksheets:
        if wanted is not None and not wanted(ws.title):
            continue
        found = _sheet_formulas(ws)
        if found:
            out[ws.title] = found
    wb.close()
    return out


def _sheet_formulas(ws: Any) -> dict[tuple[int, int], str]:
    """The formula of every formula cell of a sheet loaded without ``data_only``."""
    found: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(ws.iter_rows(), start=1):
        for c, cell in enumerate(cells, start=1):
            if getattr(cell, "data_type", None) == "f":
                found[(r, c)] = str(getattr(cell.value, "text", cell.value))
    return found


def _xlsx_value(v: object) -> CellValue:
    if v is None or isinstance(v, str | int | float | dt.time | dt.datetime | dt.timedelta):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return str(v)


def _read_xls(path: Path, *, wanted: Callable[[str], bool] | None = None) -> Workbook:
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises bare XLRDError/CompDocError/AssertionError
        raise InputError(
            f"cannot be read as an Excel .xls workbook ({exc})", Location.of(path)
        ) from exc
    sheets = []
    skipped = []
    for index, name in enumerate(book.sheet_names()):
        if wanted is not None and not wanted(name):
            skipped.append(name)
            continue
        try:
            sh = book.sheet_by_index(index)
        except Exception as exc:  # a corrupt sheet record
            raise InputError(f"sheet {name!r} cannot be read ({exc})", Location.of(path)) from exc
        rows = []
        for r in range(sh.nrows):
            types = sh.row_types(r)
            values = sh.row_values(r)
            rows.append(tuple(_xls_value(t, v) for t, v in zip(types, values, strict=True)))
        merged = tuple(
            sorted(
                f"{cell_name(rlo + 1, clo + 1)}:{cell_name(rhi, chi)}"
                for rlo, rhi, clo, chi in sh.merged_cells
            )
        )
        sheets.append(Sheet(path.name, sh.name, tuple(rows), merged))
        book.unload_sheet(index)
    book.release_resources()
    return Workbook(path, tuple(sheets), tuple(skipped))


def _xls_value(ctype: int, value: object) -> CellValue:
    # xlrd cell types: 0 empty, 1 text, 2 number, 3 date, 4 boolean, 5 error, 6 blank
    if ctype in (0, 6):
        return None
    if ctype == 1:
        return str(value)
    if ctype == 3:
        assert isinstance(value, float)
        if value < 2:
            return dt.timedelta(days=value)
        return dt.datetime.combine(dt.date(1899, 12, 30), dt.time()) + dt.timedelta(days=value)
    if ctype == 2:
        assert isinstance(value, float)
        return value
    if ctype == 4:
        return "TRUE" if value else "FALSE"
    return "#ERROR"


def _read_csv(path: Path) -> Workbook:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            "not UTF-8 text (save it from Excel as 'CSV UTF-8')", Location.of(path)
        ) from exc
    rows = tuple(
        tuple(v if v.strip() else None for v in row) for row in csv.reader(io.StringIO(text))
    )
    return Workbook(path, (Sheet(path.name, path.stem, rows),))
