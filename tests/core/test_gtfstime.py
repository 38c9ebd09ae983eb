"""The one time module: timetable cells (every notation, pass marks, footnotes, rollover), GTFS
H:MM:SS and clock values; Hypothesis round trips."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transit.core.gtfstime import (
    DAY,
    CellTime,
    format_cell_time,
    format_clock,
    format_hhmm,
    format_hmm,
    format_time,
    format_time_of_day,
    gtfs_seconds,
    gtfs_seconds_array,
    normalize_gtfs_time,
    parse_cell,
    parse_clock,
    parse_time,
    unroll_midnight,
)

T705 = 7 * 3600 + 5 * 60


@pytest.mark.parametrize(
    "value",
    [
        "7:05",
        "07:05",
        "705",
        "0705",
        "7.05",
        "７：０５",
        "０７:０５",
        "7時05分",
        " 7:05 ",
        "7:05:00",
        dt.time(7, 5),
        dt.timedelta(hours=7, minutes=5),
        dt.datetime(1899, 12, 30, 7, 5),
        705,
        705.0,
        7.05,
        T705 / DAY,
    ],
)
def test_every_notation_of_7_05(value: object) -> None:
    assert parse_cell(value) == CellTime("time", T705)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("24:10", 24 * 3600 + 600),
        ("25:05", 25 * 3600 + 300),
        ("2505", 25 * 3600 + 300),
        (dt.datetime(1899, 12, 31, 1, 5), 25 * 3600 + 300),
        ((25 * 3600 + 300) / DAY, 25 * 3600 + 300),
        ("0:00", 0),
        ("23:59:59", DAY - 1),
    ],
)
def test_times_after_midnight(value: object, seconds: int) -> None:
    assert parse_cell(value) == CellTime("time", seconds)


@pytest.mark.parametrize(
    "mark", ["↓", "｜", "|", "レ", "ﾚ", "－", "ー", "-", "＝", "=", "・", "･", "↓↓", "", "  ", None]
)
def test_pass_marks_and_blank_mean_no_stop(mark: object) -> None:
    assert parse_cell(mark) == CellTime("pass")


@pytest.mark.parametrize(
    ("value", "mark"),
    [
        ("7:05※", "※"),
        ("7:05a", "a"),
        ("※7:05", "※"),
        ("7:05(急)", "(急)"),
        ("７：０５＊", "*"),
        ("705※", "※"),
    ],
)
def test_footnote_marks_are_split_off(value: str, mark: str) -> None:
    assert parse_cell(value) == CellTime("time", T705, mark)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("7:65", "minutes and seconds must be below 60"),
        ("48:00", "hour must be below 48"),
        ("abc", "not a time (expected e.g. 7:05) nor a pass mark (↓ ｜ レ － ＝ ・)"),
        ("7:05 8:10", "extra digits around the time"),
        (True, "a TRUE/FALSE cell is not a time"),
        (dt.datetime(2026, 4, 1, 7, 5), "a calendar date is not a time of day"),
        (42, "a whole number below 100 is not a time (write 0:30 or 030)"),
        (-0.5, "a negative or infinite number is not a time"),
    ],
)
def test_bad_cells_say_why(value: object, reason: str) -> None:
    assert parse_cell(value) == CellTime("bad", reason=reason)


def test_parse_time_raises_on_non_times() -> None:
    assert parse_time("25:05") == 90300
    with pytest.raises(ValueError, match="not a time"):
        parse_time("↓")


def test_format_time() -> None:
    assert format_time(0) == "00:00:00"
    assert format_time(T705) == "07:05:00"
    assert format_time(25 * 3600 + 301) == "25:05:01"
    assert format_hmm(T705) == "7:05"
    with pytest.raises(ValueError, match="negative"):
        format_time(-1)


def test_unroll_midnight_adds_a_day_once_the_clock_wraps() -> None:
    h = 3600
    times, rolled = unroll_midnight([23 * h + 50 * 60, None, 10 * 60, 20 * 60])
    assert times == [23 * h + 50 * 60, None, 24 * h + 10 * 60, 24 * h + 20 * 60]
    assert rolled
    same, rolled = unroll_midnight([8 * h, 7 * h + 59 * 60])
    assert same == [8 * h, 7 * h + 59 * 60]  # a small step back is left for the checks
    assert not rolled


hours = st.integers(min_value=0, max_value=47)
minutes = st.integers(min_value=0, max_value=59)


@given(hours, minutes)
def test_round_trip_through_every_text_notation(h: int, m: int) -> None:
    seconds = h * 3600 + m * 60
    full_width = str.maketrans("0123456789:", "０１２３４５６７８９：")
    for text in (
        f"{h}:{m:02d}",
        f"{h:02d}:{m:02d}",
        f"{h}{m:02d}" if h else f"0{m:02d}",
        f"{h}.{m:02d}",
        f"{h}:{m:02d}".translate(full_width),
        f"{h}時{m:02d}分",
        format_time(seconds),
        format_hmm(seconds),
    ):
        assert parse_cell(text) == CellTime("time", seconds), text


@given(st.integers(min_value=0, max_value=2 * DAY - 1))
def test_round_trip_through_excel_cells(seconds: int) -> None:
    assert parse_cell(format_time(seconds)) == CellTime("time", seconds)
    fraction = seconds / DAY
    if fraction < 1 or len(repr(fraction).split(".")[1]) > 2:  # see the test below
        assert parse_cell(fraction).seconds == seconds
    assert parse_cell(dt.timedelta(seconds=seconds)).seconds == seconds
    excel = dt.datetime(1899, 12, 30) + dt.timedelta(seconds=seconds)
    assert parse_cell(excel).seconds == seconds
    if seconds < DAY:
        t = dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
        assert parse_cell(t).seconds == seconds


def test_a_number_with_two_decimals_from_one_up_is_hours_and_minutes() -> None:
    """A number cell of 1 or more with at most two decimals is read as H.MM (staff type 7.05 for
    7:05), never as a day fraction: 1.27 is 1:27, not 30:28:48 (Excel writes times after 24:00 as
    time cells, which come as timedelta or datetime)."""
    assert parse_cell(1.27) == CellTime("time", 3600 + 27 * 60)
    assert parse_cell(7.05) == CellTime("time", T705)
    assert parse_cell(1.2701) == CellTime("time", round(1.2701 * DAY))


@given(st.lists(st.integers(min_value=0, max_value=DAY - 1), min_size=1, max_size=30))
def test_unroll_never_decreases_a_sorted_day_and_is_identity_without_wrap(times: list[int]) -> None:
    ordered = sorted(times)
    out, rolled = unroll_midnight(ordered)
    assert out == ordered
    assert not rolled


# --- GTFS H:MM:SS and clock values -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("07:05:00", T705),
        ("7:05:00", T705),
        (" 25:10:05 ", 25 * 3600 + 10 * 60 + 5),
        ("", None),
        ("7:05", None),
        ("07:60:00", None),
        ("07:05:60", None),
        ("7:5:00", None),
        ("nan", None),
    ],
)
def test_gtfs_seconds(text: str, seconds: int | None) -> None:
    assert gtfs_seconds(text) == seconds


def test_gtfs_seconds_array_matches_the_scalar_parser() -> None:
    values = ["07:05:00", "", None, "24:00:01", "x", "07:60:00", "7:05:00"]
    got = gtfs_seconds_array(values)
    want = [gtfs_seconds("" if v is None else v) for v in values]
    assert [None if math.isnan(v) else int(v) for v in got.tolist()] == want


@given(st.integers(min_value=0, max_value=47 * 3600 + 59 * 60 + 59))
def test_gtfs_round_trip(seconds: int) -> None:
    text = format_time(seconds)
    assert gtfs_seconds(text) == seconds
    assert normalize_gtfs_time(text.lstrip("0") or "0") in (text, text.lstrip("0"))
    assert gtfs_seconds_array([text]).tolist() == [float(seconds)]


def test_normalize_gtfs_time() -> None:
    assert normalize_gtfs_time("7:05:00") == "07:05:00"
    assert normalize_gtfs_time(float("nan")) == ""
    assert normalize_gtfs_time(None) == ""
    assert normalize_gtfs_time(" 7:05 ") == "7:05"


@given(st.integers(min_value=-48 * 3600, max_value=48 * 3600))
def test_clock_round_trip(seconds: int) -> None:
    assert parse_clock(format_clock(seconds)) == seconds
    if seconds >= 0:
        assert parse_clock(format_hhmm(seconds)) == seconds - seconds % 60


def test_format_time_of_day_in_the_moments_own_zone() -> None:
    jst = dt.timezone(dt.timedelta(hours=9))
    assert format_time_of_day(dt.datetime(2026, 3, 20, 9, 0, 5, tzinfo=jst)) == "09:00:05"
    assert format_time_of_day(dt.datetime(2026, 3, 20, 23, 59, 59, 999999)) == "23:59:59"


@pytest.mark.parametrize("text", ["8", "8:5", "08:60", "08:30:61", "ab:cd", "", "8:30 am"])
def test_parse_clock_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a time HH:MM"):
        parse_clock(text)


def test_format_cell_time() -> None:
    assert format_cell_time(T705) == "7:05"
    assert format_cell_time(T705 + 30) == "7:05:30"
    assert format_cell_time(25 * 3600) == "25:00"
