"""Whatever a timetable cell holds, reading and checking a source folder gives notices, never a
traceback (finding 3 of issue 9).

Random cells (any text, control characters, numbers huge and negative, NaN and infinities, dates,
times, durations, booleans, formulas, pass marks, blanks) are put anywhere in the factory's
outbound sheet: in the header block, the stop names, the stop ids, the 着発 column or the times.
The first test writes a real workbook (what openpyxl can store) and reads the folder; the second
puts any value at all into the neutral grid the reader works on.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.gtfs.factory import INBOUND, OUTBOUND, make_source
from transit.core.notices import Notice, Severity
from transit.core.safezip import ZIP_NOTICES
from transit.gtfs.builder.losses import build_losses
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.source.check import check_source
from transit.gtfs.source.codes import SOURCE_NOTICES
from transit.gtfs.source.model import Source
from transit.gtfs.source.read import read_source
from transit.gtfs.source.resolve import resolve_stops
from transit.gtfs.source.timetable import read_header, read_sheet
from transit.gtfs.source.workbook import Sheet

SHEET = "R1_北浦行_平日"
MARKS = ["↓", "｜", "|", "レ", "－", "ー", "-", "＝", "=", "・", "着", "発", "(着)", "※"]
FORMULAS = ["=1+1", "=B3", '=HYPERLINK("http://x","click")', "=SUM(D7:D9)", "=#REF!", "=D7+1/1440"]

_cells = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "\u3000", "7:05", "25:10", "7:65", "705", "７：０５", "7:05※"]),
    st.sampled_from(MARKS),
    st.sampled_from(FORMULAS),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6).map(lambda t: "=" + t),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(days=-30), max_value=dt.timedelta(days=30)),
)
"""What openpyxl can store in a cell (strings without XML-illegal characters)."""

_any_cells = st.one_of(
    _cells,
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3000), max_size=12),
    st.floats(),
    st.timedeltas(),
    st.datetimes(),
)
"""Anything the neutral grid may hold (control characters, NaN, infinities, any duration)."""

_places = st.tuples(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=7))


def _storable(value: Any) -> Any:
    """``value`` as openpyxl can write it: XML-illegal characters removed from strings."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _sheet_with(cells: dict[tuple[int, int], Any]) -> list[list[Any]]:
    rows = copy.deepcopy(OUTBOUND)
    while len(rows) < 12:
        rows.append([])
    for (r, c), value in cells.items():
        line = rows[r - 1]
        line.extend([None] * (c - len(line)))
        line[c - 1] = value
    return rows


def _assert_only_notices(notices: list[Notice]) -> None:
    codes = set(SOURCE_NOTICES) | set(ZIP_NOTICES)
    assert all(isinstance(n, Notice) and n.code in codes for n in notices)
    assert all(n.location is not None for n in notices if n.severity is Severity.ERROR)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cells=st.dictionaries(_places, _cells, min_size=1, max_size=8))
def test_random_cells_in_a_workbook_give_notices(
    tmp_path_factory: pytest.TempPathFactory, cells: dict[tuple[int, int], Any]
) -> None:
    folder = tmp_path_factory.mktemp("src")
    rows = _sheet_with({k: _storable(v) for k, v in cells.items()})
    make_source(folder, sheets={SHEET: rows, "R1_延岡駅行_土日祝": INBOUND})
    source = read_source(folder)
    notices = check_source(source)
    _assert_only_notices(notices)
    tables = build_tables(source)
    _assert_only_notices(build_losses(source, tables))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Source:
    """The factory's folder read, for its config, stop master and profile."""
    return read_source(make_source(tmp_path_factory.mktemp("base")))


@settings(max_examples=300, deadline=None)
@given(cells=st.dictionaries(_places, _any_cells, min_size=1, max_size=10))
def test_random_cells_in_the_grid_give_notices(
    base: Source, cells: dict[tuple[int, int], Any]
) -> None:
    """The neutral grid (no file in between): header, stop rows, resolution, checks, build."""
    rows = _sheet_with(cells)
    sheet = Sheet("R1.xlsx", SHEET, tuple(tuple(r) for r in rows))
    header, notices = read_header(sheet, base.profile)
    trips, sheet_notices = read_sheet(sheet, base.profile, header=header)
    resolved, resolve_notices = resolve_stops(trips, list(base.stops), profile=base.profile)
    source = dataclasses.replace(
        base,
        trips=tuple(resolved),
        notices=(*notices, *sheet_notices, *resolve_notices),
    )
    _assert_only_notices(check_source(source))
    _assert_only_notices(build_losses(source, build_tables(source)))
