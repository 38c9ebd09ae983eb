"""A corpus of broken source folders (generated with openpyxl): each gives its own notice at the
right place, `transit gtfs check`/`build` exit with 2, and no feed is written."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.gtfs.factory import FARES, FEED_TOML, INBOUND, OUTBOUND, ROUTES, STOPS, make_source
from transit.cli import main
from transit.core.notices import Severity
from transit.gtfs.source.check import check_source
from transit.gtfs.source.codes import NOTICE_CODES
from transit.gtfs.source.read import read_source

SHEET = "R1_北浦行_平日"
BOOK = "R1.xlsx"


@dataclass(frozen=True)
class Case:
    """A broken folder: how to make it and the one (code, file, sheet, cell) it must give."""

    name: str
    make: Callable[[Path], None]
    expected: tuple[str, str | None, str | None, str | None]


def _sheets(
    out: list[list[Any]] | None = None, inb: list[list[Any]] | None = None
) -> dict[str, list[list[Any]]]:
    return {
        SHEET: out if out is not None else OUTBOUND,
        "R1_延岡駅行_土日祝": inb if inb is not None else INBOUND,
    }


def _out_with(row: int, col: int, value: Any) -> list[list[Any]]:
    rows = copy.deepcopy(OUTBOUND)
    line = rows[row - 1]
    while len(line) < col:
        line.append(None)
    line[col - 1] = value
    return rows


def _src(**kw: Any) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        make_source(folder, **kw)

    return make


def _with_file(name: str, data: bytes) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        make_source(folder)
        (folder / "timetables" / name).write_bytes(data)

    return make


def _without(name: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        make_source(folder)
        (folder / name).unlink()

    return make


def _merge(wb: openpyxl.Workbook) -> None:
    wb[SHEET].merge_cells("D7:E7")


def _empty_sheet(wb: openpyxl.Workbook) -> None:
    wb.create_sheet("空のシート")


def _stops_with(row: int, col: int, value: str) -> list[list[str]]:
    rows = copy.deepcopy(STOPS)
    rows[row - 1][col - 1] = value
    return rows


def _duplicate_trip() -> list[list[Any]]:
    rows = copy.deepcopy(OUTBOUND)
    for r in rows[6:]:
        r[4] = r[3]
    return rows


CASES = [
    Case(
        "unknown stop",
        _src(sheets=_sheets(_out_with(8, 1, "市役所"))),
        ("unknown_stop", BOOK, SHEET, "A8"),
    ),
    Case(
        "unknown stop_id",
        _src(sheets=_sheets(_out_with(7, 2, "S999"))),
        ("unknown_stop", BOOK, SHEET, "B7"),
    ),
    Case(
        "time going backwards",
        _src(sheets=_sheets(_out_with(8, 4, "6:55"))),
        ("time_going_backwards", BOOK, SHEET, "D8"),
    ),
    Case(
        "bad cell",
        _src(sheets=_sheets(_out_with(8, 4, "7:65"))),
        ("bad_time_cell", BOOK, SHEET, "D8"),
    ),
    Case(
        "text in a time cell",
        _src(sheets=_sheets(_out_with(11, 5, "運休"))),
        ("bad_time_cell", BOOK, SHEET, "E11"),
    ),
    Case("merged cells", _src(edit=_merge), ("merged_cells", BOOK, SHEET, "D7")),
    Case("empty sheet", _src(edit=_empty_sheet), ("empty_sheet", BOOK, "空のシート", None)),
    Case(
        "missing coordinates",
        _src(stops=_stops_with(4, 5, "")),
        ("missing_stop_coordinates", "stops.csv", None, "A4"),
    ),
    Case(
        "latitude and longitude swapped",
        _src(
            stops=_stops_with(5, 5, "131.6690")
            and [
                *STOPS[:4],
                ["S003_1", "本町", "ほんまち", "Honmachi", "131.6690", "32.5844", ""],
                STOPS[5],
            ]
        ),
        ("stop_outside_service_area", "stops.csv", None, "A5"),
    ),
    Case(
        "duplicate stop id",
        _src(stops=[*STOPS, ["S003_1", "本町", "ほんまち", "Honmachi", "32.5845", "131.6691", ""]]),
        ("duplicate_stop_id", "stops.csv", None, "A7"),
    ),
    Case(
        "non-ASCII stop id",
        _src(stops=_stops_with(4, 1, "停留所2")),
        ("non_ascii_id", "stops.csv", None, "A4"),
    ),
    Case(
        "wrong day type",
        _src(sheets=_sheets(_out_with(2, 2, "平日ダイヤ"))),
        ("undefined_day_type", BOOK, SHEET, "B2"),
    ),
    Case(
        "unknown route",
        _src(sheets=_sheets(_out_with(1, 2, "R9"))),
        ("unknown_route", BOOK, SHEET, "B1"),
    ),
    Case(
        "bad direction",
        _src(sheets=_sheets(_out_with(3, 2, "2"))),
        ("bad_direction", BOOK, SHEET, "B3"),
    ),
    Case(
        "missing header",
        _src(sheets=_sheets(_out_with(1, 1, "ルート"))),
        ("missing_header", BOOK, SHEET, "A1"),
    ),
    Case(
        "unpaired arrival",
        _src(
            sheets=_sheets(
                _out_with(10, 3, None)
                and [*OUTBOUND[:9], ["北浦総合支所", None, None, "7:45", "9:15"]]
            )
        ),
        ("unpaired_arrival", BOOK, SHEET, "C9"),
    ),
    Case(
        "duplicate trip",
        _src(sheets=_sheets(_duplicate_trip())),
        ("duplicate_trip", BOOK, SHEET, "E6"),
    ),
    Case(
        "trip with one time",
        _src(
            sheets=_sheets(
                [
                    *[r[:5] for r in OUTBOUND[:6]],
                    *[[*r[:4], None] for r in OUTBOUND[6:10]],
                    [*OUTBOUND[10][:4], "9:15"],
                ]
            )
        ),
        ("trip_too_short", BOOK, SHEET, "E6"),
    ),
    Case(
        "non-workbook file",
        _with_file("メモ.docx", b"PK\x03\x04 not a timetable"),
        ("not_a_workbook", "メモ.docx", None, None),
    ),
    Case(
        "corrupt xlsx",
        _with_file("broken.xlsx", b"this is not a zip"),
        ("not_a_workbook", "broken.xlsx", None, None),
    ),
    Case(
        "CSV not in UTF-8",
        _with_file("R2.csv", "系統,R1\n".encode("cp932")),
        ("not_a_workbook", "R2.csv", None, None),
    ),
    Case(
        "bad fare cell",
        _src(fares=[*FARES[:2], ["市役所前", None, "百五十"], *FARES[3:]]),
        ("bad_fare_cell", "fares.xlsx", "R1", "C3"),
    ),
    Case(
        "unknown fare table",
        _src(routes=[ROUTES[0], [*ROUTES[1][:-1], "R9"]]),
        ("unknown_fare_table", "routes.csv", None, "A2"),
    ),
    Case(
        "feed ends on New Year's Eve",
        _src(feed_toml=FEED_TOML.replace("end_date = 2027-03-31", "end_date = 2026-12-31")),
        ("feed_end_in_holiday_break", "feed.toml", None, None),
    ),
    Case(
        "stops.csv without stop_lon",
        _src(stops=[r[:5] + r[6:] for r in STOPS]),
        ("missing_column", "stops.csv", None, None),
    ),
    Case(
        "latitude that is not a number",
        _src(stops=_stops_with(4, 5, "北緯32.58")),
        ("bad_csv_value", "stops.csv", None, "E4"),
    ),
    Case(
        "route defined twice",
        _src(routes=[*ROUTES, list(ROUTES[1])]),
        ("duplicate_route_id", "routes.csv", None, "A3"),
    ),
    Case(
        "route without a name",
        _src(routes=[ROUTES[0], [ROUTES[1][0], "", "", *ROUTES[1][3:]]]),
        ("missing_route_name", "routes.csv", None, "A2"),
    ),
    Case(
        "feed ends before it starts",
        _src(feed_toml=FEED_TOML.replace("end_date = 2027-03-31", "end_date = 2026-03-31")),
        ("bad_feed_dates", "feed.toml", None, None),
    ),
    Case(
        "unknown day in a day type",
        _src(feed_toml=FEED_TOML.replace('days = ["sat", "sun"]', 'days = ["sat", "日"]')),
        ("unknown_day_type_day", "feed.toml", None, None),
    ),
    Case("stops.csv missing", _without("stops.csv"), ("missing_file", "stops.csv", None, None)),
]


def _key(n: Any) -> tuple[str, str | None, str | None, str | None]:
    return (n.code, n.location.file, n.location.sheet, n.location.cell)


def test_corpus_is_large_and_every_case_is_an_error() -> None:
    assert len(CASES) >= 15
    assert len({c.name for c in CASES}) == len(CASES)
    for case in CASES:
        assert NOTICE_CODES[case.expected[0]][0] is Severity.ERROR, case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_source_gives_its_notice(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "src"
    case.make(folder)
    notices = check_source(read_source(folder))
    errors = [_key(n) for n in notices if n.severity is Severity.ERROR]
    assert errors == [case.expected]


@pytest.mark.parametrize("case", CASES[:8], ids=[c.name for c in CASES[:8]])
def test_cli_exits_2_and_writes_no_feed(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "src"
    case.make(folder)
    out = tmp_path / "feed.zip"
    assert main(["gtfs", "build", str(folder), "-o", str(out)]) == 2
    assert not out.exists()
    assert list(tmp_path.glob("*.zip")) == []
    captured = capsys.readouterr()
    assert f"ERROR {case.expected[0]}" in captured.out
    assert re.search(
        r"error: src: \d+ error\(s\) in the source folder; no feed written", captured.err
    )
    assert main(["gtfs", "check", str(folder)]) == 2


def test_warnings_do_not_block_a_build(tmp_path: Path) -> None:
    stops = [[*r[:2], "", "", *r[4:]] if i == 3 else r for i, r in enumerate(STOPS)]
    folder = make_source(tmp_path / "src", stops=stops)
    notices = check_source(read_source(folder))
    assert [(n.code, n.severity, n.message) for n in notices if n.severity > Severity.INFO] == [
        (
            "missing_reading",
            Severity.WARNING,
            "stop '市役所前': suggested reading 'しやくしょまえ'",
        ),
        (
            "missing_english_name",
            Severity.WARNING,
            "stop '市役所前': suggested English name 'Shiyakushomae'",
        ),
    ]
    assert main(["gtfs", "build", str(folder), "-o", str(tmp_path / "f.zip")]) == 0


def test_implausible_speed_is_reported_at_the_later_cell(tmp_path: Path) -> None:
    folder = make_source(tmp_path / "src", sheets=_sheets(_out_with(11, 4, "7:13")))
    notices = [n for n in check_source(read_source(folder)) if n.code == "implausible_speed"]
    assert [(_key(n), n.severity) for n in notices] == [
        (("implausible_speed", BOOK, SHEET, "D11"), Severity.WARNING)
    ]
    assert notices[0].message.startswith("19.6 km from '本町' to '北浦総合支所' in 1 min")


def test_messages_read_like_the_docs(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    make_source(folder, sheets=_sheets(_out_with(8, 4, "6:55")))
    [backwards] = [n for n in check_source(read_source(folder)) if n.severity is Severity.ERROR]
    assert str(backwards) == (
        "ERROR time_going_backwards: R1.xlsx, sheet R1_北浦行_平日, cell D8: "
        "6:55 at '市役所前' is earlier than 7:00 at '延岡駅' (trip 1)"
    )
    other = tmp_path / "other"
    make_source(other, sheets=_sheets(_out_with(8, 1, "市役所")))
    [unknown] = [n for n in check_source(read_source(other)) if n.severity is Severity.ERROR]
    assert str(unknown) == (
        "ERROR unknown_stop: R1.xlsx, sheet R1_北浦行_平日, cell A8: "
        "'市役所' is not in the stop master (1 row(s) in 1 sheet(s))"
    )


def test_fare_table_not_covering_a_pair_is_a_warning(tmp_path: Path) -> None:
    fares = [list(r) for r in FARES]
    fares[4][3] = None  # 市役所前 -> 北浦総合支所 left blank
    folder = make_source(tmp_path / "src", fares=fares)
    notices = [n for n in check_source(read_source(folder)) if n.severity > Severity.INFO]
    assert [str(n) for n in notices] == [
        "WARNING fare_pair_missing: fares.xlsx, sheet R1, cell A2: fare table 'R1' gives no fare "
        "for 1 stop pair(s) of route 'R1', e.g. 北浦総合支所 – 市役所前"
    ]


def test_cli_report_lists_every_notice(tmp_path: Path) -> None:
    import json

    folder = tmp_path / "src"
    make_source(folder, sheets=_sheets(_out_with(8, 4, "7:65")))
    report = tmp_path / "notices.json"
    assert main(["gtfs", "check", str(folder), "--report", str(report)]) == 2
    data = json.loads(report.read_text("utf-8"))
    assert data["trips"] == 2
    assert [(n["code"], n["severity"], n["cell"]) for n in data["notices"]] == [
        ("bad_time_cell", "ERROR", "D8"),
        ("time_rollover", "INFO", "D6"),
    ]


def test_stop_far_from_the_others_is_a_warning(tmp_path: Path) -> None:
    stops = [
        *STOPS,
        ["S009_1", "宮崎駅", "みやざきえき", "Miyazaki Station", "31.9154", "131.4322", ""],
    ]
    folder = make_source(tmp_path / "src", stops=stops)
    notices = [n for n in check_source(read_source(folder)) if n.severity is Severity.WARNING]
    assert [str(n) for n in notices] == [
        "WARNING stop_far_from_others: stops.csv, cell A7, row 7: stop 'S009_1' (宮崎駅) is 78 km "
        "from the other stops"
    ]
