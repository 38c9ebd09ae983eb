"""Operators' sheets without a route cell, named in Japanese: feed.toml's [sheets]/[workbooks]."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.gtfs.factory import FEED_TOML, OUTBOUND, make_source, write_sheet
from transit.cli import main
from transit.core.notices import Severity
from transit.gtfs.builder.losses import build_losses
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.source.check import check_source
from transit.gtfs.source.read import read_source

WILD_LAYOUT = """
[layout]
profile = "transit"
route_cell = ""
day_type_from = "sheet_name"
day_type_cell = ""
direction_cell = ""
headsign_row = 0
note_row = 0
label_row = 1
first_stop_row = 2
stop_name_col = "A"
stop_id_col = ""
arrdep_col = ""
first_trip_col = "B"
header_labels = {}
"""

WEEKDAY: list[list[Any]] = [
    ["停留所", "1", "2"],
    ["延岡駅", "7:00", "8:30"],
    ["市役所前", "7:05", "↓"],
    ["本町(着)", "7:10", "8:40"],
    ["本町(発)", "7:12", "8:41"],
    ["北浦総合支所", "7:45", "9:15"],
]
WEEKEND: list[list[Any]] = [
    ["停留所", "1"],
    ["北浦総合支所", "23:30"],
    ["本町", "23:59"],
    ["市役所前", "0:03"],
    ["延岡駅", "0:08"],
]


def _wild(folder: Path, mapping: str, *, book: str = "北浦線.xlsx") -> Path:
    """The factory's folder with its timetables as an operator writes them: workbook ``book``,
    sheets 北浦線_平日 and 北浦線_土日祝, no header block, 着/発 in the names."""
    make_source(folder, feed_toml=FEED_TOML + WILD_LAYOUT + mapping)
    (folder / "timetables" / "R1.xlsx").unlink()
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in (("北浦線_平日", WEEKDAY), ("北浦線_土日祝", WEEKEND)):
        write_sheet(wb.create_sheet(name), rows)
    wb.save(folder / "timetables" / book)
    return folder


def _times(folder: Path) -> list[tuple[str, str, tuple[tuple[str, int, int], ...]]]:
    return [
        (t.route_id, t.day_type, tuple((ts.name, ts.arrival, ts.departure) for ts in t.stops))
        for t in read_source(folder).trips
    ]


@pytest.mark.parametrize(
    "mapping",
    [
        '\n[sheets]\n"北浦線_平日" = "R1"\n"北浦線_土日祝" = "R1"\n',
        '\n[workbooks]\n"北浦線.xlsx" = "R1"\n',
        '\n[workbooks]\n"北浦線.xlsx" = "R9"\n[sheets]\n"北浦線_平日" = "R1"\n"北浦線_土日祝" = "R1"\n',
    ],
    ids=["sheets", "workbook", "sheet entries win"],
)
def test_sheets_without_a_route_cell_get_their_route_from_feed_toml(
    tmp_path: Path, mapping: str
) -> None:
    """The same trips as the factory's sheets with a route cell; no error, nothing lost."""
    folder = _wild(tmp_path / "wild", mapping)
    assert _times(folder) == _times(make_source(tmp_path / "plain"))
    source = read_source(folder)
    errors = [str(n) for n in check_source(source) if n.severity is Severity.ERROR]
    if "R9" in mapping:  # the workbook entry names no route of routes.csv
        assert errors == [
            "ERROR unknown_route: feed.toml, field workbooks.北浦線.xlsx: route 'R9' is not in "
            "routes.csv"
        ]
        return
    assert errors == []
    tables = build_tables(source)
    assert build_losses(source, tables) == []
    assert len(tables["stop_times"]) == 11


def test_a_mapping_wins_over_the_route_cell(tmp_path: Path) -> None:
    rows = copy.deepcopy(OUTBOUND)
    rows[0][1] = "R9"
    folder = make_source(
        tmp_path / "src",
        feed_toml=FEED_TOML + '\n[sheets]\n"R1_北浦行_平日" = "R1"\n',
        sheets={"R1_北浦行_平日": rows},
    )
    source = read_source(folder)
    assert {t.route_id for t in source.trips} == {"R1"}
    assert [n for n in check_source(source) if n.severity is Severity.ERROR] == []


def test_entries_are_validated_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry naming no sheet or workbook, an unknown route, a route id that is not ASCII."""
    mapping = (
        '\n[sheets]\n"北浦線_平日" = "R9"\n"北浦線_祝日" = "R1"\n"北浦線_土日祝" = "路線1"\n'
        '\n[workbooks]\n"北方線.xlsx" = "R1"\n'
    )
    folder = _wild(tmp_path / "src", mapping)
    errors = [str(n) for n in check_source(read_source(folder)) if n.severity is Severity.ERROR]
    assert errors == [
        "ERROR unknown_sheet: feed.toml, field sheets.北浦線_祝日: no workbook of timetables/ has "
        "a sheet called '北浦線_祝日' (found: 北浦線_土日祝, 北浦線_平日)",
        "ERROR unknown_sheet: feed.toml, field workbooks.北方線.xlsx: timetables/ holds no "
        "workbook called '北方線.xlsx' (found: 北浦線.xlsx)",
        "ERROR unknown_route: feed.toml, field sheets.北浦線_平日: route 'R9' is not in routes.csv",
        "ERROR non_ascii_id: feed.toml, field sheets.北浦線_土日祝: route_id '路線1' must be "
        "non-empty ASCII",
    ]
    assert main(["gtfs", "check", str(folder)]) == 2
    assert "error: src: 4 error(s) in the source folder" in capsys.readouterr().err


def test_a_mapping_that_is_not_text_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _wild(tmp_path / "src", '\n[sheets]\n"北浦線_平日" = 1\n')
    assert main(["gtfs", "check", str(folder)]) == 2
    assert "feed.toml, field sheets.北浦線_平日: expected str, got 1" in capsys.readouterr().err


def test_the_documented_example_is_the_layout_tested_here() -> None:
    """docs/source-format.md's [sheets]/[workbooks] and [layout] blocks parse, and the layout
    is the one these tests read operators' sheets with."""
    import re
    import tomllib

    from transit.core.paths import REPO_DIR
    from transit.gtfs.source.profiles import profile_from_mapping

    doc = (REPO_DIR / "docs" / "source-format.md").read_text("utf-8")
    section = doc.split("### Sheets without a route cell", 1)[1].split("\n## ", 1)[0]
    mapping, layout = (tomllib.loads(b) for b in re.findall(r"```toml\n(.*?)```", section, re.S))
    assert mapping == {
        "sheets": {"北浦線_平日": "R1", "北浦線_土日祝": "R1"},
        "workbooks": {"北方線.xlsx": "R2"},
    }
    ours = tomllib.loads(WILD_LAYOUT)["layout"]
    assert profile_from_mapping(layout["layout"]) == profile_from_mapping(ours)
