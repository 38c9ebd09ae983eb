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
:func:`evidence_sheet` is the 「出典・前提」 sheet every workbook of results carries: what it
was made from and which of its numbers rest on assumptions (:mod:`transit.core.provenance`).
"""

from __future__ import annotations

import os
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

from transit.core import provenance as prov
from transit.core.assumptions import format_value
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


#: The name of the sheet :func:`evidence_sheet` makes.
EVIDENCE_SHEET = "出典・前提"
#: Its columns.
EVIDENCE_COLUMNS = ("項目", "値", "単位", "区分", "既定/変更", "出典・備考")


def evidence_sheet(record: prov.Record, folder: Path) -> SheetTable:
    """The 「出典・前提」 sheet of a workbook written into ``folder`` from ``record`` (in
    Japanese): a warning when an input is made up (the sample city, synthetic taps …), how it
    was made (tool, commit, command), every input (path relative to ``folder``, rows, period,
    SHA-256, flags), every parameter (value, unit, kind, default or changed, source) and the
    notes."""
    rows: list[list[Any]] = [_warning_row(record)]
    rows += [
        ["作成", record.what, "", "", "", ""],
        ["作成日時", record.created, "", "", "", ""],
        ["ツール", _tool_text(record.tool), "", "", "", ""],
        ["コマンド", " ".join(record.command), "", "", "", ""],
    ]
    rows += [_input_row(s, folder) for s in record.inputs]
    rows += [_parameter_row(p) for p in record.parameters]
    rows += [["注記", note, "", "", "", ""] for note in record.notes]
    return SheetTable(EVIDENCE_SHEET, rows_table(rows, list(EVIDENCE_COLUMNS)))


def _warning_row(record: prov.Record) -> list[Any]:
    if not record.illustrative:
        return ["注意", "入力に架空・合成のデータはありません（数値の前提は下記）", "", "", "", ""]
    flags = "、".join(prov.FLAGS.get(f, (f, f))[0] for f in record.flags)
    return ["注意", "この結果は例示です（実際の数値ではありません）", "", "架空", "", flags]


def _tool_text(tool: Mapping[str, str]) -> str:
    text = f"{tool.get('name', 'transit')} {tool.get('version', '')}".strip()
    return f"{text} (commit {tool['commit']})" if tool.get("commit") else text


def _input_row(s: prov.Source, folder: Path) -> list[Any]:
    rel = Path(os.path.relpath(s.path, folder)).as_posix()
    flags = "、".join(prov.FLAGS.get(f, (f, f))[0] for f in s.flags)
    notes = [f"SHA-256 {s.sha256}" if s.sha256 else "（実行後に削除された一時ファイル）"]
    if s.period:
        notes.append(f"期間 {s.period}")
    if s.folder:
        notes.append(f"フォルダ（{s.files}ファイル）")
    if flags:
        notes.append(flags)
    unit = f"{s.rows:,}行" if s.rows is not None else ""
    return [f"入力: {s.role}", rel, unit, "架空" if s.flags else "入力", "", "; ".join(notes)]


def _parameter_row(p: prov.Parameter) -> list[Any]:
    entry = p.entry
    origin = prov.ORIGINS.get(p.origin, (p.origin, p.origin))[0]
    value = format_value(p.value) if not isinstance(p.value, list | dict) else _short(p.value)
    if entry is None:
        return [p.name, value, "", "設定", origin, ""]
    return [
        p.name,
        value,
        entry.unit,
        entry.kind_ja,
        origin,
        f"{entry.meaning_ja} — {entry.source}",
    ]


def _short(value: Any) -> str:
    """A list or table of values on one line."""
    if isinstance(value, dict):
        return format_value(value)
    return ", ".join(format_value(v) if not isinstance(v, dict | list) else str(v) for v in value)
