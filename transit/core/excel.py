"""The one Excel writer: tables (or grids of cells) into a workbook, every data string a text
cell, never a formula.

A stop named ``=HYPERLINK("http://x","click")`` or ``=1+1`` must reach the reader as those
characters, not as a live formula: openpyxl turns any string that starts with ``=`` into a
formula unless the cell is typed as text, so every string cell written here is typed ``s``
explicitly. Rows are streamed (openpyxl's write-only mode: pandas' ``to_excel`` keeps every cell
object in memory and is several times slower on large sheets) and the file is replaced atomically.
Numbers stay numbers; NaN, NA and NaT become empty cells.

A :class:`SheetTable` is a header row and a DataFrame (reports, statistics); a :class:`SheetGrid`
is a free layout, cell by cell (a timetable sheet with its header block, a fare triangle).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from transit.core.fileio import atomic_write_with

MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetTable:
    """One sheet: its ``name``, the ``table``, and ``headers`` renaming columns for people
    (e.g. to Japanese); columns not in ``headers`` keep their names."""

    name: str
    table: pd.DataFrame
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SheetGrid:
    """One sheet laid out cell by cell: ``rows[r][c]`` goes to row ``r + 1``, column ``c + 1``.
    Rows may differ in length; ``""`` and missing values (``None``, NaN, NA, NaT) are empty
    cells."""

    name: str
    rows: Sequence[Sequence[Any]]


def safe_sheet_name(text: str, *, taken: Iterable[str] = ()) -> str:
    """A valid, unused sheet name for ``text``: characters Excel refuses (``[]:*?/\\``) become
    ``_``, at most 31 characters, never starting or ending with ``'``, a ``~2``, ``~3`` …
    suffix when the name is taken (sheet names are compared regardless of case, as Excel does).
    A name this returns is returned unchanged by a second call."""
    base = _BAD_SHEET_CHARS.sub("_", text).strip("'") or "Sheet"
    used = {t.lower() for t in taken}
    name, k = base[:MAX_SHEET_NAME].rstrip("'"), 1
    while name.lower() in used:
        k += 1
        suffix = f"~{k}"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    return name


def cell_value(value: Any) -> Any:
    """A value as openpyxl stores it: NumPy scalars to Python, Timestamps to datetimes, missing
    values (NaN, NA, NaT, None) to ``None``."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _cell(ws: WriteOnlyWorksheet, value: Any) -> Cell:
    cell: Cell = WriteOnlyCell(ws, value=cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text, never a formula
    return cell


def _column_widths(ws: WriteOnlyWorksheet, header: Sequence[str], rows: pd.DataFrame) -> None:
    """Widths from the header and the first 50 rows (10 to 60 characters)."""
    head = rows.head(49)
    for i, name in enumerate(header):
        values = [str(v) for v in head.iloc[:, i].tolist() if cell_value(v) is not None]
        width = max([len(name), *map(len, values)])
        dims = ws.column_dimensions  # type: ignore[attr-defined]
        dims[get_column_letter(i + 1)].width = min(60, max(10, width * 1.6))


def append_sheet(wb: openpyxl.Workbook, sheet: SheetTable) -> None:
    """Stream ``sheet`` into the write-only workbook ``wb``: the header row, then the rows."""
    df = sheet.table
    ws = wb.create_sheet(title=safe_sheet_name(sheet.name, taken=wb.sheetnames))
    # the sheet's size, written before the rows (readers pad rows to it, as for pandas' sheets)
    size = f"A1:{get_column_letter(max(1, len(df.columns)))}{len(df) + 1}"
    setattr(ws, "calculate_dimension", lambda: size)  # noqa: B010
    header = [str(sheet.headers.get(str(c), c)) for c in df.columns]
    _column_widths(ws, header, df)
    ws.append([_cell(ws, h) for h in header])
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell(ws, v) for v in row])


def append_grid(wb: openpyxl.Workbook, grid: SheetGrid) -> None:
    """Stream ``grid`` into the write-only workbook ``wb``, row by row from A1 (strings as text
    cells, ``""`` as an empty cell)."""
    ws = wb.create_sheet(title=safe_sheet_name(grid.name, taken=wb.sheetnames))
    width = max((len(r) for r in grid.rows), default=0)
    size = f"A1:{get_column_letter(max(1, width))}{max(1, len(grid.rows))}"
    setattr(ws, "calculate_dimension", lambda: size)  # noqa: B010
    for row in grid.rows:
        ws.append([_grid_cell(ws, v) for v in row])


def _grid_cell(ws: WriteOnlyWorksheet, value: Any) -> Cell | None:
    """The cell of a grid value; ``None`` (no cell) for ``""`` and missing values."""
    if cell_value(value) is None or (isinstance(value, str) and value == ""):
        return None
    return _cell(ws, value)


def _save(sheets: Sequence[SheetTable | SheetGrid], book: Path) -> None:
    """Stream ``sheets`` (tables and grids may be mixed) into a new workbook saved at ``book``."""
    wb = openpyxl.Workbook(write_only=True)
    for sheet in sheets:
        if isinstance(sheet, SheetGrid):
            append_grid(wb, sheet)
        else:
            append_sheet(wb, sheet)
    wb.save(book)


def write_workbook(path: Path, sheets: Sequence[SheetTable | SheetGrid]) -> Path:
    """Write ``sheets`` (in order) to ``path`` atomically; returns ``path``.

    The workbook is saved in a private folder first, so it always finishes (and closes its
    streams) even when ``path``'s folder cannot be written, then copied into place atomically (a
    reader never sees half a workbook)."""
    with tempfile.TemporaryDirectory(prefix="transit-xlsx-") as tmp:
        book = Path(tmp) / "book.xlsx"
        _save(sheets, book)
        atomic_write_with(path, lambda target: shutil.copyfile(book, target))
    return path


def rows_table(rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A small table of label/value rows (an overview or notes sheet) as a DataFrame."""
    return pd.DataFrame([list(r) for r in rows], columns=list(columns), dtype=object)
