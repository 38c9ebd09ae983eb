"""Reading a source folder: workbooks as grids, layout profiles from feed.toml, CSV timetables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.gtfs.factory import FARES, FEED_TOML, OUTBOUND, STOPS, make_source
from transit.core.errors import ConfigError, DataNotFoundError, InputError, InputErrors
from transit.core.notices import Severity
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.source.check import check_source
from transit.gtfs.source.profiles import MURORAN, TRANSIT, get_profile, profile_from_mapping
from transit.gtfs.source.read import read_source
from transit.gtfs.source.timetable import day_type_of_file
from transit.gtfs.source.workbook import cell_name, column_letter, parse_cell_name, read_workbook


def test_cell_names() -> None:
    assert [column_letter(c) for c in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    assert cell_name(12, 6) == "F12"
    assert parse_cell_name("AA7") == (7, 27)


def test_xlsx_grid_keeps_excel_times_and_merged_ranges(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "表"
    ws["A1"] = "延岡駅"
    ws["B1"] = dt.time(7, 5)
    ws["C1"] = 705
    ws.merge_cells("A3:B4")
    wb.save(tmp_path / "t.xlsx")
    book = read_workbook(tmp_path / "t.xlsx")
    sheet = book.sheets[0]
    assert (sheet.name, sheet.file, sheet.merged) == ("表", "t.xlsx", ("A3:B4",))
    assert [sheet.value(1, c) for c in (1, 2, 3, 4)] == ["延岡駅", dt.time(7, 5), 705, None]
    assert str(sheet.location(1, 2)) == "t.xlsx, sheet 表, cell B1"
    only = read_workbook(tmp_path / "t.xlsx", sheets=lambda name: name != "表")
    assert (only.sheets, only.skipped) == ((), ("表",))


def test_csv_grid_and_non_workbooks(tmp_path: Path) -> None:
    (tmp_path / "R1_平日.csv").write_text("\ufeff系統,R1\n,\n停留所,7:05\n", encoding="utf-8")
    sheet = read_workbook(tmp_path / "R1_平日.csv").sheets[0]
    assert sheet.name == "R1_平日"
    assert sheet.rows == (("系統", "R1"), (None, None), ("停留所", "7:05"))
    (tmp_path / "x.ods").write_bytes(b"")
    with pytest.raises(InputError, match="not a workbook"):
        read_workbook(tmp_path / "x.ods")


def test_profiles_and_overrides() -> None:
    assert get_profile("muroran") is MURORAN
    assert profile_from_mapping({}) == TRANSIT
    custom = profile_from_mapping({"profile": "muroran", "first_trip_col": "G"}, source="feed.toml")
    assert (custom.name, custom.first_trip_col, custom.stop_name_col) == ("muroran", "G", "B")
    with pytest.raises(ConfigError, match="unknown layout profile 'osaka'"):
        profile_from_mapping({"profile": "osaka"})
    with pytest.raises(InputErrors, match="unknown key"):
        profile_from_mapping({"first_trip_column": "G"})
    assert day_type_of_file("timetable_weekend_20170401.xls", MURORAN) == "土日祝"
    assert day_type_of_file("timetable_weekday_20170401.xls", MURORAN) == "平日"


def test_layout_override_in_feed_toml_moves_the_trip_columns(tmp_path: Path) -> None:
    shifted = [[*r[:3], None, *r[3:]] if i >= 3 else list(r) for i, r in enumerate(OUTBOUND)]
    toml = FEED_TOML + '\n[layout]\nprofile = "transit"\nfirst_trip_col = "E"\n'
    src = make_source(tmp_path / "src", feed_toml=toml, sheets={"R1_北浦行_平日": shifted})
    source = read_source(src)
    assert [t.column for t in source.trips] == ["E", "F"]
    assert source.profile.first_trip_col == "E"


def test_csv_timetable_with_full_width_times(tmp_path: Path) -> None:
    src = make_source(tmp_path / "src")
    rows = [
        "系統,R1",
        "運行日,平日",
        "方向,0",
        "行先,,,",
        "備考,,,",
        "停留所,停留所ID,着発,1",
        "延岡駅,S001_1,,７：００",
        "市役所前,,,ﾚ",
        "本町,,,７１０※",
    ]
    (src / "timetables" / "R1.xlsx").unlink()
    (src / "timetables" / "R1_平日.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    source = read_source(src)
    [trip] = source.trips
    assert [(s.stop_id, s.departure) for s in trip.stops] == [("S001_1", 25200), ("S003_1", 25800)]
    footnote = [n for n in source.notices if n.code == "footnote_mark"]
    assert [(n.location.file, n.location.cell) for n in footnote] == [("R1_平日.csv", "D9")]


def test_missing_folder_and_feed_toml(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="source folder not found"):
        read_source(tmp_path / "nope")
    with pytest.raises(DataNotFoundError, match=r"feed.toml not found"):
        read_source(tmp_path)
    (tmp_path / "feed.toml").write_text("[feed]\nversion = 1\n", encoding="utf-8")
    with pytest.raises(InputErrors) as err:
        read_source(tmp_path)
    fields = {e.location.field for e in err.value.errors if e.location is not None}
    assert {"feed.version", "agency", "day_types"} <= fields


def test_a_parent_station_is_never_picked_for_a_name(tmp_path: Path) -> None:
    stops = [
        [
            "stop_id",
            "stop_name",
            "stop_name_kana",
            "stop_name_en",
            "stop_lat",
            "stop_lon",
            "parent_station",
        ],
        ["S000", "延岡駅", "のべおかえき", "Nobeoka Station", "32.5889", "131.6637", ""],
        ["S001_1", "延岡駅", "のべおかえき", "Nobeoka Station", "32.5889", "131.6636", "S000"],
        ["S002_1", "市役所前", "しやくしょまえ", "City Hall", "32.5822", "131.6650", ""],
        ["S003_1", "本町", "ほんまち", "Honmachi", "32.5844", "131.6690", ""],
        ["S004_1", "北浦総合支所", "きたうらそうごうししょ", "Kitaura", "32.7130", "131.8120", ""],
    ]
    rows = [[r[0], None, *r[2:]] if r and r[0] == "延岡駅" else list(r) for r in OUTBOUND]
    fares = [list(r) for r in FARES]
    fares[2][0] = "市役所前（本庁）"
    folder = make_source(tmp_path / "src", stops=stops, sheets={"R1_平日": rows}, fares=fares)
    source = read_source(folder)
    assert [n.code for n in source.notices] == []
    assert {t.stops[0].stop_id for t in source.trips} == {"S001_1"}
    stops_table = build_tables(source)["stops"].set_index("stop_id")
    assert stops_table.loc["S000", ["location_type", "parent_station", "zone_id"]].tolist() == [
        "1",
        "",
        "",
    ]
    assert stops_table.loc["S001_1", ["location_type", "parent_station"]].tolist() == ["0", "S000"]


def test_names_match_after_nfkc_but_the_feed_keeps_the_master_name(tmp_path: Path) -> None:
    stops = [list(r) for r in STOPS]
    stops[3][1] = "市役所前（本庁）"  # full-width parentheses in the master
    rows = [list(r) for r in OUTBOUND]
    rows[7][0] = "市役所前(本庁)"  # half-width in the sheet
    rows[6][1] = "S002_1"  # a stop_id whose name differs from the row's name
    fares = [list(r) for r in FARES]
    fares[2][0] = "市役所前（本庁）"
    folder = make_source(tmp_path / "src", stops=stops, sheets={"R1_平日": rows}, fares=fares)
    source = read_source(folder)
    notices = check_source(source)
    assert [(n.code, n.location.cell) for n in notices if n.severity > Severity.INFO] == [
        ("stop_name_mismatch", "A7"),
    ]
    assert [(n.code, n.message) for n in notices if n.code == "unused_stop"] == [
        ("unused_stop", "stop 'S001_1' (延岡駅) has no trip"),
        ("unused_stop", "stop 'S001_2' (延岡駅) has no trip"),
    ]
    names = build_tables(source)["stops"].set_index("stop_id")["stop_name"]
    assert names["S002_1"] == "市役所前（本庁）"


@pytest.mark.parametrize(
    ("layout", "sheet", "day_type"),
    [
        ('day_type_from = "sheet_name"', "R1_北浦行_土日祝", "土日祝"),
        ('day_type_from = "profile"\nday_type = "土日祝"', "R1", "土日祝"),
        ('day_type_from = "cell"', "R1_北浦行_土日祝", "平日"),
    ],
)
def test_day_type_from_sheet_name_profile_or_cell(
    tmp_path: Path, layout: str, sheet: str, day_type: str
) -> None:
    toml = FEED_TOML + f'\n[layout]\nprofile = "transit"\n{layout}\n'
    source = read_source(make_source(tmp_path / "src", feed_toml=toml, sheets={sheet: OUTBOUND}))
    assert {t.day_type for t in source.trips} == {day_type}
