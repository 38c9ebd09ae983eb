"""Timetable sheets as operators write them: 着/発 marks inside the stop name."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest

from tests.gtfs.factory import INBOUND, OUTBOUND, make_source
from transit.core.notices import Severity
from transit.gtfs.source.check import check_source
from transit.gtfs.source.profiles import TRANSIT
from transit.gtfs.source.read import read_source
from transit.gtfs.source.timetable import read_header, read_sheet, split_stop_mark
from transit.gtfs.source.workbook import Sheet

SHEET = "R1_北浦行_平日"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("県病院前(着)", ("県病院前", "着")),
        ("県病院前(発)", ("県病院前", "発")),
        ("県病院前 (発)", ("県病院前", "発")),
        ("県病院前 着", ("県病院前", "着")),
        ("県病院前  発", ("県病院前", "発")),
        ("県病院前", ("県病院前", "")),
        ("県病院前着", ("県病院前着", "")),  # no space, no brackets: part of the name
        ("到着", ("到着", "")),
        ("発", ("発", "")),
        ("(着)", ("(着)", "")),
        ("延岡駅(北口)", ("延岡駅(北口)", "")),
    ],
)
def test_split_stop_mark(written: str, expected: tuple[str, str]) -> None:
    assert split_stop_mark(written) == expected


def _honmachi_as(arrival: str, departure: str) -> list[list[Any]]:
    """The factory's outbound sheet with 本町's 着/発 written in the names, column C blank."""
    rows = copy.deepcopy(OUTBOUND)
    rows[8][0], rows[8][2] = arrival, None
    rows[9][0], rows[9][2] = departure, None
    return rows


@pytest.mark.parametrize(
    ("arrival", "departure"),
    [
        ("本町(着)", "本町(発)"),
        ("本町（着）", "本町（発）"),
        ("本町 着", "本町 発"),
        ("本町\u3000着", "本町\u3000発"),
        ("本町（着）", "本町 発"),
    ],
)
def test_marks_in_names_read_as_the_arrdep_column(
    tmp_path: Path, arrival: str, departure: str
) -> None:
    """The same trips, stops and times as the sheet with 着/発 in column C."""
    folder = make_source(
        tmp_path / "named",
        sheets={SHEET: _honmachi_as(arrival, departure), "R1_延岡駅行_土日祝": INBOUND},
    )
    named, plain = read_source(folder), read_source(make_source(tmp_path / "plain"))
    assert [t.stops for t in named.trips] == [t.stops for t in plain.trips]
    honmachi = named.trips[0].stops[2]
    assert (honmachi.name, honmachi.stop_id, honmachi.arrival, honmachi.departure) == (
        "本町",
        "S003_1",
        7 * 3600 + 600,
        7 * 3600 + 720,
    )
    assert [n.code for n in check_source(named)] == ["time_rollover"]


def test_an_unpaired_mark_in_a_name_is_a_stop_with_one_time(tmp_path: Path) -> None:
    """A 発 row without its 着 row is a stop with one time; a 着 row without its 発 row too, and
    is reported as the 着発 column's is (unpaired_arrival), at the name cell."""
    rows = copy.deepcopy(OUTBOUND)
    rows[6][0] = "延岡駅(発)"
    rows[10][0] = "北浦総合支所（着）"
    folder = make_source(tmp_path / "src", sheets={SHEET: rows, "R1_延岡駅行_土日祝": INBOUND})
    source = read_source(folder)
    first = source.trips[0].stops
    assert [(ts.name, ts.arrival == ts.departure) for ts in first] == [
        ("延岡駅", True),
        ("市役所前", True),
        ("本町", False),
        ("北浦総合支所", True),
    ]
    errors = [str(n) for n in check_source(source) if n.severity is Severity.ERROR]
    assert errors == [
        "ERROR unpaired_arrival: R1.xlsx, sheet R1_北浦行_平日, cell A11: 着 row of '北浦総合支所' "
        "is not followed by a 発 row of the same stop"
    ]


def test_marks_in_names_without_an_arrdep_column() -> None:
    """A layout with no 着発 column (``arrdep_col = ""``) reads the marks from the names; an
    unpaired 着 is located at its name cell."""
    profile = dataclasses.replace(TRANSIT, arrdep_col="", first_trip_col="C")
    grid = [
        ["系統", "R1"],
        ["運行日", "平日"],
        ["方向", "0"],
        ["行先"],
        ["備考"],
        ["停留所", "停留所ID", "1"],
        ["延岡駅", None, "7:00"],
        ["本町（着）", None, "7:10"],
        ["本町（発）", None, "7:12"],
        ["北浦総合支所 着", None, "7:45"],
    ]
    sheet = Sheet("t.xlsx", "s", tuple(tuple(r) for r in grid))
    header, _ = read_header(sheet, profile)
    trips, notices = read_sheet(sheet, profile, header=header)
    [trip] = trips
    assert [(ts.name, ts.arrival // 60, ts.departure // 60) for ts in trip.stops] == [
        ("延岡駅", 420, 420),
        ("本町", 430, 432),
        ("北浦総合支所", 465, 465),
    ]
    assert [(n.code, n.location.cell) for n in notices] == [("unpaired_arrival", "A10")]
